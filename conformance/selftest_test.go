package conformance_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
)

// The self-tests run the suite, built as the ttconformance binary, as a
// subprocess against partners served from this process: the example
// partner, which passes every check, and broken partners, each of which
// fails exactly the check whose rule it breaks. RunSpecs runs once per
// process, hence a subprocess per partner.

const (
	selfAPIKey     = "ttpk_selftest_6f1d2c9a0b7e4d3f"
	selfSecret     = "ttws_selftest_a4c8e2f6b0d9137e"
	selfTimeout    = "2s"
	selfActivation = "api_token=selftest-token"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildBin  string
	buildErr  error
	// slots bounds the suites running at once, whatever -parallel says.
	slots = make(chan struct{}, 2)
)

// ttconformance builds cmd/ttconformance once, with the race detector
// when this test binary has it.
func ttconformance(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "ttconformance-selftest-")
		if buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "ttconformance")
		args := []string{"build", "-o", buildBin}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, "github.com/mockteamtailor/mockteamtailor/cmd/ttconformance")
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		out, err := exec.Command(goTool, args...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ttconformance: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

// removeBuild removes the binary; TestMain calls it.
func removeBuild() {
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
}

// run is one run of the suite.
type run struct {
	exit    int
	stdout  string
	stderr  string
	results report.Results
	dir     string // holds the reports
	maxRSS  int64  // the process's peak resident set in bytes; 0 unknown
}

// runSuite runs ttconformance with args (the base URL and keys are
// added unless noDefaults) and reads its JSON report.
func runSuite(t *testing.T, baseURL string, args ...string) run {
	t.Helper()
	bin := ttconformance(t)
	slots <- struct{}{}
	defer func() { <-slots }()
	r := run{dir: t.TempDir()}
	full := []string{"--json-report", filepath.Join(r.dir, "report.json")}
	if baseURL != "" {
		full = append(full, "--base-url", baseURL, "--api-key", selfAPIKey, "--webhook-secret", selfSecret, "--timeout", selfTimeout)
		if listen, ok := mockListen.Load(strings.TrimSuffix(baseURL, "/")); ok && !slices.Contains(args, "--mock-listen") {
			full = append(full, "--mock-listen", listen.(string))
		}
	}
	full = append(full, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, full...)
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, settings.EnvPrefix) })
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r.stdout, r.stderr = stdout.String(), stderr.String()
	r.maxRSS = maxRSS(cmd.ProcessState)
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		r.exit = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("ttconformance did not run: %v\n%s", err, r.stderr)
	}
	raw, err := os.ReadFile(filepath.Join(r.dir, "report.json"))
	if err == nil {
		validateReport(t, raw)
		if err := json.Unmarshal(raw, &r.results); err != nil {
			t.Fatalf("report.json: %v", err)
		}
	}
	return r
}

var (
	reportSchemaOnce sync.Once
	reportSchema     *jsonschema.Schema
	reportSchemaErr  error
)

// validateReport checks a results document against report.schema.json.
func validateReport(t *testing.T, raw []byte) {
	t.Helper()
	reportSchemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft2020
		c.AssertFormat = true
		reportSchema, reportSchemaErr = c.Compile("report.schema.json")
	})
	if reportSchemaErr != nil {
		t.Fatalf("report.schema.json: %v", reportSchemaErr)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	if err := reportSchema.Validate(doc); err != nil {
		t.Fatalf("report.json is not valid against report.schema.json: %#v", err)
	}
}

// outcomes maps check ids to outcomes.
func (r run) outcomes() map[string]string {
	out := map[string]string{}
	for _, c := range r.results.Checks {
		out[c.ID] = c.Outcome
	}
	return out
}

// check returns the result of one check.
func (r run) check(id string) report.CheckResult {
	for _, c := range r.results.Checks {
		if c.ID == id {
			return c
		}
	}
	return report.CheckResult{}
}

// fakePartner is a partner served for a self-test: the example partner,
// optionally wrapped by middleware that changes one thing, and with a
// transport that changes how it posts results.
type fakePartner struct {
	wrap      func(http.Handler) http.Handler
	transport func(http.RoundTripper) http.RoundTripper
	// secret is the webhook secret the partner verifies with; "" is
	// selfSecret.
	secret string
	// tolerance is its replay window; 0 is the default (5 minutes).
	tolerance time.Duration
	// teamtailor is where it looks provider keys up; "" is the embedded
	// mock of the run (a fixed --mock-listen port).
	teamtailor string
	// anyUpdateHost makes it post results wherever update-url says.
	anyUpdateHost bool
}

// mockListen maps a served partner's URL to the --mock-listen address
// its runs use: the partner looks provider keys up there.
var mockListen sync.Map

// freeAddr returns a loopback address with a port free right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve starts the partner on 127.0.0.1:0 and returns its URL.
func (p fakePartner) serve(t *testing.T) string {
	t.Helper()
	var tr http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()
	if p.transport != nil {
		tr = p.transport(tr)
	}
	secret := cmp.Or(p.secret, selfSecret)
	listen := freeAddr(t)
	teamtailor := cmp.Or(p.teamtailor, "http://"+listen)
	ep, err := examplepartner.New(examplepartner.Config{APIKey: selfAPIKey, WebhookSecret: secret, Tolerance: p.tolerance,
		TeamtailorURL: teamtailor, AnyUpdateHost: p.anyUpdateHost, Client: &http.Client{Transport: tr, Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = ep
	if p.wrap != nil {
		h = p.wrap(h)
	}
	srv := httptest.NewServer(h)
	mockListen.Store(srv.URL, listen)
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ep.Close(ctx)
	})
	return srv.URL
}

// allCapabilities claims every capability the example partner has, but
// its company-event receiver, which companyhooks_test.go checks.
var allCapabilities = []string{"--verifies-signatures", "--assessment", "--bulk", "--actions"}

// unclaimed reports whether c was skipped for a capability the runs with
// allCapabilities leave unclaimed: --requires-api-token (the example
// partner requires no token) and --company-webhooks.
func unclaimed(c report.CheckResult) bool {
	return c.Outcome == report.OutcomeSkipped &&
		(c.Reason == settings.CapabilityPrefix+string(settings.CapAPIToken) || c.Reason == settings.CapabilityPrefix+string(settings.CapCompanyWebhooks))
}

// TestExamplePartnerPassesEveryCheck: the reference partner passes all
// checks, and the reports hide every secret.
func TestExamplePartnerPassesEveryCheck(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	base := fakePartner{}.serve(t)
	dir := t.TempDir()
	junit := filepath.Join(dir, "nested", "missing", "junit.xml")
	html := filepath.Join(dir, "report.html")
	r := runSuite(t, base, append(allCapabilities, "--activation-field", selfActivation, "--company-webhooks", "teamtailor/events",
		"--junit-report", junit, "--html-report", html)...)
	if r.exit != 0 {
		t.Errorf("exit = %d, want 0\nstdout:\n%s\nstderr:\n%s", r.exit, r.stdout, r.stderr)
	}
	if len(r.results.Checks) != len(catalogue(t)) {
		t.Errorf("the report has %d checks, the catalogue %d", len(r.results.Checks), len(catalogue(t)))
	}
	for _, c := range r.results.Checks {
		// The example partner requires no Teamtailor-Api-Token (the
		// api-token partner of shapes_test.go does).
		if c.Needs == settings.CapAPIToken {
			if c.Outcome != report.OutcomeSkipped || c.Reason != settings.CapabilityPrefix+string(c.Needs) {
				t.Errorf("%s: %s %q, want skipped by capability", c.ID, c.Outcome, c.Reason)
			}
			continue
		}
		if c.Outcome != report.OutcomePass {
			t.Errorf("%s: %s, want pass: %s", c.ID, c.Outcome, c.Reason)
		}
		if c.Outcome == report.OutcomePass && len(c.Exchanges) == 0 {
			t.Errorf("%s: the report lists no exchange", c.ID)
		}
	}
	if want := "ttconformance PASS: 55 passed, 0 failed, 0 warnings, 0 errors, 2 skipped (2 by capability, 0 cannot check or not selected)"; !strings.Contains(r.stdout, want) {
		t.Errorf("stdout has no summary line %q:\n%s", want, r.stdout)
	}
	// The console report is for partner engineers: one line per check,
	// no Go source paths or Ginkgo internals, one summary line.
	for _, c := range r.results.Checks {
		if c.Outcome == report.OutcomePass && !strings.Contains(r.stdout, "PASS  "+c.ID) {
			t.Errorf("stdout has no line for %s", c.ID)
		}
	}
	for _, internal := range []string{".go:", "[It]", "Timeline", "Random Seed", "Ran 52", "Ginkgo"} {
		if strings.Contains(r.stdout, internal) {
			t.Errorf("stdout shows %q:\n%s", internal, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "ttconformance PASS"); n != 1 {
		t.Errorf("stdout has %d summary lines, want 1", n)
	}
	for _, path := range []string{junit, html, filepath.Join(r.dir, "report.json")} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{selfAPIKey, selfSecret, "eyJhbGciOiJIUzI1NiIs"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s shows the secret %q", filepath.Base(path), secret)
			}
		}
	}
	// JUnit: one test case per check, no setup nodes.
	b, _ := os.ReadFile(junit)
	if n := strings.Count(string(b), "<testcase "); n != len(catalogue(t)) {
		t.Errorf("junit.xml has %d test cases, want %d (one per check)", n, len(catalogue(t)))
	}
}

// TestCapabilitiesNotClaimedSkipTheirChecks: without capability flags the
// checks that need them are skipped, counted as skipped by capability.
func TestCapabilitiesNotClaimedSkipTheirChecks(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	r := runSuite(t, fakePartner{}.serve(t))
	if r.exit != 0 {
		t.Errorf("exit = %d, want 0\n%s", r.exit, r.stdout)
	}
	var want int
	for _, c := range catalogue(t) {
		got := r.check(c.ID)
		// The partner shows assessment-criteria and actions it does not
		// claim: a warning naming both.
		if c.ID == "capabilities/claims-match" {
			if got.Outcome != report.OutcomeWarning || !strings.Contains(got.Reason, "assessment-criteria (") || !strings.Contains(got.Reason, "its result declares actions") {
				t.Errorf("%s: %s, want a warning naming the criteria and the actions: %s", c.ID, got.Outcome, got.Reason)
			}
			continue
		}
		if c.Needs == "" {
			if got.Outcome != report.OutcomePass {
				t.Errorf("%s: %s, want pass: %s", c.ID, got.Outcome, got.Reason)
			}
			continue
		}
		want++
		if wantReason := settings.CapabilityPrefix + string(c.Needs); got.Outcome != report.OutcomeSkipped || got.Reason != wantReason {
			t.Errorf("%s: %s %q, want skipped %q", c.ID, got.Outcome, got.Reason, wantReason)
		}
	}
	if s := r.results.Summary; s.SkippedByCapability != want || s.Skipped != want {
		t.Errorf("summary %+v, want %d skipped by capability", s, want)
	}
}

// TestUnreachablePartnerIsAnError: a partner nobody listens for is one
// error from the preflight, no per-check block, and exit status 2.
func TestUnreachablePartnerIsAnError(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ln.Close()
	r := runSuite(t, base, allCapabilities...)
	if r.exit != 2 {
		t.Errorf("exit = %d, want 2\n%s", r.exit, r.stdout)
	}
	if r.results.Setup == nil || r.results.Setup.What != "partner" || !strings.Contains(r.results.Setup.Message, "connection refused") {
		t.Errorf("setup = %+v, want the partner unreachable: connection refused", r.results.Setup)
	}
	for _, c := range r.results.Checks {
		if c.Outcome != report.OutcomeError {
			t.Errorf("%s: %s, want error", c.ID, c.Outcome)
		}
	}
	if n := strings.Count(r.stdout, "connection refused"); n != 1 {
		t.Errorf("stdout says connection refused %d times, want once:\n%s", n, r.stdout)
	}
	for _, want := range []string{"ERROR: the partner cannot be reached", "Tried: GET " + base, "Check: that the partner is started",
		"ttconformance ERROR: the partner at " + base + " cannot be reached; no check ran"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout does not say %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "FAIL") || strings.Count(r.stdout, "ttconformance ") != 1 {
		t.Errorf("stdout has per-check blocks or more than one summary:\n%s", r.stdout)
	}
	if len(strings.Split(strings.TrimSpace(r.stdout), "\n")) > 40 {
		t.Errorf("stdout has %d lines for an unreachable partner:\n%s", len(strings.Split(r.stdout, "\n")), r.stdout)
	}
}

// TestMissingSettingsFailFast: without the required settings the binary
// says what to set and exits 2 before running anything.
func TestMissingSettingsFailFast(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	r := runSuite(t, "")
	if r.exit != 2 {
		t.Errorf("exit = %d, want 2", r.exit)
	}
	for _, want := range []string{"--base-url (or TTCONF_BASE_URL) is required", "--api-key (or TTCONF_API_KEY) is required", "--webhook-secret (or TTCONF_WEBHOOK_SECRET) is required"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stdout, "Running Suite") {
		t.Errorf("the suite ran without settings:\n%s", r.stdout)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func skipWhenSuiteRequested(t *testing.T) {
	t.Helper()
	if settings.TestContext.BaseURL != "" {
		t.Skip("running the suite against --base-url, not the self-tests")
	}
}

var (
	catalogueOnce sync.Once
	catalogueList []settings.Check
)

// catalogue is the list of checks, as ttconformance --list prints it.
func catalogue(t *testing.T) []settings.Check {
	t.Helper()
	catalogueOnce.Do(func() {
		out, err := exec.Command(ttconformance(t), "--list").Output()
		if err != nil {
			t.Fatalf("ttconformance --list: %v", err)
		}
		catalogueList = parseCatalogue(string(out))
	})
	return catalogueList
}

// parseCatalogue reads the table ttconformance --list prints.
func parseCatalogue(out string) []settings.Check {
	var checks []settings.Check
	for _, line := range strings.Split(out, "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 5 || !strings.Contains(f[0], "/") {
			continue
		}
		c := settings.Check{ID: f[0], Label: f[1], Level: f[2]}
		if f[3] != "-" {
			c.Needs = settings.Capability(f[3])
		}
		checks = append(checks, c)
	}
	return checks
}

var update = flag.Bool("update", false, "rewrite testdata/catalogue.golden from ttconformance --list")

// TestListPrintsTheCatalogue: --list prints the catalogue the specs
// declare; the golden file is the suite's public promise, so a change to
// it is a change of the rules partners are held to.
func TestListPrintsTheCatalogue(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	got, err := exec.Command(ttconformance(t), "--list").Output()
	if err != nil {
		t.Fatalf("ttconformance --list: %v", err)
	}
	golden := filepath.Join("testdata", "catalogue.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run: go test ./conformance -run TestListPrintsTheCatalogue -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("ttconformance --list differs from %s (run with -update if the change is meant):\n%s", golden, got)
	}
	for _, c := range catalogue(t) {
		if !slices.Contains(settings.Areas(), c.Label) || !strings.HasPrefix(c.ID, c.Label+"/") {
			t.Errorf("%s: label %q", c.ID, c.Label)
		}
	}
}

// TestSuiteThatCannotStartIsAnError: when the embedded mock cannot listen
// every check is an error and the exit status 2.
func TestSuiteThatCannotStartIsAnError(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	r := runSuite(t, fakePartner{}.serve(t), "--mock-listen", busy.Addr().String())
	if r.exit != 2 {
		t.Errorf("exit = %d, want 2\n%s", r.exit, r.stdout)
	}
	if r.results.Setup == nil || r.results.Setup.What != "mock" || !strings.Contains(r.stdout, "the suite's embedded mock failed") {
		t.Errorf("setup = %+v, want the embedded mock named:\n%s", r.results.Setup, r.stdout)
	}
	for _, c := range r.results.Checks {
		if c.Outcome != report.OutcomeError || !strings.Contains(c.Reason, "embedded mock") {
			t.Errorf("%s: %s %q, want error naming the embedded mock", c.ID, c.Outcome, firstLine(c.Reason))
		}
	}
}

// TestHelpNamesEveryEnvironmentVariable: --help lists each flag with the
// TTCONF_* variable that sets it, and never a secret's value.
func TestHelpNamesEveryEnvironmentVariable(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	cmd := exec.Command(ttconformance(t), "--help")
	cmd.Env = append(os.Environ(), "TTCONF_API_KEY=ttpk_from_env_secret")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ttconformance --help: %v", err)
	}
	for _, name := range []string{"base-url", "api-key", "webhook-secret", "provider-key", "activation-field", "activation-config",
		"mock-listen", "mock-public-url", "timeout", "verifies-signatures", "assessment", "bulk", "actions",
		"junit-report", "json-report", "html-report", "label-filter", "focus"} {
		if !strings.Contains(string(out), "--"+name) || !strings.Contains(string(out), settings.EnvName(name)) {
			t.Errorf("--help does not list --%s with %s", name, settings.EnvName(name))
		}
	}
	if strings.Contains(string(out), "ttpk_from_env_secret") {
		t.Error("--help shows the API key taken from the environment")
	}
}
