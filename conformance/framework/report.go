package framework

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// SuiteName is the suite's description in every report.
const SuiteName = "Teamtailor partner conformance"

// Outcomes of a check.
const (
	OutcomePass    = "pass"
	OutcomeFail    = "fail"
	OutcomeSkipped = "skipped"
	// OutcomeWarning: a SHOULD check failed. Shown and counted; it fails
	// the run only with --strict.
	OutcomeWarning = "warning"
	// OutcomeError: the suite itself could not run the check (the partner
	// was unreachable, or the suite could not start). Kept apart from fail.
	OutcomeError = "error"
)

// Results is the results document (report.schema.json).
type Results struct {
	Suite string `json:"suite"`
	// Protocol is where the sections the checks cite are: docs/protocol.md.
	Protocol   string    `json:"protocol"`
	BaseURL    string    `json:"baseUrl"`
	StartedAt  time.Time `json:"startedAt"`
	DurationMS int64     `json:"durationMs"`
	// Strict is --strict: warnings fail the run.
	Strict  bool    `json:"strict"`
	Summary Summary `json:"summary"`
	// Setup is set when no check could run: the partner could not be
	// reached (preflight) or the embedded mock could not start.
	Setup *SetupError `json:"setup,omitempty"`
	// MockFailures are failures of the embedded mock itself during the
	// run: the run is an error, whatever the partner did.
	MockFailures []string `json:"mockFailures,omitempty"`
	// Causes are the root causes detected in the failures, each with its
	// evidence and its fix.
	Causes []Cause       `json:"causes"`
	Checks []CheckResult `json:"checks"`
	// Reports are the report files written, besides the JSON report.
	Reports []string `json:"-"`
}

// SetupError says why no check ran.
type SetupError struct {
	// What is "partner" (unreachable) or "mock" (the embedded mock).
	What    string `json:"what"`
	Message string `json:"message"`
}

// Summary counts the checks by outcome. Skipped counts every skipped
// check; SkippedByCapability those skipped because the partner does not
// claim a capability they need.
type Summary struct {
	Passed              int `json:"passed"`
	Failed              int `json:"failed"`
	Warnings            int `json:"warnings"`
	Errors              int `json:"errors"`
	Skipped             int `json:"skipped"`
	SkippedByCapability int `json:"skippedByCapability"`
}

// CheckResult is how one check ended.
type CheckResult struct {
	Check
	Outcome    string     `json:"outcome"`
	Reason     string     `json:"reason"`
	DurationMS int64      `json:"durationMs"`
	Exchanges  []Exchange `json:"exchanges"`
	// ExchangesOmitted counts the exchanges of the check beyond
	// MaxStoredExchanges, which the reports leave out.
	ExchangesOmitted int `json:"exchangesOmitted,omitempty"`
}

// ExitCode is the process exit status for the results: 2 when no check
// could run or the embedded mock failed; 1 when a MUST check failed (or,
// with --strict, a SHOULD check); 2 when checks could not run but none
// failed; 0 otherwise, warnings included.
func (r Results) ExitCode() int {
	switch {
	case r.Setup != nil, len(r.MockFailures) > 0:
		return 2
	case r.Summary.Failed > 0, r.Strict && r.Summary.Warnings > 0:
		return 1
	case r.Summary.Errors > 0:
		return 2
	}
	return 0
}

// Line is the one-line summary printed at the end of a run, its verdict
// that of the exit status.
func (r Results) Line() string {
	verdict := "PASS"
	switch r.ExitCode() {
	case 1:
		verdict = "FAIL"
	case 2:
		verdict = "ERROR"
	}
	took := (time.Duration(r.DurationMS) * time.Millisecond).Round(100 * time.Millisecond)
	switch {
	case r.Setup != nil && r.Setup.What == "partner":
		return fmt.Sprintf("ttconformance %s: the partner at %s cannot be reached; no check ran (%s)", verdict, r.BaseURL, took)
	case r.Setup != nil:
		return fmt.Sprintf("ttconformance %s: the suite's embedded mock failed; no check ran (%s)", verdict, took)
	}
	s := r.Summary
	line := fmt.Sprintf("ttconformance %s: %d passed, %d failed, %s, %s, %d skipped (%d by capability, %d cannot check or not selected) in %s",
		verdict, s.Passed, s.Failed, protocol.CountOf(s.Warnings, "warning", "warnings"), protocol.CountOf(s.Errors, "error", "errors"),
		s.Skipped, s.SkippedByCapability, s.Skipped-s.SkippedByCapability, took)
	if len(r.MockFailures) > 0 {
		line += "; the suite's embedded mock failed"
	}
	if r.Strict && s.Warnings > 0 {
		line += "; --strict: warnings fail the run"
	}
	return line
}

var (
	lastMu      sync.Mutex // guards lastResults
	lastResults *Results
)

// LastResults returns the results of the run that ended in this process,
// or nil (no run, a dry run, or a parallel process other than the first).
func LastResults() *Results {
	lastMu.Lock()
	defer lastMu.Unlock()
	return lastResults
}

// FinishReport turns Ginkgo's report into the results document and writes
// the reports asked for. ReportAfterSuite calls it (under ginkgo -p, on
// the first process, with every process's checks); the caller of RunSpecs
// prints the one-line summary (Results.Line).
func FinishReport(report types.Report) {
	if report.SuiteConfig.DryRun {
		return
	}
	res := BuildResults(report)
	for _, p := range []string{TestContext.JSONReport, TestContext.JUnitReport, TestContext.HTMLReport} {
		if p != "" {
			res.Reports = append(res.Reports, p)
		}
	}
	lastMu.Lock()
	lastResults = &res
	lastMu.Unlock()
	var problems []string
	if p := TestContext.JSONReport; p != "" {
		if err := writeJSON(p, res); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if p := TestContext.HTMLReport; p != "" {
		if err := writeHTML(p, res); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if p := TestContext.JUnitReport; p != "" {
		if err := writeJUnit(p, report, res); err != nil {
			problems = append(problems, err.Error())
		}
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "ttconformance: report not written: "+p)
	}
}

// BuildResults makes the results document of a Ginkgo report, every
// secret redacted.
func BuildResults(report types.Report) Results {
	red := NewRedactor(TestContext)
	res := Results{Suite: SuiteName, Protocol: ProtocolURL, BaseURL: TestContext.BaseURL, StartedAt: report.StartTime.UTC(), DurationMS: report.RunTime.Milliseconds(),
		Strict: TestContext.Strict, Checks: []CheckResult{}, Causes: []Cause{}}
	var setupFailure string
	for _, s := range report.SpecReports {
		if s.LeafNodeType.Is(types.NodeTypeBeforeSuite|types.NodeTypeSynchronizedBeforeSuite) && s.State.Is(types.SpecStateFailureStates) {
			setupFailure = s.Failure.Message
		}
	}
	if setupFailure != "" {
		what := "mock"
		if sp := setupProblem.Load(); sp != nil {
			what = sp.what
		}
		res.Setup = &SetupError{What: what, Message: red.String(setupFailure)}
		setupFailure = "no check ran: " + map[string]string{"partner": "the partner cannot be reached (see the preflight)", "mock": "the suite's embedded mock failed (see the setup error)"}[what]
	}
	if mockOf != nil {
		for _, f := range mockOf.Failures() {
			res.MockFailures = append(res.MockFailures, red.String(f))
		}
	}
	byID := map[string]CheckResult{}
	for _, s := range report.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		c, ok := checkByText(s.LeafNodeText)
		if !ok {
			c = Check{ID: s.LeafNodeText, Rule: s.LeafNodeText, Label: firstLabel(s.Labels()), Level: LevelMust}
		}
		cr := checkResultOf(s, c)
		if setupFailure != "" {
			cr.Outcome, cr.Reason = OutcomeError, setupFailure
		}
		// A failure message quotes what the partner sent only in
		// excerpts; the cut is a bound, should a check quote more.
		cr.Reason = cutString(red.String(cr.Reason), StoredBodyLimit)
		byID[c.ID] = cr
	}
	// Catalogue order, then whatever the catalogue does not know.
	for _, c := range Catalogue() {
		cr, ok := byID[c.ID]
		switch {
		case ok:
			delete(byID, c.ID)
		case setupFailure != "":
			// Ginkgo reports no spec when BeforeSuite failed.
			cr = CheckResult{Check: c, Outcome: OutcomeError, Reason: setupFailure, Exchanges: []Exchange{}}
		default:
			cr = CheckResult{Check: c, Outcome: OutcomeSkipped, Reason: "not run", Exchanges: []Exchange{}}
		}
		res.Checks = append(res.Checks, cr)
	}
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		res.Checks = append(res.Checks, byID[id])
	}
	// Each process bounded the exchanges of its checks; the run as a whole
	// keeps RunExchangeLimit bytes of them, in catalogue order.
	budget := NewBudget(RunExchangeLimit)
	for i := range res.Checks {
		for j, x := range res.Checks[i].Exchanges {
			res.Checks[i].Exchanges[j] = budget.Keep(x)
		}
	}
	for _, cr := range res.Checks {
		switch cr.Outcome {
		case OutcomePass:
			res.Summary.Passed++
		case OutcomeFail:
			res.Summary.Failed++
		case OutcomeWarning:
			res.Summary.Warnings++
		case OutcomeError:
			res.Summary.Errors++
		case OutcomeSkipped:
			res.Summary.Skipped++
			if strings.HasPrefix(cr.Reason, CapabilityPrefix) {
				res.Summary.SkippedByCapability++
			}
		}
	}
	res.Causes = DetectCauses(res)
	return res
}

// checkResultOf is how the check c of spec s ended: a failed SHOULD
// check is a warning; a check that failed for the suite's own reasons
// (unreachable partner, the mock) is an error.
func checkResultOf(s types.SpecReport, c Check) CheckResult {
	cr := CheckResult{Check: c, DurationMS: s.RunTime.Milliseconds(), Exchanges: []Exchange{}}
	var notes []string
	errorOutcome := false
	for _, e := range s.ReportEntries {
		switch e.Name {
		case entryExchanges:
			// In this process the value is the exchanges; from another
			// process (ginkgo -p), their JSON.
			if xs, ok := e.GetRawValue().([]Exchange); ok {
				cr.Exchanges = append(cr.Exchanges, xs...)
				continue
			}
			var xs []Exchange
			if raw, err := json.Marshal(e.GetRawValue()); err == nil && json.Unmarshal(raw, &xs) == nil {
				cr.Exchanges = append(cr.Exchanges, xs...)
			}
		case entryOmitted:
			var n int
			if raw, err := json.Marshal(e.GetRawValue()); err == nil && json.Unmarshal(raw, &n) == nil {
				cr.ExchangesOmitted += n
			}
		case entryOutcome:
			errorOutcome = e.Value.String() == OutcomeError || strings.Contains(e.Value.AsJSON, OutcomeError)
		case entryNote:
			notes = append(notes, e.Value.String())
		}
	}
	switch {
	case s.State == types.SpecStatePassed:
		cr.Outcome, cr.Reason = OutcomePass, strings.Join(notes, "\n")
	case s.State.Is(types.SpecStateSkipped | types.SpecStatePending):
		cr.Outcome, cr.Reason = OutcomeSkipped, s.Failure.Message
		if cr.Reason == "" {
			cr.Reason = "not selected by the focus or label filters"
		}
	case errorOutcome:
		cr.Outcome, cr.Reason = OutcomeError, s.Failure.Message
	default:
		cr.Outcome, cr.Reason = OutcomeFail, s.Failure.Message
		if s.Failure.ForwardedPanic != "" {
			cr.Reason += "\npanic: " + s.Failure.ForwardedPanic
		}
		if c.Level == LevelShould && s.Failure.ForwardedPanic == "" {
			cr.Outcome = OutcomeWarning
		}
	}
	return cr
}

// setupFailure is why BeforeSuite failed, kept by StartSuite.
type setupFailure struct {
	what string // "partner" or "mock"
	err  error
}

var setupProblem atomic.Pointer[setupFailure]

func firstLabel(labels []string) string {
	for _, l := range labels {
		if slices.Contains(areas, l) {
			return l
		}
	}
	return ""
}

// ensureDir creates the folder of a report file.
func ensureDir(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func writeJSON(path string, res Results) error {
	if err := ensureDir(path); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	err = enc.Encode(res)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// writeJUnit writes Ginkgo's JUnit report with one test case per check
// (setup nodes left out), then turns the failures of checks that could
// not run into JUnit errors and redacts every secret.
func writeJUnit(path string, report types.Report, res Results) error {
	if err := ensureDir(path); err != nil {
		return err
	}
	cfg := reporters.JunitReportConfig{OmitSuiteSetupNodes: true, OmitLeafNodeType: true,
		OmitTimelinesForSpecState: types.SpecStatePassed | types.SpecStateSkipped}
	// The exchanges are in the JSON and HTML reports; JUnit viewers choke
	// on them, and Ginkgo would print them whole in system-err.
	if err := reporters.GenerateJUnitReportWithConfig(withoutExchanges(report), path, cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(raw, &suites); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	errored := map[string]string{}
	warned := map[string]string{}
	for _, cr := range res.Checks {
		switch cr.Outcome {
		case OutcomeError:
			errored[cr.Text()] = cr.Reason
		case OutcomeWarning:
			warned[cr.Text()] = cr.Reason
		}
	}
	suites.Failures, suites.Errors = 0, 0
	for i := range suites.TestSuites {
		ts := &suites.TestSuites[i]
		ts.Failures, ts.Errors = 0, 0
		for j := range ts.TestCases {
			tc := &ts.TestCases[j]
			if tc.Properties != nil {
				var keep []reporters.JUnitProperty
				for _, p := range tc.Properties.Properties {
					if p.Name != entryExchanges {
						keep = append(keep, p)
					}
				}
				tc.Properties.Properties = keep
			}
			for text, reason := range errored {
				if strings.Contains(tc.Name, text) && tc.Failure != nil {
					tc.Error = &reporters.JUnitError{Message: reason, Type: "error", Description: tc.Failure.Description}
					tc.Failure = nil
				}
			}
			// A warning is not a failure: a passed test case whose status
			// is "warning", the message in system-out. With --strict it is
			// a failure of type "warning".
			for text, reason := range warned {
				if strings.Contains(tc.Name, text) && tc.Failure != nil {
					if TestContext.Strict {
						tc.Failure.Type = "warning"
						continue
					}
					tc.Status = OutcomeWarning
					tc.SystemOut = "WARNING (SHOULD; does not fail the run without --strict)\n" + reason
					tc.Failure = nil
				}
			}
			switch {
			case tc.Error != nil:
				ts.Errors++
			case tc.Failure != nil:
				ts.Failures++
			}
		}
		suites.Failures += ts.Failures
		suites.Errors += ts.Errors
	}
	out, err := xml.MarshalIndent(suites, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out = []byte(NewRedactor(TestContext).String(xml.Header + string(out) + "\n"))
	return os.WriteFile(path, out, 0o644)
}

// withoutExchanges returns a copy of report whose specs carry no
// exchanges entries.
func withoutExchanges(report types.Report) types.Report {
	specs := make(types.SpecReports, len(report.SpecReports))
	for i, s := range report.SpecReports {
		var keep types.ReportEntries
		for _, e := range s.ReportEntries {
			if e.Name != entryExchanges && e.Name != entryOmitted {
				keep = append(keep, e)
			}
		}
		s.ReportEntries = keep
		specs[i] = s
	}
	report.SpecReports = specs
	return report
}

// ExitCodeOf returns the exit status for the run that ended, or fallback
// when this process has no results.
func ExitCodeOf(fallback int) int {
	if r := LastResults(); r != nil {
		return r.ExitCode()
	}
	return fallback
}
