package report

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// TestParseBaselineProblems: a bad baseline is refused with every problem
// named, never half-read.
func TestParseBaselineProblems(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string
	}{
		{"not JSON", `knownFailures:`, []string{"not a baseline document"}},
		{"unknown field", `{"version":1,"knownFailures":[{"check":"a/b","reason":"r","expiry":"2027-01-01"}]}`, []string{`unknown field "expiry"`}},
		{"two documents", `{"version":1,"knownFailures":[]} {}`, []string{"more than one JSON value"}},
		{"wrong version, no list", `{"version":2}`, []string{"version is 2, want 1", `"knownFailures" is missing`}},
		{"every entry problem", `{"version":1,"knownFailures":[{"check":"","reason":"r"},{"check":"a/b","reason":" "},{"check":"a/b","reason":"r","expires":"31/01/2027"}]}`,
			[]string{`knownFailures[0]: "check" is empty`, `knownFailures[1] (a/b): "reason" is empty`, "knownFailures[2]: a/b is listed twice", `"expires" "31/01/2027" is not a date`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := settings.ParseBaseline([]byte(tc.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestApplyBaseline: each entry gets its status, only known failures are
// excused, and stale entries fail the run.
func TestApplyBaseline(t *testing.T) {
	day := time.Date(2027, 3, 10, 23, 59, 0, 0, time.UTC)
	res := Results{StartedAt: day, Checks: []CheckResult{
		{Check: settings.Check{ID: "a/fails"}, Outcome: OutcomeFail},
		{Check: settings.Check{ID: "a/warns"}, Outcome: OutcomeWarning},
		{Check: settings.Check{ID: "a/passes"}, Outcome: OutcomePass},
		{Check: settings.Check{ID: "a/skipped"}, Outcome: OutcomeSkipped},
		{Check: settings.Check{ID: "a/expired"}, Outcome: OutcomeFail},
		{Check: settings.Check{ID: "a/today"}, Outcome: OutcomeFail},
	}, Summary: Summary{Failed: 3, Warnings: 1, Passed: 1, Skipped: 1}}
	b := settings.Baseline{Version: 1, KnownFailures: []settings.BaselineEntry{
		{Check: "a/fails", Reason: "r"}, {Check: "a/warns", Reason: "r"}, {Check: "a/passes", Reason: "r"},
		{Check: "a/skipped", Reason: "r"}, {Check: "a/expired", Reason: "r", Expires: "2027-03-09"},
		{Check: "a/today", Reason: "r", Expires: "2027-03-10"}, {Check: "a/gone", Reason: "r"},
	}}
	applyBaseline(&res, b, "baseline.json")
	want := map[string]string{"a/fails": BaselineKnown, "a/warns": BaselineKnown, "a/passes": BaselineStalePassed, "a/skipped": BaselineNotJudged,
		"a/expired": BaselineStaleExpired, "a/today": BaselineKnown, "a/gone": BaselineStaleUnknown}
	for _, e := range res.Baseline.Entries {
		if e.Status != want[e.Check] {
			t.Errorf("%s: %s, want %s", e.Check, e.Status, want[e.Check])
		}
	}
	if got := len(res.Baseline.Stale); got != 3 {
		t.Errorf("%d stale entries, want 3: %v", got, res.Baseline.Stale)
	}
	if res.Summary.BaselinedFailures != 2 || res.Summary.BaselinedWarnings != 1 || res.NewFailures() != 1 {
		t.Errorf("baselined %d failures, %d warnings, %d new; want 2, 1, 1 (the expired entry's failure counts)",
			res.Summary.BaselinedFailures, res.Summary.BaselinedWarnings, res.NewFailures())
	}
	if res.Checks[4].Baselined != "" {
		t.Error("an expired entry excused its failure")
	}
	if res.ExitCode() != 1 {
		t.Errorf("exit %d, want 1", res.ExitCode())
	}
}

// TestBaselineOnlyKnownPasses: a run whose every failure is known, and no
// entry stale, passes; a stale entry alone fails it.
func TestBaselineOnlyKnownPasses(t *testing.T) {
	res := Results{StartedAt: time.Now(), Checks: []CheckResult{{Check: settings.Check{ID: "a/fails"}, Outcome: OutcomeFail}, {Check: settings.Check{ID: "a/ok"}, Outcome: OutcomePass}},
		Summary: Summary{Failed: 1, Passed: 1}}
	known := res
	applyBaseline(&known, settings.Baseline{Version: 1, KnownFailures: []settings.BaselineEntry{{Check: "a/fails", Reason: "r"}}}, "b.json")
	if known.ExitCode() != 0 {
		t.Errorf("known failures only: exit %d, want 0", known.ExitCode())
	}
	res.Checks = []CheckResult{{Check: settings.Check{ID: "a/ok"}, Outcome: OutcomePass}}
	res.Summary = Summary{Passed: 1}
	applyBaseline(&res, settings.Baseline{Version: 1, KnownFailures: []settings.BaselineEntry{{Check: "a/ok", Reason: "r"}}}, "b.json")
	if res.ExitCode() != 1 || !strings.Contains(res.Line(), "1 stale (a/ok)") {
		t.Errorf("a stale entry: exit %d, line %q; want 1 naming a/ok", res.ExitCode(), res.Line())
	}
}

// TestBaselineOf: a written baseline keeps the reasons and expiry of the
// entries that still hold, drops the expired and fixed ones, and adds the
// new failures.
func TestBaselineOf(t *testing.T) {
	res := Results{StartedAt: time.Date(2027, 3, 10, 0, 0, 0, 0, time.UTC), Checks: []CheckResult{
		{Check: settings.Check{ID: "b/new"}, Outcome: OutcomeFail, Reason: "Problem: boom\nmore"},
		{Check: settings.Check{ID: "a/kept"}, Outcome: OutcomeWarning},
		{Check: settings.Check{ID: "a/expired"}, Outcome: OutcomeFail, Reason: "still"},
		{Check: settings.Check{ID: "a/fixed"}, Outcome: OutcomePass},
	}}
	old := settings.Baseline{Version: 1, KnownFailures: []settings.BaselineEntry{{Check: "a/kept", Reason: "ticket 12", Expires: "2027-04-01"},
		{Check: "a/expired", Reason: "old", Expires: "2027-01-01"}, {Check: "a/fixed", Reason: "r"}}}
	got := baselineOf(res, old)
	raw, _ := json.Marshal(got)
	want := `{"version":1,"knownFailures":[{"check":"a/expired","reason":"failing since 2027-03-10: still"},{"check":"a/kept","reason":"ticket 12","expires":"2027-04-01"},{"check":"b/new","reason":"failing since 2027-03-10: Problem: boom"}]}`
	if string(raw) != want {
		t.Errorf("got  %s\nwant %s", raw, want)
	}
	if _, err := settings.ParseBaseline(raw); err != nil {
		t.Errorf("the written baseline does not parse: %v", err)
	}
}

// FuzzParseBaseline: any file either parses into a baseline that writes
// back to the same entries, or is refused; never a panic.
func FuzzParseBaseline(f *testing.F) {
	f.Add([]byte(`{"version":1,"knownFailures":[{"check":"config/options","reason":"next release","expires":"2027-01-31"}]}`))
	f.Add([]byte(`{"version":1,"knownFailures":[]}`))
	f.Add([]byte(`{"version":1,"knownFailures":[{"check":"a","reason":"r","expires":"2027-02-30"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := settings.ParseBaseline(raw)
		if err != nil {
			return
		}
		out, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		again, err := settings.ParseBaseline(out)
		if err != nil {
			t.Fatalf("a parsed baseline does not parse once written: %v\n%s", err, out)
		}
		if len(again.KnownFailures) != len(b.KnownFailures) {
			t.Fatalf("entries %d, then %d", len(b.KnownFailures), len(again.KnownFailures))
		}
		res := Results{StartedAt: time.Unix(0, 0)}
		applyBaseline(&res, b, "f")
	})
}
