package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"
)

// compactMinBytes is the log size below which it is never compacted; above
// it, the log is compacted once it is larger than the last snapshot, so
// the state folder stays under about three times the size of the data.
const compactMinBytes = 16 << 20

// openDurable loads the snapshot at path, replays the log generations
// after it and makes s durable. Nothing on disk is changed unless all of
// it was read: a refusal leaves every file as it was.
func (s *MemStore) openDurable(path string) error {
	st, err := loadState(path)
	if err != nil {
		return err
	}
	gen, migrate := 1, false
	if st != nil {
		if err := s.restore(st); err != nil {
			return fmt.Errorf("state file %s: %w (the file was left untouched)", path, err)
		}
		migrate = st.Version < stateVersion
		if st.Version != 1 {
			gen = max(st.LogGeneration, 1)
			for _, d := range st.Journal {
				s.replayJournalLocked(d)
			}
		}
	}
	legacy, hasLegacy, err := loadLegacyJournal(journalPath(path))
	if err != nil {
		return err
	}
	if hasLegacy && (st == nil || st.Version == 1) {
		for _, d := range legacy {
			s.replayJournalLocked(d)
		}
		migrate = true
	}
	// hasLegacy beside a version 2 snapshot: a migration that stopped
	// before removing the old journal; the snapshot holds its entries.
	gens, err := logGenerations(path)
	if err != nil {
		return err
	}
	var stale []int
	keepTo, last := int64(-1), gen
	for i, g := range gens {
		name := logPath(path, g)
		if g < gen || st == nil || st.Version == 1 {
			// Compacted away, or left by a migration that stopped before
			// its snapshot: neither may hold records.
			if g >= gen {
				end, _, err := readLog(name, func([]byte, int64) error { return errors.New("records without a snapshot") })
				if err != nil || end > int64(len(logMagic)) {
					return fmt.Errorf("state log %s has records but %s is missing or predates it; the files were left untouched: move them away to start afresh", name, path)
				}
			}
			stale = append(stale, g)
			continue
		}
		end, size, err := readLog(name, func(payload []byte, _ int64) error { return s.applyRecord(payload) })
		if err != nil {
			return err
		}
		if end < size && i != len(gens)-1 {
			return fmt.Errorf("state log %s is corrupt at byte offset %d (a record is cut off, and a later log follows); it was left untouched: move the state files away to start afresh", name, end)
		}
		if end < size {
			keepTo = end
		}
		last = g
	}
	s.file = &stateFile{path: path, log: newStateLog(path, last, keepTo)}
	if info, err := os.Stat(path); err == nil {
		s.file.snapshotBytes.Store(info.Size())
	}
	if st == nil {
		// The first log record needs a snapshot to follow: an empty one.
		s.file.log.beforeCreate = func() error {
			empty := NewMemStore().snapshotLocked()
			empty.LogGeneration = last
			data, err := encodeSnapshot(&empty)
			if err != nil {
				return err
			}
			return writeFileAtomic(path, data)
		}
	}
	removeStaleTemps(path)
	if migrate {
		if err := s.compact(); err != nil {
			return fmt.Errorf("migrate state file %s to version %d: %w", path, stateVersion, err)
		}
	}
	for _, g := range stale {
		os.Remove(logPath(path, g))
	}
	if hasLegacy && !migrate {
		os.Remove(journalPath(path))
	}
	return nil
}

// maybeCompact starts a compaction in the background when the log has
// outgrown the snapshot, unless one is running.
func (s *MemStore) maybeCompact() {
	f := s.file
	if f.log.bytes() < max(compactMinBytes, f.snapshotBytes.Load()) || !f.compacting.TryLock() {
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
	err := s.file.log.close()
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
	gen, err := f.log.rotate()
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	st.ResultBlobs = results.blobs()
	st.LogGeneration = gen
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
	gens, _ := logGenerations(f.path)
	for _, g := range gens {
		if g < gen {
			if err := os.Remove(logPath(f.path, g)); err != nil && !errors.Is(err, fs.ErrNotExist) {
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
	commits, took := s.file.log.syncStats()
	return StateStats{SnapshotBytes: s.file.snapshotBytes.Load(), LogBytes: s.file.log.bytes(), Compactions: s.file.compactions.Load(), Commits: commits, CommitTime: took}
}
