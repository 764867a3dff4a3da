package webui

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// The company webhooks page sets the partner's webhook setup and adds and
// removes company webhooks; a stage move then reaches the example partner
// as job_application.update, shown among the deliveries with its signature
// verified.
func TestWebhooksPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	status, body := e.get("/webhooks")
	if status != 200 {
		t.Fatalf("GET /webhooks: %d", status)
	}
	mustContain(t, body, "Company webhooks", "No company webhooks yet", "Webhook setup of")
	for _, p := range a11yProblems(body) {
		t.Errorf("accessibility: %s", p)
	}
	_, body = e.get("/deliveries")
	mustContain(t, body, `href="/webhooks"`)

	_, body, path := e.post("/webhooks/setup", url.Values{"url": {e.partner.BaseURL + "/teamtailor/events"}, "event": {"job_application.update"}})
	if path != "/webhooks" {
		t.Fatalf("after saving the setup: %s", path)
	}
	mustContain(t, body, "Saved the webhook setup", "/teamtailor/events", "job_application.update")

	_, body, _ = e.post("/webhooks", url.Values{"company": {e.sandbox.Company.UUID}, "url": {"https://hr.example/tt"}, "label": {"HR"}, "version": {"v1"}, "event": {"job.create"}})
	mustContain(t, body, "Added company webhook 1", "HR", "https://hr.example/tt", "job.create")
	if subs := e.srv.Subscriptions(); len(subs) != 1 || subs[0].SignatureVersion != "v1" || subs[0].Label != "HR" {
		t.Errorf("subscriptions %+v", subs)
	}
	status, body, _ = e.post("/webhooks", url.Values{"company": {e.sandbox.Company.UUID}, "url": {"not a url"}})
	if status != 422 {
		t.Errorf("a bad URL: status %d, want 422", status)
	}
	mustContain(t, body, "Not saved", "absolute http or https URL")
	for _, p := range a11yProblems(body) {
		t.Errorf("accessibility of the refusal: %s", p)
	}

	job := e.sandboxJobs("1")[0]
	cands, _, err := e.store.Candidates(ctx, e.sandbox.Company.UUID, store.Page{Size: 1})
	if err != nil || len(cands) == 0 {
		t.Fatal(err)
	}
	if _, err := e.srv.MoveCandidate(ctx, controlapi.MoveRequest{CandidateID: cands[0].ID, JobID: job.ID, StageID: job.Stages[2].ID}); err != nil {
		t.Fatal(err)
	}
	var hooks []store.Delivery
	eventually(t, "the setup's delivery", func() bool {
		hooks, _ = e.store.Journal(ctx, store.JournalFilter{Kind: store.KindCompanyWebhook})
		return len(hooks) == 1
	})
	if hooks[0].Verdict != store.VerdictOK {
		t.Fatalf("delivery %+v", hooks[0])
	}
	_, body = e.get(fmt.Sprintf("/deliveries/%d", hooks[0].ID))
	mustContain(t, body, "Company webhook", "job_application.update", "Teamtailor-Signature", "v1 matches")

	_, body, _ = e.post("/webhooks/1/delete", nil)
	mustContain(t, body, "Removed company webhook 1", "No company webhooks yet")
	_, body, _ = e.post("/webhooks/setup", url.Values{"remove": {"1"}})
	mustContain(t, body, "Removed the webhook setup")
}
