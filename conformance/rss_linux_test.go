package conformance_test

import (
	"os"
	"syscall"
)

// maxRSS is the peak resident set of a process that ended, in bytes
// (Linux counts ru_maxrss in KiB).
func maxRSS(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10
	}
	return 0
}
