package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/internal/text"
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
	// Unjudged are the selected checks skipped for a cause on the
	// partner's side ("cannot check: …") that no check of the run
	// reports, because the check that owns the cause was not selected
	// (--focus, --label-filter): "<id>: <reason>". The run is not a pass.
	Unjudged []string `json:"unjudged,omitempty"`
	// MockFailures are failures of the embedded mock itself during the
	// run: the run is an error, whatever the partner did.
	MockFailures []string `json:"mockFailures,omitempty"`
	// Causes are the root causes detected in the failures, each with its
	// evidence and its fix.
	Causes []Cause       `json:"causes"`
	Checks []CheckResult `json:"checks"`
	// Baseline is the baseline the run was judged against (--baseline,
	// --write-baseline): what became of each entry, and the stale ones.
	Baseline *BaselineResult `json:"baseline,omitempty"`
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
	// BaselinedFailures and BaselinedWarnings are the part of Failed and
	// Warnings that the baseline knows: they do not fail the run.
	BaselinedFailures int `json:"baselinedFailures,omitempty"`
	BaselinedWarnings int `json:"baselinedWarnings,omitempty"`
}

// CheckResult is how one check ended.
type CheckResult struct {
	settings.Check
	Outcome    string             `json:"outcome"`
	Reason     string             `json:"reason"`
	DurationMS int64              `json:"durationMs"`
	Exchanges  []partner.Exchange `json:"exchanges"`
	// ExchangesOmitted counts the exchanges of the check beyond
	// MaxStoredExchanges, which the reports leave out.
	ExchangesOmitted int `json:"exchangesOmitted,omitempty"`
	// Baselined is the reason of the baseline entry that knows this
	// failure or warning; such a failure does not fail the run.
	Baselined string `json:"baselined,omitempty"`
}

// ExitCode is the process exit status for the results: 2 when no check
// could run or the embedded mock failed; 1 when a MUST check failed (or,
// with --strict, a SHOULD check), or a selected check could not be judged
// for a cause on the partner's side that the run does not report
// (Unjudged); 2 when checks could not run but none failed, or when no
// check ran at all; 0 otherwise, warnings included. Failures and warnings
// the baseline knows do not count; a stale baseline entry fails the run.
func (r Results) ExitCode() int {
	switch {
	case r.Setup != nil, len(r.MockFailures) > 0:
		return 2
	case r.NewFailures() > 0, r.Strict && r.Summary.Warnings > r.Summary.BaselinedWarnings, len(r.Unjudged) > 0, len(r.StaleBaseline()) > 0:
		return 1
	case r.Summary.Errors > 0, r.Executed() == 0:
		return 2
	}
	return 0
}

// NewFailures counts the failed checks the baseline does not know.
func (r Results) NewFailures() int { return r.Summary.Failed - r.Summary.BaselinedFailures }

// StaleBaseline returns the stale baseline entries, "<check>: <why>".
func (r Results) StaleBaseline() []string {
	if r.Baseline == nil {
		return nil
	}
	return r.Baseline.Stale
}

// Executed counts the checks that ran to an outcome: passed, failed,
// warned or errored. A run that executed none verified nothing.
func (r Results) Executed() int {
	s := r.Summary
	return s.Passed + s.Failed + s.Warnings + s.Errors
}

// cannotCheckPrefix starts the reason of a check skipped for a cause on
// the partner's side: something it builds on is broken (Depends).
const cannotCheckPrefix = "cannot check: "

// seePattern finds the check a "cannot check" reason points at.
var seePattern = regexp.MustCompile(`\(see ([a-z-]+/[a-z0-9-]+)[^)]*\)\s*$`)

// Unjudged returns the checks skipped for a cause on the partner's side
// that no check of the run reports: the check the reason points at did
// not fail (it was not selected, or there is none to point at).
func Unjudged(checks []CheckResult) []string {
	outcome := map[string]string{}
	for _, c := range checks {
		outcome[c.ID] = c.Outcome
	}
	var out []string
	for _, c := range checks {
		if c.Outcome != OutcomeSkipped || !strings.HasPrefix(c.Reason, cannotCheckPrefix) {
			continue
		}
		if m := seePattern.FindStringSubmatch(c.Reason); m != nil {
			switch outcome[m[1]] {
			case OutcomeFail, OutcomeWarning, OutcomeError:
				continue // that check reports the cause
			}
		}
		out = append(out, c.ID+": "+strings.TrimPrefix(c.Reason, cannotCheckPrefix))
	}
	return out
}

// NotSelected is the reason of a check the filters left out.
const NotSelected = "not selected by the focus or label filters"

// nothingRan says why a run executed no check.
func (r Results) nothingRan() string {
	s := r.Summary
	switch {
	case len(r.Checks) == 0 || s.Skipped == 0:
		return "no check ran"
	case s.SkippedByCapability == s.Skipped:
		return "every selected check needs a capability the partner does not claim"
	}
	return "the focus, skip and label filters selected no check that could run"
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
	if r.Executed() == 0 && len(r.Unjudged) == 0 {
		return fmt.Sprintf("ttconformance %s: no check ran, so nothing was verified: %s (%d skipped; see --list) (%s)", verdict, r.nothingRan(), s.Skipped, took)
	}
	line := fmt.Sprintf("ttconformance %s: %d passed, %d failed, %s, %s, %d skipped (%d by capability, %d cannot check or not selected) in %s",
		verdict, s.Passed, s.Failed, text.Count(s.Warnings, "warning", "warnings"), text.Count(s.Errors, "error", "errors"),
		s.Skipped, s.SkippedByCapability, s.Skipped-s.SkippedByCapability, took)
	if len(r.MockFailures) > 0 {
		line += "; the suite's embedded mock failed"
	}
	if n := len(r.Unjudged); n > 0 {
		line += fmt.Sprintf("; not judged: %d for a cause on the partner's side that no selected check reports (%s)", n, FirstLines(r.Unjudged[0], 1))
	}
	if r.Strict && s.Warnings > 0 {
		line += "; --strict: warnings fail the run"
	}
	if b := r.Baseline; b != nil {
		line += fmt.Sprintf("; baseline %s: %d of %d entries known", b.File, s.BaselinedFailures+s.BaselinedWarnings, len(b.Entries))
		if n := s.BaselinedFailures; n > 0 {
			line += fmt.Sprintf(" (%s not failing the run)", text.Count(n, "failure", "failures"))
		}
		if n := len(b.Stale); n > 0 {
			ids := make([]string, n)
			for i, st := range b.Stale {
				ids[i], _, _ = strings.Cut(st, ":")
			}
			line += fmt.Sprintf(", %d stale (%s)", n, strings.Join(ids, ", "))
		}
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

// Finish keeps res as the run's results and writes the reports asked
// for: ReportAfterSuite calls it (under ginkgo -p, on the first process,
// with every process's checks); the caller of RunSpecs prints the
// one-line summary (Results.Line).
func Finish(res Results) {
	var problems []string
	if err := finishBaseline(&res); err != nil {
		problems = append(problems, "baseline not written: "+err.Error())
	}
	for _, p := range []string{settings.TestContext.JSONReport, settings.TestContext.JUnitReport, settings.TestContext.HTMLReport} {
		if p != "" {
			res.Reports = append(res.Reports, p)
		}
	}
	lastMu.Lock()
	lastResults = &res
	lastMu.Unlock()
	if p := settings.TestContext.JSONReport; p != "" {
		if err := writeJSON(p, res); err != nil {
			problems = append(problems, "report not written: "+err.Error())
		}
	}
	if p := settings.TestContext.HTMLReport; p != "" {
		if err := writeHTML(p, res); err != nil {
			problems = append(problems, "report not written: "+err.Error())
		}
	}
	if p := settings.TestContext.JUnitReport; p != "" {
		if err := writeJUnit(p, res); err != nil {
			problems = append(problems, "report not written: "+err.Error())
		}
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "ttconformance: "+p)
	}
}

// CheckResultOf is how the check c of spec s ended: a failed SHOULD
// check is a warning; a check that failed for the suite's own reasons
// (unreachable partner, the mock) is an error.
func CheckResultOf(s types.SpecReport, c settings.Check) CheckResult {
	cr := CheckResult{Check: c, DurationMS: s.RunTime.Milliseconds(), Exchanges: []partner.Exchange{}}
	var notes []string
	errorOutcome := false
	for _, e := range s.ReportEntries {
		switch e.Name {
		case partner.EntryExchanges:
			// In this process the value is the exchanges; from another
			// process (ginkgo -p), their JSON.
			if xs, ok := e.GetRawValue().([]partner.Exchange); ok {
				cr.Exchanges = append(cr.Exchanges, xs...)
				continue
			}
			var xs []partner.Exchange
			if raw, err := json.Marshal(e.GetRawValue()); err == nil && json.Unmarshal(raw, &xs) == nil {
				cr.Exchanges = append(cr.Exchanges, xs...)
			}
		case partner.EntryOmitted:
			var n int
			if raw, err := json.Marshal(e.GetRawValue()); err == nil && json.Unmarshal(raw, &n) == nil {
				cr.ExchangesOmitted += n
			}
		case partner.EntryOutcome:
			errorOutcome = e.Value.String() == OutcomeError || strings.Contains(e.Value.AsJSON, OutcomeError)
		case partner.EntryNote:
			notes = append(notes, e.Value.String())
		}
	}
	switch {
	case s.State == types.SpecStatePassed:
		cr.Outcome, cr.Reason = OutcomePass, strings.Join(notes, "\n")
	case s.State.Is(types.SpecStateSkipped | types.SpecStatePending):
		cr.Outcome, cr.Reason = OutcomeSkipped, s.Failure.Message
		if cr.Reason == "" {
			cr.Reason = NotSelected
		}
	case errorOutcome:
		cr.Outcome, cr.Reason = OutcomeError, s.Failure.Message
	default:
		cr.Outcome, cr.Reason = OutcomeFail, s.Failure.Message
		if s.Failure.ForwardedPanic != "" {
			cr.Reason += "\npanic: " + s.Failure.ForwardedPanic
		}
		if c.Level == settings.LevelShould && s.Failure.ForwardedPanic == "" {
			cr.Outcome = OutcomeWarning
		}
	}
	return cr
}

// FirstLabel returns the area label among a spec's labels, or "".
func FirstLabel(labels []string) string {
	for _, l := range labels {
		if slices.Contains(settings.Areas(), l) {
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

// JUnit documents, as CI servers read them. They are written from the
// results document, so JUnit agrees with the JSON and HTML reports and the
// console on every count, errors included, and carry no path of the
// machine that ran the suite.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     float64      `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string          `xml:"name,attr"`
	Tests     int             `xml:"tests,attr"`
	Failures  int             `xml:"failures,attr"`
	Errors    int             `xml:"errors,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Time      float64         `xml:"time,attr"`
	Timestamp string          `xml:"timestamp,attr"`
	Props     []junitProperty `xml:"properties>property,omitempty"`
	SystemOut string          `xml:"system-out,omitempty"`
	Cases     []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Status    string        `xml:"status,attr"`
	Time      float64       `xml:"time,attr"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes the JUnit report of res: one test case per check. A
// failed check is a failure, a check the suite could not run an error, a
// skipped one skipped with its reason. A warning (failed SHOULD check) is
// a passed test case whose status is "warning", the message in
// system-out; with --strict it is a failure of type "warning". Secrets
// are redacted (res is).
func writeJUnit(path string, res Results) error {
	if err := ensureDir(path); err != nil {
		return err
	}
	suite := junitSuite{Name: res.Suite, Tests: len(res.Checks), Time: float64(res.DurationMS) / 1000,
		Timestamp: res.StartedAt.Format(time.RFC3339),
		Props: []junitProperty{{Name: "baseUrl", Value: res.BaseURL}, {Name: "exitCode", Value: fmt.Sprint(res.ExitCode())},
			{Name: "verdict", Value: res.Line()}}}
	var notes []string
	if res.Setup != nil {
		notes = append(notes, res.Setup.Message)
	}
	for _, u := range res.Unjudged {
		notes = append(notes, "NOT JUDGED (the run does not pass): "+u)
	}
	notes = append(notes, res.MockFailures...)
	stale := map[string]string{}
	if b := res.Baseline; b != nil {
		suite.Props = append(suite.Props, junitProperty{Name: "baseline", Value: b.File})
		for _, st := range b.Stale {
			notes = append(notes, "STALE BASELINE ENTRY (fails the run): "+st)
			id, _, _ := strings.Cut(st, ":")
			stale[id] = st
		}
	}
	suite.SystemOut = strings.Join(notes, "\n")
	for _, cr := range res.Checks {
		tc := junitCase{Name: cr.Text(), Classname: SuiteName + "." + cr.Label, Status: cr.Outcome, Time: float64(cr.DurationMS) / 1000}
		first := FirstLines(cr.Reason, 1)
		switch {
		case cr.Baselined != "" && (cr.Outcome == OutcomeFail || cr.Outcome == OutcomeWarning):
			// A known failure is skipped, as CI servers show expected
			// failures: visible, not red.
			tc.Skipped = &junitMessage{Message: "known failure (baseline: " + cr.Baselined + "): " + first}
			tc.SystemOut = "KNOWN FAILURE (in the baseline; does not fail the run): " + cr.Baselined + "\n" + cr.Reason
			suite.Skipped++
			suite.Cases = append(suite.Cases, tc)
			continue
		case stale[cr.ID] != "" && cr.Outcome == OutcomePass:
			tc.Failure = &junitMessage{Message: "stale baseline entry: " + stale[cr.ID], Type: "stale-baseline", Text: stale[cr.ID]}
			suite.Failures++
			suite.Cases = append(suite.Cases, tc)
			continue
		}
		switch cr.Outcome {
		case OutcomeFail:
			tc.Failure = &junitMessage{Message: first, Type: "failure", Text: cr.Reason}
			suite.Failures++
		case OutcomeError:
			tc.Error = &junitMessage{Message: first, Type: "error", Text: cr.Reason}
			suite.Errors++
		case OutcomeSkipped:
			tc.Skipped = &junitMessage{Message: cr.Reason}
			suite.Skipped++
		case OutcomeWarning:
			if res.Strict {
				tc.Failure = &junitMessage{Message: first, Type: "warning", Text: cr.Reason}
				suite.Failures++
				break
			}
			tc.SystemOut = "WARNING (SHOULD; does not fail the run without --strict)\n" + cr.Reason
		case OutcomePass:
			tc.SystemOut = cr.Reason
		}
		suite.Cases = append(suite.Cases, tc)
	}
	if b := res.Baseline; b != nil {
		// An entry naming no check has no test case of its own: it gets one.
		for _, e := range b.Entries {
			if e.Status == BaselineStaleUnknown {
				msg := e.Check + ": the suite has no such check (ttconformance --list); remove the entry"
				suite.Cases = append(suite.Cases, junitCase{Name: "baseline entry " + e.Check, Classname: SuiteName + ".baseline", Status: OutcomeFail,
					Failure: &junitMessage{Message: "stale baseline entry: " + msg, Type: "stale-baseline", Text: msg}})
				suite.Tests++
				suite.Failures++
			}
		}
	}
	doc := junitSuites{Name: res.Suite, Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Skipped: suite.Skipped,
		Time: suite.Time, Suites: []junitSuite{suite}}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out = []byte(partner.NewRedactor(settings.TestContext).String(xml.Header + string(out) + "\n"))
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ExitCodeOf returns the exit status for the run that ended, or fallback
// when this process has no results.
func ExitCodeOf(fallback int) int {
	if r := LastResults(); r != nil {
		return r.ExitCode()
	}
	return fallback
}
