// Package logbuffer batches log lines so that a line per request does not
// cost a write(2) per request.
package logbuffer

import (
	"io"
	"sync"
	"time"
)

// Buffer batches log lines: the request log writes one line per
// request, and a write(2) per line was a measurable share of a Partner
// API request's CPU time. Lines reach the underlying writer when the
// buffer fills, every interval, and on Close, so a line is at most one
// interval late and never lost on a clean shutdown.
type Buffer struct {
	mu   sync.Mutex // guards buf, out, err
	buf  []byte
	out  io.Writer
	err  error // the first write error; later lines are dropped
	stop chan struct{}
	done chan struct{}
}

// size is how much a Buffer holds before it writes.
const size = 64 << 10

// New returns a Buffer writing to out at least every interval.
func New(out io.Writer, interval time.Duration) *Buffer {
	b := &Buffer{out: out, buf: make([]byte, 0, size), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.Flush()
			case <-b.stop:
				return
			}
		}
	}()
	return b
}

// Write implements io.Writer. It keeps p (log handlers write whole lines)
// and writes the buffer out when it is full.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	if len(b.buf)+len(p) > size {
		b.flushLocked()
		if len(p) >= size {
			if _, err := b.out.Write(p); err != nil {
				b.err = err
				return 0, err
			}
			return len(p), nil
		}
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Flush writes out what is buffered.
func (b *Buffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	return b.err
}

func (b *Buffer) flushLocked() {
	if len(b.buf) == 0 || b.err != nil {
		return
	}
	if _, err := b.out.Write(b.buf); err != nil {
		b.err = err
	}
	b.buf = b.buf[:0]
}

// Close stops the periodic writes and writes out what is left.
func (b *Buffer) Close() error {
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
	<-b.done
	return b.Flush()
}
