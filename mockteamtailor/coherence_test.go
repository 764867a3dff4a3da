package mockteamtailor

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// A replay to a partner that is down now never moves a completed result
// back: the journal records the failed call, the result stays completed.
func TestReplayNeverMovesACompletedResultBack(t *testing.T) {
	env := newE2EEnv(t)
	out := env.manual(t, env.candidate(t, "typical").ID, nil)
	r := partnerAPI(t, "PATCH", env.server.ResultURL(out.Result.ID), e2eKey1,
		`{"data": {"type": "partner-results", "id": "`+out.Result.ID+`", "attributes": {"status": "completed", "summary": "done"}}}`)
	wantStatus(t, r, http.StatusOK)
	env.partner.handle("/webhook", serveDoc(http.StatusServiceUnavailable, "down for maintenance"))
	r = env.ctl(t, "POST", fmt.Sprintf("/mock/v1/deliveries/%d/replay", out.Delivery.ID), nil)
	wantStatus(t, r, http.StatusOK)
	if d := decodeAs[store.Delivery](t, r); d.Verdict == store.VerdictOK {
		t.Errorf("replay to a partner answering 503 has verdict %q", d.Verdict)
	}
	res := decodeAs[controlapi.Result](t, env.ctl(t, "GET", "/mock/v1/results/"+out.Result.ID, nil))
	if res.Status != "completed" || res.Summary == nil || *res.Summary != "done" {
		t.Errorf("after a failed replay the result is %q (summary %v), want it completed as the partner left it", res.Status, res.Summary)
	}
}

// Moving a candidate into the stage it is in changes nothing, fires no
// trigger, and says so.
func TestMoveIntoCurrentStageIsANoOp(t *testing.T) {
	env := newE2EEnv(t)
	job := env.job(t, 0)
	cand := env.candidate(t, "typical")
	stage := job.Stages[2].ID
	wantStatus(t, env.ctl(t, "POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": stage}), http.StatusCreated)
	move := func() controlapi.MoveResult {
		r := env.ctl(t, "POST", fmt.Sprintf("/mock/v1/candidates/%d/move", cand.ID), map[string]any{"jobId": job.ID, "stageId": stage})
		wantStatus(t, r, http.StatusOK)
		return decodeAs[controlapi.MoveResult](t, r)
	}
	if first := move(); len(first.Outcomes) != 1 || first.Unchanged {
		t.Fatalf("first move: %d webhooks, unchanged %v; want 1 webhook", len(first.Outcomes), first.Unchanged)
	}
	again := move()
	if len(again.Outcomes) != 0 || !again.Unchanged || len(again.Skipped) != 1 || !strings.Contains(again.Skipped[0], "already in stage") {
		t.Errorf("moving into the current stage: %+v; want no webhook, unchanged, and why", again)
	}
	if n := len(env.partner.requests("/webhook")); n != 1 {
		t.Errorf("%d webhooks sent, want 1", n)
	}
}

// One trigger per stage and partner, in the API as in the CLI: a new
// trigger on a stage replaces the partner's trigger there.
func TestTriggerReplacesThePartnersTriggerOnTheStage(t *testing.T) {
	env := newE2EEnv(t)
	job := env.job(t, 0)
	create := func(note string) store.Trigger {
		r := env.ctl(t, "POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": job.Stages[1].ID, "data": map[string]string{"pass_mark": note}})
		wantStatus(t, r, http.StatusCreated)
		return decodeAs[store.Trigger](t, r)
	}
	first := create("10")
	second := create("20")
	if len(second.Replaced) != 1 || second.Replaced[0] != first.ID {
		t.Errorf("second trigger replaced %v, want [%d]", second.Replaced, first.ID)
	}
	ts := decodeAs[struct{ Triggers []store.Trigger }](t, env.ctl(t, "GET", "/mock/v1/triggers", nil)).Triggers
	if len(ts) != 1 || ts[0].ID != second.ID || ts[0].WebhookData["pass-mark"] != "20" {
		t.Errorf("triggers = %+v, want only the second", ts)
	}
	// Another stage keeps its own.
	r := env.ctl(t, "POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": job.Stages[2].ID})
	wantStatus(t, r, http.StatusCreated)
	if ts := decodeAs[struct{ Triggers []store.Trigger }](t, env.ctl(t, "GET", "/mock/v1/triggers", nil)).Triggers; len(ts) != 2 {
		t.Errorf("%d triggers after one on another stage, want 2", len(ts))
	}
}

// A bulk dry run checks everything and sends nothing, so a client can
// check before it adds candidates; a refused one says why.
func TestBulkDryRun(t *testing.T) {
	env := newE2EEnv(t)
	r := env.ctl(t, "POST", "/mock/v1/bulk-triggers", map[string]any{"partnerId": "1", "companyUuid": env.sandbox.Company.UUID, "dryRun": true})
	wantStatus(t, r, http.StatusOK)
	env.patchPartner(t, "1", map[string]any{"allowBulk": false})
	r = env.ctl(t, "POST", "/mock/v1/bulk-triggers", map[string]any{"partnerId": "1", "companyUuid": env.sandbox.Company.UUID, "dryRun": true})
	wantStatus(t, r, http.StatusConflict)
	if n := len(env.partner.requests("/webhook")); n != 0 {
		t.Errorf("a dry run sent %d webhooks", n)
	}
}
