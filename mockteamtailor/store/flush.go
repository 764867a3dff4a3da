package store

import (
	"context"
	"time"
)

// FlushEvery calls Flush every interval until ctx ends, handing a failure
// to onError: with --state, journal entries reach the disk within an
// interval without making every Partner API request wait for it.
func (s *MemStore) FlushEvery(ctx context.Context, interval time.Duration, onError func(error)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := s.Flush(); err != nil && onError != nil {
				onError(err)
			}
		}
	}
}
