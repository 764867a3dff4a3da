package statelog

import (
	"os"
	"syscall"
)

// syncData makes the data written to f durable. The log writes records
// only into space already extended with zeros and fsync'd, so its size
// does not change and fdatasync, which skips the rest of the inode, is
// enough.
func syncData(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err == nil {
			return nil
		}
		if err != syscall.EINTR {
			return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
		}
	}
}
