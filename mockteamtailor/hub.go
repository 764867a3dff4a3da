package mockteamtailor

import (
	"sync"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// hub fans journal entries out to live subscribers (the web UI's
// server-sent events, `deliveries --follow`). A slow subscriber misses
// entries rather than slowing deliveries down; it can catch up from the
// journal by id.
type hub struct {
	mu   sync.Mutex // guards subs
	subs map[chan store.Delivery]struct{}
}

func (h *hub) publish(d store.Delivery) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- d:
		default:
		}
	}
}

// Subscribe returns a channel of new journal entries and a function that
// ends the subscription and closes the channel.
func (s *Server) Subscribe() (<-chan store.Delivery, func()) {
	h := &s.events
	ch := make(chan store.Delivery, 64)
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[chan store.Delivery]struct{}{}
	}
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs, ch)
			h.mu.Unlock()
			close(ch)
		})
	}
}
