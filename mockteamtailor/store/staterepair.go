package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/statelog"
)

// Damage is never repaired in silence: start-up refuses it, and only
// CheckState and RepairState (mockteamtailor state check and repair) look
// further. A repair keeps what was read before the first damage, drops
// the rest, after copying every file of the state aside.

// StateCheck is what CheckState found in the files of a state.
type StateCheck struct {
	Path string
	// Missing: neither the state file nor a log exists; a store opened
	// there starts empty.
	Missing bool
	// Problem is why start-up refuses the state (nil: it loads), and
	// Damage the file, offset and problem when it is damage.
	Problem error
	Damage  *DamageError
	// Repairable: RepairState can mend it (damage in the logs; a damaged
	// snapshot it cannot).
	Repairable bool
	// Torn is the size of the torn last record start-up drops (never
	// acknowledged), at TornAt of TornFile.
	Torn     int64
	TornFile string
	TornAt   int64
	// Results and Records are what start-up loads, or, damaged, what a
	// repair keeps: results, and log records replayed.
	Results int
	Records int
	// Generation is the log generation start-up appends to.
	Generation int
	Drop       StateDrop
}

// StateDrop is what a repair drops: the bytes from the damage on, the
// records among them that still look whole, and the results they wrote
// or deleted.
type StateDrop struct {
	Bytes int64
	// Records is how many records after the damaged one look whole, and
	// ResultIDs the results they wrote or deleted.
	Records   int
	ResultIDs []string
	// DamagedIDs are the results the damaged record itself names, when
	// its payload still decodes (its header was hit).
	DamagedIDs []string
	Resets     int // records among them that reset the whole store
	Files      []string
}

// CheckState reads the state at path and its logs, changing nothing, and
// reports what start-up would do with them, and what a repair would drop.
func CheckState(path string) (*StateCheck, error) {
	c, _, _, err := checkState(path)
	return c, err
}

func checkState(path string) (*StateCheck, *MemStore, *durableRead, error) {
	c := &StateCheck{Path: path}
	gens, err := statelog.Generations(path)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && len(gens) == 0 {
		c.Missing = true
		return c, nil, nil, nil
	}
	s := NewMemStore()
	r, err := s.readDurable(path, true)
	if err != nil {
		c.Problem = err
		errors.As(err, &c.Damage)
		return c, nil, nil, nil
	}
	s.mu.RLock()
	c.Results = len(s.results)
	s.mu.RUnlock()
	for _, sc := range r.scans {
		c.Records += sc.Data
	}
	c.Generation = r.last
	if sc, ok := r.scans[r.last]; ok && sc.Torn > 0 {
		c.Torn, c.TornFile, c.TornAt = sc.Torn, statelog.Path(path, r.last), sc.End
	}
	if r.damage == nil {
		return c, s, r, nil
	}
	c.Problem, c.Damage, c.Repairable = r.damage, r.damage, true
	c.Torn = 0
	// What a repair drops: the damaged log from the damage on, and every
	// log after it.
	for _, g := range gens {
		if g < r.damagedGen {
			continue
		}
		name := statelog.Path(path, g)
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("read state log: %w", err)
		}
		from := 0
		if g == r.damagedGen {
			from = int(min(max(r.damage.Offset, 0), int64(len(data))))
		}
		c.Drop.Files = append(c.Drop.Files, name)
		c.Drop.Bytes += int64(len(bytes.TrimRight(data[from:], "\x00")))
		c.Drop.countRecords(data, from, g == r.damagedGen)
	}
	slices.Sort(c.Drop.ResultIDs)
	c.Drop.ResultIDs = slices.Compact(c.Drop.ResultIDs)
	return c, s, r, nil
}

// countRecords counts the records of data from offset from on that look
// whole, and the results they name; after damage (resync), it looks for
// them at every offset.
func (d *StateDrop) countRecords(data []byte, from int, resync bool) {
	v, _, hl, _ := statelog.ParseHeader(data)
	tl := 4
	if v > 0 && v < 4 {
		tl = 0
	}
	p := max(from, hl)
	if resync && p == from {
		// The damaged record: what it held, up to the next whole record,
		// if that still decodes.
		q := p + 1
		for q+8 <= len(data) && statelog.WholeRecordAt(data, q, tl) == 0 {
			q++
		}
		if q+8 > len(data) {
			q = len(data) + len(bytes.TrimRight(data[p:], "\x00")) - len(data[p:])
		}
		if p+8 < q-tl {
			d.DamagedIDs, _ = recordResultIDs(data[p+8 : q-tl])
		}
		p++
	}
	for p+8 <= len(data) {
		m := statelog.WholeRecordAt(data, p, tl)
		if m == 0 {
			if !resync {
				return
			}
			p++
			continue
		}
		payload := data[p+8 : p+8+m]
		if !(tl > 0 && m == 1 && (payload[0] == statelog.StartRecord || payload[0] == statelog.EndRecord)) {
			d.Records++
			ids, reset := recordResultIDs(payload)
			d.ResultIDs = append(d.ResultIDs, ids...)
			if reset {
				d.Resets++
			}
		}
		p += 8 + m + tl
	}
}

// recordResultIDs returns the ids of the results a log record wrote or
// deleted, and whether it reset the whole store.
func recordResultIDs(payload []byte) ([]string, bool) {
	switch payload[0] {
	case resultsRecord:
		d := binReader{data: payload, off: 1}
		for range 6 {
			d.varint()
		}
		count := d.uvarint()
		var ids []string
		var scratch PartnerResult
		for i := uint64(0); i < count && d.err == nil; i++ {
			id := d.string()
			if d.flag() {
				d.result(&scratch)
			}
			if d.err == nil {
				ids = append(ids, id)
			}
		}
		if d.err != nil || d.off != len(payload) {
			return nil, false
		}
		return ids, false
	case journalRecord:
		return nil, false
	}
	var rec logRecord
	if json.Unmarshal(payload, &rec) != nil {
		return nil, false
	}
	var ids []string
	for _, c := range rec.Put {
		if c.Kind == recResult {
			ids = append(ids, c.ID)
		}
	}
	return ids, rec.Full != nil
}

// RepairState makes the damaged state at path loadable: it copies every
// file of the state into a new folder beside it (returned), then writes
// what was read before the first damage as a new snapshot and log, and
// removes the old logs. It repairs nothing when the state loads, and
// refuses damage it cannot mend (a damaged snapshot).
func RepairState(path string, now time.Time) (*StateCheck, string, error) {
	c, s, r, err := checkState(path)
	if err != nil {
		return nil, "", err
	}
	if c.Missing || c.Problem == nil {
		return c, "", nil
	}
	if !c.Repairable {
		return c, "", fmt.Errorf("%w; a repair mends the logs, not the snapshot: restore %s from a copy, or move the state files away to start afresh", c.Problem, path)
	}
	backup := fmt.Sprintf("%s.damaged-%s", path, now.UTC().Format("20060102T150405Z"))
	if err := os.Mkdir(backup, 0o700); err != nil {
		return c, "", fmt.Errorf("keep a copy of the damaged state: %w", err)
	}
	next := r.gen
	files := []string{path}
	for _, g := range r.gens {
		files = append(files, statelog.Path(path, g))
		next = max(next, g)
	}
	next++
	for _, f := range files {
		if err := copyFile(f, filepath.Join(backup, filepath.Base(f))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return c, backup, fmt.Errorf("keep a copy of the damaged state: %w", err)
		}
	}
	if err := statelog.SyncDir(backup); err != nil {
		return c, backup, fmt.Errorf("keep a copy of the damaged state: %w", err)
	}
	f, id, _, err := statelog.Create(statelog.Path(path, next))
	if err != nil {
		return c, backup, err
	}
	f.Close()
	s.mu.RLock()
	st := s.snapshotLocked()
	st.Journal = slices.Clone(s.journal)
	s.mu.RUnlock()
	st.LogGeneration, st.LogID = next, id
	data, err := encodeSnapshot(&st)
	if err != nil {
		return c, backup, err
	}
	if err := writeFileAtomic(path, data); err != nil {
		return c, backup, err
	}
	// From here the new snapshot and log replace the old logs.
	for _, g := range r.gens {
		if err := os.Remove(statelog.Path(path, g)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return c, backup, fmt.Errorf("remove a damaged state log (a copy is in %s): %w", backup, err)
		}
	}
	return c, backup, nil
}

// copyFile copies src to a new file dst, durably.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
