package fuzz_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// ttconformance builds the ttconformance binary once per test binary.
func ttconformance(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(binDir, "ttconformance")
	buildOnce.Do(func() {
		out, err := exec.Command("go", "build", "-o", bin, "../../cmd/ttconformance").CombinedOutput()
		if err != nil {
			buildErr = string(out) + err.Error()
		}
	})
	if buildErr != "" {
		t.Fatalf("go build ttconformance: %s", buildErr)
	}
	return bin
}

// A finding's fixture stays a regression case: "ttconformance --fixtures
// DIR" sends it in webhook/edge-case-candidates and fails the partner
// with the bug, naming the fixture, and passes the unmodified partner.
func TestFindingsAreRegressionCases(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs ttconformance")
	}
	v := variants[slices.IndexFunc(variants, func(v variant) bool { return v.name == "null-first-name" })]
	buggy := servePartner(t, &v, resultDelay)
	dir := filepath.Join(t.TempDir(), "findings")
	if code, out, rep := mainRun(t, append(keys(buggy), "--seed", "3", "--duration", "20s", "--max-findings", "1", "--out", dir)...); code != 1 || rep == nil || len(rep.Findings) != 1 {
		t.Fatalf("no finding to keep (exit %d)\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Errorf("the findings folder has no README.md: %v", err)
	}
	bin := ttconformance(t)
	suite := func(url string) (int, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "--base-url", url, "--api-key", testAPIKey, "--webhook-secret", testSecret,
			"--fixtures", dir, "--focus", "webhook/edge-case-candidates")
		cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "TTCONF_") })
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, out.String()
	}
	code, out := suite(buggy)
	t.Logf("suite against the buggy partner: exit %d\n%s", code, out)
	if code != 1 || !strings.Contains(out, "imported fixture fuzz-answered-500") {
		t.Errorf("the suite with the finding against the buggy partner: exit %d, want 1 naming the fixture\n%s", code, out)
	}
	if code, out := suite(servePartner(t, nil, resultDelay)); code != 0 {
		t.Errorf("the suite with the finding against the example partner: exit %d, want 0\n%s", code, out)
	}
}
