// Package gcheadroom keeps the garbage collector from running after every
// few megabytes allocated when the live heap is small.
//
// With GOGC at its default of 100 the heap may grow to twice what is live
// before the next collection. A mock holding a small sandbox has a few
// megabytes live, so under load it collected after every few hundred
// requests, which cost it 8-10 % of its CPU per request. Headroom gives the
// heap a fixed allowance above what is live instead, once the live heap
// is small enough that doubling it would give less: a large sandbox is
// collected as with GOGC=100, a small one less often, and the heap stays
// within what is live plus the allowance.
package gcheadroom

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// Percent is the GOGC that gives a heap of live bytes headroom bytes to
// grow before the next collection, and never less than GOGC=100 gives.
func Percent(live, headroom uint64) int {
	if live == 0 || headroom <= live {
		return 100
	}
	return int(min(headroom*100/live, 1<<20))
}

// active is set while a Start runs: GOGC is the process's, one at a time.
var active atomic.Bool

// Start sets GOGC after every collection to Percent of the live heap, and
// returns a function that stops it and puts back the GOGC there was. While
// one runs, another Start does nothing.
func Start(headroom uint64) (stop func()) {
	if !active.CompareAndSwap(false, true) {
		return func() {}
	}
	t := &tuner{headroom: headroom, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.before = debug.SetGCPercent(100)
	t.adjust()
	t.arm()
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		if !t.stopped {
			t.stopped = true
			debug.SetGCPercent(t.before)
			active.Store(false)
		}
	}
}

type tuner struct {
	headroom uint64
	before   int
	mu       sync.Mutex // guards the fields below
	sample   []metrics.Sample
	percent  int
	stopped  bool
}

// sentinel is garbage from the moment it is made: its finalizer runs
// after the next collection. It holds a pointer, so it is never one of the
// tiny allocations whose finalizers may not run.
type sentinel struct{ t *tuner }

func (t *tuner) arm() {
	runtime.SetFinalizer(&sentinel{t: t}, func(s *sentinel) {
		if s.t.adjust() {
			s.t.arm()
		}
	})
}

// adjust sets GOGC for the live heap; false once stopped.
func (t *tuner) adjust() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return false
	}
	metrics.Read(t.sample)
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		if p := Percent(t.sample[0].Value.Uint64(), t.headroom); p != t.percent {
			t.percent = p
			debug.SetGCPercent(p)
		}
	}
	return true
}
