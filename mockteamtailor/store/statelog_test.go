package store

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/statelog"
)

// everyMutation runs each kind of store change once (and a few twice), so
// a reopened store can be compared with the one that made them.
func everyMutation(t *testing.T, s *MemStore, tag string) {
	t.Helper()
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.PutPartner(ctx, Partner{ID: "p" + tag, Name: "P", APIKey: "key-" + tag, WebhookSecret: "s", WebhookConfig: json.RawMessage(`{"a":1}`)}))
	must(s.PutCompany(ctx, Company{UUID: "c" + tag, Name: "C", Users: []protocol.User{{ID: 1, Name: "U"}}}))
	_, err := s.UpdateCompany(ctx, "c"+tag, func(c *Company) error { c.Name = "C2"; return nil })
	must(err)
	a1, err := s.CreateActivation(ctx, Activation{PartnerID: "p" + tag, CompanyUUID: "c" + tag, Values: map[string]string{"k": "v"}})
	must(err)
	a2, err := s.CreateActivation(ctx, Activation{PartnerID: "p" + tag, CompanyUUID: "other" + tag})
	must(err)
	must(s.DeleteActivation(ctx, "p"+tag, a1.ID))
	_ = a2
	for i := range 5 {
		_, err := s.CreateResult(ctx, PartnerResult{ID: fmt.Sprintf("r%s-%d", tag, i), PartnerID: "p" + tag, CreatedAt: fixedNow, ResultAttributes: protocol.ResultAttributes{Status: "sending", CandidateID: int64(i + 1), Details: json.RawMessage(`{"x":"y"}`)}})
		must(err)
	}
	_, err = s.UpdateResult(ctx, "p"+tag, "r"+tag+"-1", func(r *PartnerResult) error { r.Status = "completed"; return nil })
	must(err)
	must(s.DeleteResult(ctx, "p"+tag, "r"+tag+"-2"))
	j, err := s.PutJob(ctx, Job{CompanyUUID: "c" + tag, Title: "J", Stages: []Stage{{Name: "a"}, {Name: "b"}}})
	must(err)
	c, err := s.PutCandidate(ctx, CandidateRecord{CompanyUUID: "c" + tag, Applications: []Application{{JobID: j.ID, StageID: j.Stages[0].ID}}})
	must(err)
	_, err = s.UpdateCandidate(ctx, c.ID, func(c *CandidateRecord) error { c.Applications[0].StageID = j.Stages[1].ID; return nil })
	must(err)
	t1, err := s.CreateTrigger(ctx, Trigger{PartnerID: "p" + tag, JobID: j.ID, StageID: j.Stages[1].ID})
	must(err)
	_, err = s.CreateTrigger(ctx, Trigger{PartnerID: "p" + tag, JobID: j.ID, StageID: j.Stages[0].ID})
	must(err)
	must(s.DeleteTrigger(ctx, t1.ID))
	gone, err := s.PutCandidate(ctx, CandidateRecord{CompanyUUID: "c" + tag})
	must(err)
	_, err = s.DeleteCandidate(ctx, gone.ID)
	must(err)
	for i := range 3 {
		_, err := s.AppendJournal(ctx, Delivery{Kind: KindWebhook, PartnerID: "p" + tag, Reason: fmt.Sprint(tag, i), Time: fixedNow})
		must(err)
	}
}

// dump is everything a store holds, in a comparable form.
func dump(s *MemStore) state {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.snapshotLocked()
	st.decodeResultBlobs()
	st.Journal = append([]Delivery(nil), s.journal...)
	return st
}

func reopen(t *testing.T, path string) *MemStore {
	t.Helper()
	s, err := OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A durable store replays its log into exactly the state it had, before
// and after a compaction, and after a reset.
func TestStateLogReplaysEveryChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := reopen(t, path)
	everyMutation(t, s, "a")
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	want := dump(s)
	if diff := cmp.Diff(want, dump(reopen(t, path))); diff != "" {
		t.Fatalf("replayed store differs (-want +got):\n%s", diff)
	}
	if err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	everyMutation(t, s, "b")
	s.Flush()
	want = dump(s)
	re := reopen(t, path)
	if diff := cmp.Diff(want, dump(re)); diff != "" {
		t.Fatalf("store replayed over a snapshot differs (-want +got):\n%s", diff)
	}
	if gens, _ := statelog.Generations(path); len(gens) != 1 {
		t.Errorf("log generations after compaction: %v, want only the current one", gens)
	}
	if err := re.Reset(t.Context()); err != nil {
		t.Fatal(err)
	}
	everyMutation(t, re, "c")
	re.Flush()
	if diff := cmp.Diff(dump(re), dump(reopen(t, path))); diff != "" {
		t.Fatalf("store replayed after a reset differs (-want +got):\n%s", diff)
	}
}

// A record a crash cut off was never acknowledged: it is dropped, the
// store opens with everything before it, and goes on writing after it. A
// crash loses whole sectors of a write, never part of one, so the torn
// record is zeros from a sector boundary on; a store killed with zeros
// ahead of its records loses nothing.
func TestStateLogDropsTornTail(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tear  bool // zero the last record from each sector boundary in it
		zeros int  // or append zeros to the log
	}{{"torn at each sector", true, 0}, {"zeros after", false, 100}, {"no zeros", false, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			s := reopen(t, path)
			everyMutation(t, s, "a")
			s.Flush()
			want := dump(s)
			log := statelog.Path(path, 1)
			start := s.file.log.Bytes()
			if tc.tear {
				big := strings.Repeat("long summary ", 300)
				if _, err := s.CreateResult(t.Context(), PartnerResult{ID: "torn", PartnerID: "pa", ResultAttributes: protocol.ResultAttributes{Status: "sent", Summary: &big}}); err != nil {
					t.Fatal(err)
				}
			}
			end := s.file.log.Bytes()
			s.Close()
			data, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			// What a kill leaves: the records, then zeros (Close ended
			// the log instead: replace its end record with zeros).
			data = append(data[:end], make([]byte, tc.zeros+1)...)
			cuts := []int64{end}
			if tc.tear {
				cuts = nil
				for p := (start + 8 + statelog.Sector - 1) / statelog.Sector * statelog.Sector; p < end; p += statelog.Sector {
					cuts = append(cuts, p)
				}
			}
			for _, cut := range cuts {
				torn := slices.Clone(data)
				clear(torn[cut:])
				if err := os.WriteFile(log, torn, 0o600); err != nil {
					t.Fatal(err)
				}
				re := reopen(t, path)
				if diff := cmp.Diff(want, dump(re)); diff != "" {
					t.Fatalf("store after a tear at %d (-want +got):\n%s", cut, diff)
				}
				if _, err := re.CreateResult(t.Context(), PartnerResult{ID: "after", PartnerID: "pa", ResultAttributes: protocol.ResultAttributes{Status: "sent"}}); err != nil {
					t.Fatal(err)
				}
				if _, err := reopen(t, path).Result(t.Context(), "pa", "after"); err != nil {
					t.Errorf("a write after the torn tail at %d was lost: %v", cut, err)
				}
			}
		})
	}
}

// A version 1 state file and its journal file are read once and migrated:
// the data stays, the old journal file goes, and the store reopens from
// the current snapshot.
func TestStateMigratesVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	src := NewMemStore()
	everyMutation(t, src, "a")
	want := dump(src)
	v1 := want
	v1.Version, v1.Journal = 1, nil
	data, _ := json.Marshal(v1)
	os.WriteFile(path, data, 0o600)
	jdata, _ := json.Marshal(journalState{Format: journalFormat, Version: 1, Journal: want.Journal})
	os.WriteFile(journalPath(path), jdata, 0o600)

	s := reopen(t, path)
	if diff := cmp.Diff(want, dump(s)); diff != "" {
		t.Fatalf("migrated store differs (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(journalPath(path)); !os.IsNotExist(err) {
		t.Errorf("the version 1 journal file is still there (%v)", err)
	}
	if raw, _ := os.ReadFile(path); !isSnapshotV3(raw) {
		t.Errorf("state file after migration starts %q, want a version %d snapshot", raw[:min(len(raw), 40)], stateVersion)
	}
	d, _ := s.AppendJournal(t.Context(), Delivery{Kind: KindConfig})
	if d.ID != int64(len(want.Journal)+1) {
		t.Errorf("journal id after migration = %d, want %d", d.ID, len(want.Journal)+1)
	}
	s.Flush()
	if diff := cmp.Diff(dump(s), dump(reopen(t, path))); diff != "" {
		t.Fatalf("store reopened after migration differs (-want +got):\n%s", diff)
	}
}

// The log is compacted in the background once it outgrows the snapshot;
// the folder then holds the snapshot and a short log.
func TestStateLogCompactsInBackground(t *testing.T) {
	if testing.Short() {
		t.Skip("writes more than compactMinBytes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	s := reopen(t, path)
	seededStore(t, s)
	big := strings.Repeat("x", 64<<10)
	summary := &big
	for i := 0; s.StateStats().Compactions == 0; i++ {
		if i > 2*compactMinBytes/len(big) {
			t.Fatalf("no compaction after %d writes of %d bytes (%+v)", i, len(big), s.StateStats())
		}
		if _, err := updateOrCreate(t, s, "1", "r", summary); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(time.Minute)
	for s.file.compacting.TryLock() == false {
		if time.Now().After(deadline) {
			t.Fatal("compaction never finished")
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.file.compacting.Unlock()
	var total int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		info, _ := e.Info()
		total += info.Size()
	}
	st := s.StateStats()
	if total > 3*st.SnapshotBytes+compactMinBytes {
		t.Errorf("state folder holds %d bytes for a %d-byte snapshot", total, st.SnapshotBytes)
	}
	if diff := cmp.Diff(dump(s), dump(reopen(t, path))); diff != "" {
		t.Fatalf("store reopened after compaction differs (-want +got):\n%s", diff)
	}
}

// updateOrCreate writes summary onto result id, creating it first.
func updateOrCreate(t *testing.T, s *MemStore, partnerID, id string, summary *string) (PartnerResult, error) {
	t.Helper()
	if _, err := s.Result(t.Context(), partnerID, id); err != nil {
		if _, err := s.CreateResult(t.Context(), PartnerResult{ID: id, PartnerID: partnerID, ResultAttributes: protocol.ResultAttributes{Status: "sent"}}); err != nil {
			return PartnerResult{}, err
		}
	}
	return s.UpdateResult(t.Context(), partnerID, id, func(r *PartnerResult) error { r.Summary = summary; return nil })
}

// stateWithOlderLog returns the path of a seeded, compacted state whose
// current log generation is replaced by one of an older version (header
// magic) holding the JSON record rec.
func stateWithOlderLog(t *testing.T, magic string, rec logRecord) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	s := reopen(t, path)
	seededStore(t, s)
	if err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	gens, _ := statelog.Generations(path)
	if err := os.WriteFile(statelog.Path(path, gens[len(gens)-1]), statelog.Frame([]byte(magic), func(b []byte) []byte { return append(b, payload...) }), 0o600); err != nil {
		t.Fatal(err)
	}
	// A snapshot of the time, which does not name its log.
	st, err := loadState(path)
	if err != nil {
		t.Fatal(err)
	}
	st.LogID = ""
	data, err := encodeSnapshot(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Logs of version 1, whose records are all JSON, are still replayed.
func TestStateLogReadsVersion1(t *testing.T) {
	want := PartnerResult{ID: "old", PartnerID: "1", CreatedAt: fixedNow, ResultAttributes: protocol.ResultAttributes{Status: "completed", CandidateID: 7, Details: json.RawMessage(`{"a":1}`)}}
	value, _ := json.Marshal(want)
	path := stateWithOlderLog(t, statelog.MagicV1, logRecord{Put: []logChange{{Kind: recResult, ID: want.ID, Value: value}}, Next: &counters{Delivery: 3}, NextActivationID: 1})
	got, err := reopen(t, path).Result(t.Context(), "1", "old")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result replayed from a version 1 log (-want +got):\n%s", diff)
	}
}

// Result changes, the writes a partner makes all day, are logged in
// binary; other changes stay JSON.
func TestStateLogWritesResultsInBinary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := reopen(t, path)
	seededStore(t, s)
	if _, err := s.CreateResult(t.Context(), PartnerResult{ID: "r", PartnerID: "1", ResultAttributes: protocol.ResultAttributes{Status: "sent"}}); err != nil {
		t.Fatal(err)
	}
	var kinds []byte
	if _, err := readLog(path, statelog.Path(path, 1), func(p []byte, _ int64) error { kinds = append(kinds, p[0]); return nil }); err != nil {
		t.Fatal(err)
	}
	if string(kinds) != "{{B" {
		t.Errorf("log records start %q, want two JSON partner records and a binary result record", kinds)
	}
}

// Every field of a journal entry survives its binary log record, and nil
// stays nil: a field added to Delivery or HTTPMessage and not to the
// record fails here.
func TestJournalCodecCoversEveryField(t *testing.T) {
	var full Delivery
	fillEveryField(reflect.ValueOf(&full).Elem(), 7)
	empty := Delivery{Request: HTTPMessage{Header: http.Header{}}, Response: &HTTPMessage{Header: http.Header{"A": nil, "B": {}}}, Capture: &CaptureReplay{}}
	for _, want := range []Delivery{full, {}, empty} {
		got, err := decodeJournalRecord(appendJournalRecord(nil, &want))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("journal entry after the binary round trip (-want +got):\n%s", diff)
		}
	}
}

// FuzzDecodeJournalRecord feeds arbitrary bytes to the journal record
// decoder: it never panics, and what it accepts encodes back to a record
// that decodes to the same entry.
func FuzzDecodeJournalRecord(f *testing.F) {
	var full Delivery
	fillEveryField(reflect.ValueOf(&full).Elem(), 3)
	good := appendJournalRecord(nil, &full)
	f.Add(good)
	f.Add(good[:len(good)-4])
	f.Add(appendJournalRecord(nil, &Delivery{}))
	f.Add([]byte{journalRecord})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || data[0] != journalRecord {
			data = append([]byte{journalRecord}, data...)
		}
		d, err := decodeJournalRecord(data)
		if err != nil {
			return
		}
		again, err := decodeJournalRecord(appendJournalRecord(nil, &d))
		if err != nil {
			t.Fatalf("an accepted entry does not decode after encoding: %v", err)
		}
		if diff := cmp.Diff(d, again); diff != "" {
			t.Fatalf("entry changed by a round trip (-first +second):\n%s", diff)
		}
	})
}

// Journal entries a version 2 log holds as JSON are replayed, and new ones
// appended to it are binary: both are there after a restart.
func TestStateLogReplaysJSONAndBinaryJournalEntries(t *testing.T) {
	old := Delivery{ID: 900, Kind: KindPartnerAPI, PartnerID: "1", Time: fixedNow, Verdict: VerdictOK, Reason: "from a version 2 log",
		Request: HTTPMessage{Method: "PUT", Header: http.Header{"Accept": {"application/vnd.api+json"}}, Body: `{"a":"\u00e9"}`, BodySize: 14}}
	path := stateWithOlderLog(t, statelog.MagicV2, logRecord{Journal: []Delivery{old}})
	s := reopen(t, path)
	added, err := s.AppendJournal(t.Context(), Delivery{Kind: KindPartnerAPI, PartnerID: "1", Time: fixedNow, Reason: "appended after the upgrade",
		Request: HTTPMessage{Method: "POST", Body: "\xff not UTF-8", BodySize: 13}, Response: &HTTPMessage{Status: 201, Header: http.Header{"X-A": {"1", "2"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := reopen(t, path).Journal(t.Context(), JournalFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, d := range got {
		reasons = append(reasons, d.Reason)
		if d.ID == added.ID {
			if diff := cmp.Diff(added, d); diff != "" {
				t.Errorf("binary journal entry after a restart (-want +got):\n%s", diff)
			}
		}
	}
	if !slices.Contains(reasons, old.Reason) || !slices.Contains(reasons, added.Reason) {
		t.Errorf("journal after a restart has %q, want both the version 2 entry and the new one", reasons)
	}
}

// Close writes out the journal entries nobody waited for and leaves the
// log ending with its end record, without the zeros kept ahead of it.
func TestCloseWritesOutTheLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := reopen(t, path)
	seededStore(t, s)
	d, err := s.AppendJournal(t.Context(), Delivery{Kind: KindPartnerAPI, PartnerID: "1", Reason: "kept at shutdown"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	gens, _ := statelog.Generations(path)
	name := statelog.Path(path, gens[len(gens)-1])
	sc, err := readLog(path, name, func([]byte, int64) error { return nil })
	if err != nil || sc.End != sc.Size || !sc.Closed {
		t.Fatalf("log after Close: records end at %d of %d bytes, closed %v (%v), want its end record and no zeros after it", sc.End, sc.Size, sc.Closed, err)
	}
	if _, err := reopen(t, path).JournalEntry(t.Context(), d.ID); err != nil {
		t.Errorf("journal entry appended before Close is gone after a restart: %v", err)
	}
	// A store used after Close writes on after its end record, which it
	// zeroes first: the log stays readable.
	addResults(t, s, "after-close")
	s.Close()
	if _, err := reopen(t, path).Result(t.Context(), "1", "after-close"); err != nil {
		t.Errorf("a result written after Close: %v", err)
	}
}
