package mockteamtailor

import (
	"net/http"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Validate, then act: a dry run of a manual trigger or of a stage
// trigger checks the values against the partner's form, answers with
// the problem, and stores and sends nothing; its config fetch is
// journaled as one made only for a form.
func TestControlDryRuns(t *testing.T) {
	env := newE2EEnv(t)
	job := env.job(t, 0)
	cand := env.candidate(t, "typical")
	good := map[string]string{"test_type": "code"}
	bad := map[string]string{"test_type": "essay"}
	for _, tc := range []struct {
		name, path string
		body       map[string]any
		status     int
	}{
		{"manual, good values", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "candidateId": cand.ID, "data": good, "dryRun": true}, http.StatusOK},
		{"manual, bad values", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "candidateId": cand.ID, "data": bad, "dryRun": true}, http.StatusUnprocessableEntity},
		{"manual without a candidate", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "data": good, "dryRun": true}, http.StatusOK},
		{"manual without a candidate, bad values", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "data": bad, "dryRun": true}, http.StatusUnprocessableEntity},
		{"manual without a candidate or job", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "data": good, "dryRun": true}, http.StatusUnprocessableEntity},
		{"manual without a candidate, unknown stage", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": 99999, "dryRun": true}, http.StatusUnprocessableEntity},
		{"stage trigger, good values", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": job.Stages[1].ID, "data": good, "dryRun": true}, http.StatusOK},
		{"stage trigger, bad values", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": job.Stages[1].ID, "data": bad, "dryRun": true}, http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantStatus(t, env.ctl(t, "POST", tc.path, tc.body), tc.status)
		})
	}
	if n := len(env.partner.requests("/webhook")); n != 0 {
		t.Errorf("%d webhooks sent by dry runs, want 0", n)
	}
	if ts, err := env.store.Triggers(t.Context(), ""); err != nil || len(ts) != 0 {
		t.Errorf("triggers after dry runs = %+v, %v; want none", ts, err)
	}
	ds, err := env.store.Journal(t.Context(), store.JournalFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) == 0 {
		t.Fatal("no config fetch journaled")
	}
	for _, d := range ds {
		if d.Kind != store.KindConfig || d.Purpose != store.PurposeForm {
			t.Errorf("journal entry %d: kind %s, purpose %q; want config fetches for a form only", d.ID, d.Kind, d.Purpose)
		}
	}
	// stageId is for a dry run without a candidate only.
	wantStatus(t, env.ctl(t, "POST", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "candidateId": cand.ID, "stageId": job.Stages[0].ID}), http.StatusUnprocessableEntity)
}
