package fuzz

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/conformance/capacity"
	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// Exit statuses of Main.
const (
	ExitPass  = 0 // no case failed
	ExitFail  = 1 // at least one finding
	ExitError = 2 // the run could not be made: bad settings, partner unreachable or refusing the key, interrupted
)

const long = `Generates webhooks that are valid by the protocol, sends them signed to the
partner at --base-url, judges each with the suite's rules, shrinks each failing
one to the smallest webhook that still fails the same way, and writes it to
--out as a fixture that replays it.

Each case is a whole webhook body: a candidate drawn from the webhook schema and
the value shapes the fixtures cover (null and absent keys, right-to-left, CJK,
combining marks, emoji, strings past 255 characters up to 12,500 for answers,
numbers as the protocol allows them, every custom field type, multiselect
options with commas, ids beyond 32 bits), stage, manual or (with --bulk) bulk
mode, and webhook-data picked in the partner's own /config form. Case i of
--seed is always the same webhook, whatever --concurrency.

A case fails when the answer is not a 2xx (a 5xx, a 4xx, a timeout, a closed
connection, partner_result_attributes Teamtailor ignores) and, with
--assessment, when no valid final result (completed or failed) for the
webhook's candidate reaches the embedded mock within --result-deadline.
Failures are told apart by kind, status and the first line of the answer; the
first case of each is shrunk (keys and list items removed, strings emptied or
halved, numbers to 0 or 1, values to null; only reductions the webhook schema
allows, and the form's required webhook-data kept) until no reduction fails the
same way. Shrinking is deterministic for a partner that answers the same
webhook the same way.

Each shrunk webhook is scrubbed as "mockteamtailor fixtures import" scrubs a
capture, named after what it exercises (e.g. fuzz-answered-500-first-name-null),
sent once more to see that it still fails the same way, and written to --out
with a README.md giving the "mockteamtailor trigger --fixture" and curl commands
that replay it; "ttconformance --fixtures DIR" then keeps them as regression
cases.

The provider key, the settings and the environment variables are the suite's
and capacity's (TTCONF_<FLAG>): the command line wins.

The examples run against the bundled example partner, started as docs/qa.md
shows (PARTNER is where it listens, 127.0.0.1:3000 unless set; it posts results
only to SUITE_MOCK, where the embedded mock listens, 127.0.0.1:8081 unless set):
  examplepartner --listen "${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --result-host "${SUITE_MOCK:-127.0.0.1:8081}" &

Exit status: 0 no case failed, 1 findings (each one in the reports), 2 the run
could not be made (bad settings, partner unreachable or refusing the key,
interrupted).`

// examples run against the bundled example partner as the README starts
// it; the README session runs each of them.
const examples = `  ttconformance fuzz --base-url "http://${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --assessment --bulk --duration 5s --seed 1 --out "${TMPDIR:-/tmp}/fuzz-findings" --mock-listen "${SUITE_MOCK:-127.0.0.1:8081}"
  ttconformance fuzz --base-url "http://${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --max-cases 200 --max-findings 1 --out "" --json-report "${TMPDIR:-/tmp}/fuzz.json" --mock-listen "${SUITE_MOCK:-127.0.0.1:8081}"`

// suiteOnlyFlags are suite flags that mean nothing to a fuzz run.
var suiteOnlyFlags = []string{"verifies-signatures", "actions", "fixtures", "requires-api-token", "baseline", "write-baseline", "profile", "strict",
	"company-webhooks", "company-webhook-scheme", "company-webhook-key"}

// Main runs ttconformance fuzz with args (after "fuzz") and returns its
// exit status.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	code := ExitPass
	cmd := NewCommand(getenv, stdout, &code)
	if !settings.Execute(ctx, cmd, args, stdout, stderr) {
		return ExitError
	}
	return code
}

// NewCommand returns the fuzz command; its exit status goes to code.
func NewCommand(getenv func(string) string, stdout io.Writer, code *int) *cobra.Command {
	cfg := DefaultConfig()
	deadline := DefaultResultDeadline
	var seed string
	cmd, env := settings.NewSubcommand("fuzz", "send generated, protocol-valid webhooks, shrink each failure to a fixture that replays it", long, examples, getenv, suiteOnlyFlags)
	fs := cmd.Flags()
	fs.Lookup("json-report").Usage = "write the fuzz report (cases, findings, coverage) as JSON to this file; env " + settings.EnvName("json-report")
	fs.Lookup("junit-report").Usage = "write a JUnit XML report (the run, and one failed test case per finding) to this file; env " + settings.EnvName("junit-report")
	fs.Lookup("html-report").Usage = "write the fuzz report as one self-contained HTML page to this file; env " + settings.EnvName("html-report")
	fs.Lookup("assessment").Usage = "the partner posts a final result (completed or failed) for each webhook: judge it; env " + settings.EnvName("assessment")
	fs.Lookup("bulk").Usage = "the partner allows bulk mode: send bulk-mode webhooks (no job) too; env " + settings.EnvName("bulk")

	integer := env.Int
	duration := env.Duration
	str := env.String
	duration(&cfg.Duration, "duration", "how long to send cases (0 with --max-cases: until they are sent)")
	str(&seed, "seed", "a number that makes the run repeatable: the same seed sends the same cases (default: random, printed)")
	integer(&cfg.MaxCases, "max-cases", "stop after this many cases (0: no limit, --duration ends the run)")
	integer(&cfg.Concurrency, "concurrency", "cases in flight at once; a case of an --assessment partner lasts until its result is back, so a partner posting results after 2 s needs 64 for 30 cases/s")
	integer(&cfg.MaxFindings, "max-findings", "stop once this many distinct failures were found (0: no limit)")
	duration(&deadline, "result-deadline", "with --assessment: how long after its answer a webhook's final result may take")
	str(&cfg.Out, "out", "the folder the findings are written to as fixtures, with a README.md of the commands that replay them (\"\": none)")
	noShrink := false
	fs.BoolVar(&noShrink, "no-shrink", false, "write findings as generated, unshrunk")

	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if cfg.MaxCases > 0 && !fs.Changed("duration") && getenv(settings.EnvName("duration")) == "" {
			cfg.Duration = 0 // --max-cases alone ends the run
		}
		cfg.Shrink = !noShrink
		problems := env.Problems
		if seed == "" {
			cfg.Seed = rand.Uint64() % 1_000_000_000
		} else if n, err := strconv.ParseUint(seed, 10, 64); err != nil {
			problems = append(problems, fmt.Errorf("--seed %q must be a non-negative integer", seed))
		} else {
			cfg.Seed = n
		}
		if deadline <= 0 {
			problems = append(problems, fmt.Errorf("--result-deadline must be positive, got %s", deadline))
		}
		key, defaulted := capacity.GivenKey()
		if err := settings.AfterReadingAllFlags(); err != nil {
			problems = append(problems, err)
		}
		if err := cfg.Validate(); err != nil {
			problems = append(problems, err)
		}
		if err := errors.Join(problems...); err != nil {
			return fmt.Errorf("the settings are wrong:\n%w", err)
		}
		*code = execute(cmd.Context(), cfg, deadline, key, defaulted, stdout)
		return nil
	}
	return cmd
}

// execute starts the embedded mock, activates the partner there unless
// the settings give a provider key, reads the partner's form, makes the
// run, writes the reports and returns the exit status.
func execute(ctx context.Context, cfg Config, deadline time.Duration, key capacity.ProviderKey, activate bool, stdout io.Writer) int {
	tc := settings.TestContext
	rep := newReport(cfg, time.Now())
	rep.BaseURL = tc.BaseURL
	fail := func(err error) int {
		rep.Verdict, rep.Error = VerdictError, err.Error()
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
		if key, err = capacity.Activate(ctx, mock); err != nil {
			return fail(err)
		}
	}
	ct, err := capacity.NewTarget(ctx, mock, capacity.Config{Rate: 1, MaxInFlight: 2 * cfg.Concurrency, Timeout: tc.Timeout}, key)
	if err != nil {
		return fail(err)
	}
	pf, form := partnerForm(ctx, mock, ct.Client)
	var data func(map[string]string) map[string]string
	if pf != nil {
		data = func(picked map[string]string) map[string]string { return partner.WebhookData(mock.Server, *pf, picked) }
	}
	gen := NewGenerator(cfg.Seed, pf, tc.Bulk, data)
	tgt := Target{Mock: mock, Client: ct.Client, HTTP: ct.HTTP, ExpectResults: tc.Assessment, ResultDeadline: deadline}

	results := "answers judged (no --assessment)"
	if tc.Assessment {
		results = fmt.Sprintf("answers and results judged (results within %s)", deadline)
	}
	ending := fmt.Sprintf("for %s", cfg.Duration)
	switch {
	case cfg.MaxCases > 0 && cfg.Duration > 0:
		ending += fmt.Sprintf(" or %d cases", cfg.MaxCases)
	case cfg.MaxCases > 0:
		ending = fmt.Sprintf("%d cases", cfg.MaxCases)
	}
	fmt.Fprintf(stdout, "fuzz: seed %d (repeat with --seed %d), %s, %d in flight, to %s/webhook\n  %s; bulk mode %s\n  embedded mock (update-url): %s\n  provider key: %s\n",
		cfg.Seed, cfg.Seed, ending, cfg.Concurrency, strings.TrimRight(tc.BaseURL, "/"), results, map[bool]string{true: "sent", false: "not sent (no --bulk)"}[tc.Bulk], mock.URL, key)
	run := Run(ctx, cfg, tgt, gen, form, Commands{BaseURL: tc.BaseURL}, stdout)
	run.BaseURL = tc.BaseURL
	fmt.Fprint(stdout, run.Summary())
	writeReports(run, stdout)
	fmt.Fprintln(stdout, run.Line())
	switch run.Verdict {
	case VerdictPass:
		return ExitPass
	case VerdictFail:
		return ExitFail
	}
	return ExitError
}

// partnerForm reads the partner's /config form (or its static
// webhook-config), and the webhook-data keys it requires and names; nil
// when it serves none that can be read: webhook-data is then empty.
func partnerForm(ctx context.Context, mock *embedded.Mock, client *partner.Client) (*protocol.Form, Form) {
	var x *partner.Exchange
	if static := embedded.FileStaticConfig(); static != nil {
		x = static.Exchange()
	} else {
		x = client.Send(ctx, partner.Call{Step: mock.ConfigStep(false), Method: http.MethodGet, Path: "config", Query: mock.ConfigQuery()})
	}
	form, err := partner.ReadForm(x)
	if err != nil {
		return nil, Form{}
	}
	var out Form
	for _, f := range form.Fields {
		if !f.HasValue() {
			continue
		}
		key := strings.ReplaceAll(f.ID, "_", "-") // docs/protocol.md §1.1
		out.Fields = append(out.Fields, key)
		if f.Required {
			out.Required = append(out.Required, key)
		}
	}
	return &form, out
}

// writeReports writes the reports asked for, saying where.
func writeReports(rep *Report, stdout io.Writer) {
	tc := settings.TestContext
	for _, w := range []struct {
		path, what string
		write      func(string) error
	}{{tc.JSONReport, "JSON report", rep.WriteJSON}, {tc.JUnitReport, "JUnit report", rep.WriteJUnit}, {tc.HTMLReport, "HTML report", rep.WriteHTML}} {
		if w.path == "" {
			continue
		}
		if err := w.write(w.path); err != nil {
			fmt.Fprintln(stdout, "fuzz:", err)
		} else {
			fmt.Fprintln(stdout, w.what+":", w.path)
		}
	}
}
