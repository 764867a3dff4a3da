// Package skipreport makes skipped groups of tests visible without -v.
//
// go test prints only "ok" for a package that passes, so a group of tests
// skipped because a tool is missing (Chromium for the browser tests, curl
// for the README session, the shared reference examples) would pass
// silently. A test calls Skip instead of t.Skip; the package's TestMain
// calls Main, which after the run writes one line per skipped group and
// reason:
//
//   - to standard error, which the go command shows with -v and when the
//     package fails;
//   - otherwise (a passing package without -v, whose output the go
//     command drops) straight to the go command's own standard error, so
//     "go test ./..." shows it on a terminal, in a CI log or in a file
//     alike; where that cannot be opened (no /proc), to the terminal;
//   - appended to the file named by MOCKTT_SKIP_REPORT when set, which is
//     how .ci/run collects them, prints them, and fails when a group CI
//     must run (the browser tests) was skipped.
//
// A result the go command takes from its test cache runs nothing, so it
// reports nothing: -count=1 runs the tests again.
package skipreport

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
		tests := "tests"
		if n == 1 {
			tests = "test"
		}
		out = append(out, fmt.Sprintf("SKIPPED %s %s (%d %s)", pkg, k, n, tests))
	}
	slices.Sort(out)
	return out
}

// Main runs the tests and reports the skipped groups of package pkg.
func Main(m *testing.M, pkg string) {
	code := m.Run()
	Finish(pkg, code)
	os.Exit(code)
}

// Finish reports the skipped groups of package pkg after m.Run returned
// code: to standard error and the report file, and, when the go command
// will not show standard error (the package passed, no -v), to the go
// command's output.
func Finish(pkg string, code int) {
	Report(pkg, os.Stderr)
	if code == 0 && !testing.Verbose() {
		Announce(pkg)
	}
}

// Announce writes the skipped groups where the person or CI running go
// test sees them: the go command's standard error, else the terminal.
func Announce(pkg string) {
	lines := Lines(pkg)
	if len(lines) == 0 {
		return
	}
	text := strings.Join(lines, "\n") + "\n"
	if f := goCommandStderr(); f != nil {
		io.WriteString(f, text)
		f.Close()
		return
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		io.WriteString(tty, text)
		tty.Close()
	}
}

// goCommandStderr opens the standard error of the go command that runs
// this test binary (its parent), or returns nil when the parent is not the
// go command or its standard error cannot be shared: no /proc, a socket,
// or a file the go command does not append to ("go test > log"), whose
// next line would overwrite ours.
func goCommandStderr() *os.File {
	ppid := os.Getppid()
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", ppid))
	if err != nil {
		return nil
	}
	if name := filepath.Base(exe); name != "go" && name != "go.exe" {
		return nil
	}
	fd := fmt.Sprintf("/proc/%d/fd/2", ppid)
	if st, err := os.Stat(fd); err != nil || (st.Mode().IsRegular() && !appends(ppid)) {
		return nil
	}
	f, err := os.OpenFile(fd, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil
	}
	return f
}

// appends reports whether process pid's standard error was opened for
// appending (the octal flags of /proc/PID/fdinfo/2 hold O_APPEND).
func appends(pid int) bool {
	info, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/2", pid))
	if err != nil {
		return false
	}
	for line := range strings.SplitSeq(string(info), "\n") {
		if v, ok := strings.CutPrefix(line, "flags:"); ok {
			flags, err := strconv.ParseUint(strings.TrimSpace(v), 8, 64)
			return err == nil && flags&oAppend != 0
		}
	}
	return false
}

// oAppend is O_APPEND as Linux writes it in fdinfo.
const oAppend = 0o2000

// Report writes the skipped groups to w and appends them to the report
// file.
func Report(pkg string, w io.Writer) {
	lines := Lines(pkg)
	if len(lines) == 0 {
		return
	}
	text := strings.Join(lines, "\n") + "\n"
	io.WriteString(w, text)
	if path := os.Getenv(EnvReport); path != "" {
		if f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
			io.WriteString(f, text)
			f.Close()
		}
	}
}
