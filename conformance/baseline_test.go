package conformance_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// brokenPartner returns the broken partner of brokenPartners named name.
func brokenPartner(t *testing.T, name string) fakePartner {
	t.Helper()
	for _, bp := range brokenPartners {
		if bp.name == name {
			return bp.partner
		}
	}
	t.Fatalf("no broken partner %q", name)
	return fakePartner{}
}

// withDefects is the example partner with the defects of the broken
// partners named: their middleware wrapped around one another, and the
// one transport among them.
func withDefects(t *testing.T, names ...string) fakePartner {
	t.Helper()
	var out fakePartner
	for _, name := range names {
		p := brokenPartner(t, name)
		if p.transport != nil {
			if out.transport != nil {
				t.Fatalf("%q: two defects in the transport", name)
			}
			out.transport = p.transport
		}
		if p.wrap != nil {
			inner, outer := out.wrap, p.wrap
			out.wrap = func(h http.Handler) http.Handler {
				if inner != nil {
					h = inner(h)
				}
				return outer(h)
			}
		}
	}
	return out
}

// The defects of the baseline tests: each fails one MUST check.
const (
	defectUnknownType = "an unknown field type" // config/supported-types
	defectScore       = "posts score 150"       // results/score-range
	defectDuplicateID = "duplicate field ids"   // config/unique-ids
)

func writeBaselineFile(t *testing.T, b settings.Baseline) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := report.WriteBaseline(path, b); err != nil {
		t.Fatal(err)
	}
	return path
}

var twoKnown = settings.Baseline{Version: settings.BaselineVersion, KnownFailures: []settings.BaselineEntry{
	{Check: "config/supported-types", Reason: "the slider field ships in the next release"},
	{Check: "results/score-range", Reason: "scores are percentages until the migration", Expires: "2999-12-31"},
}}

// TestBaselineKnownFailuresPass: a partner whose two defects the baseline
// lists passes (exit 0); both failures are shown, as known, in every
// report.
func TestBaselineKnownFailuresPass(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	base := withDefects(t, defectUnknownType, defectScore).serve(t)
	dir := t.TempDir()
	html, junit := filepath.Join(dir, "report.html"), filepath.Join(dir, "junit.xml")
	r := runSuite(t, base, append(allCapabilities, "--activation-field", selfActivation, "--baseline", writeBaselineFile(t, twoKnown),
		"--html-report", html, "--junit-report", junit)...)
	if r.exit != 0 {
		t.Fatalf("exit = %d, want 0\n%s%s", r.exit, r.stdout, r.stderr)
	}
	for _, id := range []string{"config/supported-types", "results/score-range"} {
		c := r.check(id)
		if c.Outcome != report.OutcomeFail || c.Baselined == "" {
			t.Errorf("%s: outcome %s, baselined %q; want a known failure", id, c.Outcome, c.Baselined)
		}
		if !strings.Contains(r.stdout, "KNOWN FAILURE (in the baseline, does not fail the run: ") || !strings.Contains(r.stdout, id) {
			t.Errorf("the console does not show %s as a known failure:\n%s", id, r.stdout)
		}
	}
	s := r.results.Summary
	if s.Failed != 2 || s.BaselinedFailures != 2 {
		t.Errorf("summary failed=%d baselinedFailures=%d, want 2 and 2", s.Failed, s.BaselinedFailures)
	}
	b := r.results.Baseline
	if b == nil || len(b.Stale) != 0 || len(b.Entries) != 2 || b.Entries[0].Status != report.BaselineKnown || b.Entries[1].Status != report.BaselineKnown {
		t.Errorf("baseline in the report = %+v, want both entries known, none stale", b)
	}
	if !strings.Contains(r.stdout, "ttconformance PASS") || !strings.Contains(r.stdout, "2 of 2 entries known") {
		t.Errorf("the verdict line does not pass with the baseline:\n%s", r.stdout)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "Known failure, in the baseline") || !strings.Contains(string(page), "the slider field ships in the next release") {
		t.Error("the HTML report does not show the known failures with their reasons")
	}
	var doc struct {
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	raw, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Failures != 0 {
		t.Errorf("JUnit failures = %d, want 0: known failures are skipped test cases", doc.Failures)
	}
	known := 0
	for _, c := range doc.Suites[0].Cases {
		if c.Skipped != nil && strings.HasPrefix(c.Skipped.Message, "known failure (baseline: ") {
			known++
		}
	}
	if known != 2 {
		t.Errorf("JUnit has %d known-failure test cases, want 2", known)
	}
}

// TestBaselineFixedDefectIsStale: with one of the two defects fixed, the
// run fails (exit 1) and names the stale entry, and only it.
func TestBaselineFixedDefectIsStale(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	base := withDefects(t, defectScore).serve(t)
	r := runSuite(t, base, append(allCapabilities, "--activation-field", selfActivation, "--baseline", writeBaselineFile(t, twoKnown))...)
	if r.exit != 1 {
		t.Fatalf("exit = %d, want 1\n%s%s", r.exit, r.stdout, r.stderr)
	}
	b := r.results.Baseline
	if b == nil || len(b.Stale) != 1 || !strings.HasPrefix(b.Stale[0], "config/supported-types: the check passes now") {
		t.Fatalf("stale entries = %+v, want config/supported-types alone", b)
	}
	if r.results.NewFailures() != 0 {
		t.Errorf("%d new failures, want none: the other defect is known", r.results.NewFailures())
	}
	if !strings.Contains(r.stdout, "STALE BASELINE ENTRIES") || !strings.Contains(r.stdout, "1 stale (config/supported-types)") {
		t.Errorf("the console does not name the stale entry:\n%s", r.stdout)
	}
}

// TestBaselineNewDefectFails: a defect the baseline does not list fails
// the run (exit 1), and it is the only failure that counts.
func TestBaselineNewDefectFails(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	base := withDefects(t, defectUnknownType, defectScore, defectDuplicateID).serve(t)
	r := runSuite(t, base, append(allCapabilities, "--activation-field", selfActivation, "--baseline", writeBaselineFile(t, twoKnown))...)
	if r.exit != 1 {
		t.Fatalf("exit = %d, want 1\n%s%s", r.exit, r.stdout, r.stderr)
	}
	var unknown []string
	for _, c := range r.results.Checks {
		if (c.Outcome == report.OutcomeFail || c.Outcome == report.OutcomeWarning) && c.Baselined == "" {
			unknown = append(unknown, c.ID)
		}
	}
	if !slices.Equal(unknown, []string{"config/unique-ids"}) {
		t.Errorf("failures outside the baseline = %v, want [config/unique-ids]", unknown)
	}
	if b := r.results.Baseline; b == nil || len(b.Stale) != 0 {
		t.Errorf("stale entries = %+v, want none", b)
	}
	if !strings.Contains(r.stdout, "── FAIL config/unique-ids ──") || strings.Contains(r.stdout, "── FAIL config/supported-types") {
		t.Errorf("the console must show config/unique-ids, and only it, as FAIL:\n%s", r.stdout)
	}
}

// TestWriteBaseline: --write-baseline writes the run's failures, and the
// run judged against it passes; the file then makes the next run pass.
func TestWriteBaseline(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	base := withDefects(t, defectUnknownType, defectScore).serve(t)
	path := filepath.Join(t.TempDir(), "ci", "baseline.json")
	r := runSuite(t, base, append(allCapabilities, "--activation-field", selfActivation, "--write-baseline", path)...)
	if r.exit != 0 {
		t.Fatalf("exit = %d, want 0\n%s%s", r.exit, r.stdout, r.stderr)
	}
	b, err := settings.ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	// The file written is valid against baseline.schema.json.
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	schema, err := c.Compile("baseline.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	raw, _ := os.ReadFile(path)
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("the written baseline is not valid against baseline.schema.json: %v", err)
	}
	var ids []string
	for _, e := range b.KnownFailures {
		ids = append(ids, e.Check)
		if !strings.HasPrefix(e.Reason, "failing since ") {
			t.Errorf("%s: reason %q does not say since when", e.Check, e.Reason)
		}
	}
	if want := []string{"config/supported-types", "results/score-range"}; !slices.Equal(ids, want) {
		t.Errorf("written entries = %v, want %v", ids, want)
	}
	raw, _ = json.Marshal(r.results.Baseline)
	if r.results.Baseline == nil || r.results.Baseline.File != "baseline.json" {
		t.Errorf("the report's baseline = %s, want the written file, by its base name (the path is absolute)", raw)
	}
}
