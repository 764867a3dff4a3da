package store

import (
	"encoding/json"
	"errors"
	"fmt"
)

// The stores of what partners and the mock's users send are bounded in
// bytes, each item and all of them together (docs/security.md): a write
// past a limit is refused with a LimitError, nothing already stored goes.
const (
	// MaxResultBytes bounds one stored partner result (its encoding).
	// A Partner API document is at most 1 MiB, but updates set one
	// attribute after another, so a result could otherwise grow to
	// several.
	MaxResultBytes = 1 << 20
	// DefaultResultByteLimit bounds the partner results of all partners
	// together: 100,000 results of a usual size take about 80 MB.
	DefaultResultByteLimit = 128 << 20

	// MaxCandidateBytes bounds one candidate (its JSON encoding).
	MaxCandidateBytes = 1 << 20
	// DefaultCandidateByteLimit bounds the candidates of all companies
	// together: the 20,000 generate may make take about 40 MB.
	DefaultCandidateByteLimit = 64 << 20
)

// What raises the total limits: serve's flags and their variables.
const (
	ResultLimitSetting    = "serve --result-byte-limit, MOCKTT_RESULT_BYTE_LIMIT"
	CandidateLimitSetting = "serve --candidate-byte-limit, MOCKTT_CANDIDATE_BYTE_LIMIT"
)

// What keeping an item costs beyond its encoding: its map entry, its id
// and its place in the partner's order (results), or its struct's
// pointers and slice headers (candidates).
const (
	resultOverhead    = 128
	candidateOverhead = 512
)

// ErrFull means a write would pass one of the store's limits in bytes.
// The error that wraps it is a *LimitError.
var ErrFull = errors.New("store limit reached")

// LimitError is a write refused by one of the store's limits in bytes:
// an item larger than its own limit (Total false), or one the store has
// no room left for (Total true).
type LimitError struct {
	What  string // "partner result" or "candidate"
	Size  int    // the item's size
	Held  int    // what the store holds of its kind (Total)
	Limit int
	Total bool
	// Setting names what raises a total limit: serve's flag and its
	// environment variable.
	Setting string
}

func (e *LimitError) Error() string {
	if !e.Total {
		return fmt.Sprintf("a %s of %d bytes is larger than the limit of %d bytes per %s", e.What, e.Size, e.Limit, e.What)
	}
	remedy := "reset the mock (POST /mock/v1/reset) or raise the limit"
	if e.What == "partner result" {
		remedy = "delete some (DELETE /partner/v1/partner-results/{id}), " + remedy
	}
	return fmt.Sprintf("the mock holds %d bytes of %ss; %d bytes more would pass their limit of %d bytes (%s): %s",
		e.Held, e.What, e.Size, e.Limit, e.Setting, remedy)
}

func (e *LimitError) Unwrap() error { return ErrFull }

// resultSize is what keeping result id's block costs (nothing when there
// is no block).
func resultSize(id string, blob []byte) int {
	if blob == nil {
		return 0
	}
	return len(blob) + len(id) + resultOverhead
}

// CandidateSize is what keeping a candidate costs, as the candidate limits
// count it: its JSON encoding and the structs that hold it.
func CandidateSize(c *CandidateRecord) int { return candidateSize(c) }

func candidateSize(c *CandidateRecord) int {
	var n countWriter
	if err := json.NewEncoder(&n).Encode(c); err != nil {
		return candidateOverhead
	}
	return int(n) + candidateOverhead
}

type countWriter int

func (w *countWriter) Write(p []byte) (int, error) {
	*w += countWriter(len(p))
	return len(p), nil
}

// checkResultLocked refuses a result block of size bytes that replaces
// one of old bytes (0 for a new result) when it passes a limit.
func (s *MemStore) checkResultLocked(size, old int) error {
	switch {
	case size-resultOverhead > MaxResultBytes:
		return &LimitError{What: "partner result", Size: size - resultOverhead, Limit: MaxResultBytes}
	case size > old && s.resultBytes+size-old > s.resultByteLimit:
		return &LimitError{What: "partner result", Size: size - old, Held: s.resultBytes, Limit: s.resultByteLimit, Total: true,
			Setting: ResultLimitSetting}
	}
	return nil
}

// checkCandidateLocked is checkResultLocked for candidates.
func (s *MemStore) checkCandidateLocked(size, old int) error {
	switch {
	case size-candidateOverhead > MaxCandidateBytes:
		return &LimitError{What: "candidate", Size: size - candidateOverhead, Limit: MaxCandidateBytes}
	case size > old && s.candidateBytes+size-old > s.candidateByteLimit:
		return &LimitError{What: "candidate", Size: size - old, Held: s.candidateBytes, Limit: s.candidateByteLimit, Total: true,
			Setting: CandidateLimitSetting}
	}
	return nil
}

// recountLocked counts what the results and candidates hold, after the
// store was loaded or reset.
func (s *MemStore) recountLocked() {
	s.resultBytes, s.candidateBytes = 0, 0
	for id, blob := range s.results {
		s.resultBytes += resultSize(id, blob)
	}
	for _, c := range s.candidates {
		s.candidateBytes += candidateSize(&c)
	}
}

// SetResultByteLimit bounds the partner results of all partners together
// to n bytes (n >= 1). Results already held stay; new ones and updates
// that grow a result are refused while they pass it.
func (s *MemStore) SetResultByteLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resultByteLimit = max(n, 1)
}

// SetCandidateByteLimit bounds the candidates of all companies together
// to n bytes (n >= 1), as SetResultByteLimit does results.
func (s *MemStore) SetCandidateByteLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.candidateByteLimit = max(n, 1)
}

// CandidateRoom reports how many bytes the candidates hold and their
// limit, for a caller adding many to check them all first.
func (s *MemStore) CandidateRoom() (held, limit int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.candidateBytes, s.candidateByteLimit
}

// Held reports how many bytes the results, the candidates and the journal
// hold, as their limits count them.
func (s *MemStore) Held() (results, candidates, journal int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.resultBytes, s.candidateBytes, s.journalBytes
}
