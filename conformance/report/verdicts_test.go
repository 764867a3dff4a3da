package report

import (
	"strings"
	"testing"
)

// Failure messages cap what a partner sends back: megabytes of headers
func TestWarningsAndStrict(t *testing.T) {
	r := Results{Summary: Summary{Passed: 36, Warnings: 2}}
	if r.ExitCode() != 0 || !strings.HasPrefix(r.Line(), "ttconformance PASS: 36 passed, 0 failed, 2 warnings") {
		t.Errorf("exit %d, %q", r.ExitCode(), r.Line())
	}
	r.Strict = true
	if r.ExitCode() != 1 || !strings.HasPrefix(r.Line(), "ttconformance FAIL:") {
		t.Errorf("strict: exit %d, %q", r.ExitCode(), r.Line())
	}
}

// The summary line counts in the right number: "1 warning", "2 errors".
func TestSummaryLineCountsInTheRightNumber(t *testing.T) {
	r := Results{Summary: Summary{Passed: 3, Warnings: 1, Errors: 2}}
	if line := r.Line(); !strings.Contains(line, "3 passed, 0 failed, 1 warning, 2 errors, 0 skipped") {
		t.Errorf("summary line %q", line)
	}
}

// A run whose embedded mock failed exits 2: it says nothing of the partner.
func TestMockFailuresExitTwo(t *testing.T) {
	if code := (Results{MockFailures: []string{"answered 500 to the partner's PATCH /partner/v1/partner-results/r1: store closed"}}).ExitCode(); code != 2 {
		t.Errorf("exit %d, want 2 when the mock failed", code)
	}
}
