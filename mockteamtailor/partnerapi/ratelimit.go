package partnerapi

import (
	"sync"
	"time"
)

// rateLimiter counts requests per bucket (a partner, or a client address
// for unauthenticated requests) in fixed windows, as Teamtailor reports
// them in X-Rate-Limit-* headers.
type rateLimiter struct {
	mu      sync.Mutex // guards every field
	limit   int
	window  time.Duration
	enforce bool
	buckets map[rateBucket]*rateWindow
}

// rateBucket is what requests are counted by: a partner, or the address
// of a client that did not authenticate.
type rateBucket struct {
	client bool
	id     string
}

type rateWindow struct {
	start time.Time
	count int
}

// quota is the state of one bucket after a request was counted.
type quota struct {
	allowed   bool
	limit     int
	remaining int
	reset     int // whole seconds until the window starts afresh, at least 1
	window    time.Duration
}

func newRateLimiter(limit int, window time.Duration, enforce bool) *rateLimiter {
	return &rateLimiter{limit: limit, window: window, enforce: enforce, buckets: map[rateBucket]*rateWindow{}}
}

func (l *rateLimiter) set(limit int, window time.Duration, enforce bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit, l.window, l.enforce = limit, window, enforce
	clear(l.buckets)
}

// take counts one request of bucket at now.
func (l *rateLimiter) take(bucket rateBucket, now time.Time) quota {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.buckets[bucket]
	if w == nil || now.Sub(w.start) >= l.window || now.Before(w.start) {
		if len(l.buckets) > 10000 {
			l.sweep(now) // keep a flood of client addresses from growing the map
		}
		w = &rateWindow{start: now}
		l.buckets[bucket] = w
	}
	w.count++
	reset := int((w.start.Add(l.window).Sub(now) + time.Second - 1) / time.Second)
	return quota{
		allowed:   !l.enforce || w.count <= l.limit,
		limit:     l.limit,
		remaining: max(l.limit-w.count, 0),
		reset:     max(reset, 1),
		window:    l.window,
	}
}

// sweep drops windows that have ended.
func (l *rateLimiter) sweep(now time.Time) {
	for k, w := range l.buckets {
		if now.Sub(w.start) >= l.window {
			delete(l.buckets, k)
		}
	}
}

func (l *rateLimiter) settings() (int, time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit, l.window, l.enforce
}
