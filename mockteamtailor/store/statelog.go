package store

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
//	payload JSON (a logRecord), or result changes in binary (statelogresult.go)
//	mark    uint32, little endian: the length, complemented
//
// A new log starts with a start record (payload "S") and zeros; a clean
// shutdown ends it with an end record (payload "E"), zeroed before the log
// is appended to again, so it is only ever last. A running log is
// extended with zeros ahead of its records (logPrealloc at a time, fsync'd
// before records are written into them), so that appending a record changes no file-system metadata and a
// group commit needs only fdatasync, which on a journaling file system
// does not wait for a journal commit (and for every other file's data
// that commit must flush first).
//
// What a crash can leave, and what the reader accepts, is in
// statelogscan.go: one torn last record (never acknowledged) is dropped;
// any other damage stops start-up, naming file, offset and problem.
//
// Logs of versions 1 to 3 are still read; opening one migrates the state
// to a new snapshot and a version 4 log, so they are never appended to.
// Version 3 added binary journal entries (statelogjournal.go): a reader
// reads every kind of record in any version.
const (
	logMagicV3 = "mockteamtailor-log 3\n"
	logMagicV2 = "mockteamtailor-log 2\n"
	logMagicV1 = "mockteamtailor-log 1\n"
)

// logPrealloc is how far ahead of its records the log is extended with
// zeros: one extension, and one full fsync, per this many bytes.
const logPrealloc = 4 << 20

// maxLogRecord bounds one record; a longer length field is damage.
const maxLogRecord = 1 << 30

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// logPath is the log file of generation gen of the state file at path.
func logPath(path string, gen int) string { return path + ".log." + strconv.Itoa(gen) }

// logGenerations lists the generations of the log files beside path, in
// order.
func logGenerations(path string) ([]int, error) {
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

// readLog reads the log file at path (of the state file state), calling
// apply with the payload of every whole record, in order. It returns the
// scan; damage is a *DamageError naming the file and offset.
func readLog(state, path string, apply func(payload []byte, offset int64) error) (logScan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return logScan{}, fmt.Errorf("read state log: %w", err)
	}
	sc := scanLog(data, apply)
	if sc.damage != nil {
		return sc, &DamageError{State: state, File: path, Offset: sc.damage.offset, Problem: sc.damage.problem}
	}
	return sc, nil
}

// stateLog appends records to the current log generation with group
// commit.
type stateLog struct {
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
	// afterCreate runs once the first log file is created, before a
	// record goes into it (it writes the first snapshot, which names the
	// log, when there is none).
	afterCreate func(id string) error
}

func newStateLog(path string, gen int, keepTo int64, version int, id string) *stateLog {
	l := &stateLog{path: path, gen: gen, keepTo: keepTo, version: version, id: id}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// append queues a record and returns its sequence number. Records are
// written in the order they are appended.
func (l *stateLog) append(payload []byte) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending = appendLogFrame(l.pending, payload)
	l.seq++
	return l.seq
}

// appendWith queues the record fill appends to its argument, encoded in
// place, and returns its sequence number.
func (l *stateLog) appendWith(fill func([]byte) []byte) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending = appendLogRecord(l.pending, fill)
	l.seq++
	return l.seq
}

// wait returns once record seq is on disk. The first waiter writes and
// syncs everything queued, for itself and every writer that queued
// meanwhile (group commit).
func (l *stateLog) wait(seq uint64) error {
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

// last returns the sequence number of the newest record.
func (l *stateLog) last() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq
}

// syncLocked writes and fsyncs what is queued. It is called with l.mu
// held and releases it during the I/O.
func (l *stateLog) syncLocked() error {
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
		l.failed, l.failErr, l.halted = upto, fmt.Errorf("%w: %w", err, ErrPersist), true
		return l.failErr
	}
	l.size = size
	l.durable = upto
	l.spare = buf
	return nil
}

// writeOut appends buf to the log file and fsyncs it. Only the syncing
// goroutine calls it, so l.f, l.size and l.gen do not change meanwhile.
func (l *stateLog) writeOut(buf []byte) (int64, error) {
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
		// inside a record (statelogscan.go). At least one zero stays
		// after the records.
		to := end + logPrealloc
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
var logZeros = sync.OnceValue(func() []byte { return make([]byte, logPrealloc) })

// open opens the current generation for appending, creating it with its
// header and start record, or zeroing the torn tail (or the end record)
// replay found.
func (l *stateLog) open() error {
	name := logPath(l.path, l.gen)
	if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
		f, id, size, err := createLogFile(name)
		if err != nil {
			return err
		}
		if l.afterCreate != nil {
			if err := l.afterCreate(id); err != nil {
				f.Close()
				return err
			}
			l.afterCreate = nil
		}
		l.f, l.id, l.version, l.size, l.zeroTo, l.keepTo = f, id, 4, size, size+logPrealloc, -1
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

// createLogFile creates a log file with its header, a new identity, its
// start record and logPrealloc zeros, durably, and returns it with its
// identity and the size of its records.
func createLogFile(name string) (*os.File, string, int64, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, "", 0, fmt.Errorf("create state log: %w", err)
	}
	id := hex.EncodeToString(raw[:])
	head := appendLogFrame([]byte(logMagicV4+id+"\n"), []byte{logStartRecord})
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, "", 0, fmt.Errorf("create state log: %w", err)
	}
	_, err = f.Write(head)
	if err == nil {
		err = writeZeros(f, int64(len(head)), int64(len(head))+logPrealloc)
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = syncDir(filepath.Dir(name))
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
func (l *stateLog) endLocked() error {
	var end []byte
	if l.version >= 4 {
		end = appendLogFrame(nil, []byte{logEndRecord})
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

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// rotate writes out what is queued, ends the log, then starts
// generation gen+1 and returns it and its identity. The caller holds the store's lock, so nothing is appended
// meanwhile: every record up to now is in the old generation.
func (l *stateLog) rotate() (int, string, error) {
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
	f, id, size, err := createLogFile(logPath(l.path, next))
	if err != nil {
		return 0, "", err
	}
	l.f.Close()
	l.f, l.gen, l.id, l.version, l.size, l.zeroTo = f, next, id, 4, size, size+logPrealloc
	return next, id, nil
}

// syncStats returns how many group commits wrote records, and the time
// they spent writing and syncing.
func (l *stateLog) syncStats() (int64, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.syncs, l.syncDur
}

// bytes returns the size of the current generation.
func (l *stateLog) bytes() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.size
}

// close writes out what is queued and closes the file.
func (l *stateLog) close() error {
	err := l.wait(l.last())
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
