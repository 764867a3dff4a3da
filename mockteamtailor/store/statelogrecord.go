package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// Kinds of records a log change names.
const (
	recPartner    = "partner"
	recCompany    = "company"
	recActivation = "activation"
	recResult     = "result"
	recJob        = "job"
	recCandidate  = "candidate"
	recTrigger    = "trigger"
)

// logRecord is one entry of the state log: what one mutation changed, or
// journal entries appended.
type logRecord struct {
	// Full replaces the whole store (a reset).
	Full *state `json:"full,omitempty"`
	// Put holds the records a mutation wrote or deleted, as they are now.
	Put []logChange `json:"put,omitempty"`
	// Next and NextActivationID are the id counters after the change.
	Next             *counters  `json:"next,omitempty"`
	NextActivationID int        `json:"nextActivationId,omitempty"`
	Journal          []Delivery `json:"journal,omitempty"`
}

// logChange is one record written (Value) or deleted.
type logChange struct {
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	Value   json.RawMessage `json:"value,omitempty"`
	Deleted bool            `json:"deleted,omitempty"`
}

type touchedKey struct{ kind, id string }

// touch notes that a mutation is about to change the record kind/id;
// mutate logs it, and keeps the record as it was until the log record is
// on disk (rollback.go). Every mutation of a durable store names what it
// changes this way, before it changes it.
func (s *MemStore) touch(kind, id string) {
	if s.file != nil {
		s.touched = append(s.touched, touchedKey{kind, id})
		s.notePre(kind, id)
	}
}

func (s *MemStore) touchInt(kind string, id int64) {
	s.touch(kind, strconv.FormatInt(id, 10))
}

// touchAll notes that a mutation is about to replace the whole store.
func (s *MemStore) touchAll() {
	if s.file != nil {
		s.touchedAll = true
		s.noteAll()
	}
}

// logChangesLocked queues the log record of the mutation that just ran
// (with s.mu held, so records are queued in the order they happened) and
// returns its sequence number.
func (s *MemStore) logChangesLocked() (uint64, error) {
	if !s.touchedAll && s.onlyResultsTouched() {
		// The common write (a result created, updated or deleted) in
		// binary: encoding it as JSON was most of a write's CPU time and
		// of replaying the log at start-up.
		seq := s.file.log.AppendWith(s.appendResultsRecord)
		s.touched = s.touched[:0]
		return seq, nil
	}
	rec := logRecord{Next: &s.next, NextActivationID: s.nextActivationID}
	if s.touchedAll {
		st := s.snapshotLocked()
		st.decodeResultBlobs() // a reset, written as JSON
		st.Journal = s.journal
		rec.Full = &st
	} else {
		seen := make(map[touchedKey]bool, len(s.touched))
		for _, k := range s.touched {
			if seen[k] {
				continue
			}
			seen[k] = true
			v, ok := s.recordValue(k)
			c := logChange{Kind: k.kind, ID: k.id, Deleted: !ok}
			if ok {
				raw, err := json.Marshal(v)
				if err != nil {
					return 0, fmt.Errorf("encode %s %s: %w: %w", k.kind, k.id, err, ErrPersist)
				}
				c.Value = raw
			}
			rec.Put = append(rec.Put, c)
		}
	}
	s.touched, s.touchedAll = s.touched[:0], false
	payload, err := json.Marshal(rec)
	if err != nil {
		return 0, fmt.Errorf("encode state change: %w: %w", err, ErrPersist)
	}
	return s.file.log.Append(payload), nil
}

// recordValue returns the current record of k, or false when it is gone.
func (s *MemStore) recordValue(k touchedKey) (any, bool) {
	n, _ := strconv.ParseInt(k.id, 10, 64)
	var v any
	var ok bool
	switch k.kind {
	case recPartner:
		v, ok = s.partners[k.id]
	case recCompany:
		v, ok = s.companies[k.id]
	case recActivation:
		v, ok = s.activations[k.id]
	case recResult:
		var blob []byte
		if blob, ok = s.results[k.id]; ok {
			v = decodeResultBlob(blob)
		}
	case recJob:
		v, ok = s.jobs[n]
	case recCandidate:
		v, ok = s.candidates[n]
	case recTrigger:
		v, ok = s.triggers[n]
	default:
		panic("unknown record kind " + k.kind)
	}
	return v, ok
}

// logJournalLocked queues a journal entry; it reaches the disk with the
// next group commit or Flush.
func (s *MemStore) logJournalLocked(d Delivery) {
	if s.file == nil {
		return
	}
	s.file.log.AppendWith(func(b []byte) []byte { return appendJournalRecord(b, &d) })
}

// applyRecord replays one log record onto the store.
func (s *MemStore) applyRecord(payload []byte) error {
	if len(payload) > 0 {
		switch payload[0] {
		case resultsRecord:
			return s.applyResultsRecord(payload)
		case journalRecord:
			d, err := decodeJournalRecord(payload)
			if err != nil {
				return err
			}
			s.replayJournalLocked(d)
			return nil
		}
	}
	var rec logRecord
	if err := json.Unmarshal(payload, &rec); err != nil {
		return fmt.Errorf("record is not a state change: %w", err)
	}
	if rec.Full != nil {
		fresh := NewMemStore()
		s.partners, s.companies, s.activations, s.activationOrder = fresh.partners, fresh.companies, fresh.activations, fresh.activationOrder
		s.results, s.resultOrder, s.jobs, s.candidates, s.triggers = fresh.results, fresh.resultOrder, fresh.jobs, fresh.candidates, fresh.triggers
		s.clearJournalLocked()
		if err := s.restore(rec.Full); err != nil {
			return err
		}
		for _, d := range rec.Full.Journal {
			s.replayJournalLocked(d)
		}
	}
	for _, c := range rec.Put {
		if err := s.applyChange(c); err != nil {
			return fmt.Errorf("%s %s: %w", c.Kind, c.ID, err)
		}
	}
	if rec.Next != nil {
		s.next = *rec.Next
		s.nextActivationID = max(rec.NextActivationID, 1)
	}
	for _, d := range rec.Journal {
		s.replayJournalLocked(d)
	}
	return nil
}

func (s *MemStore) applyChange(c logChange) error {
	n, _ := strconv.ParseInt(c.ID, 10, 64)
	switch c.Kind {
	case recPartner:
		return putOrDelete(s.partners, c.ID, c)
	case recCompany:
		return putOrDelete(s.companies, c.ID, c)
	case recJob:
		return putOrDelete(s.jobs, n, c)
	case recCandidate:
		if old, ok := s.candidates[n]; ok {
			s.candidateBytes -= candidateSize(&old)
		}
		if err := putOrDelete(s.candidates, n, c); err != nil {
			return err
		}
		if cur, ok := s.candidates[n]; ok {
			s.candidateBytes += candidateSize(&cur)
		}
		return nil
	case recTrigger:
		return putOrDelete(s.triggers, n, c)
	case recActivation:
		old, existed := s.activations[c.ID]
		if err := putOrDelete(s.activations, c.ID, c); err != nil {
			return err
		}
		if a, ok := s.activations[c.ID]; ok && !existed {
			s.activationOrder[a.PartnerID] = append(s.activationOrder[a.PartnerID], c.ID)
		} else if !ok && existed {
			s.activationOrder[old.PartnerID] = slices.DeleteFunc(s.activationOrder[old.PartnerID], func(x string) bool { return x == c.ID })
		}
		return nil
	case recResult:
		if c.Deleted {
			s.putResult(c.ID, nil)
			return nil
		}
		var r PartnerResult
		if err := json.Unmarshal(c.Value, &r); err != nil {
			return err
		}
		s.putResult(c.ID, encodeResultBlob(&r))
		return nil
	}
	return fmt.Errorf("unknown record kind %q", c.Kind)
}

func putOrDelete[K comparable, V any](m map[K]V, k K, c logChange) error {
	if c.Deleted {
		delete(m, k)
		return nil
	}
	var v V
	if err := json.Unmarshal(c.Value, &v); err != nil {
		return err
	}
	m[k] = v
	return nil
}

// putResult stores r as result id, or deletes it when r is nil, keeping
// the partner's result order.
func (s *MemStore) putResult(id string, blob []byte) {
	old, existed := s.results[id]
	s.resultBytes += resultSize(id, blob) - resultSize(id, old)
	switch {
	case blob == nil && existed:
		delete(s.results, id)
		_, partnerID := blobIdentity(old)
		s.resultOrder[partnerID] = slices.DeleteFunc(s.resultOrder[partnerID], func(x string) bool { return x == id })
	case blob != nil:
		s.results[id] = blob
		if !existed {
			_, partnerID := blobIdentity(blob)
			s.resultOrder[partnerID] = append(s.resultOrder[partnerID], id)
		}
	}
}
