package logbuffer

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogBufferBatchesAndKeepsEveryLine(t *testing.T) {
	var out lockedBuffer
	lb := New(&out, time.Hour) // only size and Close write
	var want strings.Builder
	for i := range 5000 {
		line := strings.Repeat("x", i%200) + "\n"
		want.WriteString(line)
		if _, err := lb.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	big := strings.Repeat("y", size+10) + "\n"
	want.WriteString(big)
	lb.Write([]byte(big))
	if err := lb.Close(); err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Fatalf("lines lost or reordered: got %d bytes, want %d", len(out.String()), want.Len())
	}
	if out.writes > 20 {
		t.Errorf("%d writes for 5001 lines; the buffer should batch them", out.writes)
	}
}

func TestLogBufferWritesWithinTheInterval(t *testing.T) {
	var out lockedBuffer
	lb := New(&out, 10*time.Millisecond)
	defer lb.Close()
	lb.Write([]byte("hello\n"))
	deadline := time.Now().Add(30 * time.Second)
	for out.String() != "hello\n" {
		if time.Now().After(deadline) {
			t.Fatal("a buffered line was never written")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
