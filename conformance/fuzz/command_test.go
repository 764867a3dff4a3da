package fuzz_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/fuzz"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// The tests make fuzz runs in this process (settings.TestContext is the
// process's settings, so they do not run in parallel) against the
// example partner, unmodified or with one planted bug, posting its
// results after resultDelay.
const resultDelay = 100 * time.Millisecond

func keys(url string) []string {
	return []string{"--base-url", url, "--api-key", testAPIKey, "--webhook-secret", testSecret, "--assessment", "--bulk"}
}

// mainRun runs ttconformance fuzz with args and returns its exit status,
// its output and its JSON report.
func mainRun(t testing.TB, args ...string) (int, string, *fuzz.Report) {
	t.Helper()
	report := filepath.Join(t.TempDir(), "fuzz.json")
	args = append([]string{"--json-report", report}, args...)
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code := fuzz.Main(ctx, args, func(string) string { return "" }, &stdout, &stderr)
	out := stdout.String() + stderr.String()
	raw, err := os.ReadFile(report)
	if err != nil {
		return code, out, nil
	}
	var rep fuzz.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("the JSON report does not read: %v", err)
	}
	return code, out, &rep
}

// A CI-sized run (one seed, at most 20 s, stopping at the first finding)
// finds at least 11 of the 12 planted bugs, each as the failure it
// shows as; each shrinks to at most 3 times its planted trigger, and its
// scrubbed fixture fails the same way 10 times out of 10 when the mock
// sends it as "mockteamtailor trigger --fixture NAME" does.
func TestFindsPlantedBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the planted bugs take a minute")
	}
	found := 0
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			url := servePartner(t, &v, resultDelay)
			dir := filepath.Join(t.TempDir(), "findings")
			code, out, rep := mainRun(t, append(keys(url), "--seed", "1", "--duration", "20s", "--max-findings", "1",
				"--result-deadline", "2s", "--out", dir)...)
			if rep == nil || len(rep.Findings) != 1 {
				t.Errorf("%s: no finding (exit %d)\n%s", v, code, out)
				return
			}
			f := rep.Findings[0]
			if code != fuzz.ExitFail || f.Verdict.Kind != v.kind {
				t.Errorf("%s: exit %d, finding %q; want exit 1 and %q\n%s", v, code, f.Verdict.Kind, v.kind, out)
				return
			}
			found++
			t.Logf("%s: found after %.1fs (case %d), shrunk %d -> %d bytes (planted %d) in %d trials, fixture %s",
				v, f.FoundAfterMS/1000, f.Case, f.OriginalSize, f.ShrunkSize, v.plantedSize(), f.ShrinkTrials, f.Name)
			if most := 3 * v.plantedSize(); f.ShrunkSize > most {
				raw, _ := os.ReadFile(f.Fixture)
				t.Errorf("%s: shrunk to %d bytes, more than 3 × the planted trigger's %d\n%s", v, f.ShrunkSize, v.plantedSize(), raw)
			}
			if !f.Reproduces {
				t.Errorf("%s: the scrubbed fixture %s does not fail the same way", v, f.Fixture)
			}
			if !strings.HasPrefix(f.Name, "fuzz-") || f.Trigger != "mockteamtailor trigger --fixture "+f.Name || !strings.Contains(f.Serve, "serve --fixtures") || !strings.Contains(f.Curl, "--data-binary @") {
				t.Errorf("%s: finding named %q, commands %q / %q", v, f.Name, f.Trigger, f.Curl)
			}
			if got := replay(t, url, dir, f.Name, v.kind, 10, 2*time.Second); got != 10 {
				t.Errorf("%s: fixture %s failed the same way %d times out of 10 when replayed", v, f.Name, got)
			}
		})
	}
	if found < 11 {
		t.Errorf("found %d of %d planted bugs, want at least 11", found, len(variants))
	}
}

// The unmodified example partner gives no finding, and a run reaches
// its cases per second with 64 in flight.
func TestNoFindingsAgainstTheExamplePartner(t *testing.T) {
	url := servePartner(t, nil, resultDelay)
	code, out, rep := mainRun(t, append(keys(url), "--seed", "7", "--max-cases", "600", "--result-deadline", "5s", "--out", "")...)
	if code != fuzz.ExitPass || rep == nil || len(rep.Findings) != 0 || rep.Cases != 600 {
		t.Fatalf("exit %d; want 0 with 600 cases and no finding\n%s", code, out)
	}
	for _, want := range []string{"mode:bulk", "mode:stage", "mode:manual"} {
		if !slices.Contains(rep.Coverage.Modes, strings.TrimPrefix(want, "mode:")) {
			t.Errorf("coverage names modes %v, without %s", rep.Coverage.Modes, want)
		}
	}
	if len(rep.Coverage.CustomFieldTypes) != 9 || rep.Coverage.Fields < 40 {
		t.Errorf("coverage: %d fields, custom field types %v; want every one of the 9 types", rep.Coverage.Fields, rep.Coverage.CustomFieldTypes)
	}
}

// Bad settings are named, every one at once, with exit status 2 and no
// run.
func TestBadSettingsExit2(t *testing.T) {
	code, out, _ := mainRun(t, "--base-url", "http://127.0.0.1:1", "--api-key", "k", "--duration", "-1s", "--concurrency", "0", "--seed", "x")
	if code != fuzz.ExitError {
		t.Fatalf("exit %d, want 2\n%s", code, out)
	}
	for _, want := range []string{"--webhook-secret", "--duration must not be negative", "--concurrency must be 1 to 1024", `--seed "x"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the output does not name %q:\n%s", want, out)
		}
	}
}

// replay sends fixture name of dir n times as "mockteamtailor trigger
// --fixture NAME" has the mock send it (Server.ReplayCapture, what the
// control API's POST /mock/v1/replays runs) to the partner at url, and
// counts the times it failed as kind; a result kind is watched for wait
// after the sendings.
func replay(t *testing.T, url, dir, name, kind string, n int, wait time.Duration) int {
	t.Helper()
	settings.TestContext = settings.Settings{BaseURL: url, APIKey: testAPIKey, WebhookSecret: testSecret, ProviderKey: uuid.NewString(),
		MockListen: "127.0.0.1:0", Timeout: 10 * time.Second, Assessment: true}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	mock, err := embedded.StartMock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer mock.Close(context.Background())
	imported, err := fixtures.LoadImported(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := mock.Server.SetImportedFixtures(imported); err != nil {
		t.Fatal(err)
	}
	type post struct {
		status int
		body   []byte
	}
	var mu sync.Mutex
	posts := map[string][]post{}
	mock.Observe(func(resultID, _ string, status int, _ time.Time, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		posts[resultID] = append(posts[resultID], post{status, body})
	})
	same := 0
	var results []string
	for range n {
		out, err := mock.Server.ReplayCapture(ctx, controlapi.ReplayRequest{PartnerID: mock.Partner.ID, CompanyUUID: mock.Company.UUID, Fixture: name})
		if err != nil {
			t.Fatalf("replay of %s: %v", name, err)
		}
		status := 0
		if out.Delivery != nil && out.Delivery.Response != nil {
			status = out.Delivery.Response.Status
		}
		switch {
		case strings.HasPrefix(kind, "answered "):
			if "answered "+strconv.Itoa(status) == kind {
				same++
			}
		case status/100 == 2:
			results = append(results, out.ResultID)
		}
	}
	if len(results) == 0 {
		return same
	}
	// A result kind: each result's posts are watched until the deadline
	// (polled, not asserted after a sleep).
	failedSame := func(ps []post) bool {
		switch kind {
		case "result refused 422":
			return slices.ContainsFunc(ps, func(p post) bool { return p.status == 422 })
		case "result for another candidate":
			return slices.ContainsFunc(ps, func(p post) bool { return bytes.Contains(p.body, []byte(`"candidate-id"`)) && p.status/100 != 2 })
		}
		return false
	}
	accepted := func(ps []post) bool { return slices.ContainsFunc(ps, func(p post) bool { return p.status/100 == 2 }) }
	deadline := time.Now().Add(wait)
	for {
		mu.Lock()
		decided, count := 0, 0
		for _, id := range results {
			switch ps := posts[id]; {
			case failedSame(ps):
				decided++
				count++
			case accepted(ps):
				decided++
			}
		}
		mu.Unlock()
		if time.Now().After(deadline) || (kind != "no final result" && decided == len(results)) {
			if kind == "no final result" {
				count = len(results) - decided
			}
			return same + count
		}
		time.Sleep(20 * time.Millisecond)
	}
}
