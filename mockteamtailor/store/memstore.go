package store

import (
	"cmp"
	"context"
	"crypto/subtle"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// MemStore is the in-memory Store. With a state file (OpenMemStore) every
// mutation is written to disk before the mutating call returns, so nothing
// a client was told succeeded is lost, even on kill -9.
type MemStore struct {
	mu               sync.RWMutex // guards every field below except file
	partners         map[string]Partner
	companies        map[string]Company
	activations      map[string]Activation
	activationOrder  map[string][]string // partner id -> activation ids, oldest first
	nextActivationID int
	results          map[string][]byte   // id -> the result's block (resultblob.go)
	resultOrder      map[string][]string // partner id -> result ids, oldest first
	jobs             map[int64]Job
	candidates       map[int64]CandidateRecord
	triggers         map[int64]Trigger
	journal          []Delivery // oldest first, at most journalLimit; a window onto journalBuf
	journalBuf       []Delivery
	journalLimit     int
	journalBytes     int // what the journal holds, by DeliverySize
	journalByteLimit int // beyond it the oldest entries go
	// What the results and candidates hold (resultSize, candidateSize)
	// and their limits (storelimits.go).
	resultBytes, resultByteLimit       int
	candidateBytes, candidateByteLimit int
	next                               counters
	// touched lists what the running mutation changed, for the state log
	// (durable stores only); touchedAll says it replaced everything.
	touched    []touchedKey
	touchedAll bool
	// pre keeps what the running mutation replaced, and undo what each
	// mutation whose record may not be on disk yet replaced (rollback.go).
	pre   []preImage
	undo  []undoEntry
	start *state // the start state Reset returns to (MarkStart)

	file *stateFile // nil when the store is not durable
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty, non-durable store.
func NewMemStore() *MemStore {
	return &MemStore{
		partners:         map[string]Partner{},
		companies:        map[string]Company{},
		activations:      map[string]Activation{},
		activationOrder:  map[string][]string{},
		nextActivationID: 1,
		results:          map[string][]byte{},
		resultOrder:      map[string][]string{},
		jobs:             map[int64]Job{},
		candidates:       map[int64]CandidateRecord{},
		triggers:         map[int64]Trigger{},
		journalLimit:     DefaultJournalLimit,
		journalByteLimit: DefaultJournalByteLimit,

		resultByteLimit:    DefaultResultByteLimit,
		candidateByteLimit: DefaultCandidateByteLimit,
	}
}

// DefaultJournalLimit is how many journal entries a store keeps.
const DefaultJournalLimit = 2000

// SetJournalLimit bounds the journal to its newest n entries (n >= 1).
func (s *MemStore) SetJournalLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.journalLimit = max(n, 1)
	s.dropJournalLocked(s.journalOver())
}

// OpenMemStore returns a store backed by the state file at path and the
// append-only log beside it (path.log.N). An existing state is loaded and
// its log replayed; a missing one is created on the first mutation. A
// state that cannot be read, is corrupt or has an unknown format version is
// an error, and the files are left untouched; a last log record cut off by
// a crash was never acknowledged and is dropped.
func OpenMemStore(path string) (*MemStore, error) {
	s := NewMemStore()
	if err := s.openDurable(path); err != nil {
		return nil, err
	}
	return s, nil
}

// Durable reports whether the store writes a state file.
func (s *MemStore) Durable() bool { return s.file != nil }

// mutate runs fn under the write lock and, when fn succeeds, waits until
// the change is on disk: its log record is queued under the lock, so
// records are in the order the changes happened, and written with those
// of every writer that came meanwhile (group commit).
//
// A change whose record cannot be written is undone in memory before the
// error is returned (rollBack): a write the caller is told failed does
// not stay visible.
func (s *MemStore) mutate(fn func() error) error {
	s.mu.Lock()
	s.touched, s.touchedAll, s.pre = s.touched[:0], false, s.pre[:0]
	if err := fn(); err != nil {
		s.mu.Unlock()
		return err
	}
	if s.file == nil {
		s.mu.Unlock()
		return nil
	}
	seq, err := s.logChangesLocked()
	if err != nil {
		for i := len(s.pre) - 1; i >= 0; i-- {
			s.restoreLocked(s.pre[i])
		}
		if len(s.pre) > 0 {
			s.recountLocked() // the byte counts of what was put back
		}
		s.mu.Unlock()
		return err
	}
	s.keepUndoLocked(seq)
	s.mu.Unlock()
	if err := s.file.log.Wait(seq); err != nil {
		s.rollBack()
		return err
	}
	s.maybeCompact()
	return nil
}

// Partner implements Store.
func (s *MemStore) Partner(_ context.Context, id string) (Partner, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.partners[id]
	if !ok {
		return Partner{}, fmt.Errorf("partner %q: %w", id, ErrNotFound)
	}
	return clonePartner(p), nil
}

// PartnerByAPIKey implements Store.
func (s *MemStore) PartnerByAPIKey(_ context.Context, key string) (Partner, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	// Constant-time, and over every partner: how long the answer takes
	// tells nothing about how much of a key was right.
	found, match := Partner{}, false
	for _, p := range s.partners {
		if subtle.ConstantTimeCompare([]byte(p.APIKey), []byte(key)) == 1 && key != "" {
			found, match = p, true
		}
	}
	if match {
		return clonePartner(found), nil
	}
	return Partner{}, fmt.Errorf("partner with that API key: %w", ErrNotFound)
}

// Partners implements Store.
func (s *MemStore) Partners(_ context.Context) ([]Partner, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Partner, 0, len(s.partners))
	for _, p := range s.partners {
		out = append(out, clonePartner(p))
	}
	slices.SortFunc(out, func(a, b Partner) int { return compareIDs(a.ID, b.ID) })
	return out, nil
}

// PutPartner implements Store.
func (s *MemStore) PutPartner(_ context.Context, p Partner) error {
	return s.mutate(func() error {
		for _, other := range s.partners {
			if other.ID != p.ID && other.APIKey == p.APIKey {
				return fmt.Errorf("partner %q: API key used by partner %q: %w", p.ID, other.ID, ErrConflict)
			}
		}
		s.touch(recPartner, p.ID)
		s.partners[p.ID] = clonePartner(p)
		return nil
	})
}

// PutCompany implements Store.
func (s *MemStore) PutCompany(_ context.Context, c Company) error {
	return s.mutate(func() error {
		s.touch(recCompany, c.UUID)
		s.companies[c.UUID] = cloneCompany(c)
		return nil
	})
}

// Company implements Store.
func (s *MemStore) Company(_ context.Context, uuid string) (Company, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.companies[uuid]
	if !ok {
		return Company{}, fmt.Errorf("company %q: %w", uuid, ErrNotFound)
	}
	return cloneCompany(c), nil
}

// CreateActivation implements Store.
func (s *MemStore) CreateActivation(_ context.Context, a Activation) (Activation, error) {
	err := s.mutate(func() error {
		for _, id := range s.activationOrder[a.PartnerID] {
			if s.activations[id].CompanyUUID == a.CompanyUUID {
				return fmt.Errorf("company %q already activated partner %q: %w", a.CompanyUUID, a.PartnerID, ErrConflict)
			}
		}
		a.ID = strconv.Itoa(s.nextActivationID)
		s.nextActivationID++
		s.touch(recActivation, a.ID)
		s.activations[a.ID] = cloneActivation(a)
		s.activationOrder[a.PartnerID] = append(s.activationOrder[a.PartnerID], a.ID)
		return nil
	})
	return a, err
}

// Activation implements Store.
func (s *MemStore) Activation(_ context.Context, partnerID, id string) (Activation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.activations[id]
	switch {
	case !ok:
		return Activation{}, fmt.Errorf("partner activation %q: %w", id, ErrNotFound)
	case a.PartnerID != partnerID:
		return Activation{}, fmt.Errorf("partner activation %q: %w", id, ErrForbidden)
	}
	return cloneActivation(a), nil
}

// Activations implements Store.
func (s *MemStore) Activations(_ context.Context, partnerID string, page Page) ([]Activation, int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := s.activationOrder[partnerID]
	window := pageWindow(ids, page)
	out := make([]Activation, 0, len(window))
	for _, id := range window {
		out = append(out, cloneActivation(s.activations[id]))
	}
	return out, len(ids), nil
}

// CreateResult implements Store.
func (s *MemStore) CreateResult(_ context.Context, r PartnerResult) (PartnerResult, error) {
	blob := encodeResultBlob(&r) // a copy of r, made before taking the lock
	err := s.mutate(func() error {
		if _, ok := s.results[r.ID]; ok {
			return fmt.Errorf("partner result %q: %w", r.ID, ErrConflict)
		}
		if _, ok := s.partners[r.PartnerID]; !ok {
			return fmt.Errorf("partner result %q: partner %q: %w", r.ID, r.PartnerID, ErrNotFound)
		}
		size := resultSize(r.ID, blob)
		if err := s.checkResultLocked(size, 0); err != nil {
			return fmt.Errorf("partner result %q: %w", r.ID, err)
		}
		s.touch(recResult, r.ID)
		s.resultBytes += size
		s.results[r.ID] = blob
		s.resultOrder[r.PartnerID] = append(s.resultOrder[r.PartnerID], r.ID)
		return nil
	})
	return r, err
}

// Result implements Store.
func (s *MemStore) Result(_ context.Context, partnerID, id string) (PartnerResult, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	blob, err := s.resultLocked(partnerID, id)
	if err != nil {
		return PartnerResult{}, err
	}
	return decodeResultBlob(blob), nil
}

// resultLocked returns the block of result id of partnerID.
func (s *MemStore) resultLocked(partnerID, id string) ([]byte, error) {
	blob, ok := s.results[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("partner result %q: %w", id, ErrNotFound)
	case !blobPartnerIs(blob, partnerID):
		return nil, fmt.Errorf("partner result %q: %w", id, ErrForbidden)
	}
	return blob, nil
}

// Results implements Store.
func (s *MemStore) Results(_ context.Context, partnerID string, page Page) ([]PartnerResult, int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := s.resultOrder[partnerID]
	window := pageWindow(ids, page)
	out := make([]PartnerResult, 0, len(window))
	for _, id := range window {
		out = append(out, decodeResultBlob(s.results[id]))
	}
	return out, len(ids), nil
}

// UpdateResult implements Store.
//
// The result is decoded, updated and encoded again outside the store's
// lock, and stored only if no other writer replaced it meanwhile; if one
// did, update runs again on the newer result. Holding the lock through
// all that made every Partner API write queue on it: under wrk, the
// goroutines waiting for it left a fifth of the machine idle.
func (s *MemStore) UpdateResult(_ context.Context, partnerID, id string, update func(*PartnerResult) error) (PartnerResult, error) {
	for range optimisticTries {
		s.mu.RLock()
		blob, err := s.resultLocked(partnerID, id)
		s.mu.RUnlock()
		if err != nil {
			return PartnerResult{}, err
		}
		r, next, err := updatedBlob(blob, partnerID, id, update)
		if err != nil {
			return PartnerResult{}, err
		}
		replaced := false
		err = s.mutate(func() error {
			cur, err := s.resultLocked(partnerID, id)
			if err != nil {
				return err
			}
			// Blobs are never changed in place: the same blob is the
			// same content, which update was applied to.
			if unsafe.SliceData(cur) != unsafe.SliceData(blob) {
				replaced = true
				return nil
			}
			if err := s.replaceResultLocked(id, cur, next); err != nil {
				return err
			}
			return nil
		})
		if !replaced {
			return r, err
		}
	}
	// Writers keep replacing this result: update it under the lock.
	var out PartnerResult
	err := s.mutate(func() error {
		blob, err := s.resultLocked(partnerID, id)
		if err != nil {
			return err
		}
		r, next, err := updatedBlob(blob, partnerID, id, update)
		if err != nil {
			return err
		}
		if err := s.replaceResultLocked(id, blob, next); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// replaceResultLocked stores next as result id in place of cur, within
// the limits.
func (s *MemStore) replaceResultLocked(id string, cur, next []byte) error {
	size, old := resultSize(id, next), resultSize(id, cur)
	if err := s.checkResultLocked(size, old); err != nil {
		return fmt.Errorf("partner result %q: %w", id, err)
	}
	s.touch(recResult, id)
	s.resultBytes += size - old
	s.results[id] = next
	return nil
}

// optimisticTries is how many times UpdateResult updates a result outside
// the lock before it takes the lock for the update.
const optimisticTries = 4

// updatedBlob applies update to a copy of the result in blob and returns
// it and its encoding; nothing stored shares its memory.
func updatedBlob(blob []byte, partnerID, id string, update func(*PartnerResult) error) (PartnerResult, []byte, error) {
	r := decodeResultBlob(blob)
	if err := update(&r); err != nil {
		return PartnerResult{}, nil, err
	}
	r.ID, r.PartnerID = id, partnerID // the identity is not the caller's to change
	return r, encodeResultBlob(&r), nil
}

// DeleteResult implements Store.
func (s *MemStore) DeleteResult(_ context.Context, partnerID, id string) error {
	return s.mutate(func() error {
		blob, err := s.resultLocked(partnerID, id)
		if err != nil {
			return err
		}
		s.touch(recResult, id)
		s.resultBytes -= resultSize(id, blob)
		delete(s.results, id)
		order := s.resultOrder[partnerID]
		i := slices.Index(order, id)
		s.notePosition(i)
		if i >= 0 {
			s.resultOrder[partnerID] = slices.Delete(order, i, i+1)
		}
		return nil
	})
}

// pageWindow returns the ids on page; a page past the end is empty.
func pageWindow[T any](ids []T, page Page) []T {
	if page.Size <= 0 || page.Number <= 0 {
		return ids
	}
	start := (page.Number - 1) * page.Size
	if start >= len(ids) || start < 0 {
		return nil
	}
	return ids[start:min(start+page.Size, len(ids))]
}

// compareIDs orders numeric ids numerically and everything else as text.
func compareIDs(a, b string) int {
	ai, aerr := strconv.Atoi(a)
	bi, berr := strconv.Atoi(b)
	if aerr == nil && berr == nil {
		return cmp.Compare(ai, bi)
	}
	return strings.Compare(a, b)
}

func clonePartner(p Partner) Partner {
	p.WebhookConfig = slices.Clone(p.WebhookConfig)
	p.WebhookActivationConfig = slices.Clone(p.WebhookActivationConfig)
	if p.WebhookSetup != nil {
		st := *p.WebhookSetup
		st.Events = slices.Clone(st.Events)
		p.WebhookSetup = &st
	}
	return p
}
