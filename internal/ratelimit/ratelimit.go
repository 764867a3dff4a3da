// Package ratelimit counts requests per bucket in fixed windows, as
// Teamtailor's APIs report them in their X-Rate-Limit-* headers. The
// Partner API and the public API both use it, each with its own bucket
// type.
package ratelimit

import (
	"sync"
	"time"
)

// maxBuckets is how many buckets are kept before windows that have ended
// are swept: a flood of client addresses must not grow the map.
const maxBuckets = 10000

// Limiter counts requests per bucket K in fixed windows. It is safe for
// concurrent use.
type Limiter[K comparable] struct {
	mu      sync.Mutex // guards every field
	limit   int
	window  time.Duration
	enforce bool
	buckets map[K]*span
}

type span struct {
	start time.Time
	count int
}

// Quota is a bucket's state after a request was counted.
type Quota struct {
	Allowed   bool // false only when the limit is enforced and passed
	Limit     int
	Remaining int
	Reset     int // whole seconds until the window starts afresh, at least 1
	Window    time.Duration
}

// New returns a limiter of limit requests per window; requests over it are
// refused (Quota.Allowed false) only when enforce is set.
func New[K comparable](limit int, window time.Duration, enforce bool) *Limiter[K] {
	return &Limiter[K]{limit: limit, window: window, enforce: enforce, buckets: map[K]*span{}}
}

// Set changes the settings and starts every bucket afresh.
func (l *Limiter[K]) Set(limit int, window time.Duration, enforce bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit, l.window, l.enforce = limit, window, enforce
	clear(l.buckets)
}

// Settings returns the limit, the window and whether it is enforced.
func (l *Limiter[K]) Settings() (int, time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit, l.window, l.enforce
}

// Take counts one request of bucket at now.
func (l *Limiter[K]) Take(bucket K, now time.Time) Quota {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.buckets[bucket]
	if w == nil || now.Sub(w.start) >= l.window || now.Before(w.start) {
		if len(l.buckets) > maxBuckets {
			for k, old := range l.buckets {
				if now.Sub(old.start) >= l.window {
					delete(l.buckets, k)
				}
			}
		}
		w = &span{start: now}
		l.buckets[bucket] = w
	}
	w.count++
	reset := int((w.start.Add(l.window).Sub(now) + time.Second - 1) / time.Second)
	return Quota{
		Allowed:   !l.enforce || w.count <= l.limit,
		Limit:     l.limit,
		Remaining: max(l.limit-w.count, 0),
		Reset:     max(reset, 1),
		Window:    l.window,
	}
}
