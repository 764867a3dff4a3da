//go:build !linux

package conformance_test

import "os"

// maxRSS is unknown outside Linux.
func maxRSS(*os.ProcessState) int64 { return 0 }
