package capacity

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress shows a run's live figures: one line rewritten in place on a
// terminal, plain lines every few seconds otherwise (CI logs).
type Progress struct {
	w        io.Writer
	terminal bool
	every    time.Duration

	mu   sync.Mutex // guards step and writes to w
	step int
}

// NewProgress returns the progress display on w.
func NewProgress(w io.Writer, terminal bool) *Progress {
	every := 5 * time.Second
	if terminal {
		every = 250 * time.Millisecond
	}
	return &Progress{w: w, terminal: terminal, every: every}
}

// start shows e's figures until the returned function is called.
func (p *Progress) start(e *engine) (stop func()) {
	if p == nil {
		return func() {}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(p.every)
		defer t.Stop()
		for {
			select {
			case <-done:
				if p.terminal {
					p.line(e)
					fmt.Fprintln(p.w)
				}
				return
			case <-t.C:
				p.line(e)
			}
		}
	}()
	return func() { close(done); <-finished }
}

func (p *Progress) line(e *engine) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := e.snapshot(p.step)
	text := fmt.Sprintf("%5.1fs  rate %6.1f/s  in flight %4d  p99 %8s  sent %6d  failed %4d  not sent %4d  results back %6d",
		s.elapsed.Seconds(), s.rate, s.inFlight, s.p99.Round(100*time.Microsecond), s.sent, s.failed, s.notSent, s.results)
	if p.terminal {
		fmt.Fprintf(p.w, "\r\x1b[K%s", text)
		return
	}
	fmt.Fprintln(p.w, text)
}

func (p *Progress) stepStarted(i int, rate float64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.step = i
	p.println(fmt.Sprintf("step %d: %.2f webhooks/s", i+1, rate))
}

func (p *Progress) stepEnded(s Step) {
	if p == nil {
		return
	}
	verdict := "held"
	if !s.Held {
		verdict = "broke the budget:"
		for _, b := range s.Breaches {
			verdict += " " + b.Name
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.println(fmt.Sprintf("  %.2f/s achieved, p99 %s, error rate %.1f%%, %d not sent, %d results missing — %s",
		s.AchievedRate, fmtMS(s.P99MS), 100*s.ErrorRate, s.NotSent, s.Missing, verdict))
}

// println writes a line; p.mu is held.
func (p *Progress) println(s string) {
	if p.terminal {
		fmt.Fprintf(p.w, "\r\x1b[K%s\n", s)
		return
	}
	fmt.Fprintln(p.w, s)
}
