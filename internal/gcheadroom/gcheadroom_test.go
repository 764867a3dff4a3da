package gcheadroom

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live, headroom uint64
		want           int
	}{
		{0, 32 * mb, 100},           // nothing measured yet: the default
		{8 * mb, 32 * mb, 400},      // 8 MB live may grow by 32 MB
		{16 * mb, 32 * mb, 200},     // ... by 32 MB, what GOGC=200 gives
		{32 * mb, 32 * mb, 100},     // doubling gives as much
		{100 * mb, 32 * mb, 100},    // a large heap: never below GOGC=100
		{1, 32 * mb, 1 << 20},       // a tiny heap: bounded
		{33 * mb / 2, 32 * mb, 193}, // rounded down
	} {
		if got := Percent(c.live, c.headroom); got != c.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", c.live, c.headroom, got, c.want)
		}
	}
}

func gogc() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// waitForGOGC collects until GOGC is want, or fails after 10 s: the
// tuner's finalizer runs in its own goroutine after a collection.
func waitForGOGC(t *testing.T, want func(uint64) bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !want(gogc()); {
		if time.Now().After(deadline) {
			t.Fatalf("GOGC is %d, want %s", gogc(), what)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

// Rule: with a small live heap GOGC gives it the headroom; when the live
// heap grows past the headroom, GOGC goes back to 100; stop puts back the
// GOGC there was; a second Start meanwhile changes nothing.
func TestStartFollowsTheLiveHeap(t *testing.T) {
	const headroom = 64 << 20
	stop := Start(headroom)
	// The live heap is known from the first collection on.
	waitForGOGC(t, func(g uint64) bool { return g > 100 }, "more than 100 with a test's small heap")
	Start(1)() // another Start, and its stop: no effect
	if g := gogc(); g <= 100 {
		t.Errorf("a second Start and stop set GOGC to %d", g)
	}

	big := make([][]byte, 0, 16)
	for range 16 {
		big = append(big, make([]byte, 8<<20)) // 128 MB live
	}
	waitForGOGC(t, func(g uint64) bool { return g == 100 }, "100 with 128 MB live")
	runtime.KeepAlive(big)
	big = nil
	waitForGOGC(t, func(g uint64) bool { return g > 100 }, "more than 100 once the heap is small again")

	stop()
	if g := gogc(); g != 100 {
		t.Errorf("after stop GOGC is %d, want the 100 there was", g)
	}
}
