//go:build linux

package conformance

import (
	"os"
	"syscall"
)

// silenceStdout points the process's stdout (file descriptor 1) at the
// null device, where Ginkgo's own reporter writes, and returns a copy of
// the original stdout for the console report and a function that puts it
// back.
func silenceStdout() (*os.File, func(), error) {
	saved, err := syscall.Dup(1)
	if err != nil {
		return nil, nil, err
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		syscall.Close(saved)
		return nil, nil, err
	}
	defer null.Close()
	if err := syscall.Dup3(int(null.Fd()), 1, 0); err != nil {
		syscall.Close(saved)
		return nil, nil, err
	}
	console := os.NewFile(uintptr(saved), "stdout")
	return console, func() {
		syscall.Dup3(saved, 1, 0)
		console.Close()
	}, nil
}
