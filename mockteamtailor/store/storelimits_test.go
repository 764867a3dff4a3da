package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// bigResult is a result of partner 1 whose details hold about size bytes.
func bigResult(id string, size int) PartnerResult {
	return PartnerResult{ID: id, PartnerID: "1", ResultAttributes: protocol.ResultAttributes{Status: "completed",
		Details: json.RawMessage(`{"x":"` + strings.Repeat("d", size) + `"}`)}}
}

// wantLimitError checks err is a LimitError of the kind, naming the limit
// (and, for a total limit, the flag that raises it).
func wantLimitError(t *testing.T, err error, total bool, limit int, flag string) {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) || !errors.Is(err, ErrFull) || le.Total != total {
		t.Fatalf("got %v, want a LimitError (total %v) wrapping ErrFull", err, total)
	}
	msg := err.Error()
	if !strings.Contains(msg, fmt.Sprint(limit)) || !strings.Contains(msg, flag) {
		t.Errorf("error %q does not name the limit %d and %q", msg, limit, flag)
	}
}

// Rule: the partner results of all partners together stay within their
// byte limit: a result past it is refused with a LimitError naming the
// limit and its flag, nothing stored goes, and deleting makes room again.
func TestResultByteLimit(t *testing.T) {
	forEachKind(t, func(t *testing.T, s *MemStore, durable bool) {
		seededStore(t, s)
		const limit = 4 << 20
		s.SetResultByteLimit(limit)
		stored := 0
		var err error
		for i := range 100 { // 70 MB offered
			if _, err = s.CreateResult(t.Context(), bigResult(fmt.Sprint("r", i), 700<<10)); err != nil {
				break
			}
			stored++
		}
		wantLimitError(t, err, true, limit, "--result-byte-limit")
		held, _, _ := s.Held()
		if stored != 5 || held > limit {
			t.Errorf("stored %d results of 700 KiB in %d bytes; want 5 within %d", stored, held, limit)
		}
		// An update growing a result past the room left is refused the
		// same way; one shrinking a result is not.
		if _, err := s.CreateResult(t.Context(), bigResult("small", 10)); err != nil {
			t.Fatal(err)
		}
		held, _, _ = s.Held()
		grow := limit - held + 1000
		if grow > MaxResultBytes-1000 {
			t.Fatalf("%d bytes of room left: too many for this test", limit-held)
		}
		_, err = s.UpdateResult(t.Context(), "1", "small", func(r *PartnerResult) error {
			r.Summary = new(strings.Repeat("s", grow))
			return nil
		})
		wantLimitError(t, err, true, limit, "--result-byte-limit")
		if _, err := s.UpdateResult(t.Context(), "1", "r0", func(r *PartnerResult) error { r.Details = nil; return nil }); err != nil {
			t.Fatalf("an update that shrinks a result: %v", err)
		}
		if _, err := s.CreateResult(t.Context(), bigResult("again", 600<<10)); err != nil {
			t.Errorf("after a result shrank: %v", err)
		}
		if err := s.DeleteResult(t.Context(), "1", "r1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateResult(t.Context(), bigResult("after-delete", 700<<10)); err != nil {
			t.Errorf("after a delete: %v", err)
		}
	})
}

// Rule: one result is at most MaxResultBytes, even when updates set one
// large attribute after another.
func TestResultItemLimit(t *testing.T) {
	s := NewMemStore()
	seededStore(t, s)
	if _, err := s.CreateResult(t.Context(), bigResult("r", 900<<10)); err != nil {
		t.Fatal(err)
	}
	_, err := s.UpdateResult(t.Context(), "1", "r", func(r *PartnerResult) error {
		r.Summary = new(strings.Repeat("s", 900<<10))
		return nil
	})
	wantLimitError(t, err, false, MaxResultBytes, "per partner result")
}

// Rule: candidates are bounded one by one and all together, with
// LimitErrors naming the limit (and the flag of the total).
func TestCandidateByteLimit(t *testing.T) {
	forEachKind(t, func(t *testing.T, s *MemStore, durable bool) {
		if err := s.PutCompany(t.Context(), Company{UUID: "c", Name: "C"}); err != nil {
			t.Fatal(err)
		}
		const limit = 4 << 20
		s.SetCandidateByteLimit(limit)
		big := func(size int) CandidateRecord {
			return CandidateRecord{CompanyUUID: "c", Data: protocol.Candidate{Tags: []string{strings.Repeat("t", size)}}}
		}
		_, err := s.PutCandidate(t.Context(), big(MaxCandidateBytes+1))
		wantLimitError(t, err, false, MaxCandidateBytes, "per candidate")
		stored := 0
		for range 100 {
			if _, err = s.PutCandidate(t.Context(), big(900<<10)); err != nil {
				break
			}
			stored++
		}
		wantLimitError(t, err, true, limit, "--candidate-byte-limit")
		_, held, _ := s.Held()
		if stored != 4 || held > limit {
			t.Errorf("stored %d candidates of 0.9 MB in %d bytes; want 4 within %d", stored, held, limit)
		}
		small, err := s.PutCandidate(t.Context(), CandidateRecord{CompanyUUID: "c"})
		if err != nil {
			t.Fatal(err)
		}
		_, held, _ = s.Held()
		grow := limit - held + 1000
		if grow > MaxCandidateBytes-1000 {
			t.Fatalf("%d bytes of room left: too many for this test", limit-held)
		}
		_, err = s.UpdateCandidate(t.Context(), small.ID, func(c *CandidateRecord) error {
			c.Data.Tags = append(c.Data.Tags, strings.Repeat("u", grow))
			return nil
		})
		wantLimitError(t, err, true, limit, "--candidate-byte-limit")
		if err := s.Reset(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, held, _ = s.Held(); held != 0 {
			t.Errorf("a reset left %d bytes of candidates counted", held)
		}
	})
}

// Rule: the byte counts kept change by change are what counting the
// store afresh gives, after every kind of change, a reset, and a reopen
// of the state file.
func TestStoreByteCountsStayTrue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := reopen(t, path)
	check := func(s *MemStore, when string) {
		t.Helper()
		results, candidates, _ := s.Held()
		s.mu.Lock()
		s.recountLocked()
		s.mu.Unlock()
		wantResults, wantCandidates, _ := s.Held()
		if results != wantResults || candidates != wantCandidates || results == 0 || candidates == 0 {
			t.Errorf("%s: counted %d bytes of results and %d of candidates; afresh %d and %d", when, results, candidates, wantResults, wantCandidates)
		}
	}
	everyMutation(t, s, "a")
	if err := s.MarkStart(t.Context()); err != nil {
		t.Fatal(err)
	}
	everyMutation(t, s, "b")
	check(s, "after changes")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, path)
	check(s, "reopened")
	if err := s.Reset(t.Context()); err != nil {
		t.Fatal(err)
	}
	everyMutation(t, s, "c")
	check(s, "after a reset")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	check(reopen(t, path), "reopened after a reset")
}
