package examplepartner

import "sync"

// maxSeenEvents bounds the event ids the partner remembers: at a hundred
// webhooks a second, well over the 5-minute signature window.
const maxSeenEvents = 100_000

// seenEvents remembers the most recent event ids accepted, oldest first
// out, so a replay inside the signature window is recognised.
type seenEvents struct {
	mu    sync.Mutex // guards ids, order and next
	ids   map[string]bool
	order []string // a ring of the ids in ids
	next  int
}

func newSeenEvents() *seenEvents {
	return &seenEvents{ids: make(map[string]bool, 1024), order: make([]string, 0, 1024)}
}

// add records id and reports whether it is new.
func (s *seenEvents) add(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids[id] {
		return false
	}
	s.ids[id] = true
	if len(s.order) < maxSeenEvents {
		s.order = append(s.order, id)
		return true
	}
	delete(s.ids, s.order[s.next])
	s.order[s.next] = id
	s.next = (s.next + 1) % maxSeenEvents
	return true
}
