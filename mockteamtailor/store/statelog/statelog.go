// Package statelog is the store's state log as a file format: an
// append-only file of checksummed records beside the snapshot
// (FILE.log.<generation>), written with group commit, rotated by
// compaction, and read back up to the one torn record a crash can leave.
// What a record holds is the store's business; this package moves bytes.
package statelog

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The state log is an append-only file of changes beside the snapshot
// (FILE.log.<generation>). A write is acknowledged once its record is
// fsync'd; concurrent writers share one fsync (group commit). Compaction
// writes a new snapshot and starts the next generation in the background,
// so the cost of a write does not grow with the store.
//
// File layout (version 4): a header, "mockteamtailor-log 4 ", the log's
// identity (32 hexadecimal digits, named by the snapshot) and a newline;
// then records. A record is
//
//	length  uint32, little endian: the payload's size
//	crc     uint32, little endian: CRC-32C of the payload
//	payload JSON (the store's logRecord), or result changes in binary (store/statelogresult.go)
//	mark    uint32, little endian: the length, complemented
//
// A new log starts with a start record (payload "S") and zeros; a clean
// shutdown ends it with an end record (payload "E"), zeroed before the log
// is appended to again, so it is only ever last. A running log is
// extended with zeros ahead of its records (Prealloc at a time, fsync'd
// before records are written into them), so that appending a record changes no file-system metadata and a
// group commit needs only fdatasync, which on a journaling file system
// does not wait for a journal commit (and for every other file's data
// that commit must flush first).
//
// What a crash can leave, and what the reader accepts, is in
// scan.go: one torn last record (never acknowledged) is dropped;
// any other damage stops start-up, naming file, offset and problem.
//
// Logs of versions 1 to 3 are still read; opening one migrates the state
// to a new snapshot and a version 4 log, so they are never appended to.
// Version 3 added binary journal entries (store/statelogjournal.go): a reader
// reads every kind of record in any version.
const (
	MagicV3 = "mockteamtailor-log 3\n"
	MagicV2 = "mockteamtailor-log 2\n"
	MagicV1 = "mockteamtailor-log 1\n"
)

// Prealloc is how far ahead of its records the log is extended with
// zeros: one extension, and one full fsync, per this many bytes.
const Prealloc = 4 << 20

// MaxRecord bounds one record; a longer length field is damage.
const MaxRecord = 1 << 30

// CRCTable is the CRC-32C table of every record and snapshot frame.
var CRCTable = crc32.MakeTable(crc32.Castagnoli)

// Path is the log file of generation gen of the state file at path.
func Path(path string, gen int) string { return path + ".log." + strconv.Itoa(gen) }

// Generations lists the generations of the log files beside path, in
// order.
func Generations(path string) ([]int, error) {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("list state folder: %w", err)
	}
	prefix := filepath.Base(path) + ".log."
	var gens []int
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		if g, err := strconv.Atoi(rest); err == nil && g > 0 && strconv.Itoa(g) == rest {
			gens = append(gens, g)
		}
	}
	slices.Sort(gens)
	return gens, nil
}

// Log appends records to the current log generation with group
// commit.
type Log struct {
	path string // the state file; logs are path.log.<gen>

	mu      sync.Mutex // guards every field below
	cond    *sync.Cond // signalled when a sync ends
	gen     int        // generation appended to
	id      string     // identity of generation gen ("": not known yet)
	version int        // of generation gen's file
	f       *os.File   // nil until the first sync opens it
	size    int64      // bytes of f known to hold whole records
	zeroTo  int64      // f holds zeros from size up to here, on disk
	keepTo  int64      // open zeroes f from this offset (a torn tail, or the end record); -1 to keep all
	pending []byte     // framed records not written yet
	spare   []byte
	seq     uint64 // records appended
	durable uint64 // records on disk
	failed  uint64 // records up to this one were lost to failedErr
	failErr error
	broken  error // the file could not be put back after a failed write: no more writes
	halted  bool  // a write failed: no record is written until the store rolls back (halt)
	syncing bool
	syncs   int64         // group commits that wrote records
	syncDur time.Duration // time they spent in write and fsync
	// AfterCreate runs once the first log file is created, before a
	// record goes into it (it writes the first snapshot, which names the
	// log, when there is none).
	AfterCreate func(id string) error
	// persistErr is what every failed write wraps: the store's
	// ErrPersist.
	persistErr error
}

// New returns the log of the state file at path, appending to generation
// gen; keepTo, version and id are what reading that generation found
// (keepTo -1 keeps the whole file). A failed write's error wraps
// persistErr.
func New(path string, gen int, keepTo int64, version int, id string, persistErr error) *Log {
	l := &Log{path: path, gen: gen, keepTo: keepTo, version: version, id: id, persistErr: persistErr}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// Append queues a record and returns its sequence number. Records are
// written in the order they are appended.
func (l *Log) Append(payload []byte) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending = AppendFrame(l.pending, payload)
	l.seq++
	return l.seq
}

// AppendWith queues the record fill appends to its argument, encoded in
// place, and returns its sequence number.
func (l *Log) AppendWith(fill func([]byte) []byte) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending = AppendRecord(l.pending, fill)
	l.seq++
	return l.seq
}

// Wait returns once record seq is on disk. The first waiter writes and
// syncs everything queued, for itself and every writer that queued
// meanwhile (group commit).
func (l *Log) Wait(seq uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.durable < seq {
		if seq <= l.failed || l.halted {
			return l.failErr
		}
		if l.syncing {
			l.cond.Wait()
			continue
		}
		if err := l.syncLocked(); err != nil && seq <= l.failed {
			return err
		}
	}
	return nil
}

// Last returns the sequence number of the newest record.
func (l *Log) Last() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq
}

// syncLocked writes and fsyncs what is queued. It is called with l.mu
// held and releases it during the I/O.
func (l *Log) syncLocked() error {
	l.syncing = true
	buf, upto := l.pending, l.seq
	l.pending = l.spare[:0]
	l.mu.Unlock()
	began := time.Now()
	size, err := l.writeOut(buf)
	took := time.Since(began)
	l.mu.Lock()
	if len(buf) > 0 {
		l.syncs++
		l.syncDur += took
	}
	l.syncing = false
	l.cond.Broadcast()
	if err != nil {
		l.failed, l.failErr, l.halted = upto, fmt.Errorf("%w: %w", err, l.persistErr), true
		return l.failErr
	}
	l.size = size
	l.durable = upto
	l.spare = buf
	return nil
}

// writeOut appends buf to the log file and fsyncs it. Only the syncing
// goroutine calls it, so l.f, l.size and l.gen do not change meanwhile.
func (l *Log) writeOut(buf []byte) (int64, error) {
	if l.broken != nil {
		return l.size, l.broken
	}
	if l.f == nil {
		if err := l.open(); err != nil {
			return l.size, err
		}
	}
	if len(buf) == 0 {
		return l.size, nil
	}
	end := l.size + int64(len(buf))
	if end >= l.zeroTo {
		// Zeros first, made durable with the new size by a full fsync;
		// the records go into them after, so a crash leaves whole
		// records, part of the batch and zeros, never a file that ends
		// inside a record (scan.go). At least one zero stays
		// after the records.
		to := end + Prealloc
		err := writeZeros(l.f, l.size, to)
		if err == nil {
			err = l.f.Sync()
		}
		if err != nil {
			l.broken = fmt.Errorf("extend state log %s: %w", l.f.Name(), err)
			return l.size, l.broken
		}
		l.zeroTo = to
	}
	if _, err := l.f.WriteAt(buf, l.size); err != nil {
		// Zero the half-written batch, so later records are not appended
		// after damage.
		if zerr := writeZeros(l.f, l.size, end); zerr != nil {
			l.broken = fmt.Errorf("state log %s: a write failed (%v) and could not be undone: %w", l.f.Name(), err, zerr)
		}
		return l.size, fmt.Errorf("write state log: %w", err)
	}
	if err := syncData(l.f); err != nil {
		l.broken = fmt.Errorf("sync state log %s: %w", l.f.Name(), err)
		return l.size, l.broken
	}
	return end, nil
}

// writeZeros writes zeros to f from offset from up to offset to.
func writeZeros(f *os.File, from, to int64) error {
	zeros := logZeros()
	for from < to {
		n := min(to-from, int64(len(zeros)))
		if _, err := f.WriteAt(zeros[:n], from); err != nil {
			return err
		}
		from += n
	}
	return nil
}

// logZeros is what the log is extended with.
var logZeros = sync.OnceValue(func() []byte { return make([]byte, Prealloc) })

// open opens the current generation for appending, creating it with its
// header and start record, or zeroing the torn tail (or the end record)
// replay found.
func (l *Log) open() error {
	name := Path(l.path, l.gen)
	if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
		f, id, size, err := Create(name)
		if err != nil {
			return err
		}
		if l.AfterCreate != nil {
			if err := l.AfterCreate(id); err != nil {
				f.Close()
				return err
			}
			l.AfterCreate = nil
		}
		l.f, l.id, l.version, l.size, l.zeroTo, l.keepTo = f, id, 4, size, size+Prealloc, -1
		return nil
	}
	f, err := os.OpenFile(name, os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("open state log: %w", err)
	}
	end, err := f.Seek(0, 2)
	if err != nil {
		f.Close()
		return fmt.Errorf("open state log: %w", err)
	}
	size, zeroTo := end, int64(0)
	if l.keepTo >= 0 && l.keepTo < end {
		// Zero the torn tail replay found (it was never acknowledged),
		// or the end record of a clean shutdown: the log goes on ending
		// in zeros, as a crash expects it.
		err := writeZeros(f, l.keepTo, end)
		if err == nil {
			err = f.Sync()
		}
		if err != nil {
			f.Close()
			return fmt.Errorf("zero the torn tail of the state log: %w", err)
		}
		size, zeroTo = l.keepTo, end
	}
	l.f, l.size, l.zeroTo, l.keepTo = f, size, zeroTo, -1
	return nil
}

// Create creates a log file with its header, a new identity, its
// start record and Prealloc zeros, durably, and returns it with its
// identity and the size of its records.
func Create(name string) (*os.File, string, int64, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, "", 0, fmt.Errorf("create state log: %w", err)
	}
	id := hex.EncodeToString(raw[:])
	head := AppendFrame([]byte(MagicV4+id+"\n"), []byte{StartRecord})
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, "", 0, fmt.Errorf("create state log: %w", err)
	}
	_, err = f.Write(head)
	if err == nil {
		err = writeZeros(f, int64(len(head)), int64(len(head))+Prealloc)
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = SyncDir(filepath.Dir(name))
	}
	if err != nil {
		f.Close()
		os.Remove(name)
		return nil, "", 0, fmt.Errorf("create state log: %w", err)
	}
	return f, id, int64(len(head)), nil
}

// endLocked cuts the zeros off the open log and ends it with its end
// record, durably: what a clean shutdown and a compaction leave.
func (l *Log) endLocked() error {
	var end []byte
	if l.version >= 4 {
		end = AppendFrame(nil, []byte{EndRecord})
	} // an older log is only ever read, then replaced: never written to
	err := l.f.Truncate(l.size)
	if err == nil {
		_, err = l.f.WriteAt(end, l.size)
	}
	if err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		return fmt.Errorf("end state log %s: %w", l.f.Name(), err)
	}
	l.size += int64(len(end))
	l.zeroTo = l.size
	return nil
}

// SyncDir makes the entries of dir durable: a file created or renamed
// in it survives a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Rotate writes out what is queued, ends the log, then starts
// generation gen+1 and returns it and its identity. The caller holds the store's lock, so nothing is appended
// meanwhile: every record up to now is in the old generation.
func (l *Log) Rotate() (int, string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.syncing {
		l.cond.Wait()
	}
	if l.halted {
		return 0, "", l.failErr // memory holds changes the store will undo
	}
	if len(l.pending) > 0 || l.f == nil {
		if err := l.syncLocked(); err != nil {
			return 0, "", err
		}
	}
	if err := l.endLocked(); err != nil {
		return 0, "", err
	}
	next := l.gen + 1
	f, id, size, err := Create(Path(l.path, next))
	if err != nil {
		return 0, "", err
	}
	l.f.Close()
	l.f, l.gen, l.id, l.version, l.size, l.zeroTo = f, next, id, 4, size, size+Prealloc
	return next, id, nil
}

// SyncStats returns how many group commits wrote records, and the time
// they spent writing and syncing.
func (l *Log) SyncStats() (int64, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.syncs, l.syncDur
}

// Bytes returns the size of the current generation.
func (l *Log) Bytes() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.size
}

// Close writes out what is queued and closes the file.
func (l *Log) Close() error {
	err := l.Wait(l.Last())
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		if err == nil && l.broken == nil {
			// The zeros ahead are of no use until the next start, and
			// the end record tells the reader the log was not cut short.
			// Used again, the store zeroes the end record first.
			at := l.size
			if err = l.endLocked(); err == nil && l.version >= 4 {
				l.keepTo = at
			}
		}
		if cerr := l.f.Close(); err == nil {
			err = cerr
		}
		l.f = nil
	}
	return err
}

// DurableSeq returns the newest record on disk.
func (l *Log) DurableSeq() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.durable
}

// Halt ends the stop a failed write put on the log: it waits for a write
// in flight, drops every record queued (they were made on top of the
// failed ones, and fail with them) and returns the newest record on disk.
// ok is false when the log was not stopped: another writer halted it
// already.
func (l *Log) Halt() (durable uint64, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.syncing {
		l.cond.Wait()
	}
	if !l.halted {
		return 0, false
	}
	l.halted = false
	l.pending = l.pending[:0]
	l.failed = l.seq
	return l.durable, true
}

// Generation returns the generation appended to.
func (l *Log) Generation() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gen
}

// Break closes the open file under the log, so that every later write
// fails as on a full or failing disk: for tests of what a store does
// with a refused write. It reports false when no file is open.
func (l *Log) Break() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return false
	}
	l.f.Close()
	return true
}
