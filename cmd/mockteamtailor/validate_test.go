package main

import (
	"context"
	"strconv"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// Validate, then act: a trigger whose flags name anything that does not
// check out adds no candidate and sends nothing.
func TestTriggerValidatesBeforeActing(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	count := func() int {
		page, err := e.client.Candidates(ctx, e.sandbox.Company.UUID, 1, 100)
		if err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	cand := e.candidate(t)
	id := strconv.FormatInt(cand.ID, 10)
	jobs, err := e.client.Jobs(ctx, e.sandbox.Company.UUID)
	if err != nil || len(jobs) < 2 {
		t.Fatalf("jobs = %v, %v", jobs, err)
	}
	otherStage := strconv.FormatInt(jobs[1].Stages[0].ID, 10) // a stage of a job the candidate has not applied to
	before := count()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown second candidate", []string{"trigger", "--candidate", id, "--candidate", "999999"}, "999999"},
		{"stage of another job", []string{"trigger", "--candidate", id, "--stage", otherStage}, "give --job"},
		{"bulk with a field the form lacks", []string{"trigger", "--bulk", "5", "--data", "nope=x"}, `no field "nope"`},
		{"unknown fixture", []string{"trigger", "--fixture", "no-such", "--bulk", "3"}, "not a candidate or imported fixture"},
		{"fixture with a field the form lacks", []string{"trigger", "--fixture", "unicode", "--data", "nope=x"}, `no field "nope"`},
		{"fixture into a stage with a field the form lacks", []string{"trigger", "--fixture", "unicode", "--stage", otherStage, "--data", "nope=x"}, `no field "nope"`},
		{"candidate with a field the form lacks", []string{"trigger", "--candidate", id, "--data", "nope=x"}, `no field "nope"`},
		{"candidate into a stage with a field the form lacks", []string{"trigger", "--candidate", id, "--job", strconv.FormatInt(jobs[1].ID, 10), "--stage", strconv.FormatInt(jobs[1].Stages[1].ID, 10), "--data", "nope=x"}, `no field "nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err, _, _ := e.cli(t, tc.args...)
			if err == nil {
				t.Fatalf("run %q succeeded", tc.args)
			}
			mustContain(t, "error", err.Error(), tc.want)
			if n := len(e.webhooks(t)); n != 0 {
				t.Errorf("%d webhooks sent before the error", n)
			}
			if got := count(); got != before {
				t.Errorf("%d candidates after the error, want %d as before", got, before)
			}
			if got, err := e.client.Candidate(ctx, cand.ID); err != nil || len(got.Applications) != len(cand.Applications) {
				t.Errorf("candidate %d applications changed: %+v", cand.ID, got.Applications)
			}
			if ts, err := e.client.Triggers(ctx, "1"); err != nil || len(ts) != 0 {
				t.Errorf("triggers after the error = %+v, %v; want none", ts, err)
			}
		})
	}
	// A partner that does not allow bulk mode: refused before the
	// candidates are added.
	if _, err := e.client.UpdatePartner(ctx, "1", controlapi.PartnerInput{AllowBulk: controlapi.Ptr(false)}); err != nil {
		t.Fatal(err)
	}
	err, _, _ = e.cli(t, "trigger", "--bulk", "4")
	if err == nil {
		t.Fatal("bulk run for a partner without bulk mode succeeded")
	}
	mustContain(t, "error", err.Error(), "allowBulk")
	if got := count(); got != before {
		t.Errorf("%d candidates after a refused bulk run, want %d", got, before)
	}
}

// Validate, then act: moving candidates into a stage whose trigger
// belongs to a partner no longer activated in the company is refused
// before any candidate moves.
func TestTriggerStageChecksTheActivationFirst(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	cand := e.candidate(t)
	job, err := e.client.Job(ctx, cand.Applications[0].JobID)
	if err != nil {
		t.Fatal(err)
	}
	stage := job.Stages[len(job.Stages)-1].ID
	if _, err := e.client.CreateTrigger(ctx, controlapi.TriggerRequest{PartnerID: "1", JobID: job.ID, StageID: stage, Data: map[string]string{"note": "x"}}); err != nil {
		t.Fatal(err)
	}
	acts, err := e.client.Activations(ctx, "1")
	if err != nil || len(acts) == 0 {
		t.Fatalf("activations = %v, %v", acts, err)
	}
	if err := e.client.Deactivate(ctx, acts[0].ID); err != nil {
		t.Fatal(err)
	}
	err, _, _ = e.cli(t, "trigger", "--candidate", strconv.FormatInt(cand.ID, 10), "--job", strconv.FormatInt(job.ID, 10), "--stage", strconv.FormatInt(stage, 10))
	if err == nil {
		t.Fatal("a stage trigger of a deactivated partner succeeded")
	}
	mustContain(t, "error", err.Error(), "not activated")
	got, err := e.client.Candidate(ctx, cand.ID)
	if err != nil {
		t.Fatal(err)
	}
	if app, _ := got.Application(job.ID); app.StageID == stage {
		t.Errorf("candidate %d was moved into stage %d before the error", cand.ID, stage)
	}
}
