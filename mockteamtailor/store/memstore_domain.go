package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// counters hold the next id of each kind of record the store numbers.
type counters struct {
	Job       int64 `json:"job"`
	Stage     int64 `json:"stage"`
	Candidate int64 `json:"candidate"`
	Trigger   int64 `json:"trigger"`
	Delivery  int64 `json:"delivery"`
}

// take returns the next id after at least floor, and remembers it.
func take(next *int64, floor int64) int64 {
	*next = max(*next, floor) + 1
	return *next
}

// AllResults implements Store.
func (s *MemStore) AllResults(_ context.Context, f ResultFilter) ([]PartnerResult, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []PartnerResult
	if f.CandidateID == 0 && f.EventID == "" && f.Status == "" {
		// All of them, or all of one partner's: sized at once, as growing
		// a slice of 100,000 results copies it over and over.
		n := 0
		for pid, ids := range s.resultOrder {
			if f.PartnerID == "" || pid == f.PartnerID {
				n += len(ids)
			}
		}
		out = make([]PartnerResult, 0, n)
	}
	partners := slices.SortedFunc(maps.Keys(s.resultOrder), compareIDs)
	for _, pid := range partners {
		if f.PartnerID != "" && pid != f.PartnerID {
			continue
		}
		for _, id := range s.resultOrder[pid] {
			r := decodeResultBlob(s.results[id])
			if (f.CandidateID == 0 || r.CandidateID == f.CandidateID) && (f.EventID == "" || r.EventID == f.EventID) && (f.Status == "" || r.Status == f.Status) {
				out = append(out, r)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b PartnerResult) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

// Companies implements Store.
func (s *MemStore) Companies(_ context.Context) ([]Company, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Company, 0, len(s.companies))
	for _, c := range s.companies {
		out = append(out, cloneCompany(c))
	}
	slices.SortFunc(out, func(a, b Company) int { return strings.Compare(a.Name+a.UUID, b.Name+b.UUID) })
	return out, nil
}

// UpdateCompany implements Store.
func (s *MemStore) UpdateCompany(_ context.Context, uuid string, update func(*Company) error) (Company, error) {
	var out Company
	err := s.mutate(func() error {
		c, ok := s.companies[uuid]
		if !ok {
			return fmt.Errorf("company %q: %w", uuid, ErrNotFound)
		}
		c = cloneCompany(c)
		if err := update(&c); err != nil {
			return err
		}
		c.UUID = uuid
		s.touch(recCompany, uuid)
		s.companies[uuid] = c
		out = cloneCompany(c)
		return nil
	})
	return out, err
}

// ActivationFor implements Store.
func (s *MemStore) ActivationFor(_ context.Context, partnerID, companyUUID string) (Activation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, id := range s.activationOrder[partnerID] {
		if a := s.activations[id]; a.CompanyUUID == companyUUID {
			return cloneActivation(a), nil
		}
	}
	return Activation{}, fmt.Errorf("activation of partner %q in company %q: %w", partnerID, companyUUID, ErrNotFound)
}

// DeleteActivation implements Store.
func (s *MemStore) DeleteActivation(_ context.Context, partnerID, id string) error {
	return s.mutate(func() error {
		a, ok := s.activations[id]
		switch {
		case !ok:
			return fmt.Errorf("partner activation %q: %w", id, ErrNotFound)
		case a.PartnerID != partnerID:
			return fmt.Errorf("partner activation %q: %w", id, ErrForbidden)
		}
		s.touch(recActivation, id)
		delete(s.activations, id)
		order := s.activationOrder[partnerID]
		i := slices.Index(order, id)
		s.notePosition(i)
		if i >= 0 {
			s.activationOrder[partnerID] = slices.Delete(order, i, i+1)
		}
		return nil
	})
}

// PutJob implements Store.
func (s *MemStore) PutJob(_ context.Context, j Job) (Job, error) {
	j = cloneJob(j)
	err := s.mutate(func() error {
		if _, ok := s.companies[j.CompanyUUID]; !ok {
			return fmt.Errorf("company %q: %w", j.CompanyUUID, ErrNotFound)
		}
		if j.ID == 0 {
			j.ID = take(&s.next.Job, 0)
		} else {
			s.next.Job = max(s.next.Job, j.ID)
		}
		seen := map[int64]bool{}
		for i := range j.Stages {
			if j.Stages[i].ID == 0 {
				j.Stages[i].ID = take(&s.next.Stage, 0)
			}
			s.next.Stage = max(s.next.Stage, j.Stages[i].ID)
			if seen[j.Stages[i].ID] {
				return fmt.Errorf("job %d: stage id %d appears twice: %w", j.ID, j.Stages[i].ID, ErrConflict)
			}
			seen[j.Stages[i].ID] = true
		}
		s.touchInt(recJob, j.ID)
		s.jobs[j.ID] = j
		return nil
	})
	return cloneJob(j), err
}

// Job implements Store.
func (s *MemStore) Job(_ context.Context, id int64) (Job, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	j, ok := s.jobs[id]
	if !ok {
		return Job{}, fmt.Errorf("job %d: %w", id, ErrNotFound)
	}
	return cloneJob(j), nil
}

// Jobs implements Store.
func (s *MemStore) Jobs(_ context.Context, companyUUID string) ([]Job, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Job
	for _, id := range slices.Sorted(maps.Keys(s.jobs)) {
		if j := s.jobs[id]; companyUUID == "" || j.CompanyUUID == companyUUID {
			out = append(out, cloneJob(j))
		}
	}
	return out, nil
}

// PutCandidate implements Store.
func (s *MemStore) PutCandidate(_ context.Context, c CandidateRecord) (CandidateRecord, error) {
	c = CloneCandidate(c)
	size := candidateSize(&c) // before the lock; an id's digits make no difference worth counting
	err := s.mutate(func() error {
		if _, ok := s.companies[c.CompanyUUID]; !ok {
			return fmt.Errorf("company %q: %w", c.CompanyUUID, ErrNotFound)
		}
		old := 0
		if prev, ok := s.candidates[c.ID]; ok && c.ID != 0 {
			old = candidateSize(&prev)
		}
		if err := s.checkCandidateLocked(size, old); err != nil {
			return fmt.Errorf("candidate: %w", err)
		}
		if c.ID == 0 {
			c.ID = take(&s.next.Candidate, 0)
		} else {
			s.next.Candidate = max(s.next.Candidate, c.ID)
		}
		c.Data.ID = c.ID
		s.touchInt(recCandidate, c.ID)
		s.candidateBytes += size - old
		s.candidates[c.ID] = c
		return nil
	})
	return CloneCandidate(c), err
}

// Candidate implements Store.
func (s *MemStore) Candidate(_ context.Context, id int64) (CandidateRecord, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.candidates[id]
	if !ok {
		return CandidateRecord{}, fmt.Errorf("candidate %d: %w", id, ErrNotFound)
	}
	return CloneCandidate(c), nil
}

// Candidates implements Store.
func (s *MemStore) Candidates(_ context.Context, companyUUID string, page Page) ([]CandidateRecord, int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ids []int64
	for _, id := range slices.Sorted(maps.Keys(s.candidates)) {
		if companyUUID == "" || s.candidates[id].CompanyUUID == companyUUID {
			ids = append(ids, id)
		}
	}
	window := pageWindow(ids, page)
	out := make([]CandidateRecord, 0, len(window))
	for _, id := range window {
		out = append(out, CloneCandidate(s.candidates[id]))
	}
	return out, len(ids), nil
}

// UpdateCandidate implements Store.
func (s *MemStore) UpdateCandidate(_ context.Context, id int64, update func(*CandidateRecord) error) (CandidateRecord, error) {
	var out CandidateRecord
	err := s.mutate(func() error {
		c, ok := s.candidates[id]
		if !ok {
			return fmt.Errorf("candidate %d: %w", id, ErrNotFound)
		}
		old := candidateSize(&c)
		c = CloneCandidate(c)
		if err := update(&c); err != nil {
			return err
		}
		c.ID, c.Data.ID = id, id
		size := candidateSize(&c)
		if err := s.checkCandidateLocked(size, old); err != nil {
			return fmt.Errorf("candidate %d: %w", id, err)
		}
		s.touchInt(recCandidate, id)
		s.candidateBytes += size - old
		s.candidates[id] = c
		out = CloneCandidate(c)
		return nil
	})
	return out, err
}

// DeleteCandidate implements Store.
func (s *MemStore) DeleteCandidate(_ context.Context, id int64) (CandidateRecord, error) {
	var out CandidateRecord
	err := s.mutate(func() error {
		c, ok := s.candidates[id]
		if !ok {
			return fmt.Errorf("candidate %d: %w", id, ErrNotFound)
		}
		s.touchInt(recCandidate, id)
		s.candidateBytes -= candidateSize(&c)
		delete(s.candidates, id)
		out = CloneCandidate(c)
		return nil
	})
	return out, err
}

// CreateTrigger implements Store.
func (s *MemStore) CreateTrigger(_ context.Context, t Trigger) (Trigger, error) {
	t.WebhookData = maps.Clone(t.WebhookData)
	err := s.mutate(func() error {
		t.ID = take(&s.next.Trigger, 0)
		s.touchInt(recTrigger, t.ID)
		s.triggers[t.ID] = t
		return nil
	})
	t.WebhookData = maps.Clone(t.WebhookData)
	return t, err
}

// Triggers implements Store.
func (s *MemStore) Triggers(_ context.Context, partnerID string) ([]Trigger, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Trigger
	for _, id := range slices.Sorted(maps.Keys(s.triggers)) {
		if t := s.triggers[id]; partnerID == "" || t.PartnerID == partnerID {
			t.WebhookData = maps.Clone(t.WebhookData)
			out = append(out, t)
		}
	}
	return out, nil
}

// DeleteTrigger implements Store.
func (s *MemStore) DeleteTrigger(_ context.Context, id int64) error {
	return s.mutate(func() error {
		if _, ok := s.triggers[id]; !ok {
			return fmt.Errorf("trigger %d: %w", id, ErrNotFound)
		}
		s.touchInt(recTrigger, id)
		delete(s.triggers, id)
		return nil
	})
}

// AppendJournal implements Store. The entry is in memory at once and on
// disk with the next group commit of the state log (Flush forces one).
func (s *MemStore) AppendJournal(_ context.Context, d Delivery) (Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d.ID = take(&s.next.Delivery, 0)
	s.pushJournalLocked(d)
	s.logJournalLocked(d)
	return d, nil
}

// replayJournalLocked puts back an entry read from disk, with its id.
func (s *MemStore) replayJournalLocked(d Delivery) {
	s.next.Delivery = max(s.next.Delivery, d.ID)
	s.pushJournalLocked(d)
}

// pushJournalLocked appends d and drops the oldest entries over the limit.
func (s *MemStore) pushJournalLocked(d Delivery) {
	if len(s.journal) == cap(s.journal) {
		s.makeJournalRoomLocked()
	}
	s.journal = append(s.journal, d)
	s.journalBytes += DeliverySize(&d)
	s.dropJournalLocked(s.journalOver()) // the oldest go
}

// makeJournalRoomLocked makes room to append to the journal. The journal
// is a window onto s.journalBuf: entries go from its front and come at its
// end, and when the end of the array is reached the window moves back to
// its start, one copy per array's worth of appends, instead of into a new
// array (which cost every Partner API request a kilobyte of allocation).
func (s *MemStore) makeJournalRoomLocked() {
	n := len(s.journal)
	buf := s.journalBuf[:cap(s.journalBuf)]
	if len(buf) >= 2*n && n > 0 && &s.journal[:cap(s.journal)][cap(s.journal)-1] == &buf[len(buf)-1] {
		// The window ends the array and fills at most half of it: its
		// copy at the front does not overlap it.
		copy(buf, s.journal)
		clear(buf[n:]) // let go of what the entries held
		s.journal = buf[:n]
		return
	}
	buf = make([]Delivery, n, max(2*n, 2*min(s.journalLimit, 4096), 16))
	copy(buf, s.journal)
	s.journalBuf, s.journal = buf, buf
}

// Journal implements Store.
func (s *MemStore) Journal(_ context.Context, f JournalFilter) ([]Delivery, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Delivery
	for _, d := range s.journal {
		if f.match(d) {
			out = append(out, d)
		}
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return slices.Clone(out), nil
}

// JournalEntry implements Store.
func (s *MemStore) JournalEntry(_ context.Context, id int64) (Delivery, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, found := slices.BinarySearchFunc(s.journal, id, func(d Delivery, id int64) int { return cmp.Compare(d.ID, id) })
	if !found {
		return Delivery{}, fmt.Errorf("delivery %d: %w (the journal keeps the newest %d)", id, ErrNotFound, s.journalLimit)
	}
	return s.journal[i], nil
}

// MarkStart implements Store.
func (s *MemStore) MarkStart(_ context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.snapshotLocked()
	s.start = &st
	return nil
}

// Reset implements Store.
func (s *MemStore) Reset(_ context.Context) error {
	return s.mutate(func() error {
		fresh := NewMemStore()
		fresh.journalLimit = s.journalLimit
		if s.start != nil {
			st := *s.start
			// The partners keep the keys they have now (docs/partner-developers.md "Reset").
			st.Partners = slices.Clone(st.Partners)
			for i, p := range st.Partners {
				if cur, ok := s.partners[p.ID]; ok {
					st.Partners[i].APIKey, st.Partners[i].WebhookSecret = cur.APIKey, cur.WebhookSecret
				}
			}
			if err := fresh.restore(&st); err != nil {
				return fmt.Errorf("reset: %w", err)
			}
		}
		s.touchAll()
		s.partners, s.companies, s.activations, s.activationOrder = fresh.partners, fresh.companies, fresh.activations, fresh.activationOrder
		s.results, s.resultOrder, s.jobs, s.candidates, s.triggers = fresh.results, fresh.resultOrder, fresh.jobs, fresh.candidates, fresh.triggers
		s.nextActivationID, s.next = fresh.nextActivationID, fresh.next
		s.resultBytes, s.candidateBytes = fresh.resultBytes, fresh.candidateBytes
		s.clearJournalLocked()
		return nil
	})
}

// Flush waits until every change and journal entry is on disk (journal
// entries are appended without waiting for it), and reports a failed
// background compaction.
func (s *MemStore) Flush() error {
	if s.file == nil {
		return nil
	}
	if err := s.file.log.Wait(s.file.log.Last()); err != nil {
		s.rollBack()
		return err
	}
	if p := s.file.compactErr.Swap(nil); p != nil {
		return *p
	}
	s.maybeCompact()
	return nil
}

func cloneCompany(c Company) Company {
	c.Users = slices.Clone(c.Users)
	c.CustomFields = slices.Clone(c.CustomFields)
	for i := range c.CustomFields {
		c.CustomFields[i].Options = slices.Clone(c.CustomFields[i].Options)
	}
	c.APITokens = slices.Clone(c.APITokens)
	c.Keys = slices.Clone(c.Keys)
	c.Webhooks = slices.Clone(c.Webhooks)
	for i := range c.Webhooks {
		c.Webhooks[i].Events = slices.Clone(c.Webhooks[i].Events)
	}
	return c
}

func cloneActivation(a Activation) Activation {
	a.Values = maps.Clone(a.Values)
	a.Mappings = slices.Clone(a.Mappings)
	return a
}

func cloneJob(j Job) Job {
	j.Tags = slices.Clone(j.Tags)
	j.CustomFields = slices.Clone(j.CustomFields)
	j.Stages = slices.Clone(j.Stages)
	return j
}

// CloneCandidate copies a candidate's lists so the copy shares none with
// the store. Pointers and raw JSON inside are shared: nothing ever writes
// through them, values are only replaced.
func CloneCandidate(c CandidateRecord) CandidateRecord {
	c.Applications = slices.Clone(c.Applications)
	c.Notes = slices.Clone(c.Notes)
	d := &c.Data
	d.Tags = slices.Clone(d.Tags)
	d.Locations = slices.Clone(d.Locations)
	d.Questions = slices.Clone(d.Questions)
	d.CustomFields = slices.Clone(d.CustomFields)
	d.Referrals = slices.Clone(d.Referrals)
	d.JobOffers = clonePtrSlice(d.JobOffers)
	d.Onboardings = clonePtrSlice(d.Onboardings)
	d.Uploads = clonePtrSlice(d.Uploads)
	if d.Job != nil {
		j := *d.Job
		j.Tags, j.CustomFields = slices.Clone(j.Tags), slices.Clone(j.CustomFields)
		d.Job = &j
	}
	return c
}

func clonePtrSlice[T any](p *[]T) *[]T {
	if p == nil {
		return nil
	}
	c := slices.Clone(*p)
	if c == nil {
		c = []T{}
	}
	return &c
}
