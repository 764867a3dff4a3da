package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// After reset, a "serve --seed 1" holds exactly what it held at start:
// the same keys, partner settings, jobs and candidates with the same ids.
// The ids it hands out next are new ones: never one it handed out before
// the reset (docs/security.md).
func TestResetIsStartAgain(t *testing.T) {
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--seed", "1")
	base := r.URL
	snapshot := func() map[string]any {
		out := map[string]any{}
		for _, path := range []string{"/mock/v1/keys", "/mock/v1/partners", "/mock/v1/jobs", "/mock/v1/candidates?size=100", "/mock/v1/companies", "/mock/v1/triggers", "/mock/v1/results"} {
			_, body := mustCall(t, http.MethodGet, base+path, "", "", http.StatusOK)
			out[path] = decodeJSON(t, body)
		}
		return out
	}
	// What the next generated candidate gets: its uuid comes from the
	// seeded id source.
	sandbox := regexp.MustCompile(`\(uuid (\S+)\)`).FindStringSubmatch(r.stdout.String())[1]
	next := func() any {
		_, body := mustCall(t, http.MethodPost, base+"/mock/v1/candidates", "", `{"generate": 1, "companyUuid": "`+sandbox+`"}`, http.StatusCreated)
		return decodeJSON(t, body)
	}
	start := snapshot()
	// Generated candidates are sandbox data, the same after a reset; the
	// result id is one the mock hands out.
	generated := next()
	firstResult := createResult(t, base, r.APIKey, "completed", 1, "first after start")
	mustCall(t, http.MethodPost, base+"/mock/v1/reset", "", "", http.StatusOK)
	if diff := cmp.Diff(start, snapshot()); diff != "" {
		t.Fatalf("reset right after start changed the state (-start +reset):\n%s", diff)
	}

	// Change everything README's examples change, then reset.
	mustCall(t, http.MethodPut, base+"/partner/v1/partners/1", r.APIKey, `{"data": {"id": "1", "type": "partners", "attributes": {"base-url": "http://localhost:3000",
		"webhook-config": {"config": {"fields": [{"id": "test", "type": "select", "label": "Test", "options": [{"id": "1", "label": "Sales test"}]}]}}}}}`, http.StatusOK)
	createResult(t, base, r.APIKey, "completed", 1, "before reset")
	mustCall(t, http.MethodPost, base+"/mock/v1/companies", "", `{"fixture": "acme", "uuid": "acme-demo", "seedData": true}`, http.StatusCreated)
	mustCall(t, http.MethodPost, base+"/mock/v1/triggers", "", `{"partnerId": "1", "jobId": 1, "stageId": 3, "data": {"test": "1"}}`, http.StatusCreated)
	mustCall(t, http.MethodPost, base+"/mock/v1/partners", "", `{"id": "staging", "name": "Staging", "baseUrl": "http://localhost:3001"}`, http.StatusCreated)
	mustCall(t, http.MethodPost, base+"/mock/v1/candidates", "", `{"generate": 3, "companyUuid": "`+sandbox+`"}`, http.StatusCreated)
	mustCall(t, http.MethodPost, base+"/mock/v1/reset", "", "", http.StatusOK)

	if diff := cmp.Diff(start, snapshot()); diff != "" {
		t.Errorf("after reset the mock differs from its start (-start +reset):\n%s", diff)
	}
	if diff := cmp.Diff(generated, next()); diff != "" {
		t.Errorf("after reset the candidates generated next differ (-start +reset):\n%s", diff)
	}
	if again := createResult(t, base, r.APIKey, "completed", 1, "first after reset"); again == firstResult {
		t.Errorf("after reset a seeded mock handed out result id %s again", again)
	}
	_, body := mustCall(t, http.MethodGet, base+"/mock/v1/deliveries", "", "", http.StatusOK)
	if strings.Contains(string(body), "localhost:3000") {
		t.Errorf("the journal kept entries from before the reset:\n%s", body)
	}
}

// With --state, a reset is a change like any other: after a restart the
// mock is still at its start state, without what the reset dropped.
func TestResetWithStateSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--seed", "1", "--state", path)
	_, jobs := mustCall(t, http.MethodGet, r.URL+"/mock/v1/jobs", "", "", http.StatusOK)
	id := createResult(t, r.URL, r.APIKey, "completed", 1, "dropped by the reset")
	mustCall(t, http.MethodPost, r.URL+"/mock/v1/reset", "", "", http.StatusOK)
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	r = startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--seed", "1", "--state", path)
	mustCall(t, http.MethodGet, r.URL+"/partner/v1/partner-results/"+id, r.APIKey, "", http.StatusNotFound)
	_, again := mustCall(t, http.MethodGet, r.URL+"/mock/v1/jobs", "", "", http.StatusOK)
	if diff := cmp.Diff(decodeJSON(t, jobs), decodeJSON(t, again)); diff != "" {
		t.Errorf("jobs after reset and restart differ from the start (-start +after):\n%s", diff)
	}
}
