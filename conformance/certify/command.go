package certify

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// Exit statuses of Main.
const (
	ExitReady    = 0 // the bundle was written and its verdict is ready (verify: the bundle is valid)
	ExitNotReady = 1 // the bundle was written and its verdict is not ready (verify: the bundle is not valid)
	ExitError    = 2 // no bundle: bad settings, the suite could not judge the partner, a secret in a report
)

// The verdicts of a bundle.
const (
	VerdictReady    = "ready"
	VerdictNotReady = "not ready"
)

const usage = `Usage: ttconformance certify [certify flags] [suite flags]
       ttconformance certify verify [--public-key KEY] BUNDLE

Runs the conformance suite (its security checks included) and a short
capacity run against the partner, and writes a readiness bundle to --out: a
manifest (suite and protocol version, the partner's base URL and capabilities,
seed, date, expiry, every check that ran and every one that did not, with the
reason), the suite's JSON, JUnit and HTML reports, the capacity report, a
one-page readiness report (readiness.html) and a badge (badge.svg). The
manifest lists the SHA-256 of every file and is signed with an Ed25519 key:
--key, or one generated and saved beside the bundle (its public key printed).
No secret given to the run (API key, webhook secret, provider key, API token,
activation values) may appear in the bundle, raw or base64-, URL- or
hex-encoded: certify checks every file and writes no manifest if one does.

ttconformance certify verify checks a bundle offline: the signature, every
file against the manifest, no file added, and the expiry. With --public-key it
trusts only that key; without, the key the manifest names (which proves the
bundle unchanged, not who made it).

The suite flags are those of ttconformance --help (--base-url, --api-key,
--webhook-secret, the capability flags, ...). Exit status: 0 ready (verify:
valid), 1 not ready (verify: not valid, e.g. changed or expired), 2 no bundle.

The examples run against the bundled example partner, started as
ttconformance --help shows.

Examples:
  ttconformance certify --out "${TMPDIR:-/tmp}/readiness" --profile development --base-url "http://${PARTNER:-127.0.0.1:3000}" --api-key ttpk_demo --webhook-secret ttws_demo --activation-field api_token=demo --verifies-signatures --assessment --bulk --actions --mock-listen "${SUITE_MOCK:-127.0.0.1:8081}"
  ttconformance certify verify "${TMPDIR:-/tmp}/readiness"

Certify flags:
`

// options are certify's own flags; every other argument goes to the
// suite.
type options struct {
	out              string
	key              string
	profile          string
	expires          string
	seed             int64
	capacityRate     string
	capacityDuration string
}

func (o *options) flags(fs *flag.FlagSet) {
	fs.StringVar(&o.out, "out", "readiness", "the bundle `FOLDER` to write; it must not exist or be empty")
	fs.StringVar(&o.key, "key", "", "Ed25519 private key `FILE` (PKCS #8 PEM, e.g. openssl genpkey -algorithm ed25519); default: a new key saved as FOLDER.key")
	fs.StringVar(&o.profile, "profile", settings.ProfileDevelopment, "development or production (production: plain http is a warning)")
	fs.StringVar(&o.expires, "expires", "90d", "how long the bundle is valid, e.g. 90d or 720h")
	fs.Int64Var(&o.seed, "seed", 1, "the suite's random seed (the order of its checks), recorded in the manifest")
	fs.StringVar(&o.capacityRate, "capacity-rate", "10", "webhooks per second of the capacity run")
	fs.StringVar(&o.capacityDuration, "capacity-duration", "3s", "how long the capacity run fires")
}

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("certify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o.flags(fs)
	return fs
}

// Main runs ttconformance certify; args are the arguments after
// "certify". now is the clock of the manifest and of verify.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, now func() time.Time) int {
	if len(args) > 0 && args[0] == "verify" {
		return verifyMain(args[1:], stdout, stderr, now)
	}
	var o options
	fs := newFlagSet(&o)
	own, rest := split(fs, args)
	if err := fs.Parse(own); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return ExitReady
		}
		fmt.Fprintf(stderr, "ttconformance certify: %v (see ttconformance certify --help)\n", err)
		return ExitError
	}
	for _, a := range rest {
		if a == "-h" || a == "--help" || a == "-help" {
			fmt.Fprint(stdout, usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return ExitReady
		}
	}
	valid, err := parseValidity(o.expires)
	if err != nil {
		fmt.Fprintf(stderr, "ttconformance certify: --expires: %v\n", err)
		return ExitError
	}
	if entries, err := os.ReadDir(o.out); err == nil && len(entries) > 0 {
		fmt.Fprintf(stderr, "ttconformance certify: --out %s is not empty: give a new folder\n", o.out)
		return ExitError
	}
	key, keyNote, err := loadKey(o.key, o.out)
	if err != nil {
		fmt.Fprintf(stderr, "ttconformance certify: --key: %v\n", err)
		return ExitError
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "ttconformance certify: %v\n", err)
		return ExitError
	}
	suiteDir, capDir := filepath.Join(o.out, "suite"), filepath.Join(o.out, "capacity")
	if err := os.MkdirAll(capDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "ttconformance certify: %v\n", err)
		return ExitError
	}
	created := now().UTC().Truncate(time.Second)

	// The suite, once, as its own process: Ginkgo runs its specs once
	// per process.
	suiteArgs := append(append([]string(nil), rest...), "--profile", o.profile, "--ginkgo.seed", strconv.FormatInt(o.seed, 10),
		"--json-report", filepath.Join(suiteDir, "report.json"), "--junit-report", filepath.Join(suiteDir, "junit.xml"), "--html-report", filepath.Join(suiteDir, "report.html"))
	fmt.Fprintln(stdout, "certify: running the conformance suite")
	code := run(ctx, exe, suiteArgs, stdout, stderr)
	raw, err := os.ReadFile(filepath.Join(suiteDir, "report.json"))
	if err != nil || code == ExitError {
		fmt.Fprintf(stderr, "ttconformance certify: the suite could not judge the partner (exit %d): no bundle\n", code)
		return ExitError
	}
	var res report.Results
	if err := json.Unmarshal(raw, &res); err != nil {
		fmt.Fprintf(stderr, "ttconformance certify: the suite's report: %v\n", err)
		return ExitError
	}

	fmt.Fprintln(stdout, "certify: running a short capacity run")
	capArgs := append(capacityArgs(rest), "--profile", o.profile, "--rate", o.capacityRate, "--duration", o.capacityDuration,
		"--json-report", filepath.Join(capDir, "report.json"), "--html-report", filepath.Join(capDir, "report.html"))
	run(ctx, exe, append([]string{"capacity"}, capArgs...), stdout, stderr)
	capVerdict := "error"
	if raw, err := os.ReadFile(filepath.Join(capDir, "report.json")); err == nil {
		var doc struct {
			Verdict string `json:"verdict"`
		}
		if json.Unmarshal(raw, &doc) == nil && doc.Verdict != "" {
			capVerdict = doc.Verdict
		}
	}

	m := manifestOf(res, o, created, valid, capVerdict)
	var badge, summary bytes.Buffer
	if err := WriteBadge(&badge, m); err == nil {
		err = os.WriteFile(filepath.Join(o.out, BadgeFile), badge.Bytes(), 0o644)
	}
	WriteSummary(&summary, m)
	if err := os.WriteFile(filepath.Join(o.out, SummaryFile), summary.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "ttconformance certify: %v\n", err)
		return ExitError
	}
	leaks, err := Scan(o.out, secretsOf(rest, getenv))
	if err == nil && len(leaks) > 0 {
		var lines []string
		for _, l := range leaks {
			lines = append(lines, l.String())
		}
		err = fmt.Errorf("a secret given to the run is in the bundle; it is not signed:\n  %s", strings.Join(lines, "\n  "))
	}
	if err == nil {
		m, err = Seal(o.out, m, key)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ttconformance certify: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(stdout, "certify: %s; bundle %s, valid until %s, signed with Ed25519 key %s%s\n",
		m.Verdict, o.out, m.ExpiresAt.Format("2006-01-02"), m.PublicKey, keyNote)
	if m.Verdict != VerdictReady {
		return ExitNotReady
	}
	return ExitReady
}

// manifestOf turns the suite's results into the manifest's entries.
func manifestOf(res report.Results, o options, created time.Time, valid time.Duration, capVerdict string) Manifest {
	m := Manifest{Suite: report.SuiteName, SuiteVersion: version(), Protocol: res.Protocol, Profile: o.profile, BaseURL: res.BaseURL,
		Seed: o.seed, CreatedAt: created, ExpiresAt: created.Add(valid),
		Capacity: Capacity{Verdict: capVerdict, Rate: o.capacityRate + " webhooks/s for " + o.capacityDuration, Report: "capacity/report.json"}}
	notClaimed := map[settings.Capability]bool{}
	for _, c := range res.Checks {
		e := Entry{ID: c.ID, Level: c.Level, Outcome: c.Outcome}
		if c.Outcome == report.OutcomeSkipped {
			e.Reason = c.Reason
			if r, ok := strings.CutPrefix(c.Reason, settings.CapabilityPrefix); ok {
				notClaimed[settings.Capability(r)] = true
				e.Reason = "capability not claimed (" + r + ")"
			}
			m.NotChecked = append(m.NotChecked, e)
			continue
		}
		m.Checked = append(m.Checked, e)
	}
	for _, c := range []settings.Capability{settings.CapSignatures, settings.CapAssessment, settings.CapBulk, settings.CapActions, settings.CapAPIToken, settings.CapCompanyWebhooks} {
		if !notClaimed[c] {
			m.Capabilities = append(m.Capabilities, string(c))
		}
	}
	m.Verdict = VerdictNotReady
	if res.ExitCode() == 0 && capVerdict == "pass" {
		m.Verdict = VerdictReady
	}
	return m
}

// run runs ttconformance with args and returns its exit status.
func run(ctx context.Context, exe string, args []string, stdout, stderr io.Writer) int {
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode()
	case err != nil:
		fmt.Fprintf(stderr, "ttconformance certify: %v\n", err)
		return ExitError
	}
	return 0
}

// split separates certify's own flags from the suite's.
func split(fs *flag.FlagSet, args []string) (own, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || fs.Lookup(name) == nil {
			rest = append(rest, a)
			continue
		}
		own = append(own, a)
		if !hasValue && i+1 < len(args) {
			own = append(own, args[i+1])
			i++
		}
	}
	return own, rest
}

// suite flags a capacity run does not take, and whether each takes a
// value.
var notForCapacity = map[string]bool{"junit-report": true, "fixtures": true, "focus": true, "label-filter": true, "skip": true, "html-report": true, "json-report": true,
	"company-webhooks": true, "company-webhook-scheme": true, "company-webhook-key": true,
	"verifies-signatures": false, "actions": false, "requires-api-token": false, "ginkgo-output": false, "list": false}

// capacityArgs drops the suite flags a capacity run does not take.
func capacityArgs(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		takes, drop := notForCapacity[name]
		if !strings.HasPrefix(args[i], "-") || !drop {
			out = append(out, args[i])
			continue
		}
		if takes && !hasValue {
			i++
		}
	}
	return out
}

// secretsOf returns the secrets given to the run, from the arguments and
// the environment.
func secretsOf(args []string, getenv func(string) string) []string {
	names := []string{"api-key", "webhook-secret", "provider-key", "api-token", "activation-field", "company-webhook-key"}
	var out []string
	add := func(name, v string) {
		if name == "activation-field" {
			for _, kv := range strings.Split(v, ",") {
				if _, val, ok := strings.Cut(kv, "="); ok && val != "" {
					out = append(out, val)
				}
			}
			return
		}
		if v != "" {
			out = append(out, v)
		}
	}
	for _, n := range names {
		add(n, getenv(settings.EnvName(n)))
	}
	for i := 0; i < len(args); i++ {
		name, v, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		for _, n := range names {
			if name != n || !strings.HasPrefix(args[i], "-") {
				continue
			}
			if !hasValue && i+1 < len(args) {
				v = args[i+1]
			}
			add(n, v)
		}
	}
	return out
}

// parseValidity reads "90d" or a Go duration.
func parseValidity(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("%q is not a number of days such as 90d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration such as 90d or 720h", s)
	}
	return d, nil
}

// loadKey reads an Ed25519 private key, or makes one and saves it as
// out.key, saying so.
func loadKey(path, out string) (ed25519.PrivateKey, string, error) {
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, "", err
		}
		block, _ := pem.Decode(raw)
		if block == nil {
			return nil, "", fmt.Errorf("%s holds no PEM block", path)
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", path, err)
		}
		ed, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, "", fmt.Errorf("%s is not an Ed25519 key", path)
		}
		return ed, "", nil
	}
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, "", err
	}
	keyFile := filepath.Clean(out) + ".key"
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, "", err
	}
	return k, fmt.Sprintf(" (generated; private key saved as %s, keep it to sign the next bundle with --key)", keyFile), nil
}

// verifyMain is ttconformance certify verify.
func verifyMain(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	fs := flag.NewFlagSet("certify verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	pub := fs.String("public-key", "", "trust only this base64 Ed25519 public `KEY` (as certify printed it)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return ExitReady
		}
		fmt.Fprintf(stderr, "ttconformance certify verify: %v\n", err)
		return ExitError
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "ttconformance certify verify: give one BUNDLE folder")
		return ExitError
	}
	var trusted ed25519.PublicKey
	if *pub != "" {
		k, err := base64.StdEncoding.Strict().DecodeString(*pub)
		if err != nil || len(k) != ed25519.PublicKeySize {
			fmt.Fprintln(stderr, "ttconformance certify verify: --public-key is not a base64 Ed25519 public key")
			return ExitError
		}
		trusted = k
	}
	m, err := Verify(fs.Arg(0), trusted, now())
	if err != nil {
		fmt.Fprintf(stdout, "NOT VALID: %s\n", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return ExitNotReady
	}
	fmt.Fprintf(stdout, "VALID: %s, %s, verdict %s, %d checked, %d not checked, made %s, valid until %s, key %s\n",
		m.BaseURL, m.Profile, m.Verdict, len(m.Checked), len(m.NotChecked), m.CreatedAt.Format(time.RFC3339), m.ExpiresAt.Format(time.RFC3339), m.PublicKey)
	return ExitReady
}

// version is the module version of the binary, "(devel)" in a build from
// a checkout.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
