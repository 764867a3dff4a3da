package mockteamtailor

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// requestLogPerSecond is how many answered requests a second get a line
// of the request log each. Beyond it, in a load test or a capacity run,
// requests are counted and the count logged once the second is over:
// thousands of lines a second would cost the mock a few percent of its
// CPU, and a terminal cannot show them anyway. A failed request (4xx,
// 5xx) always gets its line; the journal keeps every request either way.
const requestLogPerSecond = 100

// requestLogLimit counts the lines of the request log in the current
// second. It is safe for concurrent use.
type requestLogLimit struct {
	logger *slog.Logger

	mu      sync.Mutex
	second  int64 // the Unix second being counted
	logged  int   // lines written in it
	skipped int   // requests answered in it without a line
}

// allow reports whether a request answered at now gets a line of its own.
// The first request of a new second reports what the last one skipped.
func (l *requestLogLimit) allow(now time.Time) bool {
	sec := now.Unix()
	l.mu.Lock()
	report := 0
	if sec != l.second {
		report, l.skipped = l.skipped, 0
		l.second, l.logged = sec, 0
	}
	ok := l.logged < requestLogPerSecond
	if ok {
		l.logged++
	} else if l.skipped++; l.skipped == 1 {
		// Reported by the first request of a later second, or by this
		// timer when none comes.
		time.AfterFunc(time.Unix(sec+1, 0).Sub(now)+10*time.Millisecond, func() { l.flush(sec) })
	}
	l.mu.Unlock()
	l.report(report)
	return ok
}

// flush reports the requests second sec skipped, unless they were.
func (l *requestLogLimit) flush(sec int64) {
	l.mu.Lock()
	report := 0
	if l.second == sec || sec < 0 {
		report, l.skipped = l.skipped, 0
	}
	l.mu.Unlock()
	l.report(report)
}

func (l *requestLogLimit) report(n int) {
	if n > 0 {
		l.logger.LogAttrs(context.Background(), slog.LevelInfo, "more requests answered, not logged one by one",
			slog.Int("count", n), slog.Int("logged per second", requestLogPerSecond))
	}
}
