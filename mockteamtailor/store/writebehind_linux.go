//go:build linux && (amd64 || arm64)

package store

import (
	"os"
	"syscall"
)

// writeBehind writes data to f, a new empty file, and has the
// kernel write it to disk as it goes, a megabyte at a time, with at most
// two megabytes waiting. Written at once, a snapshot of 100,000 results
// (56 MB) reached the disk in one burst when it was fsync'd, and the log's
// group commits queued behind it: the p99 of creates (wrk, 8 connections)
// was 33–61 ms; written behind, 23–34 ms.
func writeBehind(f *os.File, data []byte) error {
	const chunk = 1 << 20
	for off := 0; off < len(data); off += chunk {
		end := min(off+chunk, len(data))
		if _, err := f.Write(data[off:end]); err != nil {
			return err
		}
		// Advice only: the fsync that follows makes the file durable
		// whatever these do, so their errors are of no consequence.
		syncFileRange(f, off, end-off, syncFileRangeWrite)
		if off >= 2*chunk {
			syncFileRange(f, off-2*chunk, chunk, syncFileRangeWaitBefore|syncFileRangeWrite|syncFileRangeWaitAfter)
		}
	}
	return nil
}

// The flags of sync_file_range(2).
const (
	syncFileRangeWaitBefore = 1
	syncFileRangeWrite      = 2
	syncFileRangeWaitAfter  = 4
)

func syncFileRange(f *os.File, off, n, flags int) {
	syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, f.Fd(), uintptr(off), uintptr(n), uintptr(flags), 0, 0)
}
