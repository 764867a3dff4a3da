package mockteamtailor

import (
	"context"
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
