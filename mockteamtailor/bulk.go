package mockteamtailor

import (
	"sync"
	"time"
)

// BulkRun is the progress of one bulk trigger.
type BulkRun struct {
	ID         string    `json:"id"`
	PartnerID  string    `json:"partnerId"`
	Total      int       `json:"total"`
	Sent       int       `json:"sent"`   // delivered with a 2xx
	Failed     int       `json:"failed"` // delivered without a 2xx, or not at all
	Done       bool      `json:"done"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	ResultIDs  []string  `json:"resultIds"`
	ConfigID   int64     `json:"configDeliveryId,omitempty"`
}

// bulkRuns tracks bulk triggers in progress and done.
type bulkRuns struct {
	mu   sync.Mutex // guards runs
	runs map[string]*BulkRun
}

func (b *bulkRuns) start(r *BulkRun) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.runs == nil {
		b.runs = map[string]*BulkRun{}
	}
	b.runs[r.ID] = r
}

func (b *bulkRuns) update(id string, fn func(*BulkRun)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r, ok := b.runs[id]; ok {
		fn(r)
	}
}

// BulkRun returns a copy of a bulk run's progress.
func (s *Server) BulkRun(id string) (BulkRun, bool) {
	s.bulk.mu.Lock()
	defer s.bulk.mu.Unlock()
	r, ok := s.bulk.runs[id]
	if !ok {
		return BulkRun{}, false
	}
	c := *r
	c.ResultIDs = append([]string(nil), r.ResultIDs...)
	return c, true
}
