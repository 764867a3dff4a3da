package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

func seededStore(t *testing.T, s *MemStore) {
	t.Helper()
	for _, id := range []string{"1", "2"} {
		if err := s.PutPartner(t.Context(), Partner{ID: id, Name: "P" + id, APIKey: "key-" + id, WebhookSecret: "s"}); err != nil {
			t.Fatal(err)
		}
	}
}

// Records handed out are copies: changing one never changes the store.
func TestMemStoreReturnsCopies(t *testing.T) {
	s := NewMemStore()
	seededStore(t, s)
	ctx := t.Context()
	r, err := s.CreateResult(ctx, PartnerResult{ID: "r1", PartnerID: "1", ResultAttributes: protocol.ResultAttributes{Status: "sent", Details: []byte(`{"a":"1"}`), Attachments: []protocol.Attachment{{URL: "https://a", Description: "d"}}}})
	if err != nil {
		t.Fatal(err)
	}
	r.Details[2] = 'X'
	r.Attachments[0].URL = "changed"
	got, _ := s.Result(ctx, "1", "r1")
	if string(got.Details) != `{"a":"1"}` || got.Attachments[0].URL != "https://a" {
		t.Errorf("store changed through a returned copy: %+v", got)
	}
	got.Attachments[0].URL = "changed again"
	again, _ := s.Result(ctx, "1", "r1")
	if again.Attachments[0].URL != "https://a" {
		t.Error("store changed through a copy from Result")
	}
}

// The store's errors follow its contract: not found, other partner,
// duplicate, and a failed update leaves the record as it was.
func TestMemStoreErrors(t *testing.T) {
	s := NewMemStore()
	seededStore(t, s)
	ctx := t.Context()
	if _, err := s.CreateResult(ctx, PartnerResult{ID: "r1", PartnerID: "1", ResultAttributes: protocol.ResultAttributes{Status: "sent"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateResult(ctx, PartnerResult{ID: "r1", PartnerID: "1"}); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate id: %v, want ErrConflict", err)
	}
	if _, err := s.Result(ctx, "2", "r1"); !errors.Is(err, ErrForbidden) {
		t.Errorf("other partner: %v, want ErrForbidden", err)
	}
	if err := s.DeleteResult(ctx, "2", "r1"); !errors.Is(err, ErrForbidden) {
		t.Errorf("delete by other partner: %v, want ErrForbidden", err)
	}
	if _, err := s.Result(ctx, "1", "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown: %v, want ErrNotFound", err)
	}
	boom := errors.New("boom")
	if _, err := s.UpdateResult(ctx, "1", "r1", func(r *PartnerResult) error { r.Status = "failed"; return boom }); !errors.Is(err, boom) {
		t.Errorf("update error: %v, want boom", err)
	}
	if r, _ := s.Result(ctx, "1", "r1"); r.Status != "sent" {
		t.Errorf("a failed update changed the record: %q", r.Status)
	}
	if err := s.PutPartner(ctx, Partner{ID: "3", APIKey: "key-1"}); !errors.Is(err, ErrConflict) {
		t.Errorf("shared API key: %v, want ErrConflict", err)
	}
}

// Concurrent writers and readers never lose a write nor race (run with
// -race); every created result is listed once, in a consistent order.
func TestMemStoreConcurrentUse(t *testing.T) {
	forEachKind(t, func(t *testing.T, s *MemStore, durable bool) {
		seededStore(t, s)
		ctx := context.Background()
		const workers, each = 8, 25
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					id := fmt.Sprintf("w%d-%d", w, i)
					if _, err := s.CreateResult(ctx, PartnerResult{ID: id, PartnerID: "1", ResultAttributes: protocol.ResultAttributes{Status: "sending"}}); err != nil {
						t.Error(err)
						return
					}
					if _, err := s.UpdateResult(ctx, "1", id, func(r *PartnerResult) error { r.Status = "completed"; return nil }); err != nil {
						t.Error(err)
					}
					if _, _, err := s.Results(ctx, "1", Page{Number: 1, Size: 10}); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		all, total, _ := s.Results(ctx, "1", Page{})
		if total != workers*each || len(all) != total {
			t.Fatalf("have %d results (%d listed), want %d", total, len(all), workers*each)
		}
		seen := map[string]bool{}
		for _, r := range all {
			if seen[r.ID] || r.Status != "completed" {
				t.Errorf("result %s listed twice or lost its update (%q)", r.ID, r.Status)
			}
			seen[r.ID] = true
		}
		if durable {
			reopened, err := OpenMemStore(s.file.path)
			if err != nil {
				t.Fatal(err)
			}
			again, n, _ := reopened.Results(ctx, "1", Page{})
			if n != total || cmp.Diff(all, again) != "" {
				t.Errorf("reopened store differs: %d results (-before +after):\n%s", n, cmp.Diff(all, again))
			}
		}
	})
}

// A durable store comes back exactly as it was: partners, companies,
// activations with their ids, results with every attribute.
// A state file that is corrupt, of another format or of an unknown
// version stops the store from opening, says why, and is left untouched.
func TestMemStoreRefusesBadStateFiles(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"not JSON", `{not json`, "is corrupt"},
		{"truncated", `{"format":"mockteamtailor-state","version":1,"partners":[`, "is corrupt"},
		{"not an object", `[1,2]`, "not an object"},
		{"other format", `{"format":"something-else","version":1}`, "is not a mockteamtailor state file"},
		{"future version", `{"format":"mockteamtailor-state","version":99}`, "has format version 99, this mockteamtailor reads versions 1 to 3"},
		{"unknown field", `{"format":"mockteamtailor-state","version":1,"surprise":true}`, "is corrupt"},
		{"dangling result", `{"format":"mockteamtailor-state","version":1,"results":[{"id":"r","partnerId":"9","status":"sent"}]}`, `unknown partner "9"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := OpenMemStore(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "untouched") {
				t.Errorf("OpenMemStore = %v, want an error saying %q and that the file was left untouched", err, tt.want)
			}
			if got, _ := os.ReadFile(path); string(got) != tt.content {
				t.Errorf("the state file was changed to %q", got)
			}
		})
	}
}

// A write that cannot reach the disk is reported as ErrPersist, so the
// client is never told it succeeded.
func TestMemStorePersistFailure(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenMemStore(filepath.Join(dir, "gone", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutPartner(t.Context(), Partner{ID: "1", APIKey: "k"}); !errors.Is(err, ErrPersist) {
		t.Errorf("PutPartner into a missing folder = %v, want ErrPersist", err)
	}
}

// The journal is kept in a file beside the state file: Flush writes it,
// a restart reads it back and goes on numbering after it, and a corrupt
// journal file stops the store from opening, untouched.
func TestMemStoreJournalFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, err := OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for i := range 3 {
		if _, err := s.AppendJournal(ctx, Delivery{Kind: KindWebhook, Reason: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	re, err := OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := re.Journal(ctx, JournalFilter{})
	if len(got) != 3 || got[2].Reason != "2" {
		t.Fatalf("journal after reopen: %+v", got)
	}
	d, _ := re.AppendJournal(ctx, Delivery{Kind: KindConfig})
	if d.ID != 4 {
		t.Errorf("next journal id after reopen = %d, want 4", d.ID)
	}
	os.WriteFile(path+".journal", []byte("{broken"), 0o600)
	if _, err := OpenMemStore(path); err == nil || !strings.Contains(err.Error(), "untouched") {
		t.Errorf("corrupt journal: %v", err)
	}
	if b, _ := os.ReadFile(path + ".journal"); string(b) != "{broken" {
		t.Error("the corrupt journal file was changed")
	}
}

// A full journal keeps its newest entries, in order, and appending to it
// reuses its array instead of allocating a new one now and then.
func TestJournalWindowKeepsNewestWithoutAllocating(t *testing.T) {
	s := NewMemStore()
	s.SetJournalLimit(100)
	ctx := t.Context()
	for i := range 1000 {
		if _, err := s.AppendJournal(ctx, Delivery{Kind: KindPartnerAPI, Reason: strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.Journal(ctx, JournalFilter{})
	if len(got) != 100 || got[0].Reason != "900" || got[99].Reason != "999" || got[0].ID+99 != got[99].ID {
		t.Fatalf("journal holds %d entries, %q to %q; want the newest 100, 900 to 999", len(got), got[0].Reason, got[len(got)-1].Reason)
	}
	d := Delivery{Kind: KindPartnerAPI, Reason: "steady"}
	// testing.AllocsPerRun would round an allocation every few hundred
	// appends down to 0.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 1000 {
		s.AppendJournal(ctx, d)
	}
	runtime.ReadMemStats(&after)
	if n := after.Mallocs - before.Mallocs; n > 0 {
		t.Errorf("1000 appends to a full journal made %d allocations, want 0", n)
	}
	if got, _ := s.Journal(ctx, JournalFilter{}); len(got) != 100 || got[99].Reason != "steady" {
		t.Errorf("journal after more appends: %d entries, newest %q", len(got), got[len(got)-1].Reason)
	}
}

// Results come out of the store as copies: changing what a call returned,
// in place, or what was passed in, changes nothing stored.
func TestResultsReturnedAreCopies(t *testing.T) {
	s := NewMemStore()
	ctx := t.Context()
	if err := s.PutPartner(ctx, Partner{ID: "p", APIKey: "k"}); err != nil {
		t.Fatal(err)
	}
	score, summary := 50.0, "kept"
	in := PartnerResult{ID: "r", PartnerID: "p", ResultAttributes: protocol.ResultAttributes{Status: "completed", CandidateID: 1,
		Summary: &summary, Assessment: protocol.Assessment{Score: &score}, Details: json.RawMessage(`{"a":1}`),
		Attachments: []protocol.Attachment{{URL: "https://x.example/a", Description: "d"}}}}
	want := in
	want.Summary, want.Assessment.Score = new(string), new(float64)
	*want.Summary, *want.Assessment.Score = summary, score
	want.Details = slices.Clone(in.Details)
	want.Attachments = slices.Clone(in.Attachments)
	created, err := s.CreateResult(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	scribble := func(r PartnerResult) {
		*r.Summary, *r.Assessment.Score = "changed", 1
		r.Details[1] = 'X'
		r.Attachments[0].URL = "changed"
	}
	scribble(in)
	scribble(created)
	got, err := s.Result(ctx, "p", "r")
	if err != nil {
		t.Fatal(err)
	}
	scribble(got)
	updated, err := s.UpdateResult(ctx, "p", "r", func(r *PartnerResult) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	scribble(updated)
	list, _, _ := s.Results(ctx, "p", Page{})
	scribble(list[0])
	again, _ := s.Result(ctx, "p", "r")
	if diff := cmp.Diff(want, again, cmpopts.IgnoreFields(PartnerResult{}, "CreatedAt", "UpdatedAt")); diff != "" {
		t.Errorf("stored result changed through a returned copy (-want +got):\n%s", diff)
	}
}

// forEachKind runs test on an in-memory store and on a durable one.
func forEachKind(t *testing.T, test func(t *testing.T, s *MemStore, durable bool)) {
	for _, durable := range []bool{false, true} {
		t.Run(fmt.Sprintf("durable=%v", durable), func(t *testing.T) {
			s := NewMemStore()
			if durable {
				var err error
				if s, err = OpenMemStore(filepath.Join(t.TempDir(), "state.json")); err != nil {
					t.Fatal(err)
				}
			}
			test(t, s, durable)
		})
	}
}

// counterUpdate adds one to the count a result's summary holds.
func counterUpdate(r *PartnerResult) error {
	n := 0
	if r.Summary != nil {
		n, _ = strconv.Atoi(*r.Summary)
	}
	v := strconv.Itoa(n + 1)
	r.Summary = &v
	return nil
}

// Rule: updates of one result by concurrent writers, each computed from
// the result as it was, are all kept: none is computed from a version
// another writer already replaced.
func TestUpdateResultLosesNoConcurrentUpdate(t *testing.T) {
	forEachKind(t, func(t *testing.T, s *MemStore, durable bool) {
		seededStore(t, s)
		ctx := context.Background()
		addResults(t, s, "r")
		const workers, each = 8, 100
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range each {
					if _, err := s.UpdateResult(ctx, "1", "r", func(r *PartnerResult) error {
						runtime.Gosched() // let the other writers in
						return counterUpdate(r)
					}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		want := strconv.Itoa(workers * each)
		check := func(st *MemStore, when string) {
			r, err := st.Result(ctx, "1", "r")
			if err != nil || r.Summary == nil || *r.Summary != want {
				got := "none"
				if r.Summary != nil {
					got = *r.Summary
				}
				t.Errorf("%s: %s updates counted (%v), want %s", when, got, err, want)
			}
		}
		check(s, "after the updates")
		if durable {
			reopened, err := OpenMemStore(s.file.path)
			if err != nil {
				t.Fatal(err)
			}
			check(reopened, "reopened")
		}
	})
}

// An update whose result another writer replaces while it runs runs again
// on the newer result; one that keeps being overtaken finally runs under
// the lock, where nothing can overtake it.
func TestUpdateResultRunsAgainWhenOvertaken(t *testing.T) {
	s := NewMemStore()
	seededStore(t, s)
	addResults(t, s, "r")
	ctx := context.Background()
	calls := 0
	got, err := s.UpdateResult(ctx, "1", "r", func(r *PartnerResult) error {
		calls++
		if calls <= optimisticTries {
			// Another writer overtakes this update (this one holds no
			// lock while it runs, or this would deadlock).
			if _, err := s.UpdateResult(ctx, "1", "r", counterUpdate); err != nil {
				return err
			}
		}
		r.Status = "completed"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != optimisticTries+1 {
		t.Errorf("update ran %d times, want %d (each overtaken try, then once under the lock)", calls, optimisticTries+1)
	}
	want := strconv.Itoa(optimisticTries)
	for _, r := range []PartnerResult{got, mustResult(t, s, "r")} {
		if r.Status != "completed" || r.Summary == nil || *r.Summary != want {
			t.Errorf("result %+v: want status completed and the %s overtaking updates kept", r.ResultAttributes, want)
		}
	}
}

// addResults creates results of partner 1 with these ids.
func addResults(t *testing.T, s *MemStore, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, err := s.CreateResult(t.Context(), PartnerResult{ID: id, PartnerID: "1", ResultAttributes: protocol.ResultAttributes{Status: "sending"}}); err != nil {
			t.Fatal(err)
		}
	}
}

func mustResult(t *testing.T, s *MemStore, id string) PartnerResult {
	t.Helper()
	r, err := s.Result(context.Background(), "1", id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
