package mockteamtailor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
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

// docs/protocol.md §2.3 Decision: pages of at most 30 by default, as
// Teamtailor's own API client expects; Config.MaxPageSize (serve
// --max-page-size) raises the cap.
func TestPageSizeCap(t *testing.T) {
	if got := DefaultConfig().MaxPageSize; got != 30 {
		t.Errorf("default MaxPageSize = %d, want 30", got)
	}
	env := newTestEnv(t)
	for size, want := range map[int]int{30: http.StatusOK, 31: http.StatusBadRequest} {
		if r := env.do(t, req{method: "GET", path: "/partner/v1/partner-results?page[size]=" + strconv.Itoa(size)}); r.status != want {
			t.Errorf("page[size]=%d: %d, want %d", size, r.status, want)
		}
	}
	wide := newTestEnv(t, func(c *Config) { c.MaxPageSize = 100 })
	if r := wide.do(t, req{method: "GET", path: "/partner/v1/partner-results?page[size]=100"}); r.status != http.StatusOK {
		t.Errorf("MaxPageSize 100, page[size]=100: %d %s", r.status, r.body)
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

// The fault "rate-limit the next result post": the first POST, PUT or
// PATCH of a result gets 429 with Retry-After, other requests pass, and
// the retry is accepted (docs/protocol.md §2 Decision).
func TestResultPostRateLimitFault(t *testing.T) {
	env := newTestEnv(t)
	if _, err := env.server.SetFaults(context.Background(), controlapi.Faults{ResultRateLimited: 1, RetryAfter: 3}); err != nil {
		t.Fatal(err)
	}
	if got := mustFaults(t, env.server); got.ResultRateLimited != 1 || got.RetryAfter != 3 {
		t.Errorf("Faults() = %+v, want the result rate limit shown", got)
	}
	// A read is not a result post: it passes.
	if r := env.do(t, req{method: "GET", path: "/partner/v1/partner-results"}); r.status != http.StatusOK {
		t.Fatalf("GET: %d %s", r.status, r.body)
	}
	create := req{method: "POST", path: "/partner/v1/partner-results", body: `{"data":{"type":"partner-results","attributes":{"status":"pending","candidate-id":1}}}`}
	r := env.do(t, create)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "3" {
		t.Fatalf("first post: %d Retry-After %q, want 429 and 3", r.status, r.header.Get("Retry-After"))
	}
	want := errDoc(errEntry(429, "Too many requests", "rate limit exceeded (fault injected by the mock's control API, PUT /mock/v1/faults); retry after 3 seconds", ""))
	if diff := cmp.Diff(want, strings.TrimSpace(string(r.body))); diff != "" {
		t.Errorf("429 body (-want +got):\n%s", diff)
	}
	id := env.createResult(t, `{"status":"pending","candidate-id":1}`)

	// The library call the conformance suite uses, on an update (PATCH).
	if err := env.server.RateLimitResultPosts(1, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	patch := req{method: "PATCH", path: "/partner/v1/partner-results/" + id, body: `{"data":{"type":"partner-results","id":"` + id + `","attributes":{"status":"completed"}}}`}
	if r := env.do(t, patch); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "2" {
		t.Errorf("first PATCH: %d Retry-After %q, want 429 and 2 (rounded up)", r.status, r.header.Get("Retry-After"))
	}
	if r := env.do(t, patch); r.status != http.StatusOK {
		t.Errorf("retried PATCH: %d %s, want 200", r.status, r.body)
	}
	if f := mustFaults(t, env.server); f.ResultRateLimited != 0 {
		t.Errorf("fault still armed after firing: %+v", f)
	}
	if _, err := env.server.SetFaults(context.Background(), controlapi.Faults{ResultRateLimited: -1}); err == nil {
		t.Error("a negative resultRateLimited was accepted")
	}
}

// docs/protocol.md §5 Decision: triggered-by names the user who moved the
// candidate when the move names one, else the user who set the trigger up.
func TestTriggeredByIsTheMover(t *testing.T) {
	env := newE2EEnv(t)
	company, err := env.store.UpdateCompany(t.Context(), env.sandbox.Company.UUID, func(c *store.Company) error {
		c.Users = append(c.Users, protocol.User{ID: 99001, Email: "mover@example.com", Name: "Mover"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	users := company.Users
	job := env.job(t, 0)
	stage, other := job.Stages[2], job.Stages[3]
	for _, st := range []int64{stage.ID, other.ID} {
		r := env.ctl(t, "POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": st, "userId": users[0].ID, "data": map[string]string{"test_type": "code", "pass_mark": "70"}})
		wantStatus(t, r, http.StatusCreated)
	}
	cand := env.candidate(t, "typical")
	wantStatus(t, env.ctl(t, "POST", fmt.Sprintf("/mock/v1/candidates/%d/move", cand.ID), map[string]any{"jobId": job.ID, "stageId": stage.ID, "userId": users[1].ID}), http.StatusOK)
	wantStatus(t, env.ctl(t, "POST", fmt.Sprintf("/mock/v1/candidates/%d/move", cand.ID), map[string]any{"jobId": job.ID, "stageId": other.ID}), http.StatusOK)
	hooks := env.partner.requests("/webhook")
	if len(hooks) != 2 {
		t.Fatalf("%d webhooks, want 2", len(hooks))
	}
	for i, want := range []int64{users[1].ID, users[0].ID} {
		if j := hookJob(t, hooks[i].Body); j.TriggeredBy == nil || j.TriggeredBy.ID != want {
			t.Errorf("webhook %d: triggered-by %+v, want user %d", i, j.TriggeredBy, want)
		}
	}
}
