package report

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// Console is the reporter ttconformance prints by default, for partner
// engineers in any language: what the partner must be configured with,
// one line per check as it ends, then each failure and warning in full
// (rule, request, answer, fix, curl), the root causes and one summary
// line. It never shows Go source paths or Ginkgo internals, and it caps
// what it quotes.
type Console struct {
	mu sync.Mutex // serialises writes
	w  io.Writer
}

var consoleOf atomic.Pointer[Console]

// SetConsole makes w receive the console report of the run; nil turns it
// off (go test and ginkgo keep Ginkgo's own output).
func SetConsole(w io.Writer) {
	if w == nil {
		consoleOf.Store(nil)
		return
	}
	consoleOf.Store(&Console{w: w})
}

func theConsole() *Console { return consoleOf.Load() }

// consoleBlockLimit caps one failure block on the console; the JSON and
// HTML reports have it whole.
const consoleBlockLimit = 6000

func (c *Console) printf(format string, args ...any) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, format, args...)
}

// ConsoleStart prints what the partner must be configured with for this
// run, with the embedded mock m.
func ConsoleStart(m *embedded.Mock) { theConsole().start(m) }

// start prints what the partner must be configured with for this run.
func (c *Console) start(m *embedded.Mock) {
	if c == nil {
		return
	}
	s := settings.TestContext
	var b strings.Builder
	fmt.Fprintf(&b, "%s: checking the partner at %s (timeout %s)\n\n", SuiteName, s.BaseURL, s.Timeout)
	b.WriteString("Configure the partner for this run with:\n")
	fmt.Fprintf(&b, "  Teamtailor Partner API  %s/partner/v1   (partner-activations, result posts to update-url)\n", m.URL)
	fmt.Fprintf(&b, "  API key                 %s\n", settings.MaskSecret(s.APIKey))
	fmt.Fprintf(&b, "  Webhook secret          %s\n", settings.MaskSecret(s.WebhookSecret))
	fmt.Fprintf(&b, "  Provider key sent       %s, %s\n", settings.MaskSecret(s.ProviderKey), s.ProviderKeySource())
	b.WriteString("  A partner that looks provider keys up must reach the Partner API above: from another host or\n" +
		"  container run the suite with --mock-listen 0.0.0.0:<port> --mock-public-url http://<name the partner reaches>:<port>.\n\n")
	c.printf("%s", b.String())
}

// ConsoleSpec prints the line of a check that ended; ReportAfterEach
// calls it.
func ConsoleSpec(s types.SpecReport) {
	c := theConsole()
	if c == nil || s.LeafNodeType != types.NodeTypeIt {
		return
	}
	check, ok := settings.CheckByText(s.LeafNodeText)
	if !ok {
		return
	}
	cr := CheckResultOf(s, check)
	c.printf("%s\n", checkLine(cr))
}

var outcomeWord = map[string]string{OutcomePass: "PASS", OutcomeFail: "FAIL", OutcomeWarning: "WARN", OutcomeSkipped: "SKIP", OutcomeError: "ERROR"}

// checkLine is one line: outcome, id, level, time, and why for anything
// but a pass.
func checkLine(cr CheckResult) string {
	line := fmt.Sprintf("  %-5s %-34s %-6s %6s", outcomeWord[cr.Outcome], cr.ID, cr.Level, fmt.Sprintf("%.1fs", (time.Duration(cr.DurationMS)*time.Millisecond).Seconds()))
	switch cr.Outcome {
	case OutcomeSkipped:
		line += "  " + FirstLines(partner.NewRedactor(settings.TestContext).String(cr.Reason), 1)
	case OutcomeFail, OutcomeWarning, OutcomeError:
		line += "  " + problemLine(partner.NewRedactor(settings.TestContext).String(cr.Reason))
	}
	return line
}

// problemLine picks the "Problem:" line of a failure, or its first line.
func problemLine(reason string) string {
	for _, l := range strings.Split(reason, "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(l), "Problem: "); ok && p != "" {
			return partner.CapLine(p, 160)
		}
	}
	return partner.CapLine(FirstLines(reason, 1), 160)
}

// ConsoleFinish prints the failures and warnings in full, the root
// causes, the reports written and the summary line.
func ConsoleFinish(res Results) {
	c := theConsole()
	if c == nil {
		return
	}
	var b strings.Builder
	if res.Setup != nil {
		title := "the partner cannot be reached"
		if res.Setup.What == "mock" {
			title = "the suite's embedded mock failed"
		}
		fmt.Fprintf(&b, "\nERROR: %s\n%s\n", title, indent(strings.TrimPrefix(res.Setup.Message, "Preflight: ")))
	} else {
		for _, cr := range res.Checks {
			if cr.Outcome != OutcomeFail && cr.Outcome != OutcomeWarning && cr.Outcome != OutcomeError {
				continue
			}
			label := map[string]string{OutcomeFail: "FAIL", OutcomeWarning: "WARNING (SHOULD, does not fail the run without --strict)", OutcomeError: "ERROR (the suite could not run it)"}[cr.Outcome]
			if cr.Baselined != "" {
				label = "KNOWN FAILURE (in the baseline, does not fail the run: " + cr.Baselined + ")"
			}
			fmt.Fprintf(&b, "\n── %s %s ──\n%s\n", label, cr.ID, indent(capBlock(cr.Reason)))
		}
		if len(res.Unjudged) > 0 {
			fmt.Fprintf(&b, "\nNOT JUDGED (the run does not pass): a basic call failed, or selected checks were skipped for a cause on the partner's side, and no selected check reports it; run the check each names too (e.g. without --focus or --label-filter):\n%s\n",
				indent("- "+strings.Join(res.Unjudged, "\n- ")))
		}
		if len(res.MockFailures) > 0 {
			fmt.Fprintf(&b, "\nERROR: the suite's embedded mock failed during the run; the verdicts that depend on it are not the partner's:\n%s\n",
				indent(strings.Join(res.MockFailures, "\n")))
		}
	}
	if bl := res.Baseline; bl != nil && len(bl.Stale) > 0 {
		fmt.Fprintf(&b, "\nSTALE BASELINE ENTRIES (the run does not pass; update %s, e.g. with --write-baseline):\n%s\n",
			bl.File, indent("- "+strings.Join(bl.Stale, "\n- ")))
	}
	if len(res.Causes) > 0 {
		b.WriteString("\nRoot causes:\n")
		for i, cause := range res.Causes {
			fmt.Fprintf(&b, "  %d. %s\n     Evidence: %s\n     Fix: %s\n", i+1, cause.Title, cause.Evidence, cause.Fix)
			if len(cause.Checks) > 0 {
				fmt.Fprintf(&b, "     Explains: %s\n", strings.Join(cause.Checks, ", "))
			}
		}
	}
	if len(res.Reports) > 0 {
		fmt.Fprintf(&b, "\nReports: %s\n", strings.Join(res.Reports, ", "))
	}
	fmt.Fprintf(&b, "\n%s\n", res.Line())
	c.printf("%s", b.String())
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

// capBlock cuts a failure block to consoleBlockLimit bytes, saying how
// much was cut.
func capBlock(s string) string {
	if len(s) <= consoleBlockLimit {
		return s
	}
	n := consoleBlockLimit
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + fmt.Sprintf("\n… (%d more bytes cut; the JSON and HTML reports have it whole)", len(s)-n)
}
