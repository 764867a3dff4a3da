package report

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// A check skipped for a cause on the partner's side is unjudged unless the
// check it points at reports the cause (fails, warns or errs).
func TestUnjudgedSkips(t *testing.T) {
	checks := []CheckResult{
		{Check: settings.Check{ID: "config/with-job"}, Outcome: OutcomeSkipped, Reason: "not selected by the focus or label filters"},
		{Check: settings.Check{ID: "webhook/edge-case-candidates"}, Outcome: OutcomeSkipped, Reason: "cannot check: the partner refused the suite's provider key on GET /config with 401 Unauthorized (see config/with-job)"},
		{Check: settings.Check{ID: "signature/tampered-v1"}, Outcome: OutcomeSkipped, Reason: "cannot check: the plain signed webhook was not accepted (it answered 500) (see webhook/signed-accepted)"},
		{Check: settings.Check{ID: "webhook/signed-accepted"}, Outcome: OutcomeFail, Reason: "Problem: 500"},
		{Check: settings.Check{ID: "webhook/bulk-payload"}, Outcome: OutcomeSkipped, Reason: settings.CapabilityPrefix + "--bulk"},
		{Check: settings.Check{ID: "config/refetch"}, Outcome: OutcomeSkipped, Reason: embedded.StaticConfigSkip},
		{Check: settings.Check{ID: "results/posted"}, Outcome: OutcomeSkipped, Reason: "cannot check: POST /webhook gave no answer within 2s twice, so the suite sends it nothing more (see preflight)"},
	}
	got := Unjudged(checks)
	want := []string{
		"webhook/edge-case-candidates: the partner refused the suite's provider key on GET /config with 401 Unauthorized (see config/with-job)",
		"results/posted: POST /webhook gave no answer within 2s twice, so the suite sends it nothing more (see preflight)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("unjudged =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	res := Results{Summary: Summary{Skipped: 6, Failed: 0}, Unjudged: got, Checks: checks}
	if res.ExitCode() != 1 || !strings.Contains(res.Line(), "not judged: 2 for a cause on the partner's side") {
		t.Errorf("exit %d, line %q: want 1 and the unjudged checks named", res.ExitCode(), res.Line())
	}
	none := Results{Summary: Summary{Skipped: 3, SkippedByCapability: 3}, Checks: checks[:3]}
	if none.ExitCode() != 2 || !strings.Contains(none.Line(), "no check ran, so nothing was verified: every selected check needs a capability") {
		t.Errorf("exit %d, line %q: want 2 and no check ran", none.ExitCode(), none.Line())
	}
}

// The JUnit report counts what the results count, errors included, and
// carries no path.
func TestJUnitAgreesWithTheResults(t *testing.T) {
	res := Results{Suite: SuiteName, BaseURL: "http://partner", StartedAt: time.Now(), Summary: Summary{Errors: 2, Skipped: 1},
		Checks: []CheckResult{
			{Check: settings.Check{ID: "config/with-job", Label: "config", Rule: "r MUST"}, Outcome: OutcomeError, Reason: "no check ran: the partner cannot be reached"},
			{Check: settings.Check{ID: "config/options", Label: "config", Rule: "o MUST"}, Outcome: OutcomeError, Reason: "no check ran: the partner cannot be reached"},
			{Check: settings.Check{ID: "webhook/bulk-payload", Label: "webhook", Rule: "b MUST"}, Outcome: OutcomeSkipped, Reason: settings.CapabilityPrefix + "--bulk"},
		}}
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := writeJUnit(path, res); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 3 || doc.Errors != 2 || doc.Skipped != 1 || doc.Failures != 0 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 3 {
		t.Errorf("junit: %+v", doc)
	}
	if strings.Contains(string(raw), "package=") {
		t.Errorf("junit carries a package attribute (a path of the machine):\n%s", raw)
	}
}
