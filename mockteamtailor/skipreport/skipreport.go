// Package skipreport makes skipped groups of tests visible without -v.
//
// go test prints only "ok" for a package that passes, so a group of tests
// skipped because a tool is missing (Chromium for the browser tests, curl
// for the README session, the shared reference examples) would pass
// silently. A test calls Skip instead of t.Skip; the package's TestMain
// calls Main, which after the run writes one line per skipped group and
// reason:
//
//   - to standard error (shown with -v and when the package fails);
//   - to the terminal (/dev/tty) when there is one, so a person running
//     "go test ./..." sees it even when the package passes;
//   - appended to the file named by MOCKTT_SKIP_REPORT when set, which is
//     how .ci/run collects them, prints them, and fails when a group CI
//     must run (the browser tests) was skipped.
package skipreport

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

// EnvReport names the file skipped groups are appended to.
const EnvReport = "MOCKTT_SKIP_REPORT"

var (
	mu      sync.Mutex         // guards skipped
	skipped = map[string]int{} // "group: reason" -> tests skipped
)

// Skip records that t, of group, is skipped for reason, and skips it.
func Skip(t testing.TB, group, reason string) {
	t.Helper()
	mu.Lock()
	skipped[group+": "+reason]++
	mu.Unlock()
	t.Skip(group + " skipped: " + reason)
}

// Lines returns one line per skipped group, sorted.
func Lines(pkg string) []string {
	mu.Lock()
	defer mu.Unlock()
	var out []string
	for k, n := range skipped {
		out = append(out, fmt.Sprintf("SKIPPED %s %s (%d tests)", pkg, k, n))
	}
	slices.Sort(out)
	return out
}

// Main runs the tests and reports the skipped groups of package pkg.
func Main(m *testing.M, pkg string) {
	code := m.Run()
	Report(pkg, os.Stderr)
	os.Exit(code)
}

// Report writes the skipped groups to w, the terminal and the report file.
func Report(pkg string, w io.Writer) {
	lines := Lines(pkg)
	if len(lines) == 0 {
		return
	}
	text := strings.Join(lines, "\n") + "\n"
	io.WriteString(w, text)
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		io.WriteString(tty, text)
		tty.Close()
	}
	if path := os.Getenv(EnvReport); path != "" {
		if f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
			io.WriteString(f, text)
			f.Close()
		}
	}
}
