package capacity

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnercall"
)

// Exit statuses of Main.
const (
	ExitPass  = 0 // within budget
	ExitFail  = 1 // a budget figure was breached
	ExitError = 2 // the run could not be made: bad settings, partner unreachable or refusing the key at the start
)

const long = `Fires signed Teamtailor webhooks at the partner at --base-url at a set rate
and judges its answers, lost webhooks and the results it posts back against a
budget.

The load is an open model: webhooks arrive at --rate per second (for
--duration, or until --webhooks were sent), or --burst at once as a bulk send
does, whatever the partner's latency; a slow partner does not slow the
arrivals. At most --max-in-flight webhooks await an answer; one due beyond that
is not sent, and counted. Each webhook is a distinct, correctly signed event
(its own partner-event id, partner result and update-url, candidates drawn in
turn from the fixtures, all but the 21 KB long-strings edge case), built by the same code as the conformance suite, with
the webhook-data the partner's own /config form yields.

With --assessment the partner is expected to post a final result (status
completed or failed) to each update-url (or in the webhook answer's
partner_result_attributes); one missing --result-deadline after its webhook is
lost.

--find-max steps the rate up by --step-factor every --step from --rate until
the budget breaks, and reports the ceiling: the highest rate that held and
the figure that broke at the next step, or "no ceiling found up to" the last
rate when every step held.

The provider key: --provider-key, or a JWT built from --activation-field
values; without either, the partner is activated as Teamtailor activates it
for a company: a JWT signed with --api-key carrying a value for each field of
its activation form (GET /activation, or --activation-config), or, for a form
without fields, a random UUID that the embedded mock's partner-activations
lists (a partner that looks keys up must then be pointed at the embedded mock:
--mock-listen). A partner refusing the key stops the run, saying why and
which flag fixes it.

The examples run against the bundled example partner, started as docs/qa.md
shows (PARTNER is where it listens, 127.0.0.1:3000 unless set; it posts results
only to SUITE_MOCK, where the embedded mock listens, 127.0.0.1:8081 unless set):
  examplepartner --listen "${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --result-host "${SUITE_MOCK:-127.0.0.1:8081}" &

The settings and environment variables are the suite's (TTCONF_<FLAG>): the
command line wins.

Exit status: 0 within budget, 1 a budget figure was breached (each breach is
named with its figure), 2 the run could not be made (bad settings, partner
unreachable at the start or refusing the provider key, interrupted).`

// examples run against the bundled example partner as the README starts
// it; the README session runs each of them.
const examples = `  ttconformance capacity --base-url "http://${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --assessment --rate 50 --duration 5s --max-p99 2s --html-report "${TMPDIR:-/tmp}/capacity.html" --mock-listen "${SUITE_MOCK:-127.0.0.1:8081}"
  ttconformance capacity --base-url "http://${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --find-max --rate 20 --step 2s --max-steps 3 --mock-listen "${SUITE_MOCK:-127.0.0.1:8081}"
  ttconformance capacity --base-url "http://${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --provider-key 2b1f3c4d-0000-4000-8000-000000000000 --webhooks 5   # fails: the partner refused the run's provider key`

// suiteOnlyFlags are suite flags that mean nothing to a capacity run.
var suiteOnlyFlags = []string{"junit-report", "verifies-signatures", "actions", "fixtures", "requires-api-token", "baseline", "write-baseline"}

// Main runs ttconformance capacity with args (after "capacity") and
// returns its exit status.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, terminal bool) int {
	code := ExitPass
	cmd := NewCommand(getenv, stdout, terminal, &code)
	if !settings.Execute(ctx, cmd, args, stdout, stderr) {
		return ExitError
	}
	return code
}

// NewCommand returns the capacity command; its exit status goes to code.
func NewCommand(getenv func(string) string, stdout io.Writer, terminal bool, code *int) *cobra.Command {
	cfg := DefaultConfig()
	cmd, env := settings.NewSubcommand("capacity", "fire signed webhooks at a set rate and judge latency, losses and time-to-result against a budget", long, examples, getenv, suiteOnlyFlags)
	fs := cmd.Flags()
	fs.Lookup("json-report").Usage = "write the capacity report (capacity-report.schema.json) to this file; env " + settings.EnvName("json-report")
	fs.Lookup("html-report").Usage = "write the capacity report as one self-contained HTML page (plots as inline SVG) to this file; env " + settings.EnvName("html-report")
	fs.Lookup("timeout").Usage = "how long the partner may take to answer each webhook (then it counts as a timeout); env " + settings.EnvName("timeout")
	fs.Lookup("assessment").Usage = "the partner posts a final result (completed or failed) for each webhook: judge missing results; env " + settings.EnvName("assessment")
	fs.Lookup("bulk").Usage = "the partner allows bulk mode: --burst sends bulk-mode events (no job), as a bulk send does; env " + settings.EnvName("bulk")

	float := env.Float
	integer := env.Int
	duration := env.Duration
	boolean := env.Bool
	float(&cfg.Rate, "rate", "webhooks per second, arriving at a constant pace (with --find-max, the first step's rate)")
	duration(&cfg.Duration, "duration", "how long to send at --rate (0 with --webhooks: until they are sent)")
	integer(&cfg.Webhooks, "webhooks", "send this many webhooks at --rate, then stop (0: no limit, --duration ends the run)")
	integer(&cfg.Burst, "burst", "send this many webhooks at once, as a bulk send does, instead of a constant rate")
	integer(&cfg.MaxInFlight, "max-in-flight", "most webhooks awaiting an answer at once; due ones beyond it are not sent, and counted (0: rate × --timeout, at least 64)")
	duration(&cfg.Budget.MaxP99, "max-p99", "budget: highest p99 of webhook answer latency")
	float(&cfg.Budget.MaxErrorRate, "max-error-rate", "budget: highest share (0..1) of sent webhooks that may fail (status other than 2xx, timeout, connection error, an answer over 1 MiB, a 2xx with partner_result_attributes Teamtailor ignores)")
	duration(&cfg.Budget.ResultDeadline, "result-deadline", "budget: how long after its webhook a result may come back; later ones are lost (with --assessment)")
	float(&cfg.Budget.MinRateAchieved, "min-rate-achieved", "budget: lowest share (0..1) of --rate the partner must actually get")
	boolean(&cfg.FindMax, "find-max", "step the rate up from --rate until the budget breaks, and report the ceiling (or that none was found up to the last step)")
	duration(&cfg.Step, "step", "with --find-max: how long each rate step lasts")
	float(&cfg.StepFactor, "step-factor", "with --find-max: the rate of each step is the previous one times this")
	integer(&cfg.MaxSteps, "max-steps", "with --find-max: stop after this many steps even if the budget held")

	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if cfg.Webhooks > 0 && !fs.Changed("duration") && getenv(settings.EnvName("duration")) == "" {
			cfg.Duration = 0 // --webhooks alone ends the run
		}
		problems := env.Problems
		key, defaulted := GivenKey()
		if err := settings.AfterReadingAllFlags(); err != nil {
			problems = append(problems, err)
		}
		if settings.TestContext.JUnitReport != "" {
			problems = append(problems, errors.New("--junit-report is the suite's: a capacity run writes --json-report and --html-report"))
		}
		if settings.TestContext.BaselineFile != "" || settings.TestContext.WriteBaseline != "" {
			problems = append(problems, errors.New("--baseline and --write-baseline are the suite's: a capacity run is judged against its budget"))
		}
		cfg.Timeout = settings.TestContext.Timeout
		cfg.ExpectResults = settings.TestContext.Assessment
		if err := cfg.Validate(); err != nil {
			problems = append(problems, err)
		}
		if err := errors.Join(problems...); err != nil {
			return fmt.Errorf("the settings are wrong:\n%w", err)
		}
		*code = execute(cmd.Context(), cfg, key, defaulted, stdout, terminal)
		return nil
	}
	return cmd
}

// execute starts the embedded mock, activates the partner there unless
// the settings give a provider key, checks the partner answers, makes the
// run, writes the reports and returns the exit status.
func execute(ctx context.Context, cfg Config, key ProviderKey, activate bool, stdout io.Writer, terminal bool) int {
	tc := settings.TestContext
	fail := func(err error) int {
		rep := newReport(cfg, time.Now())
		rep.Verdict, rep.Error, rep.BaseURL = VerdictError, err.Error(), tc.BaseURL
		writeReports(rep, stdout)
		fmt.Fprintln(stdout, rep.Line())
		return ExitError
	}
	mock, err := embedded.StartMock(ctx)
	if err != nil {
		return fail(fmt.Errorf("the embedded mock could not start: %w", err))
	}
	defer mock.Close(context.Background())
	if activate {
		if key, err = Activate(ctx, mock); err != nil {
			return fail(err)
		}
	}

	tgt, err := NewTarget(ctx, mock, cfg, key)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintln(stdout, describe(cfg, mock, key))
	rep := Run(ctx, cfg, tgt, NewProgress(stdout, terminal))
	rep.BaseURL = tc.BaseURL
	fmt.Fprint(stdout, rep.Summary())
	writeReports(rep, stdout)
	fmt.Fprintln(stdout, rep.Line())
	switch rep.Verdict {
	case VerdictPass:
		return ExitPass
	case VerdictFail:
		return ExitFail
	}
	return ExitError
}

// NewTarget checks the partner answers (GET /config, which also gives the
// webhook-data its form yields) and returns what a run sends webhooks with
// key. An unreachable partner is an error: the run cannot be made; so is
// one refusing the provider key, with the cause and the flag that fixes it.
func NewTarget(ctx context.Context, mock *embedded.Mock, cfg Config, key ProviderKey) (Target, error) {
	bulk := cfg.Burst > 0 && settings.TestContext.Bulk
	client := partner.NewClient(&partner.Transcript{})
	call := partner.Call{Step: mock.ConfigStep(bulk), Method: http.MethodGet, Path: "config", Query: mock.ConfigQuery()}
	if bulk {
		call.Query = nil
	}
	var x *partner.Exchange
	if static := embedded.FileStaticConfig(); static != nil {
		// A partner with a static webhook-config serves no /config
		// (docs/protocol.md §3): its form is the document.
		x = static.Exchange()
	} else {
		x = client.Send(ctx, call)
	}
	if x.Unreachable {
		return Target{}, fmt.Errorf("the partner is %s", x.Error)
	}
	if x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden {
		cause, fix := key.Refused(mock.URL)
		return Target{}, fmt.Errorf("the partner refused the run's provider key (%s): GET /config answered %d %s%s\n  cause: %s\n  fix: %s",
			key, x.Status, http.StatusText(x.Status), bodyNote(x.ResponseBody), cause, fix)
	}
	data := map[string]string{}
	if form, err := partner.ReadForm(x); err == nil {
		data = partner.WebhookData(mock.Server, form, partner.PickValues(mock.Server, form))
	}
	limit := cfg.maxInFlight(cfg.Rate, cfg.Burst)
	if cfg.FindMax {
		limit = cfg.maxInFlight(cfg.Rate*pow(cfg.StepFactor, cfg.MaxSteps), 0)
	}
	// Answer headers are bounded as in the suite: a larger block fails
	// the webhook, and costs no memory.
	tr := partnercall.Transport(limit, partner.MaxAnswerHeaderBytes)
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = limit, limit
	httpc := &http.Client{
		Transport: tr,
		Timeout:   cfg.Timeout,
		// Teamtailor does not follow redirects.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return Target{Mock: mock, Client: client, HTTP: httpc, WebhookData: data, Candidates: LoadCandidates(mock), Bulk: bulk, Key: key}, nil
}

// stressFixtures are candidate fixtures a capacity run leaves out: the
// long-strings edge case is a 21 KB event where the others are 1-3 KB,
// so it alone would be half the bytes of the load, unlike a real bulk
// send; the suite sends it on its own (webhook/edge-case-candidates).
var stressFixtures = []string{"long-strings"}

// LoadCandidates returns the candidate fixtures a capacity run draws its
// events from, in turn.
func LoadCandidates(mock *embedded.Mock) []string {
	return slices.DeleteFunc(mock.CandidateFixtures(), func(n string) bool { return slices.Contains(stressFixtures, n) })
}

func pow(f float64, n int) float64 {
	out := 1.0
	for range n {
		out *= f
	}
	return out
}

// bodyNote quotes the start of an answer's body, or says nothing.
func bodyNote(body string) string {
	body = strings.TrimSpace(body)
	if body == "" {
		return ""
	}
	return ": " + text.Cut{Max: maxNote, Mark: "…"}.Of(partner.NewRedactor(settings.TestContext).String(body))
}

// describe says what the run will do.
func describe(cfg Config, mock *embedded.Mock, key ProviderKey) string {
	var load string
	switch {
	case cfg.Burst > 0:
		load = "a burst of " + text.Count(cfg.Burst, "webhook", "webhooks")
	case cfg.FindMax:
		load = fmt.Sprintf("find the highest rate: %.2f webhooks/s ×%.2f every %s (at most %d steps)", cfg.Rate, cfg.StepFactor, cfg.Step, cfg.MaxSteps)
	case cfg.Webhooks > 0 && cfg.Duration > 0:
		load = fmt.Sprintf("%.2f webhooks/s for %s or %s", cfg.Rate, cfg.Duration, text.Count(cfg.Webhooks, "webhook", "webhooks"))
	case cfg.Webhooks > 0:
		load = fmt.Sprintf("%s at %.2f/s", text.Count(cfg.Webhooks, "webhook", "webhooks"), cfg.Rate)
	default:
		load = fmt.Sprintf("%.2f webhooks/s for %s", cfg.Rate, cfg.Duration)
	}
	results := "results not expected (no --assessment)"
	if cfg.ExpectResults {
		results = fmt.Sprintf("results expected within %s", cfg.Budget.ResultDeadline)
	}
	return fmt.Sprintf("capacity: %s to %s/webhook\n  budget: p99 ≤ %s, error rate ≤ %.1f%%, rate ≥ %.0f%% of target; %s\n  embedded mock (update-url): %s\n  provider key: %s",
		load, strings.TrimRight(settings.TestContext.BaseURL, "/"), cfg.Budget.MaxP99, 100*cfg.Budget.MaxErrorRate, 100*cfg.Budget.MinRateAchieved, results, mock.URL, key)
}

// writeReports writes the JSON and HTML reports asked for, saying where.
func writeReports(rep *Report, stdout io.Writer) {
	tc := settings.TestContext
	if tc.JSONReport != "" {
		if err := rep.WriteJSON(tc.JSONReport); err != nil {
			fmt.Fprintln(stdout, "capacity:", err)
		} else {
			fmt.Fprintln(stdout, "JSON report:", tc.JSONReport)
		}
	}
	if tc.HTMLReport != "" {
		if err := rep.WriteHTML(tc.HTMLReport); err != nil {
			fmt.Fprintln(stdout, "capacity:", err)
		} else {
			fmt.Fprintln(stdout, "HTML report:", tc.HTMLReport)
		}
	}
}

// IsTerminal reports whether f is a terminal, for the progress line.
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
