//go:build !linux

package statelog

import "os"

// syncData makes the data written to f durable: fsync, where fdatasync is
// not available.
func syncData(f *os.File) error { return f.Sync() }
