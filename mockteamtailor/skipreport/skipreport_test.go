package skipreport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A skipped group is reported once with its reason and count, to the
// writer and to the report file.
func TestReport(t *testing.T) {
	t.Run("a", func(t *testing.T) { Skip(t, "browser tests", "chromium is not installed") })
	t.Run("b", func(t *testing.T) { Skip(t, "browser tests", "chromium is not installed") })
	path := filepath.Join(t.TempDir(), "skips")
	t.Setenv(EnvReport, path)
	var b strings.Builder
	Report("example/pkg", &b)
	want := "SKIPPED example/pkg browser tests: chromium is not installed (2 tests)\n"
	if b.String() != want {
		t.Errorf("report = %q, want %q", b.String(), want)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != want {
		t.Errorf("report file = %q (%v), want %q", got, err, want)
	}
	mu.Lock()
	clear(skipped)
	mu.Unlock()
}
