package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
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

// killedState writes a small durable state (a snapshot with results, and
// a log of a few records after it), then leaves its files as a kill -9
// leaves them: the log's records, then zeros. It returns the state file,
// what the store held, and the log's records end.
func killedState(t *testing.T) (path string, want state, end int) {
	path, want, _, end = killedStateBeforeLast(t)
	return path, want, end
}

// killedStateBeforeLast is killedState that also returns what the store
// held before its last record, a long one (over two sectors).
func killedStateBeforeLast(t *testing.T) (path string, want, beforeLast state, end int) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "state.json")
	s := reopen(t, path)
	seededStore(t, s)
	addResults(t, s, "in-snapshot-1", "in-snapshot-2")
	if err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	addResults(t, s, "logged-1", "logged-2")
	beforeLast = dump(s)
	long := strings.Repeat("a long summary ", 100)
	if _, err := s.UpdateResult(t.Context(), "1", "logged-1", func(r *PartnerResult) error { r.Status, r.Summary = "completed", &long; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	want = dump(s)
	end = int(s.file.log.Bytes())
	gen := s.file.log.Generation()
	s.Close()
	log := statelog.Path(path, gen)
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	// A kill leaves zeros where Close wrote the end record.
	if err := os.WriteFile(log, append(data[:end], make([]byte, 600)...), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, want, beforeLast, end
}

// opensOrRefuses opens the state at path after a mutation of file (named
// what): the store either refuses, naming file and an offset and leaving
// every file as it was, or holds exactly want.
func opensOrRefuses(t *testing.T, path, file string, mutated []byte, want state, what string) (refused bool) {
	t.Helper()
	if err := os.WriteFile(file, mutated, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := OpenMemStore(path)
	if err != nil {
		if !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "offset ") {
			t.Fatalf("%s: error %q does not name %s and a byte offset", what, err, file)
		}
		if got, _ := os.ReadFile(file); !bytes.Equal(got, mutated) {
			t.Fatalf("%s: the refused file was changed", what)
		}
		return true
	}
	if diff := cmp.Diff(want, dump(s)); diff != "" {
		t.Fatalf("%s: the store opened and differs from what was acknowledged (-want +got):\n%s", what, diff)
	}
	return false
}

// No single damaged byte of a log a kill left, and no flipped bit of a
// record header, makes the store open with less than was acknowledged:
// each either stops start-up, naming file and offset, or loses nothing.
func TestStateLogEveryFlipRefusedOrHarmless(t *testing.T) {
	path, want, end := killedState(t)
	log := statelog.Path(path, 2)
	good, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	// Every byte of the header and the records, and the zeros after.
	for i := range good {
		b := slices.Clone(good)
		b[i] ^= 0xff
		if opensOrRefuses(t, path, log, b, want, fmt.Sprintf("byte %d flipped", i)) {
			refused++
		} else if i < end {
			t.Errorf("byte %d (of %d bytes of records) flipped, and the store opened", i, end)
		}
	}
	// Every bit of every record header.
	for off := statelog.HeaderV4; off < end; {
		n := int(binary.LittleEndian.Uint32(good[off:]))
		for bit := range 64 {
			b := slices.Clone(good)
			b[off+bit/8] ^= 1 << (bit % 8)
			if !opensOrRefuses(t, path, log, b, want, fmt.Sprintf("bit %d of the record header at %d flipped", bit, off)) {
				t.Errorf("bit %d of the record header at %d flipped, and the store opened", bit, off)
			}
		}
		off += 8 + n + 4
	}
	os.WriteFile(log, good, 0o600)
	if diff := cmp.Diff(want, dump(reopen(t, path))); diff != "" {
		t.Fatalf("the undamaged state (-want +got):\n%s", diff)
	}
	t.Logf("%d of %d flipped bytes refused, the rest in the zeros after the records", refused, len(good))
}

// The same for the snapshot: no damaged byte opens a smaller store.
func TestSnapshotEveryFlipRefused(t *testing.T) {
	path, want, _ := killedState(t)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range good {
		b := slices.Clone(good)
		b[i] ^= 0xff
		if !opensOrRefuses(t, path, path, b, want, fmt.Sprintf("snapshot byte %d flipped", i)) {
			t.Errorf("snapshot byte %d flipped, and the store opened", i)
		}
	}
}

// A log cut short at any offset inside its records is refused: a crash
// never shortens a log (it is extended with zeros, fsync'd, before records
// go into them). A cut in the zeros after the records loses nothing.
func TestStateLogCutAtEveryOffset(t *testing.T) {
	path, want, end := killedState(t)
	log := statelog.Path(path, 2)
	good, _ := os.ReadFile(log)
	for cut := 0; cut < len(good); cut++ {
		refused := opensOrRefuses(t, path, log, good[:cut], want, fmt.Sprintf("cut at %d", cut))
		if refused != (cut <= end) {
			t.Errorf("log cut at %d (records end at %d): refused %v", cut, end, refused)
		}
	}
}

// A crash tears only the last record, in whole sectors: zeros from inside
// the last record to the end of the file, a whole sector of the record
// among them, are a torn tail, dropped with that record alone; zeros from
// inside any other record are refused. Zeros from a record boundary are
// what a crash leaves when the commits after it had not reached the disk
// (docs/operators.md "State"): the store opens with the records before them.
func TestStateLogZeroedFromEveryOffset(t *testing.T) {
	path, _, beforeLast, end := killedStateBeforeLast(t)
	log := statelog.Path(path, 2)
	good, _ := os.ReadFile(log)
	last := lastRecordStart(t, good, end)
	boundaries := recordStarts(good, end)
	torn := 0
	for from := 0; from < end; from++ {
		b := slices.Clone(good)
		clear(b[from:])
		if err := os.WriteFile(log, b, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := OpenMemStore(path)
		crashShaped := from >= last+8 && (from+statelog.Sector-1)/statelog.Sector*statelog.Sector < end
		inHeader := from > last && from < last+8 // what the length reads as varies
		switch {
		case err == nil && inHeader:
			if diff := cmp.Diff(beforeLast, dump(got)); diff != "" {
				t.Errorf("torn last record header at %d: the store differs from the one before it (-want +got):\n%s", from, diff)
			}
		case inHeader:
		case err != nil && crashShaped:
			t.Errorf("zeros from %d, a sector boundary in the last record (at %d): refused: %v", from, last, err)
		case err != nil:
			if !strings.Contains(err.Error(), log) || !strings.Contains(err.Error(), "offset ") {
				t.Fatalf("zeros from %d: error %q does not name the log and an offset", from, err)
			}
		case boundaries[from]:
			if len(dump(got).Results) > len(beforeLast.Results) {
				t.Errorf("zeros from the record boundary %d: more results than before the last record", from)
			}
		case !crashShaped:
			t.Errorf("zeros from %d (the last record starts at %d): the store opened", from, last)
		default:
			torn++
			if diff := cmp.Diff(beforeLast, dump(got)); diff != "" {
				t.Errorf("torn last record at %d: the store differs from the one before it (-want +got):\n%s", from, diff)
			}
		}
	}
	if torn == 0 {
		t.Fatal("no sector boundary inside the last record: nothing torn was tried")
	}
}

// recordStarts returns the offsets where the records before end start.
func recordStarts(data []byte, end int) map[int]bool {
	starts := map[int]bool{}
	for off := statelog.HeaderV4; off < end; off += 8 + int(binary.LittleEndian.Uint32(data[off:])) + 4 {
		starts[off] = true
	}
	return starts
}

// lastRecordStart returns the offset of the last record before end.
func lastRecordStart(t *testing.T, data []byte, end int) int {
	t.Helper()
	off, last := statelog.HeaderV4, -1
	for off < end {
		last = off
		off += 8 + int(binary.LittleEndian.Uint32(data[off:])) + 4
	}
	if off != end || last < 0 {
		t.Fatalf("records do not end at %d", end)
	}
	return last
}

// An emptied or deleted log beside a snapshot that names it is refused,
// and the files are left as they were.
func TestSnapshotWithoutItsLogRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(log string)
		want   string
	}{
		{"deleted", func(log string) { os.Remove(log) }, "is missing"},
		{"emptied", func(log string) { os.WriteFile(log, nil, 0o600) }, "offset 0"},
		{"header only", func(log string) {
			b, _ := os.ReadFile(log)
			os.WriteFile(log, b[:statelog.HeaderV4], 0o600)
		}, "offset 54"},
		{"another state's log", func(log string) {
			f, _, _, err := statelog.Create(log + ".other")
			if err == nil {
				f.Close()
				os.Rename(log+".other", log)
			}
		}, "belongs to another state"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, _, _ := killedState(t)
			log := statelog.Path(path, 2)
			tc.damage(log)
			snap, _ := os.ReadFile(path)
			_, err := OpenMemStore(path)
			if err == nil || !strings.Contains(err.Error(), log) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("OpenMemStore with its log %s = %v, want an error naming %s and %q", tc.name, err, log, tc.want)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, snap) {
				t.Error("the snapshot was changed")
			}
			if _, err := os.Stat(log + ".1"); err == nil {
				t.Error("a log file was created")
			}
		})
	}
}

// A version 3 snapshot written before snapshots named their log does not
// require it (docs/operators.md "State"): it opens, and is rewritten at once as one
// that does.
func TestOldSnapshotWithoutLogOpensAndIsRewritten(t *testing.T) {
	path, _, _ := killedState(t)
	st, err := loadState(path)
	if err != nil {
		t.Fatal(err)
	}
	st.LogID = ""
	data, _ := encodeSnapshot(st)
	os.WriteFile(path, data, 0o600)
	os.Remove(statelog.Path(path, 2))
	s := reopen(t, path)
	if _, err := s.Result(t.Context(), "1", "in-snapshot-1"); err != nil {
		t.Fatal(err)
	}
	st, err = loadState(path)
	if err != nil || st.LogID == "" {
		t.Fatalf("snapshot after opening an old one: log id %q (%v), want one", st.LogID, err)
	}
	if _, err := OpenMemStore(path); err != nil {
		t.Fatal(err)
	}
}

// logRecords are the payloads of real records of every kind, for the
// fuzz target: JSON changes, binary results and a journal entry.
func logRecords() [][]byte {
	src := NewMemStore()
	src.file = &stateFile{}
	src.results["r"] = encodeResultBlob(&PartnerResult{ID: "r", PartnerID: "p", ResultAttributes: protocol.ResultAttributes{Status: "sent", Details: json.RawMessage(`{}`)}})
	src.touched = []touchedKey{{recResult, "r"}, {recResult, "gone"}}
	bin := src.appendResultsRecord(nil)
	var entry Delivery
	fillEveryField(reflect.ValueOf(&entry).Elem(), 2)
	journal := appendJournalRecord(nil, &entry)
	long := []byte(`{"put":[{"kind":"result","id":"r","value":{"id":"r","partnerId":"p","status":"sent","summary":"` + strings.Repeat("x", 1200) + `"}}]}`)
	return [][]byte{[]byte(`{"put":[{"kind":"result","id":"r","deleted":true}]}`), bin, journal, long, bin}
}

// FuzzReadLog damages a valid log (records of every kind, then the zeros
// a running store keeps after them): it overwrites bytes at pos with
// patch, or, with cut, also ends the file there. The reader never
// panics, and either refuses, naming an offset inside the file, or
// yields exactly the records written: all of them, or those before the
// first one missing when the file from there on is what a crash of the
// commit that held it leaves (one torn record, then zeros) and nothing
// before it changed: records of a commit not on disk were never
// acknowledged. A log whose header no longer
// has the identity the snapshot names is refused by start-up.
func FuzzReadLog(f *testing.F) {
	f.Add(uint8(5), uint16(0), []byte{}, false)
	f.Add(uint8(5), uint16(100), []byte{0xff}, false)
	f.Add(uint8(3), uint16(90), []byte{1}, false)
	f.Add(uint8(5), uint16(1600), make([]byte, 900), false)
	f.Add(uint8(5), uint16(1200), []byte{}, true)
	f.Add(uint8(1), uint16(68), []byte{0, 0, 0, 0x40}, false)
	f.Add(uint8(2), uint16(0), []byte("mockteamtailor-log 3\n"), false)
	records := logRecords()
	f.Fuzz(func(t *testing.T, count uint8, pos uint16, patch []byte, cut bool) {
		written := records[:int(count)%(len(records)+1)]
		data := []byte(statelog.MagicV4 + strings.Repeat("ab", 16) + "\n")
		data = statelog.AppendFrame(data, []byte{statelog.StartRecord})
		var starts []int
		for _, p := range written {
			starts = append(starts, len(data))
			data = statelog.AppendFrame(data, p)
		}
		end := len(data)
		data = append(data, make([]byte, 2048)...)
		orig := slices.Clone(data)
		at := min(int(pos), len(data))
		data = append(data[:at], patch...)
		if !cut && at+len(patch) < len(orig) {
			data = append(data, orig[at+len(patch):]...)
		}
		var got [][]byte
		s := NewMemStore()
		sc := statelog.Read(data, func(p []byte, _ int64) error {
			got = append(got, slices.Clone(p))
			return s.applyRecord(p)
		})
		if sc.Damage == nil && sc.ID != strings.Repeat("ab", 16) {
			return // the snapshot names the log's identity: start-up refuses another (readDurable)
		}
		if sc.Damage != nil {
			if sc.Damage.Offset < 0 || sc.Damage.Offset > int64(len(data)) || sc.Damage.Problem == "" {
				t.Fatalf("damage %+v outside the file of %d bytes", sc.Damage, len(data))
			}
			return
		}
		if sc.End > sc.Size || sc.End < sc.HeaderLen {
			t.Fatalf("records end at %d, outside the %d bytes of the file", sc.End, sc.Size)
		}
		k := min(len(got), len(written))
		for i := range k {
			if !bytes.Equal(got[i], written[i]) {
				t.Fatalf("record %d accepted as %q, written as %q", i, got[i], written[i])
			}
		}
		switch {
		case len(got) == len(written):
		case len(got) > len(written):
			if at < end {
				t.Fatalf("%d records accepted, %d written, with damage at %d before their end %d", len(got), len(written), at, end)
			}
		case bytes.Equal(data[:starts[len(got)]], orig[:starts[len(got)]]) && statelog.AllZero(data[min(int64(starts[len(got)])+sc.Torn, int64(len(data))):]):
			// What a crash of the commit that held the records from
			// len(got) on leaves: whole sectors of them (one torn
			// record), then zeros; nothing before them changed.
		default:
			t.Fatalf("%d records accepted of %d written, without a word (damage at %d, %d bytes)", len(got), len(written), at, len(patch))
		}
	})
}

// FuzzScanLogBytes feeds arbitrary bytes to the log reader, and to what
// state check reads after damage: neither panics, and what the reader
// accepts ends inside the file.
func FuzzScanLogBytes(f *testing.F) {
	rec := statelog.AppendFrame(nil, []byte(`{"put":[{"kind":"result","id":"r","deleted":true}]}`))
	head := []byte(statelog.MagicV4 + strings.Repeat("0f", 16) + "\n")
	f.Add(head)
	f.Add(append(slices.Clone(head), rec...))
	f.Add(append(append(slices.Clone(head), rec...), rec[:5]...))
	f.Add(append([]byte(statelog.MagicV3), make([]byte, 20)...))
	f.Add(statelog.Frame([]byte(statelog.MagicV1), func(b []byte) []byte { return append(b, `{}`...) }))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewMemStore()
		sc := statelog.Read(data, func(p []byte, _ int64) error { return s.applyRecord(p) })
		if sc.Damage == nil && (sc.End > sc.Size || sc.End < 0) {
			t.Fatalf("valid end %d outside the file (%d bytes)", sc.End, sc.Size)
		}
		if sc.Damage != nil && (sc.Damage.Offset < 0 || sc.Damage.Offset > int64(len(data))) {
			t.Fatalf("damage at %d outside the file (%d bytes)", sc.Damage.Offset, len(data))
		}
		if sc.Damage != nil {
			// What state check reports a repair drops.
			var d StateDrop
			d.countRecords(data, int(sc.Damage.Offset), true)
		}
	})
}

// A flipped bit in a middle record: check names file and offset, and the
// records after it a repair drops; repair drops exactly those, keeps a
// copy of every file, and the state loads again, with every record before
// the damage, and takes writes.
func TestRepairDropsWhatCheckReports(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := reopen(t, path)
	seededStore(t, s)
	var ids []string
	for i := range 20 {
		ids = append(ids, fmt.Sprintf("r%02d", i))
	}
	addResults(t, s, ids...)
	s.Close()
	log := statelog.Path(path, 1)
	data, _ := os.ReadFile(log)
	starts := recordStarts(data, len(data))
	// The record of result r10: partners 1 and 2, then r00..r09.
	offs := slices.Sorted(maps.Keys(starts))
	damaged := offs[1+2+10]
	orig := slices.Clone(data)
	data[damaged+3] ^= 0x10 // a bit of its length
	os.WriteFile(log, data, 0o600)

	_, err := OpenMemStore(path)
	if err == nil || !strings.Contains(err.Error(), log) || !strings.Contains(err.Error(), fmt.Sprintf("offset %d ", damaged)) {
		t.Fatalf("OpenMemStore = %v, want damage in %s at offset %d", err, log, damaged)
	}
	c, err := CheckState(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Damage == nil || c.Damage.File != log || c.Damage.Offset != int64(damaged) || !c.Repairable {
		t.Fatalf("CheckState = %+v, want repairable damage in %s at %d", c, log, damaged)
	}
	if want := ids[11:]; !slices.Equal(c.Drop.ResultIDs, want) || c.Drop.Records != len(want) || !slices.Equal(c.Drop.DamagedIDs, ids[10:11]) {
		t.Errorf("a repair would drop the damaged record of %v and %d records, results %v; want %v, %d, %v", c.Drop.DamagedIDs, c.Drop.Records, c.Drop.ResultIDs, ids[10:11], len(want), want)
	}
	if c.Results != 10 {
		t.Errorf("a repair keeps %d results, want 10", c.Results)
	}
	if got, _ := os.ReadFile(log); !bytes.Equal(got, data) {
		t.Fatal("CheckState changed the log")
	}
	now := time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)
	rc, backup, err := RepairState(path, now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rc.Drop.ResultIDs, c.Drop.ResultIDs) {
		t.Errorf("repair dropped %v, check reported %v", rc.Drop.ResultIDs, c.Drop.ResultIDs)
	}
	if got, _ := os.ReadFile(filepath.Join(backup, filepath.Base(log))); !bytes.Equal(got, data) {
		t.Errorf("the copy of the damaged log in %s differs from it", backup)
	}
	re := reopen(t, path)
	for i, id := range ids {
		_, err := re.Result(t.Context(), "1", id)
		if (err == nil) != (i < 10) {
			t.Errorf("result %s after the repair: %v", id, err)
		}
	}
	addResults(t, re, "after-repair")
	re.Close()
	if _, err := reopen(t, path).Result(t.Context(), "1", "after-repair"); err != nil {
		t.Errorf("a write after the repair is lost: %v", err)
	}
	if c, err := CheckState(path); err != nil || c.Problem != nil {
		t.Errorf("CheckState after the repair = %+v, %v", c, err)
	}
	_ = orig
}

// A version 3 log of an earlier release (no end marks) beside a snapshot
// that does not name it is replayed, then replaced by a snapshot that
// names a new version 4 log.
func TestStateLogMigratesVersion3(t *testing.T) {
	want := PartnerResult{ID: "v3", PartnerID: "1", CreatedAt: fixedNow, ResultAttributes: protocol.ResultAttributes{Status: "completed"}}
	value, _ := json.Marshal(want)
	path := stateWithOlderLog(t, statelog.MagicV3, logRecord{Put: []logChange{{Kind: recResult, ID: want.ID, Value: value}}, Next: &counters{Delivery: 3}, NextActivationID: 1})
	gens, _ := statelog.Generations(path)
	old := statelog.Path(path, gens[len(gens)-1])
	f, _ := os.OpenFile(old, os.O_WRONLY|os.O_APPEND, 0)
	f.Write(make([]byte, 300)) // killed: zeros after the records
	f.Close()
	s := reopen(t, path)
	if got, err := s.Result(t.Context(), "1", "v3"); err != nil || !cmp.Equal(got, want) {
		t.Fatalf("result from the version 3 log: %+v, %v", got, err)
	}
	st, err := loadState(path)
	if err != nil || st.LogID == "" {
		t.Fatalf("snapshot after the migration names log %q (%v)", st.LogID, err)
	}
	head := readHead(statelog.Path(path, st.LogGeneration), statelog.HeaderV4)
	if string(head) != statelog.MagicV4+st.LogID+"\n" {
		t.Errorf("log after the migration starts %q, want version 4 with the snapshot's id %s", head, st.LogID)
	}
	if _, err := os.Stat(old); err == nil {
		t.Errorf("the version 3 log %s is still there", old)
	}
}

// A crash while a compaction created the next log leaves it empty, or
// zeros, beside a snapshot that names the one before: that is no damage,
// and the store opens with everything and writes on. The log a snapshot
// names may not be blank, but for a snapshot of an earlier release.
func TestBlankNewestLogIsACrash(t *testing.T) {
	for _, content := range [][]byte{nil, make([]byte, 4096)} {
		path, want, end := killedState(t)
		// Compaction ended log 2 before it created log 3.
		cur, _ := os.ReadFile(statelog.Path(path, 2))
		os.WriteFile(statelog.Path(path, 2), statelog.AppendFrame(cur[:end], []byte{statelog.EndRecord}), 0o600)
		next := statelog.Path(path, 3)
		os.WriteFile(next, content, 0o600)
		s := reopen(t, path)
		if diff := cmp.Diff(want, dump(s)); diff != "" {
			t.Fatalf("store beside a blank newest log (-want +got):\n%s", diff)
		}
		addResults(t, s, "after")
		s.Close()
		if _, err := reopen(t, path).Result(t.Context(), "1", "after"); err != nil {
			t.Fatalf("a write after opening beside a blank newest log: %v", err)
		}
	}
	path, _, _ := killedState(t)
	os.WriteFile(statelog.Path(path, 2), make([]byte, 4096), 0o600)
	if _, err := OpenMemStore(path); err == nil || !strings.Contains(err.Error(), "offset 0") {
		t.Fatalf("a blank log that the snapshot names: %v, want damage at offset 0", err)
	}
	// An earlier release's snapshot, which names no log identity, beside
	// an empty log: opens, as it did.
	path, _, _ = killedState(t)
	st, _ := loadState(path)
	st.LogID = ""
	data, _ := encodeSnapshot(st)
	os.WriteFile(path, data, 0o600)
	os.WriteFile(statelog.Path(path, 2), nil, 0o600)
	s := reopen(t, path)
	if _, err := s.Result(t.Context(), "1", "in-snapshot-1"); err != nil {
		t.Fatal(err)
	}
	addResults(t, s, "after")
	s.Close()
	if _, err := reopen(t, path).Result(t.Context(), "1", "after"); err != nil {
		t.Fatalf("a write after opening an old snapshot beside an empty log: %v", err)
	}
}
