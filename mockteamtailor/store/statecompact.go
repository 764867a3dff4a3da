package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/statelog"
)

// compactMinBytes is the log size below which it is never compacted; above
// it, the log is compacted once it is larger than the last snapshot, so
// the state folder stays under about three times the size of the data.
const compactMinBytes = 16 << 20

// openDurable loads the snapshot at path, replays the log generations
// after it and makes s durable. Nothing on disk is changed unless all of
// it was read: a refusal leaves every file as it was.
func (s *MemStore) openDurable(path string) error {
	r, err := s.readDurable(path, false)
	if err != nil {
		return err
	}
	s.file = &stateFile{path: path, log: statelog.New(path, r.last, r.keepTo, r.lastVersion, r.lastID, ErrPersist)}
	if info, err := os.Stat(path); err == nil {
		s.file.snapshotBytes.Store(info.Size())
	}
	if r.st == nil {
		// The first log record needs a snapshot to follow, which names
		// the log: an empty one, written once the log exists.
		last := r.last
		s.file.log.AfterCreate = func(id string) error {
			empty := NewMemStore().snapshotLocked()
			empty.LogGeneration, empty.LogID = last, id
			data, err := encodeSnapshot(&empty)
			if err != nil {
				return err
			}
			return writeFileAtomic(path, data)
		}
	}
	removeStaleTemps(path)
	for _, g := range r.stale {
		os.Remove(statelog.Path(path, g))
	}
	if r.migrate {
		if err := s.compact(); err != nil {
			return fmt.Errorf("migrate state file %s to version %d: %w", path, stateVersion, err)
		}
	}
	if r.hasLegacy && !r.migrate {
		os.Remove(journalPath(path))
	}
	return nil
}

// durableRead is what reading the files of a state found.
type durableRead struct {
	st          *state
	gen         int   // the first log generation after the snapshot
	last        int   // the generation to append to
	keepTo      int64 // where its records end, when a torn tail, zeros or an end record follow; -1 otherwise
	lastVersion int
	lastID      string
	gens        []int // every log generation beside the snapshot
	stale       []int // generations that hold nothing the snapshot lacks
	migrate     bool
	hasLegacy   bool
	// damage, in recover mode, is the first damage of a log: replay
	// stopped there, and nothing after it was applied.
	damage     *DamageError
	damagedGen int
	// scans are the logs replayed, by generation.
	scans map[int]statelog.Scan
}

// readDurable reads the snapshot at path and replays the log generations
// after it into s, changing no file. With recover, damage in the logs
// stops the replay where it is, and is returned in the result, not as an
// error.
func (s *MemStore) readDurable(path string, recover bool) (*durableRead, error) {
	st, err := loadState(path)
	if err != nil {
		return nil, err
	}
	r := &durableRead{st: st, gen: 1, keepTo: -1, lastVersion: 4, scans: map[int]statelog.Scan{}}
	if st != nil {
		if err := s.restore(st); err != nil {
			return nil, fmt.Errorf("state file %s: %w (the file was left untouched)", path, err)
		}
		// Every older state, and a version 3 snapshot that does not name
		// its log, is rewritten once, with a log of the current version.
		r.migrate = st.Version < stateVersion || st.LogID == ""
		if st.Version != 1 {
			r.gen = max(st.LogGeneration, 1)
			for _, d := range st.Journal {
				s.replayJournalLocked(d)
			}
		}
	}
	legacy, hasLegacy, err := loadLegacyJournal(journalPath(path))
	if err != nil {
		return nil, err
	}
	if hasLegacy && (st == nil || st.Version == 1) {
		for _, d := range legacy {
			s.replayJournalLocked(d)
		}
		r.migrate = true
	}
	r.hasLegacy = hasLegacy
	// hasLegacy beside a version 2 snapshot: a migration that stopped
	// before removing the old journal; the snapshot holds its entries.
	if r.gens, err = statelog.Generations(path); err != nil {
		return nil, err
	}
	r.last = r.gen
	stop := func(g int, d *DamageError) (*durableRead, error) {
		if !recover {
			return nil, d
		}
		r.damage, r.damagedGen = d, g
		return r, nil
	}
	if st != nil && st.LogID != "" && !slices.Contains(r.gens, r.gen) {
		// The snapshot is written after the log it names is created:
		// that log is never missing but by damage.
		return stop(r.gen, &DamageError{State: path, File: statelog.Path(path, r.gen), Offset: -1, Problem: fmt.Sprintf("the snapshot %s names log generation %d, and %s is missing", path, r.gen, statelog.Path(path, r.gen))})
	}
	expect := r.gen
	for _, g := range r.gens {
		name := statelog.Path(path, g)
		if g < r.gen || st == nil || st.Version == 1 {
			// Compacted away, or left by a migration or a first start
			// that stopped before its snapshot: neither may hold records.
			if g >= r.gen {
				sc, err := readLog(path, name, func([]byte, int64) error { return errors.New("records without a snapshot") })
				if (err != nil && sc.Size > int64(statelog.HeaderV4)+13+statelog.Prealloc) || !sc.Clean {
					return nil, fmt.Errorf("state log %s has records but %s is missing or predates it; the files were left untouched: move them away to start afresh", name, path)
				}
			}
			r.stale = append(r.stale, g)
			continue
		}
		if blank, err := blankLog(name); err != nil {
			return nil, err
		} else if blank && (g == r.gen && st.LogID == "" || g > r.gen && g == r.gens[len(r.gens)-1]) {
			// A log whose creation a crash cut short (nothing of it on
			// disk but zeros): the newest, which the snapshot does not
			// name (compaction creates the next log before the snapshot
			// that names it), or the one an older snapshot names, which
			// did not require it. It holds nothing: it is created again.
			r.stale = append(r.stale, g)
			expect = max(expect, g+1)
			continue
		}
		if g != expect {
			return stop(expect, &DamageError{State: path, File: statelog.Path(path, expect), Offset: -1, Problem: fmt.Sprintf("log generation %d is missing between the snapshot's (%d) and %s", expect, r.gen, name)})
		}
		expect++
		if g == r.gen && st != nil && st.LogID != "" {
			if _, id, _, problem := statelog.ParseHeader(readHead(name, statelog.HeaderV4)); problem == "" && id != st.LogID {
				return stop(g, &DamageError{State: path, File: name, Offset: 0, Problem: fmt.Sprintf("the snapshot %s names log %s, and this file is log %q: it belongs to another state", path, st.LogID, id)})
			}
		}
		sc, err := readLog(path, name, func(payload []byte, _ int64) error { return s.applyRecord(payload) })
		r.scans[g] = sc
		if err != nil {
			var d *DamageError
			if !errors.As(err, &d) {
				return nil, err
			}
			return stop(g, d)
		}
		if !sc.Closed && sc.Version >= 4 && g != r.gens[len(r.gens)-1] {
			// Only the newest generation is written to: an older one
			// was ended cleanly before the next began.
			return stop(g, &DamageError{State: path, File: name, Offset: sc.End, Problem: "a later log follows this one, which does not end with the end record written before the next log begins"})
		}
		switch {
		case sc.Closed:
			r.keepTo = sc.EndRecordAt // appending zeroes the end record first
		case sc.End < sc.Size:
			r.keepTo = sc.End
		}
		r.last, r.lastVersion, r.lastID = g, sc.Version, sc.ID
	}
	if r.lastVersion < 4 {
		r.migrate = true
	}
	return r, nil
}

// blankLog reports whether the log file at name holds nothing but zeros,
// or, of a version before 4, the start of its header line.
func blankLog(name string) (bool, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return false, fmt.Errorf("read state log: %w", err)
	}
	if statelog.AllZero(data) {
		return true, nil
	}
	for _, m := range [...]string{statelog.MagicV1, statelog.MagicV2, statelog.MagicV3} {
		if len(data) < len(m) && strings.HasPrefix(m, string(data)) {
			return true, nil
		}
	}
	return false, nil
}

// readHead returns the first n bytes of the file at name, or fewer.
func readHead(name string, n int) []byte {
	f, err := os.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	b := make([]byte, n)
	k, _ := io.ReadFull(f, b)
	return b[:k]
}

// maybeCompact starts a compaction in the background when the log has
// outgrown the snapshot, unless one is running.
func (s *MemStore) maybeCompact() {
	f := s.file
	if f.log.Bytes() < max(compactMinBytes, f.snapshotBytes.Load()) || !f.compacting.TryLock() {
		return
	}
	go func() {
		defer f.compacting.Unlock()
		if err := s.compactLocked(); err != nil {
			f.compactErr.Store(&err)
		}
	}()
}

// Close writes out the log records queued (journal entries), waits for a
// compaction running in the background and closes the log file: what a
// shutdown calls, so that nothing is left half written. A store used
// after Close opens its log again.
func (s *MemStore) Close() error {
	if s.file == nil {
		return nil
	}
	s.file.compacting.Lock()
	defer s.file.compacting.Unlock()
	err := s.file.log.Close()
	if p := s.file.compactErr.Swap(nil); p != nil && err == nil {
		err = *p
	}
	return err
}

// compact writes a snapshot of the store and drops the log it replaces.
func (s *MemStore) compact() error {
	s.file.compacting.Lock()
	defer s.file.compacting.Unlock()
	return s.compactLocked()
}

// compactLocked is compact with f.compacting held. Writers wait only for
// the copy of the store and the switch to a new log generation; the
// snapshot is encoded and written while they go on.
func (s *MemStore) compactLocked() error {
	f := s.file
	s.mu.RLock()
	st, results := s.snapshotViewLocked(true)
	st.Journal = slices.Clone(s.journal)
	gen, id, err := f.log.Rotate()
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	st.ResultBlobs = results.blobs()
	st.LogGeneration, st.LogID = gen, id
	data, err := encodeSnapshot(&st)
	if err != nil {
		return fmt.Errorf("encode snapshot: %w: %w", err, ErrPersist)
	}
	if err := writeFileAtomic(f.path, data); err != nil {
		return fmt.Errorf("%w: %w", err, ErrPersist)
	}
	f.snapshotBytes.Store(int64(len(data)))
	f.compactions.Add(1)
	// From here the snapshot replaces the older generations.
	gens, _ := statelog.Generations(f.path)
	for _, g := range gens {
		if g < gen {
			if err := os.Remove(statelog.Path(f.path, g)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove compacted state log: %w", err)
			}
		}
	}
	if err := os.Remove(journalPath(f.path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove migrated journal file: %w", err)
	}
	return nil
}

// Compact writes a snapshot of a durable store and drops the log records
// it replaces. The store does this by itself in the background when the
// log outgrows the snapshot.
func (s *MemStore) Compact() error {
	if s.file == nil {
		return nil
	}
	return s.compact()
}

// StateStats describes the files of a durable store.
type StateStats struct {
	SnapshotBytes int64 // size of the last snapshot written or read
	LogBytes      int64 // size of the current log generation
	Compactions   int64 // compactions since the store was opened
	// Commits counts the writes of the log (each one write and one
	// fsync, shared by every record queued meanwhile), and CommitTime is
	// the time they took, since the store was opened.
	Commits    int64
	CommitTime time.Duration
}

// StateStats reports the sizes of a durable store's files.
func (s *MemStore) StateStats() StateStats {
	if s.file == nil {
		return StateStats{}
	}
	commits, took := s.file.log.SyncStats()
	return StateStats{SnapshotBytes: s.file.snapshotBytes.Load(), LogBytes: s.file.log.Bytes(), Compactions: s.file.compactions.Load(), Commits: commits, CommitTime: took}
}

// readLog reads the log file at path (of the state file state), calling
// apply with the payload of every whole record, in order. It returns the
// scan; damage is a *DamageError naming the file and offset.
func readLog(state, path string, apply func(payload []byte, offset int64) error) (statelog.Scan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return statelog.Scan{}, fmt.Errorf("read state log: %w", err)
	}
	sc := statelog.Read(data, apply)
	if sc.Damage != nil {
		return sc, &DamageError{State: state, File: path, Offset: sc.Damage.Offset, Problem: sc.Damage.Problem}
	}
	return sc, nil
}
