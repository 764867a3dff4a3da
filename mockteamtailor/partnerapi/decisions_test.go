package partnerapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// docs/protocol.md §2.3 Decision: a result for a candidate the mock does
// not hold is a 422 on /data/attributes/candidate-id; one of a sandbox
// candidate is created; Config.AcceptUnknownCandidates relaxes it.
func TestResultUnknownCandidate(t *testing.T) {
	strict := func(c *Config) { c.AcceptUnknownCandidates = false }
	env := newTestEnv(t, strict)
	body := func(id int64) string {
		return fmt.Sprintf(`{"data":{"type":"partner-results","attributes":{"status":"pending","candidate-id":%d}}}`, id)
	}
	r := env.do(t, req{method: "POST", path: "/partner/v1/partner-results", body: body(987654321)})
	want := errDoc(errEntry(422, "Invalid attribute", "candidate-id 987654321 is not a candidate the mock holds: use the candidate id of the webhook (partner-event.candidate.id)", "/data/attributes/candidate-id"))
	if r.status != http.StatusUnprocessableEntity || strings.TrimSpace(string(r.body)) != want {
		t.Errorf("unknown candidate: %d %s\nwant 422 %s", r.status, r.body, want)
	}
	cands, _, err := env.store.Candidates(t.Context(), env.sandbox.Company.UUID, store.Page{Number: 1, Size: 1})
	if err != nil || len(cands) == 0 {
		t.Fatalf("no sandbox candidate: %v", err)
	}
	if r := env.do(t, req{method: "POST", path: "/partner/v1/partner-results", body: body(cands[0].ID)}); r.status != http.StatusCreated {
		t.Errorf("sandbox candidate %d: %d %s, want 201", cands[0].ID, r.status, r.body)
	}
	lenient := newTestEnv(t, func(c *Config) { c.AcceptUnknownCandidates = true })
	if r := lenient.do(t, req{method: "POST", path: "/partner/v1/partner-results", body: body(987654321)}); r.status != http.StatusCreated {
		t.Errorf("with AcceptUnknownCandidates: %d %s, want 201", r.status, r.body)
	}
}

// Every Partner API error document has a body whose status members are
// strings, 401 and 406 included (Teamtailor's clients read the JSON:API
// error, docs/protocol.md §2 Decision).
func TestErrorBodiesHaveStringStatus(t *testing.T) {
	env := newTestEnv(t)
	for _, rq := range []req{
		{method: "GET", path: "/partner/v1/partner-results", header: map[string]string{"Authorization": ""}},
		{method: "GET", path: "/partner/v1/partner-results", header: map[string]string{"Authorization": "Token nope"}},
		{method: "POST", path: "/partner/v1/partner-results", header: map[string]string{"Authorization": ""}},
		{method: "GET", path: "/partner/v1/partner-results", header: map[string]string{"X-Api-Version": ""}},
		{method: "GET", path: "/partner/v1/partner-results?sort=id"},
		{method: "GET", path: "/partner/v1/nope"},
	} {
		r := env.do(t, rq)
		var doc struct {
			Errors []map[string]any `json:"errors"`
		}
		if err := json.Unmarshal(r.body, &doc); err != nil || len(doc.Errors) == 0 {
			t.Errorf("%s %s %v: %d with body %q, want a JSON:API error document", rq.method, rq.path, rq.header, r.status, r.body)
			continue
		}
		for _, e := range doc.Errors {
			if s, ok := e["status"].(string); !ok || s != strconv.Itoa(r.status) {
				t.Errorf("%s %s: error status %#v, want the string %q", rq.method, rq.path, e["status"], strconv.Itoa(r.status))
			}
		}
	}
}
