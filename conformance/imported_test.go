package conformance_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/fixtures/scrub"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/capture"
)

// importedFixtureDir imports the drifted sample capture (an unknown
// candidate key "pronouns", phone as a number) as fixture "drift".
func importedFixtureDir(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../fixtures/captures/teamtailor-example.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := capture.Parse(raw)
	if err != nil || len(cs) != 2 {
		t.Fatalf("captures: %d, %v", len(cs), err)
	}
	body, _, err := scrub.Scrub(cs[1].Body, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "drift.json"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestImportedFixturesJoinTheEdgeCases: --fixtures adds each imported
// fixture to webhook/edge-case-candidates, sent whole (its unknown key
// included); a partner that fails on it fails the check, which names the
// fixture.
func TestImportedFixturesJoinTheEdgeCases(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	dir := importedFixtureDir(t)
	const id = "webhook/edge-case-candidates"

	good := runSuite(t, fakePartner{}.serve(t), "--fixtures", dir, "--focus", id)
	c := good.check(id)
	if c.Outcome != report.OutcomePass {
		t.Fatalf("%s with the example partner: %s %s\n%s", id, c.Outcome, c.Reason, good.stderr)
	}
	sent := false
	for _, x := range c.Exchanges {
		sent = sent || x.Step == "POST /webhook, imported fixture drift" && strings.Contains(x.RequestBody, `"pronouns":`)
	}
	if !sent {
		t.Errorf("%s did not send the imported fixture whole", id)
	}

	broken := fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if bytes.Contains(readBody(r), []byte(`"pronouns":`)) {
			http.Error(w, "unknown attribute pronouns", http.StatusInternalServerError)
			return
		}
		next.ServeHTTP(w, r)
	})}
	bad := runSuite(t, broken.serve(t), "--fixtures", dir, "--focus", id)
	c = bad.check(id)
	if c.Outcome != report.OutcomeFail || !strings.Contains(c.Reason, "imported fixture drift: 500") {
		t.Errorf("%s against a partner failing on the fixture: %s, reason %q; want a failure naming imported fixture drift", id, c.Outcome, c.Reason)
	}

	if r := runSuite(t, fakePartner{}.serve(t), "--fixtures", filepath.Join(dir, "missing")); r.exit != 2 || !strings.Contains(r.stderr, "--fixtures") {
		t.Errorf("a missing --fixtures folder: exit %d, stderr %s; want 2 naming --fixtures", r.exit, r.stderr)
	}
}
