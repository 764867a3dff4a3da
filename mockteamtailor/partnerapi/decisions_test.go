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
	r := env.do(t, req{Method: "POST", Path: "/partner/v1/partner-results", Body: body(987654321)})
	want := errDoc(errEntry(422, "Invalid attribute", "candidate-id 987654321 is not a candidate the mock holds: use the candidate id of the webhook (partner-event.candidate.id)", "/data/attributes/candidate-id"))
	if r.Status != http.StatusUnprocessableEntity || strings.TrimSpace(string(r.Body)) != want {
		t.Errorf("unknown candidate: %d %s\nwant 422 %s", r.Status, r.Body, want)
	}
	cands, _, err := env.store.Candidates(t.Context(), env.sandbox.Company.UUID, store.Page{Number: 1, Size: 1})
	if err != nil || len(cands) == 0 {
		t.Fatalf("no sandbox candidate: %v", err)
	}
	if r := env.do(t, req{Method: "POST", Path: "/partner/v1/partner-results", Body: body(cands[0].ID)}); r.Status != http.StatusCreated {
		t.Errorf("sandbox candidate %d: %d %s, want 201", cands[0].ID, r.Status, r.Body)
	}
	lenient := newTestEnv(t, func(c *Config) { c.AcceptUnknownCandidates = true })
	if r := lenient.do(t, req{Method: "POST", Path: "/partner/v1/partner-results", Body: body(987654321)}); r.Status != http.StatusCreated {
		t.Errorf("with AcceptUnknownCandidates: %d %s, want 201", r.Status, r.Body)
	}
}

// Every Partner API error document has a body whose status members are
// strings, 401 and 406 included (Teamtailor's clients read the JSON:API
// error, docs/protocol.md §2 Decision).
func TestErrorBodiesHaveStringStatus(t *testing.T) {
	env := newTestEnv(t)
	for _, rq := range []req{
		{Method: "GET", Path: "/partner/v1/partner-results", Header: map[string]string{"Authorization": ""}},
		{Method: "GET", Path: "/partner/v1/partner-results", Header: map[string]string{"Authorization": "Token nope"}},
		{Method: "POST", Path: "/partner/v1/partner-results", Header: map[string]string{"Authorization": ""}},
		{Method: "GET", Path: "/partner/v1/partner-results", Header: map[string]string{"X-Api-Version": ""}},
		{Method: "GET", Path: "/partner/v1/partner-results?sort=id"},
		{Method: "GET", Path: "/partner/v1/nope"},
	} {
		r := env.do(t, rq)
		var doc struct {
			Errors []map[string]any `json:"errors"`
		}
		if err := json.Unmarshal(r.Body, &doc); err != nil || len(doc.Errors) == 0 {
			t.Errorf("%s %s %v: %d with body %q, want a JSON:API error document", rq.Method, rq.Path, rq.Header, r.Status, r.Body)
			continue
		}
		for _, e := range doc.Errors {
			if s, ok := e["status"].(string); !ok || s != strconv.Itoa(r.Status) {
				t.Errorf("%s %s: error status %#v, want the string %q", rq.Method, rq.Path, e["status"], strconv.Itoa(r.Status))
			}
		}
	}
}
