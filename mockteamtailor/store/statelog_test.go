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
	if gens, _ := logGenerations(path); len(gens) != 1 {
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

// A record cut off by a crash was never acknowledged: it is dropped, the
// store opens with everything before it, and goes on writing after it.
func TestStateLogDropsTornTail(t *testing.T) {
	// cut > 0: the file ends that many bytes into the last record; zeroed
	// > 0: the last record's last bytes are zeros, where the log was
	// extended with zeros ahead and the write did not reach (its last
	// bytes are non-zero); -100: 100 zero bytes appended.
	for _, tc := range []struct{ cut, zeroed int }{{1, 0}, {5, 0}, {9, 0}, {40, 0}, {0, 9}, {0, 40}, {-100, 0}} {
		cut := tc.cut
		t.Run(fmt.Sprintf("cut %d zeroed %d", cut, tc.zeroed), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			s := reopen(t, path)
			everyMutation(t, s, "a")
			s.Flush()
			want := dump(s)
			log := logPath(path, 1)
			if cut > 0 || tc.zeroed > 0 {
				if _, err := s.CreateResult(t.Context(), PartnerResult{ID: "torn", PartnerID: "pa", ResultAttributes: protocol.ResultAttributes{Status: "sent"}}); err != nil {
					t.Fatal(err)
				}
				end := s.file.log.bytes()
				f, err := os.OpenFile(log, os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				if cut > 0 {
					err = f.Truncate(end - int64(cut))
				} else {
					_, err = f.WriteAt(make([]byte, tc.zeroed), end-int64(tc.zeroed))
				}
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
			} else {
				f, _ := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
				f.Write(make([]byte, -cut))
				f.Close()
			}
			re := reopen(t, path)
			if diff := cmp.Diff(want, dump(re)); diff != "" {
				t.Fatalf("store after a torn tail (-want +got):\n%s", diff)
			}
			if _, err := re.CreateResult(t.Context(), PartnerResult{ID: "after", PartnerID: "pa", ResultAttributes: protocol.ResultAttributes{Status: "sent"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := reopen(t, path).Result(t.Context(), "pa", "after"); err != nil {
				t.Errorf("a write after the torn tail was lost: %v", err)
			}
		})
	}
}

// Damage before the last record is corruption: the store refuses to open,
// naming the file and the offset, and leaves it untouched.
func TestStateLogRefusesCorruptMiddle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := reopen(t, path)
	everyMutation(t, s, "a")
	s.Flush()
	log := logPath(path, 1)
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	off := len(logMagic) + 20 // inside the first record's payload
	data[off] ^= 0xff
	os.WriteFile(log, data, 0o600)
	_, err = OpenMemStore(path)
	if err == nil || !strings.Contains(err.Error(), log) || !strings.Contains(err.Error(), fmt.Sprintf("offset %d", len(logMagic))) || !strings.Contains(err.Error(), "untouched") {
		t.Fatalf("OpenMemStore over a corrupt log = %v, want an error naming %s and offset %d", err, log, len(logMagic))
	}
	if got, _ := os.ReadFile(log); string(got) != string(data) {
		t.Error("the corrupt log was changed")
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

// FuzzReadLog feeds arbitrary bytes to the log reader: it never panics,
// and what it accepts it accepts up to a record boundary.
func FuzzReadLog(f *testing.F) {
	rec := appendLogFrame(nil, []byte(`{"put":[{"kind":"result","id":"r","deleted":true}]}`))
	f.Add([]byte(logMagic))
	f.Add(append([]byte(logMagic), rec...))
	f.Add(append(append([]byte(logMagic), rec...), rec[:5]...))
	f.Add(append([]byte(logMagic), make([]byte, 20)...))
	f.Add([]byte("garbage"))
	src := NewMemStore()
	src.file = &stateFile{}
	src.results["r"] = encodeResultBlob(&PartnerResult{ID: "r", PartnerID: "p", ResultAttributes: protocol.ResultAttributes{Status: "sent", Details: json.RawMessage(`{}`)}})
	src.touched = []touchedKey{{recResult, "r"}, {recResult, "gone"}}
	bin := appendFrame(nil, src.appendResultsRecord)
	f.Add(append([]byte(logMagic), bin...))
	f.Add(append(append([]byte(logMagicV1), rec...), bin[:len(bin)-3]...))
	var entry Delivery
	fillEveryField(reflect.ValueOf(&entry).Elem(), 2)
	journal := appendFrame(nil, func(b []byte) []byte { return appendJournalRecord(b, &entry) })
	f.Add(append(append([]byte(logMagic), journal...), bin...))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "l")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s := NewMemStore()
		end, size, err := readLog(path, func(p []byte, _ int64) error { return s.applyRecord(p) })
		if err == nil && (end > size || end < 0) {
			t.Fatalf("valid end %d outside the file (%d bytes)", end, size)
		}
	})
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
	gens, _ := logGenerations(path)
	if err := os.WriteFile(logPath(path, gens[len(gens)-1]), appendLogFrame([]byte(magic), payload), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Logs of version 1, whose records are all JSON, are still replayed.
func TestStateLogReadsVersion1(t *testing.T) {
	want := PartnerResult{ID: "old", PartnerID: "1", CreatedAt: fixedNow, ResultAttributes: protocol.ResultAttributes{Status: "completed", CandidateID: 7, Details: json.RawMessage(`{"a":1}`)}}
	value, _ := json.Marshal(want)
	path := stateWithOlderLog(t, logMagicV1, logRecord{Put: []logChange{{Kind: recResult, ID: want.ID, Value: value}}, Next: &counters{Delivery: 3}, NextActivationID: 1})
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
	if _, _, err := readLog(logPath(path, 1), func(p []byte, _ int64) error { kinds = append(kinds, p[0]); return nil }); err != nil {
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
	path := stateWithOlderLog(t, logMagicV2, logRecord{Journal: []Delivery{old}})
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
// log ending on its last record, without the zeros kept ahead of it.
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
	gens, _ := logGenerations(path)
	name := logPath(path, gens[len(gens)-1])
	end, size, err := readLog(name, func([]byte, int64) error { return nil })
	if err != nil || end != size {
		t.Fatalf("log after Close: records end at %d of %d bytes (%v), want no zeros after them", end, size, err)
	}
	if _, err := reopen(t, path).JournalEntry(t.Context(), d.ID); err != nil {
		t.Errorf("journal entry appended before Close is gone after a restart: %v", err)
	}
}
