//go:build !linux

package conformance

import (
	"errors"
	"os"
)

// silenceStdout is not available here: Ginkgo's own output shows before
// the console report.
func silenceStdout() (*os.File, func(), error) {
	return nil, nil, errors.New("not supported on this system")
}
