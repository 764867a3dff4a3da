package ratelimit

import (
	"testing"
	"time"
)

// Requests are counted per bucket in fixed windows: the limit is reported
// always, refused only when enforced, and a new window starts afresh.
func TestTakeCountsPerBucketInFixedWindows(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	l := New[string](2, 10*time.Second, true)
	for i, want := range []Quota{
		{Allowed: true, Limit: 2, Remaining: 1, Reset: 10, Window: 10 * time.Second},
		{Allowed: true, Limit: 2, Remaining: 0, Reset: 10, Window: 10 * time.Second},
		{Allowed: false, Limit: 2, Remaining: 0, Reset: 10, Window: 10 * time.Second},
	} {
		if got := l.Take("a", start); got != want {
			t.Errorf("request %d: %+v, want %+v", i+1, got, want)
		}
	}
	if got := l.Take("b", start); !got.Allowed || got.Remaining != 1 {
		t.Errorf("another bucket: %+v, want its own count", got)
	}
	if got := l.Take("a", start.Add(9500*time.Millisecond)); got.Reset != 1 {
		t.Errorf("half a second before the window ends: reset %d, want 1", got.Reset)
	}
	if got := l.Take("a", start.Add(10*time.Second)); !got.Allowed || got.Remaining != 1 {
		t.Errorf("a new window: %+v, want it afresh", got)
	}
	l.Set(5, time.Minute, false)
	if limit, window, enforce := l.Settings(); limit != 5 || window != time.Minute || enforce {
		t.Errorf("Settings() = %d, %s, %v after Set(5, 1m, false)", limit, window, enforce)
	}
	for range 7 {
		if got := l.Take("a", start); !got.Allowed {
			t.Fatalf("not enforced, yet refused: %+v", got)
		}
	}
}

// A flood of buckets does not keep ended windows.
func TestEndedWindowsAreSwept(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	l := New[int](1, time.Second, false)
	for i := range maxBuckets + 1 {
		l.Take(i, start)
	}
	l.Take(-1, start.Add(2*time.Second))
	if n := len(l.buckets); n != 1 {
		t.Errorf("%d buckets after every window ended, want 1", n)
	}
}
