package framework

import (
	"fmt"
	"github.com/onsi/ginkgo/v2/types"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// FinishReport turns Ginkgo's report into the results document and writes
// the reports asked for. ReportAfterSuite calls it (under ginkgo -p, on
// the first process, with every process's checks); the caller of RunSpecs
// prints the one-line summary (Results.Line).
func FinishReport(r types.Report) {
	if r.SuiteConfig.DryRun {
		return
	}
	report.Finish(buildResults(r))
}

// buildResults makes the results document of a Ginkgo report, every
// secret redacted.
func buildResults(rep types.Report) report.Results {
	red := partner.NewRedactor(settings.TestContext)
	res := report.Results{Suite: report.SuiteName, Protocol: settings.ProtocolURL, BaseURL: settings.TestContext.BaseURL, StartedAt: rep.StartTime.UTC(), DurationMS: rep.RunTime.Milliseconds(),
		Strict: settings.TestContext.Strict, Checks: []report.CheckResult{}, Causes: []report.Cause{}}
	var setupFailure string
	for _, s := range rep.SpecReports {
		if s.LeafNodeType.Is(types.NodeTypeBeforeSuite|types.NodeTypeSynchronizedBeforeSuite) && s.State.Is(types.SpecStateFailureStates) {
			setupFailure = s.Failure.Message
		}
	}
	if setupFailure != "" {
		what := "mock"
		if sp := setupProblem.Load(); sp != nil {
			what = sp.what
		}
		res.Setup = &report.SetupError{What: what, Message: red.String(setupFailure)}
		setupFailure = "no check ran: " + map[string]string{"partner": "the partner cannot be reached (see the preflight)", "mock": "the suite's embedded mock failed (see the setup error)"}[what]
	}
	if mockOf != nil {
		for _, f := range mockOf.Failures() {
			res.MockFailures = append(res.MockFailures, red.String(f))
		}
	}
	byID := map[string]report.CheckResult{}
	for _, s := range rep.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		c, ok := settings.CheckByText(s.LeafNodeText)
		if !ok {
			c = settings.Check{ID: s.LeafNodeText, Rule: s.LeafNodeText, Label: report.FirstLabel(s.Labels()), Level: settings.LevelMust}
		}
		cr := report.CheckResultOf(s, c)
		if setupFailure != "" {
			cr.Outcome, cr.Reason = report.OutcomeError, setupFailure
		}
		// A failure message quotes what the partner sent only in
		// excerpts; the cut is a bound, should a check quote more.
		cr.Reason = partner.CutString(red.String(cr.Reason), partner.StoredBodyLimit)
		byID[c.ID] = cr
	}
	// Catalogue order, then whatever the catalogue does not know.
	for _, c := range settings.Catalogue() {
		cr, ok := byID[c.ID]
		switch {
		case ok:
			delete(byID, c.ID)
		case setupFailure != "":
			// Ginkgo reports no spec when BeforeSuite failed.
			cr = report.CheckResult{Check: c, Outcome: report.OutcomeError, Reason: setupFailure, Exchanges: []partner.Exchange{}}
		default:
			cr = report.CheckResult{Check: c, Outcome: report.OutcomeSkipped, Reason: "not run", Exchanges: []partner.Exchange{}}
		}
		res.Checks = append(res.Checks, cr)
	}
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		res.Checks = append(res.Checks, byID[id])
	}
	// Each process bounded the exchanges of its checks; the run as a whole
	// keeps RunExchangeLimit bytes of them, in catalogue order.
	budget := partner.NewBudget(partner.RunExchangeLimit)
	for i := range res.Checks {
		for j, x := range res.Checks[i].Exchanges {
			res.Checks[i].Exchanges[j] = budget.Keep(x)
		}
	}
	for _, cr := range res.Checks {
		switch cr.Outcome {
		case report.OutcomePass:
			res.Summary.Passed++
		case report.OutcomeFail:
			res.Summary.Failed++
		case report.OutcomeWarning:
			res.Summary.Warnings++
		case report.OutcomeError:
			res.Summary.Errors++
		case report.OutcomeSkipped:
			res.Summary.Skipped++
			if strings.HasPrefix(cr.Reason, settings.CapabilityPrefix) {
				res.Summary.SkippedByCapability++
			}
		}
	}
	res.Unjudged = append(basicFailures(res.Checks), report.Unjudged(res.Checks)...)
	res.Causes = detectCauses(res)
	return res
}

// basicFailures returns the basic calls that failed while the check that
// owns each was not selected, so no check reports them: the basics run
// whatever the filters select, and their failures are reported.
func basicFailures(checks []report.CheckResult) []string {
	basicsMu.Lock()
	b := basicsOf
	basicsMu.Unlock()
	if b == nil {
		return nil
	}
	unselected := map[string]bool{}
	for _, c := range checks {
		unselected[c.ID] = c.Outcome == report.OutcomeSkipped && c.Reason == report.NotSelected
	}
	answer := func(x *partner.Exchange) string {
		if !x.Answered() {
			return "got no answer: " + x.Error
		}
		return fmt.Sprintf("answered %d %s", x.Status, http.StatusText(x.Status))
	}
	var out []string
	add := func(owner string, x *partner.Exchange, what, problem string) {
		if x != nil && unselected[owner] && problem != "" {
			out = append(out, fmt.Sprintf("%s (not selected): %s %s", owner, what, problem))
		}
	}
	configProblem := func(x *partner.Exchange) string {
		switch {
		case x == nil || x.Direction == partner.Static:
			return ""
		case x.Status != http.StatusOK || !x.Answered():
			return answer(x)
		case !partner.IsConfigDocument(x.ResponseBody):
			return "answered no config document: " + partner.ConfigDocumentProblem(x.ResponseBody)
		}
		return ""
	}
	add(CheckConfig, b.Config, "GET /config with the suite's provider key", configProblem(b.Config))
	add("config/without-job", b.BulkConfig, "GET /config in bulk mode", configProblem(b.BulkConfig))
	if x := b.Activation; x != nil {
		switch {
		case !x.Answered():
			add(CheckActivation, x, "GET /activation", answer(x))
		case x.Status == http.StatusOK, x.Status == http.StatusNotFound, x.Status == http.StatusMethodNotAllowed, x.Status == http.StatusNotImplemented:
		default:
			add(CheckActivation, x, "GET /activation", answer(x))
		}
	}
	if x := b.webhookAnswer; x != nil && !x.Success() {
		add(CheckSignedWebhook, x, "the plain signed webhook", answer(x))
	}
	return out
}

// setupFailure is why BeforeSuite failed, kept by StartSuite.
type setupFailure struct {
	what string // "partner" or "mock"
	err  error
}

var setupProblem atomic.Pointer[setupFailure]
