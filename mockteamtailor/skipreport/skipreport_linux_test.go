package skipreport

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Rule: "go test" without -v, its output not a terminal (a pipe, as in
// CI or "| tee"), shows the skipped groups of a passing package.
func TestGoTestShowsSkippedGroups(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("the go command is not on PATH: %v", err)
	}
	cmd := exec.Command(goCmd, "test", "-count=1", "./testdata/demo")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, EnvReport+"=") && !strings.HasPrefix(kv, "GOFLAGS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput() // a pipe, not a terminal
	if err != nil {
		t.Fatalf("go test ./testdata/demo: %v\n%s", err, out)
	}
	want := "SKIPPED demo demo group: the demo tool is not installed (1 test)"
	if strings.Count(string(out), want) != 1 || !strings.Contains(string(out), "ok ") {
		t.Errorf("go test output:\n%s\nwant the package ok and, once, %q", out, want)
	}

	// "go test > log": a file the go command does not append to is left
	// alone (a line written to it would be overwritten), never garbled.
	log, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd = exec.Command(goCmd, "test", "-count=1", "./testdata/demo")
	cmd.Env, cmd.Stdout, cmd.Stderr = cmd.Env[:0:0], log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // no terminal to fall back on
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, EnvReport+"=") && !strings.HasPrefix(kv, "GOFLAGS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if err := cmd.Run(); err != nil {
		t.Fatalf("go test ./testdata/demo > log: %v", err)
	}
	got, _ := os.ReadFile(log.Name())
	if !strings.HasPrefix(string(got), "ok  \t") || strings.Count(string(got), "\n") != 1 {
		t.Errorf("go test > log wrote %q, want its ok line intact", got)
	}
}
