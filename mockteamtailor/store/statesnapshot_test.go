package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/statelog"
)

// A version 2 state file (a JSON snapshot) and the log after it are read
// once and migrated: the data stays, the file becomes a version 3
// snapshot, and the store reopens from it.
func TestStateMigratesVersion2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := reopen(t, path)
	everyMutation(t, s, "a")
	if err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	everyMutation(t, s, "b") // in the log after the snapshot
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	want := dump(s)
	// Turn the snapshot into the version 2 file it would have been.
	st, err := loadState(path)
	if err != nil {
		t.Fatal(err)
	}
	st.Version = 2
	st.decodeResultBlobs()
	v2, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, v2, 0o600); err != nil {
		t.Fatal(err)
	}

	re := reopen(t, path)
	if diff := cmp.Diff(want, dump(re)); diff != "" {
		t.Fatalf("store migrated from version 2 differs (-want +got):\n%s", diff)
	}
	if raw, _ := os.ReadFile(path); !isSnapshotV3(raw) {
		t.Errorf("state file after migration starts %q, want a version %d snapshot", raw[:min(len(raw), 40)], stateVersion)
	}
	if gens, _ := statelog.Generations(path); len(gens) != 1 {
		t.Errorf("log generations after migration: %v, want only the current one", gens)
	}
	everyMutation(t, re, "c")
	re.Flush()
	if diff := cmp.Diff(dump(re), dump(reopen(t, path))); diff != "" {
		t.Fatalf("store reopened after migration differs (-want +got):\n%s", diff)
	}
}

// Damage anywhere in a snapshot, a cut-off end included (it is replaced
// atomically, so it is never torn), stops the store from opening: the
// error names the file and the offset of the damaged frame, and the file
// is left untouched.
func TestSnapshotRefusesDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := NewMemStore()
	everyMutation(t, s, "a")
	for i := range 3000 { // three result frames
		if _, err := s.CreateResult(t.Context(), PartnerResult{ID: fmt.Sprint("bulk-", i), PartnerID: "pa", CreatedAt: fixedNow, ResultAttributes: protocol.ResultAttributes{Status: "sent"}}); err != nil {
			t.Fatal(err)
		}
	}
	st := dump(s)
	good, err := encodeSnapshot(&st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, dump(reopen(t, path))); diff != "" {
		t.Fatalf("store opened from the snapshot differs (-want +got):\n%s", diff)
	}
	// The offset of the second results frame.
	second := len(snapshotMagic)
	for range 2 {
		second += 8 + int(uint32(good[second])|uint32(good[second+1])<<8|uint32(good[second+2])<<16|uint32(good[second+3])<<24)
	}
	flip := func(at int) []byte {
		b := bytes.Clone(good)
		b[at] ^= 0x40
		return b
	}
	for _, tt := range []struct {
		name   string
		data   []byte
		offset int
	}{
		{"flipped byte in a results frame", flip(second + 20), second},
		{"flipped length of a results frame", flip(second + 1), second},
		{"cut off", good[:len(good)-3], len(good) - 8 - 3}, // in the end frame: 'E' and a 2-byte count
		{"data after the end", append(bytes.Clone(good), 0, 0, 0, 0), len(good)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := OpenMemStore(path)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), fmt.Sprintf("offset %d ", tt.offset)) || !strings.Contains(err.Error(), "untouched") {
				t.Fatalf("OpenMemStore = %v, want an error naming %s, offset %d and that it was left untouched", err, path, tt.offset)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, tt.data) {
				t.Error("the damaged state file was changed")
			}
		})
	}
}

// fillEveryField sets every field reachable from v to a value that is not
// its zero value, differing with seed.
func fillEveryField(v reflect.Value, seed int) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, seed, time.FixedZone("", 3600))))
		return
	}
	if v.Type() == reflect.TypeFor[json.RawMessage]() {
		v.SetBytes([]byte(fmt.Sprintf(`{"n":%d}`, seed)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprint("s", seed))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(-seed))
	case reflect.Float64:
		v.SetFloat(float64(seed) + 0.25)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillEveryField(v.Elem(), seed+1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fillEveryField(v.Index(i), seed*10+i)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		key, value := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fillEveryField(key, seed)
		fillEveryField(value, seed+1)
		v.SetMapIndex(key, value)
	case reflect.Struct:
		for i := range v.NumField() {
			fillEveryField(v.Field(i), seed*100+i)
		}
	default:
		panic(fmt.Sprintf("fillEveryField: no value for a %s", v.Type()))
	}
}

// Every field of a result survives the binary encoding, and nil stays nil
// and empty stays empty (they render differently): a field added to
// PartnerResult and not to the encoding fails here.
func TestResultCodecCoversEveryField(t *testing.T) {
	var full PartnerResult
	fillEveryField(reflect.ValueOf(&full).Elem(), 7)
	empty := PartnerResult{ResultAttributes: protocol.ResultAttributes{Details: json.RawMessage{}, Attachments: []protocol.Attachment{}, Actions: []protocol.Action{}, AssessmentCriteria: []protocol.Criterion{}}, Event: json.RawMessage{}, CreatedAt: fixedNow}
	for _, want := range []PartnerResult{full, {}, empty} {
		enc := appendResult(nil, &want)
		d := binReader{data: enc}
		var got PartnerResult
		d.result(&got)
		if d.err != nil || d.off != len(enc) {
			t.Fatalf("decode: %v, %d of %d bytes read", d.err, d.off, len(enc))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("result after the binary round trip (-want +got):\n%s", diff)
		}
		// The store's blocks decode with one copy and one arena.
		if diff := cmp.Diff(want, decodeResultBlob(encodeResultBlob(&want))); diff != "" {
			t.Errorf("result after a block round trip (-want +got):\n%s", diff)
		}
	}
}

// FuzzDecodeSnapshot feeds arbitrary bytes to the snapshot decoder: it
// never panics, and what it accepts encodes back to a snapshot that
// decodes to the same state.
func FuzzDecodeSnapshot(f *testing.F) {
	s := NewMemStore()
	s.PutPartner(f.Context(), Partner{ID: "p", APIKey: "k"})
	var full PartnerResult
	fillEveryField(reflect.ValueOf(&full).Elem(), 3)
	full.PartnerID = "p"
	s.CreateResult(f.Context(), full)
	s.CreateResult(f.Context(), PartnerResult{ID: "r2", PartnerID: "p", ResultAttributes: protocol.ResultAttributes{Status: "sent"}})
	st := s.snapshotLocked()
	good, err := encodeSnapshot(&st)
	if err != nil {
		f.Fatal(err)
	}
	empty := NewMemStore().snapshotLocked()
	emptyData, _ := encodeSnapshot(&empty)
	f.Add(good)
	f.Add(emptyData)
	f.Add(good[:len(good)-5])
	f.Add([]byte(snapshotMagic))
	f.Add(append([]byte(snapshotMagic), 3, 0, 0, 0, 0, 0, 0, 0, 'H', '{', '}'))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !isSnapshotV3(data) {
			data = append([]byte(snapshotMagic), data...)
		}
		st, err := decodeSnapshotV3(data)
		if err != nil {
			if _, ok := err.(*snapshotError); !ok {
				t.Fatalf("error %v is not a snapshotError", err)
			}
			return
		}
		again, err := encodeSnapshot(st)
		if err != nil {
			t.Fatal(err)
		}
		st2, err := decodeSnapshotV3(again)
		if err != nil {
			t.Fatalf("a re-encoded snapshot does not decode: %v", err)
		}
		st.decodeResultBlobs()
		st2.decodeResultBlobs()
		if diff := cmp.Diff(st, st2); diff != "" {
			t.Fatalf("snapshot after re-encoding (-first +second):\n%s", diff)
		}
	})
}

// A compaction lists the results of its snapshot after releasing the
// lock: writes made meanwhile (a create, an update, a delete that moves
// the ids after it) must not reach the snapshot.
func TestDetachedSnapshotViewKeepsTheResultsAsTheyWere(t *testing.T) {
	s := NewMemStore()
	seededStore(t, s)
	ctx := t.Context()
	addResults(t, s, "a", "b", "c")
	s.mu.RLock()
	want := s.snapshotLocked().ResultBlobs
	_, view := s.snapshotViewLocked(true)
	s.mu.RUnlock()

	if err := s.DeleteResult(ctx, "1", "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateResult(ctx, "1", "b", func(r *PartnerResult) error { r.Status = "completed"; return nil }); err != nil {
		t.Fatal(err)
	}
	addResults(t, s, "d")
	if diff := cmp.Diff(want, view.blobs()); diff != "" {
		t.Errorf("the snapshot's results changed with later writes (-then +listed):\n%s", diff)
	}
}
