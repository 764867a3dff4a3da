package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

const sampleCaptures = "../../fixtures/captures/teamtailor-example.jsonl"

// captureLine writes line n (1-based) of the sample captures to a file.
func captureLine(t *testing.T, n int) string {
	t.Helper()
	raw, err := os.ReadFile(sampleCaptures)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	path := filepath.Join(t.TempDir(), "capture.json")
	if err := os.WriteFile(path, []byte(lines[n-1]), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Rule: replay sends every line of a JSONL capture file, prints the
// deviations and the rewritten paths, and journals each as a replayed
// capture; --dry-run prints a signed curl command and sends nothing.
func TestReplayCommand(t *testing.T) {
	e := newClientEnv(t)
	stdout, _ := e.mustCLI(t, "replay", sampleCaptures, "--wait", "0", "--rate", "50")
	mustContain(t, "stdout", stdout, "replay of line 1:", "deviations: none", "replay of line 2:",
		"unknown-key /partner-event/candidate/pronouns", "type-change /partner-event/candidate/phone",
		"rewritten: /partner-event/id, /partner-event/partner-result/id, /partner-event/partner-result/update-url, /company/uuid",
		"sent: ok")
	hooks := e.webhooks(t)
	if len(hooks) != 2 {
		t.Fatalf("%d webhooks, want 2", len(hooks))
	}
	for _, h := range hooks {
		if h.Capture == nil || len(h.Capture.RewrittenPaths) == 0 {
			t.Errorf("delivery %d is not marked as a replayed capture", h.ID)
		}
		if strings.Contains(h.Request.Body, "api.teamtailor.com") || !strings.Contains(h.Request.Body, `"first-name":"Juston"`) {
			t.Errorf("delivery %d body: want the captured candidate with a local update-url:\n%s", h.ID, h.Request.Body)
		}
	}

	stdout, _ = e.mustCLI(t, "replay", captureLine(t, 1), "--dry-run")
	mustContain(t, "stdout", stdout, "dry run, nothing sent", "curl -sS -i -X POST", "Teamtailor-Signature: t=")
	if len(e.webhooks(t)) != 2 {
		t.Error("--dry-run sent a webhook")
	}
	if err, _, _ := e.cli(t, "replay", filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("a missing file is not an error")
	}
}

// Rule: fixtures import scrubs a capture into DIR/NAME.json, the same
// bytes every run, and prints paths, not values; serve's fixtures are
// then listed, become sandbox candidates when they fit the protocol's
// types, and trigger --fixture sends them (whole for a manual trigger).
func TestFixturesImportUsedByTrigger(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	if err, _, _ := runClient(t, ctx, "fixtures", "import", sampleCaptures, "--name", "x", "--out", dir); err == nil || !strings.Contains(err.Error(), "holds 2 webhooks") {
		t.Errorf("import of two captures: %v, want a refusal", err)
	}
	err, stdout, _ := runClient(t, ctx, "fixtures", "import", captureLine(t, 2), "--name", "drift", "--out", dir)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "stdout", stdout, "/partner-event/candidate/first-name", "not understood, scrubbed as text (1):\n  /partner-event/candidate/pronouns", "wrote "+filepath.Join(dir, "drift.json"))
	first, _ := os.ReadFile(filepath.Join(dir, "drift.json"))
	if err, _, _ := runClient(t, ctx, "fixtures", "import", captureLine(t, 2), "--name", "drift", "--out", dir); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(filepath.Join(dir, "drift.json"))
	if len(first) == 0 || !bytes.Equal(first, second) {
		t.Fatal("two imports of the same capture differ")
	}
	for _, v := range []string{"Juston", "Becker", "applicant100", "he/him", "Edison", "123456-7890", "example-cv", "Åsögatan"} {
		if bytes.Contains(first, []byte(v)) || strings.Contains(stdout, v) {
			t.Errorf("%q survives the import", v)
		}
	}
	if err, _, _ := runClient(t, ctx, "fixtures", "import", captureLine(t, 1), "--name", "documented", "--out", dir); err != nil {
		t.Fatal(err)
	}

	e := newClientEnv(t)
	fs, err := fixtures.LoadImported(dir)
	if err != nil || len(fs) != 2 {
		t.Fatalf("LoadImported: %d, %v", len(fs), err)
	}
	if err := e.server.SetImportedFixtures(fs); err != nil {
		t.Fatal(err)
	}
	added, skipped, err := e.server.AddImportedCandidates(ctx, e.sandbox.Company.UUID)
	if err != nil || len(added) != 1 || len(skipped) != 1 || !strings.Contains(skipped[0], `"drift"`) {
		t.Fatalf("AddImportedCandidates: added %d, skipped %q, %v; want documented added and drift (phone is a number) skipped", len(added), skipped, err)
	}
	stdout, _ = e.mustCLI(t, "fixtures")
	mustContain(t, "stdout", stdout, "imported            documented", "imported            drift")

	// A manual trigger sends an imported fixture whole, drift and all.
	_, stderr := e.mustCLI(t, "trigger", "--fixture", "drift")
	mustContain(t, "stderr", stderr, "sent imported fixture drift as captured", "unknown-key /partner-event/candidate/pronouns")
	hooks := e.webhooks(t)
	if len(hooks) != 1 || hooks[0].Capture == nil || hooks[0].Capture.Source != "fixture drift" || !strings.Contains(hooks[0].Request.Body, `"pronouns":`) {
		t.Fatalf("webhooks after trigger --fixture drift: %+v", hooks)
	}
	// A bulk run takes the imported candidate like any fixture.
	e.mustCLI(t, "trigger", "--fixture", "documented", "--bulk", "0")
	hooks = e.webhooks(t)
	if len(hooks) != 2 || hooks[1].BulkRunID == "" || hooks[1].Verdict != store.VerdictOK {
		t.Fatalf("bulk webhook of the imported candidate: %+v", hooks[len(hooks)-1])
	}
	c, err := sandbox.ImportedCandidate(fs[0])
	if err != nil || fs[0].Name != "documented" {
		t.Fatal(fs[0].Name, err)
	}
	if !strings.Contains(hooks[1].Request.Body, `"uuid":"`+c.UUID+`"`) {
		t.Errorf("the bulk webhook does not carry the imported candidate %s:\n%s", c.UUID, hooks[1].Request.Body)
	}
	// --twice sends the imported fixture's event a second time, same id.
	stdout, _ = e.mustCLI(t, "trigger", "--fixture", "drift", "--twice", "--json")
	var rep triggerReport
	decodeInto(t, stdout, &rep)
	if len(rep.Webhooks) != 2 || rep.Webhooks[0].EventID != rep.Webhooks[1].EventID || rep.Webhooks[1].ReplayOf != rep.Webhooks[0].ID {
		t.Errorf("trigger --fixture drift --twice: %+v, want one event sent twice", rep.Webhooks)
	}
}

// Rule: serve --fixtures DIR loads the imported fixtures at start-up,
// says so, adds the fitting ones as sandbox candidates, and trigger
// --fixture NAME finds them; a folder that cannot be loaded stops serve
// before it listens.
func TestServeFixturesFlag(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err, _, _ := runClient(t, ctx, "fixtures", "import", captureLine(t, 1), "--name", "documented", "--out", dir); err != nil {
		t.Fatal(err)
	}
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--fixtures", dir)
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(r.stdout.String(), "1 new sandbox candidate\n") {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not report the imported fixtures:\n%s", r.stdout)
		}
		time.Sleep(10 * time.Millisecond)
	}
	err, _, stderr := runClient(t, ctx, "trigger", "--fixture", "documented", "--mock", r.URL)
	if err != nil || !strings.Contains(stderr, "sent imported fixture documented as captured") {
		t.Errorf("trigger --fixture documented: %v\n%s", err, stderr)
	}
	if err, _, _ := runClient(t, ctx, "serve", "--listen", "127.0.0.1:0", "--fixtures", filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "--fixtures") {
		t.Errorf("serve with a missing --fixtures folder: %v, want an error naming --fixtures", err)
	}
}
