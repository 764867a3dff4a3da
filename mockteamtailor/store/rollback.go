package store

import (
	"slices"
	"strconv"
)

// A durable store changes its memory before the change's log record is
// on disk (the record is written with those of other writers: group
// commit). When that write fails, the writer is told so (ErrPersist, a
// 503), and the change must not stay visible: rollBack undoes in memory
// every change whose record did not reach the disk, so the store shows
// what a restart would load. To undo, each mutation keeps what it
// replaced (its undo entry) until its record is on disk.

// undoEntry is what one mutation replaced: the records it touched, as
// they were before it ran.
type undoEntry struct {
	seq uint64     // the mutation's log record
	pre []preImage // in the order they were touched
}

// preImage is one record before a mutation changed it.
type preImage struct {
	kind, id string
	value    any  // the record (a result's blob), when it existed
	existed  bool // false: the mutation created it
	position int  // its index in its partner's order, for a deleted result or activation; -1 when unknown
	all      *wholeStore
}

// wholeStore is what a reset replaced: it swaps in new maps, so keeping
// the old ones keeps the store as it was.
type wholeStore struct {
	partners         map[string]Partner
	companies        map[string]Company
	activations      map[string]Activation
	activationOrder  map[string][]string
	nextActivationID int
	results          map[string][]byte
	resultOrder      map[string][]string
	jobs             map[int64]Job
	candidates       map[int64]CandidateRecord
	triggers         map[int64]Trigger
	next             counters
	journal          []Delivery
	journalBuf       []Delivery
	journalBytes     int
}

// undoKeep is how many undo entries accumulate before those whose
// records are on disk are dropped.
const undoKeep = 64

// notePre keeps the record kind/id as it is before the running mutation
// changes it. Every mutation of a durable store calls it (through touch)
// before changing a record.
func (s *MemStore) notePre(kind, id string) {
	p := preImage{kind: kind, id: id, position: -1}
	p.value, p.existed = s.currentValue(kind, id)
	s.pre = append(s.pre, p)
}

// notePosition records where the record noted last stood in its
// partner's order, before a delete takes it out.
func (s *MemStore) notePosition(i int) {
	if s.file != nil && len(s.pre) > 0 {
		s.pre[len(s.pre)-1].position = i
	}
}

// noteAll keeps the whole store before a reset replaces it.
func (s *MemStore) noteAll() {
	s.pre = append(s.pre, preImage{all: &wholeStore{
		partners: s.partners, companies: s.companies, activations: s.activations, activationOrder: s.activationOrder,
		nextActivationID: s.nextActivationID, results: s.results, resultOrder: s.resultOrder, jobs: s.jobs,
		candidates: s.candidates, triggers: s.triggers, next: s.next,
		journal: s.journal, journalBuf: s.journalBuf, journalBytes: s.journalBytes,
	}})
}

// currentValue returns record kind/id as stored (for a result, its
// blob), and whether there is one. Stored values are never changed in
// place, so keeping them keeps the record.
func (s *MemStore) currentValue(kind, id string) (any, bool) {
	n, _ := strconv.ParseInt(id, 10, 64)
	var v any
	var ok bool
	switch kind {
	case recPartner:
		v, ok = s.partners[id]
	case recCompany:
		v, ok = s.companies[id]
	case recActivation:
		v, ok = s.activations[id]
	case recResult:
		v, ok = s.results[id]
	case recJob:
		v, ok = s.jobs[n]
	case recCandidate:
		v, ok = s.candidates[n]
	case recTrigger:
		v, ok = s.triggers[n]
	default:
		panic("unknown record kind " + kind)
	}
	return v, ok
}

// keepUndoLocked keeps the undo entry of the mutation whose record is
// seq, and drops those of records on disk now and then.
func (s *MemStore) keepUndoLocked(seq uint64) {
	if len(s.pre) > 0 {
		s.undo = append(s.undo, undoEntry{seq: seq, pre: slices.Clone(s.pre)})
	}
	s.pre = s.pre[:0]
	if len(s.undo) >= undoKeep {
		durable := s.file.log.DurableSeq()
		i := 0
		for i < len(s.undo) && s.undo[i].seq <= durable {
			i++
		}
		s.undo = append(s.undo[:0], s.undo[i:]...)
	}
}

// rollBack undoes in memory every change whose log record is not on
// disk, after a write of the log failed; the records still queued are
// dropped and their writers told the write failed. It does nothing when
// another writer rolled back already.
func (s *MemStore) rollBack() {
	s.mu.Lock()
	defer s.mu.Unlock()
	durable, ok := s.file.log.Halt()
	if !ok {
		return
	}
	i := len(s.undo)
	for i > 0 && s.undo[i-1].seq > durable {
		i--
		pre := s.undo[i].pre
		for j := len(pre) - 1; j >= 0; j-- {
			s.restoreLocked(pre[j])
		}
	}
	if i < len(s.undo) {
		s.recountLocked() // the byte counts of what was put back
	}
	clear(s.undo[i:])
	s.undo = s.undo[:i]
}

// restoreLocked puts one record back as p kept it.
func (s *MemStore) restoreLocked(p preImage) {
	if w := p.all; w != nil {
		s.partners, s.companies, s.activations, s.activationOrder = w.partners, w.companies, w.activations, w.activationOrder
		s.nextActivationID, s.results, s.resultOrder = w.nextActivationID, w.results, w.resultOrder
		s.jobs, s.candidates, s.triggers, s.next = w.jobs, w.candidates, w.triggers, w.next
		s.journal, s.journalBuf, s.journalBytes = w.journal, w.journalBuf, w.journalBytes
		return
	}
	n, _ := strconv.ParseInt(p.id, 10, 64)
	switch p.kind {
	case recPartner:
		restoreIn(s.partners, p.id, p)
	case recCompany:
		restoreIn(s.companies, p.id, p)
	case recJob:
		restoreIn(s.jobs, n, p)
	case recCandidate:
		restoreIn(s.candidates, n, p)
	case recTrigger:
		restoreIn(s.triggers, n, p)
	case recActivation:
		partner := s.activations[p.id].PartnerID
		if p.existed {
			partner = p.value.(Activation).PartnerID
		}
		_, present := s.activations[p.id]
		restoreIn(s.activations, p.id, p)
		s.activationOrder[partner] = restoreOrder(s.activationOrder[partner], p, present)
	case recResult:
		blob, present := s.results[p.id]
		if p.existed {
			blob = p.value.([]byte)
		}
		partner := ""
		if blob != nil {
			partner = decodeResultBlob(blob).PartnerID
		}
		restoreIn(s.results, p.id, p)
		s.resultOrder[partner] = restoreOrder(s.resultOrder[partner], p, present)
	}
}

func restoreIn[K comparable, V any](m map[K]V, k K, p preImage) {
	if p.existed {
		m[k] = p.value.(V)
	} else {
		delete(m, k)
	}
}

// restoreOrder puts p's id back into order (a partner's results or
// activations, oldest first) if the mutation deleted it, or takes it out
// if the mutation created it; present says whether it is stored now.
func restoreOrder(order []string, p preImage, present bool) []string {
	switch {
	case !p.existed && present:
		return slices.DeleteFunc(order, func(x string) bool { return x == p.id })
	case p.existed && !present:
		i := len(order)
		if p.position >= 0 {
			i = min(p.position, len(order))
		}
		return slices.Insert(order, i, p.id)
	}
	return order
}
