package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/certify"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// canaryToken is a company token given to the certify runs only to be
// looked for in their bundles.
const canaryToken = "ttapi_canary_4f9e1b7c2d6a8e30"

// certifyRun runs ttconformance certify (or certify verify) and returns
// its exit status and output.
func certifyRun(t *testing.T, args ...string) (int, string) {
	t.Helper()
	slots <- struct{}{}
	defer func() { <-slots }()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ttconformance(t), append([]string{"certify"}, args...)...)
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, settings.EnvPrefix) })
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	case err != nil:
		t.Fatalf("ttconformance certify did not run: %v", err)
	}
	return 0, out.String()
}

// TestCertifyBundles: five certify runs with the same seed against the
// example partner give the same verdicts; each bundle verifies, holds
// none of the run's secrets in any encoding, and fails verify once a
// byte of it changes.
func TestCertifyBundles(t *testing.T) {
	skipWhenSuiteRequested(t)
	base := fakePartner{}.serve(t)
	listen, _ := mockListen.Load(base)
	canaries := []string{selfAPIKey, selfSecret, canaryToken, "selftest-token"}
	var first []certify.Entry
	var bundles []string
	for i := range 5 {
		out := filepath.Join(t.TempDir(), "readiness")
		code, text := certifyRun(t, "--out", out, "--seed", "7", "--capacity-duration", "1s", "--profile", "development",
			"--base-url", base, "--api-key", selfAPIKey, "--webhook-secret", selfSecret, "--api-token", canaryToken,
			"--activation-field", selfActivation, "--timeout", selfTimeout, "--mock-listen", listen.(string),
			"--verifies-signatures", "--assessment", "--bulk", "--actions")
		if code != certify.ExitReady {
			t.Fatalf("run %d: exit %d, want 0\n%s", i+1, code, text)
		}
		m, err := certify.Verify(out, nil, time.Now())
		if err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if m.Seed != 7 || m.Verdict != certify.VerdictReady || m.BaseURL != base || len(m.NotChecked) != 2+3 { // the api-token and company-webhooks checks
			t.Errorf("run %d: manifest seed %d verdict %q base %q not checked %v", i+1, m.Seed, m.Verdict, m.BaseURL, m.NotChecked)
		}
		if i == 0 {
			first = m.Checked
		} else if !reflect.DeepEqual(m.Checked, first) {
			t.Errorf("run %d: verdicts differ from run 1:\n%v\n%v", i+1, m.Checked, first)
		}
		leaks, err := certify.Scan(out, canaries)
		if err != nil || len(leaks) > 0 {
			t.Errorf("run %d: secrets in the bundle: %v %v", i+1, leaks, err)
		}
		bundles = append(bundles, out)
	}
	for _, f := range []string{certify.SummaryFile, certify.BadgeFile, "suite/report.json", "suite/junit.xml", "suite/report.html", "capacity/report.json", "capacity/report.html"} {
		if _, err := os.Stat(filepath.Join(bundles[0], f)); err != nil {
			t.Errorf("the bundle has no %s", f)
		}
	}
	if code, text := certifyRun(t, "verify", bundles[0]); code != 0 || !strings.Contains(text, "VALID: "+base) {
		t.Errorf("verify: exit %d\n%s", code, text)
	}
	report := filepath.Join(bundles[0], "suite", "report.json")
	raw, _ := os.ReadFile(report)
	raw[len(raw)/2] ^= 0x20
	os.WriteFile(report, raw, 0o644)
	if code, text := certifyRun(t, "verify", bundles[0]); code != 1 || !strings.Contains(text, "suite/report.json was changed") {
		t.Errorf("verify of a changed bundle: exit %d, want 1 naming the file\n%s", code, text)
	}
	var doc map[string]any
	if raw, _ := os.ReadFile(filepath.Join(bundles[1], certify.ManifestFile)); json.Unmarshal(raw, &doc) != nil {
		t.Error("the manifest is not JSON")
	}
}
