package store

import (
	"bytes"
	"encoding/binary"
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
// File layout: logMagic, then records. A record is
//
//	length  uint32, little endian: the payload's size
//	crc     uint32, little endian: CRC-32C of the payload
//	payload JSON (a logRecord), or result changes in binary (statelogresult.go)
//
// and then zeros: the file is extended with zeros ahead of its records
// (logPrealloc at a time, fsync'd), so that appending a record changes no
// file-system metadata and a group commit needs only fdatasync, which on
// a journaling file system does not wait for a journal commit (and for
// every other file's data that commit must flush first).
//
// A kill -9 can leave the last record half written (a torn tail): it was
// never acknowledged, so replay drops it. A bad record with valid data after
// it is corruption, and the store refuses to start, naming file and offset.
//
// Version 1 logs, whose records are all JSON, are still read; they are
// never appended to, since opening one migrates the state to a new
// snapshot and log generation.
//
// Version 3 added binary journal entries (statelogjournal.go); version 2
// logs are read, and appended to, as they are: a reader of version 3
// reads every kind of record in any version.
const (
	logMagic   = "mockteamtailor-log 3\n"
	logMagicV2 = "mockteamtailor-log 2\n"
	logMagicV1 = "mockteamtailor-log 1\n"
)

// isLogMagic reports whether head is the header of a log of a version
// this store reads; prefix accepts the start of one.
func isLogMagic(head string, prefix bool) bool {
	for _, m := range [...]string{logMagic, logMagicV2, logMagicV1} {
		if head == m || prefix && strings.HasPrefix(m, head) {
			return true
		}
	}
	return false
}

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

// appendLogFrame appends one framed record to buf.
func appendLogFrame(buf, payload []byte) []byte {
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(payload)))
	buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(payload, crcTable))
	return append(buf, payload...)
}

// readLog calls apply with the payload of every whole record of the log
// file at path, in order. It returns the offset where the valid records
// end: less than the file's size when the last record is torn. A damaged
// record followed by more data is an error naming the file and offset.
func readLog(path string, apply func(payload []byte, offset int64) error) (validEnd int64, size int64, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, fmt.Errorf("read state log: %w", err)
	}
	size = int64(len(data))
	corrupt := func(off int, format string, args ...any) error {
		return fmt.Errorf("state log %s is corrupt at byte offset %d (%s); it was left untouched: move the state files away to start afresh", path, off, fmt.Sprintf(format, args...))
	}
	if len(data) < len(logMagic) {
		// A kill while the file was being created: nothing was written to it.
		if !isLogMagic(string(data), true) {
			return 0, size, corrupt(0, "not a mockteamtailor state log")
		}
		return 0, size, nil
	}
	if !isLogMagic(string(data[:len(logMagic)]), false) {
		return 0, size, corrupt(0, "not a mockteamtailor state log of a version this mockteamtailor reads")
	}
	off := len(logMagic)
	for off < len(data) {
		rest := data[off:]
		if len(rest) < 8 {
			return int64(off), size, nil // torn header
		}
		n := int(binary.LittleEndian.Uint32(rest))
		sum := binary.LittleEndian.Uint32(rest[4:])
		if n == 0 || n > maxLogRecord {
			if allZero(rest[8:]) {
				// The zeros ahead of the records, or a header written
				// only in part before them.
				return int64(off), size, nil
			}
			return 0, size, corrupt(off, "record length %d", n)
		}
		if 8+n > len(rest) {
			return int64(off), size, nil // torn payload: the last record was cut off
		}
		payload := rest[8 : 8+n]
		if crc32.Checksum(payload, crcTable) != sum {
			if allZero(rest[8+n:]) {
				return int64(off), size, nil // the last record, half on disk
			}
			return 0, size, corrupt(off, "checksum mismatch with %d bytes of records after it", len(rest)-8-n)
		}
		if err := apply(payload, int64(off)); err != nil {
			return 0, size, corrupt(off, "%v", err)
		}
		off += 8 + n
	}
	return int64(off), size, nil
}

func allZero(b []byte) bool {
	return len(bytes.Trim(b, "\x00")) == 0
}

// stateLog appends records to the current log generation with group
// commit.
type stateLog struct {
	path string // the state file; logs are path.log.<gen>

	mu      sync.Mutex // guards every field below
	cond    *sync.Cond // signalled when a sync ends
	gen     int        // generation appended to
	f       *os.File   // nil until the first sync opens it
	size    int64      // bytes of f known to hold whole records
	zeroTo  int64      // f holds zeros from size up to here, on disk
	keepTo  int64      // open f truncated to this offset (a dropped torn tail); -1 to keep all
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
	// beforeCreate runs before the first log file is created (it writes
	// the first snapshot when there is none).
	beforeCreate func() error
}

func newStateLog(path string, gen int, keepTo int64) *stateLog {
	l := &stateLog{path: path, gen: gen, keepTo: keepTo}
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
	l.pending = appendFrame(l.pending, fill)
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
	extend := end > l.zeroTo
	_, err := l.f.WriteAt(buf, l.size)
	if err == nil && extend {
		// Zeros ahead, written with this batch: the full fsync below
		// makes them and the new size durable, and the batches that
		// follow, up to them, change only data.
		_, err = l.f.WriteAt(logZeros(), end)
	}
	if err != nil {
		// Cut the half-written batch off, so later records are not
		// appended after damage.
		if terr := l.f.Truncate(l.size); terr != nil {
			l.broken = fmt.Errorf("state log %s: a write failed (%v) and could not be undone: %w", l.f.Name(), err, terr)
		}
		l.zeroTo = l.size
		return l.size, fmt.Errorf("write state log: %w", err)
	}
	sync := syncData
	if extend {
		sync = (*os.File).Sync
	}
	if err := sync(l.f); err != nil {
		l.broken = fmt.Errorf("sync state log %s: %w", l.f.Name(), err)
		return l.size, l.broken
	}
	if extend {
		l.zeroTo = end + logPrealloc
	}
	return end, nil
}

// logZeros is what the log is extended with.
var logZeros = sync.OnceValue(func() []byte { return make([]byte, logPrealloc) })

// open opens the current generation for appending, creating it with its
// header, or cutting off the torn tail replay found.
func (l *stateLog) open() error {
	name := logPath(l.path, l.gen)
	if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
		if l.beforeCreate != nil {
			if err := l.beforeCreate(); err != nil {
				return err
			}
			l.beforeCreate = nil
		}
		f, err := createLogFile(name)
		if err != nil {
			return err
		}
		l.f, l.size, l.zeroTo, l.keepTo = f, int64(len(logMagic)), 0, -1
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
	if l.keepTo >= 0 && l.keepTo < end {
		// Drop the torn tail replay found: it was never acknowledged.
		if l.keepTo < int64(len(logMagic)) {
			f.Close()
			if err := os.Remove(name); err != nil {
				return fmt.Errorf("replace empty state log: %w", err)
			}
			l.keepTo = -1
			return l.open()
		}
		if err := f.Truncate(l.keepTo); err != nil {
			f.Close()
			return fmt.Errorf("cut the torn tail off the state log: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("sync state log: %w", err)
		}
		end = l.keepTo
		if _, err := f.Seek(end, 0); err != nil {
			f.Close()
			return fmt.Errorf("open state log: %w", err)
		}
	}
	l.f, l.size, l.zeroTo, l.keepTo = f, end, 0, -1
	return nil
}

// createLogFile creates an empty log file with its header, durably.
func createLogFile(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create state log: %w", err)
	}
	if _, err := f.WriteString(logMagic); err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = syncDir(filepath.Dir(name))
	}
	if err != nil {
		f.Close()
		os.Remove(name)
		return nil, fmt.Errorf("create state log: %w", err)
	}
	return f, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// rotate writes out what is queued, then starts generation gen+1 and
// returns it. The caller holds the store's lock, so nothing is appended
// meanwhile: every record up to now is in the old generation.
func (l *stateLog) rotate() (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.syncing {
		l.cond.Wait()
	}
	if l.halted {
		return 0, l.failErr // memory holds changes the store will undo
	}
	if len(l.pending) > 0 || l.f == nil {
		if err := l.syncLocked(); err != nil {
			return 0, err
		}
	}
	if l.zeroTo > l.size {
		// Only the newest generation may end in zeros: replay takes a
		// generation that does not end on a whole record, with a later
		// one after it, for damage.
		if err := l.f.Truncate(l.size); err != nil {
			return 0, fmt.Errorf("end state log: %w", err)
		}
		if err := l.f.Sync(); err != nil {
			return 0, fmt.Errorf("end state log: %w", err)
		}
		l.zeroTo = l.size
	}
	next := l.gen + 1
	f, err := createLogFile(logPath(l.path, next))
	if err != nil {
		return 0, err
	}
	l.f.Close()
	l.f, l.gen, l.size, l.zeroTo = f, next, int64(len(logMagic)), 0
	return next, nil
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
		if err == nil && l.zeroTo > l.size {
			// The zeros ahead are of no use until the next start.
			l.f.Truncate(l.size)
		}
		if cerr := l.f.Close(); err == nil {
			err = cerr
		}
		l.f = nil
	}
	return err
}
