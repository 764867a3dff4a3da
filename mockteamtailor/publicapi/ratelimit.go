package publicapi

import (
	"sync"
	"time"
)

// rateLimiter counts requests per key (or per client address for
// requests without a valid key) in fixed windows, as the X-Rate-Limit-*
// headers report them (docs/public-api.md §4).
type rateLimiter struct {
	mu      sync.Mutex // guards every field
	limit   int
	window  time.Duration
	enforce bool
	buckets map[string]*rateWindow
}

type rateWindow struct {
	start time.Time
	count int
}

// quota is a bucket's state after a request was counted.
type quota struct {
	allowed          bool
	limit, remaining int
	reset            int // whole seconds until the window starts afresh, at least 1
}

func newRateLimiter(limit int, window time.Duration, enforce bool) *rateLimiter {
	return &rateLimiter{limit: limit, window: window, enforce: enforce, buckets: map[string]*rateWindow{}}
}

func (l *rateLimiter) set(limit int, window time.Duration, enforce bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit, l.window, l.enforce = limit, window, enforce
	clear(l.buckets)
}

// take counts one request of bucket at now.
func (l *rateLimiter) take(bucket string, now time.Time) quota {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.buckets[bucket]
	if w == nil || now.Sub(w.start) >= l.window || now.Before(w.start) {
		if len(l.buckets) > 10000 {
			for k, old := range l.buckets { // a flood of addresses must not grow the map
				if now.Sub(old.start) >= l.window {
					delete(l.buckets, k)
				}
			}
		}
		w = &rateWindow{start: now}
		l.buckets[bucket] = w
	}
	w.count++
	reset := int((w.start.Add(l.window).Sub(now) + time.Second - 1) / time.Second)
	return quota{allowed: !l.enforce || w.count <= l.limit, limit: l.limit, remaining: max(l.limit-w.count, 0), reset: max(reset, 1)}
}
