package conformance

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// Exit statuses of Run.
const (
	ExitPass   = 0 // every check that ran passed
	ExitFail   = 1 // a check failed
	ExitErrors = 2 // checks could not run (or the settings are wrong), none failed
)

const usage = `Usage: ttconformance --base-url URL --api-key KEY --webhook-secret SECRET [flags]

Runs the Teamtailor partner conformance suite against the partner at --base-url.
The suite plays Teamtailor: it calls /config, /activation, the validateEndpoint,
/webhook and action endpoints, and runs an embedded mock whose Partner API
receives the results the partner posts to update-url.

Before any check, a preflight makes sure the partner answers at all; a
partner that cannot be reached is one error (exit 2). Each check is a MUST
(a failure fails the run) or a SHOULD (a failure is a warning, which fails
the run only with --strict); --list shows each check's level and why.
Checks that need a capability the partner does not claim (--verifies-signatures,
--assessment, --bulk, --actions, --requires-api-token, --company-webhooks) are skipped, and so is
a check that cannot be judged because a more basic one failed ("cannot check:
… (see <check>)"); a run in which such a cause goes unreported (its check was
not selected) or no check ran at all is not a pass. A partner that gives a
static webhook-config instead of serving /config passes it with
--webhook-config (or PUTs it on the embedded mock's Partner API).
--company-webhooks PATH also checks the partner's receiver of company events
(candidate.*, job.*, job_application.*; docs/company-webhooks.md), fed as a
partner webhook setup or, with --company-webhook-scheme v1|v2, as a company
webhook subscription.
Every flag can also be set as TTCONF_<FLAG>, e.g. TTCONF_BASE_URL; the
command line wins.

Exit status: 0 every MUST check passed (warnings and skips allowed),
1 a MUST check failed (or a SHOULD check, with --strict), or a selected check
could not be judged for a cause no selected check reports, 2 the suite could
not judge the partner (partner unreachable, the embedded mock failed, bad
settings, no check ran) and nothing failed.

ttconformance --version prints the version, commit and Go version.

ttconformance capacity fires signed webhooks at a set rate and judges latency,
losses and time-to-result against a budget (ttconformance capacity --help).
ttconformance fuzz sends generated, protocol-valid webhooks and shrinks each
failure to a fixture that replays it (ttconformance fuzz --help).

The security checks (security/*, docs/protocol.md §8) need no flag, but the
two that watch result posts need --assessment; --profile production makes a
plain http BASE_URL a warning, and --ca-file trusts a local certificate.

The examples run against the bundled example partner, started as docs/qa.md
shows (PARTNER is where it listens, 127.0.0.1:3000 unless set; it posts results
only to SUITE_MOCK, where the suite's embedded mock listens, 127.0.0.1:8081
unless set):
  examplepartner --listen "${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --result-host "${SUITE_MOCK:-127.0.0.1:8081}" &

Examples:
  ttconformance --list
  ttconformance --base-url "http://${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --activation-field api_token=demo --verifies-signatures --assessment --bulk --actions --mock-listen "${SUITE_MOCK:-127.0.0.1:8081}"
  ttconformance --base-url "http://${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --activation-field api_token=demo --assessment --focus 'security/' --profile production --mock-listen "${SUITE_MOCK:-127.0.0.1:8081}"
  ttconformance --base-url "http://${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --activation-field api_token=demo --focus 'signature/' --verifies-signatures --json-report "${TMPDIR:-/tmp}/conformance.json" --mock-listen "${SUITE_MOCK:-127.0.0.1:8081}"
  ttconformance --base-url "http://${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_wrong --activation-field api_token=demo --mock-listen "${SUITE_MOCK:-127.0.0.1:8081}"   # fails: the webhook secret differs

Flags:
`

const usageTail = `
Ginkgo's own flags work too, e.g. --ginkgo.label-filter, --ginkgo.focus,
--ginkgo.v (verbose), --ginkgo.no-color. Labels: %s, bulk; must, should.
`

// Run runs the suite as a program; args are the command line without the
// program name. It returns the exit status. RunSpecs can run once per
// process, so Run can too.
func Run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.CommandLine // Ginkgo's --ginkgo.* flags live there
	fs.Init("ttconformance", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	settings.RegisterFlags(fs, getenv)
	list := fs.Bool("list", false, "print the catalogue of checks (id, label, level, section of docs/protocol.md, rule) and exit")
	labelFilter := fs.String("label-filter", getenv(settings.EnvName("label-filter")), "run only the checks matching this Ginkgo label filter, e.g. 'config || webhook' or '!bulk'; env "+settings.EnvName("label-filter"))
	focus := fs.String("focus", getenv(settings.EnvName("focus")), "run only the checks whose id or rule matches this regular expression, e.g. webhook/; env "+settings.EnvName("focus"))
	skip := fs.String("skip", "", "skip the checks whose id or rule matches this regular expression")
	ginkgoOutput := fs.Bool("ginkgo-output", false, "print Ginkgo's own output instead of the console report")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, fs)
			return ExitPass
		}
		fmt.Fprintf(stderr, "ttconformance: %v (see --help)\n", err)
		return ExitErrors
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ttconformance: unexpected arguments %q (see --help)\n", fs.Args())
		return ExitErrors
	}

	suiteConfig, reporterConfig := GinkgoConfiguration()
	if *labelFilter != "" {
		suiteConfig.LabelFilter = *labelFilter
	}
	if *focus != "" {
		suiteConfig.FocusStrings = append(suiteConfig.FocusStrings, *focus)
	}
	if *skip != "" {
		suiteConfig.SkipStrings = append(suiteConfig.SkipStrings, *skip)
	}
	if !isTerminal(os.Stdout) {
		reporterConfig.NoColor = true
	}

	if *list {
		return printCatalogue(stdout, stderr, suiteConfig, reporterConfig)
	}
	if err := settings.AfterReadingAllFlags(); err != nil {
		fmt.Fprintf(stderr, "ttconformance: the settings are incomplete:\n  %s\n(see --help)\n", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return ExitErrors
	}
	gomega.RegisterFailHandler(Fail)
	var t testingT
	console := stdout
	restore := func() {}
	if !*ginkgoOutput && stdout == io.Writer(os.Stdout) {
		// Ginkgo's reporter writes to the process's stdout: send it to
		// the null device and print the console report on a copy.
		if f, undo, err := silenceStdout(); err == nil {
			console, restore = f, undo
		}
	}
	if !*ginkgoOutput {
		report.SetConsole(console)
	}
	passed := RunSpecs(&t, report.SuiteName, suiteConfig, reporterConfig)
	res := report.LastResults()
	if res != nil && !*ginkgoOutput {
		report.ConsoleFinish(*res)
	}
	report.SetConsole(nil)
	restore()
	if res == nil {
		if passed {
			return ExitPass
		}
		return ExitFail
	}
	if *ginkgoOutput {
		fmt.Fprintln(stdout, res.Line())
	}
	return res.ExitCode()
}

// testingT is the GinkgoTestingT of a run outside go test.
type testingT struct{ failed bool }

func (t *testingT) Fail() { t.failed = true }

// printCatalogue builds the spec tree without running it and prints the
// checks it declares: the catalogue comes from the specs themselves.
func printCatalogue(stdout, stderr io.Writer, suiteConfig types.SuiteConfig, reporterConfig types.ReporterConfig) int {
	preview := PreviewSpecs(report.SuiteName, suiteConfig, reporterConfig)
	checks := settings.Catalogue()
	if err := settings.CheckCatalogue(preview, checks); err != nil {
		fmt.Fprintln(stderr, "ttconformance:", err)
		return ExitErrors
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLABEL\tLEVEL\tNEEDS\tSECTION\tRULE")
	levels := map[string]int{}
	for _, c := range checks {
		needs := string(c.Needs)
		if needs == "" {
			needs = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Label, c.Level, needs, c.Section, c.Rule)
		levels[c.Level]++
	}
	tw.Flush()
	fmt.Fprintf(stdout, "\nSections are those of docs/protocol.md, the project's protocol reference (what Teamtailor does, the page of its\ndocumentation each rule comes from, and each decision with its reason): %s\n", settings.ProtocolURL)
	fmt.Fprintf(stdout, "The company-webhooks checks cite docs/company-webhooks.md instead: %s\n", settings.CompanyWebhooksURL)
	fmt.Fprintf(stdout, "\n%d checks: %d MUST (a failure fails the run), %d SHOULD (a failure is a warning; fails the run with --strict)\n",
		len(checks), levels[settings.LevelMust], levels[settings.LevelShould])
	fmt.Fprintln(stdout, "\nWhy each level:")
	for _, c := range checks {
		fmt.Fprintf(stdout, "  %s %s: %s\n", c.Level, c.ID, c.Why)
	}
	return ExitPass
}

func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usage)
	fs.SetOutput(w)
	fs.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "ginkgo.") || strings.HasPrefix(f.Name, "test.") {
			return
		}
		name, text := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + name
		}
		fmt.Fprintf(w, "  --%s%s\n    \t%s", f.Name, name, strings.ReplaceAll(text, "\n", "\n    \t"))
		if f.DefValue != "" && f.DefValue != "false" && !secretFlags[f.Name] {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
	fs.SetOutput(io.Discard)
	fmt.Fprintf(w, usageTail, strings.Join(settings.Areas(), ", "))
}

// secretFlags never show their value (which may come from the
// environment) in --help.
var secretFlags = map[string]bool{"api-key": true, "webhook-secret": true, "provider-key": true, "activation-field": true, "api-token": true}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
