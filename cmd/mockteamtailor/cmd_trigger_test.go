package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/syncbuf"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Rule: a manual trigger sends one webhook with the --data values and
// prints its event, result, the partner's status, verdict and delivery.
func TestTriggerManual(t *testing.T) {
	e := newClientEnv(t)
	cand := e.candidate(t)
	stdout, _ := e.mustCLI(t, "trigger", "--candidate", strconv.FormatInt(cand.ID, 10), "--data", "note=hello there")
	hooks := e.webhooks(t)
	if len(hooks) != 1 {
		t.Fatalf("%d webhooks sent, want 1", len(hooks))
	}
	d := hooks[0]
	mustContain(t, "stdout", stdout, "webhook to partner 1: 200 ok", "event      "+d.EventID, "result     "+d.ResultID,
		fmt.Sprintf("mockteamtailor deliveries show %d", d.ID))
	if d.CandidateID != cand.ID || !strings.Contains(d.Request.Body, `"note":"hello there"`) {
		t.Errorf("webhook for candidate %d with body %s; want candidate %d with webhook-data note", d.CandidateID, d.Request.Body, cand.ID)
	}
	res, err := e.client.Result(context.Background(), d.ResultID)
	if err != nil || res.Status != "sent" {
		t.Errorf("result %s = %+v, %v; want status sent", d.ResultID, res, err)
	}
}

// Rule: with --stage the partner gets a trigger on the stage (created once,
// replaced when --data changes) and moving the candidate fires it.
func TestTriggerStage(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	cand := e.candidate(t)
	job, err := e.client.Job(ctx, cand.Applications[0].JobID)
	if err != nil {
		t.Fatal(err)
	}
	stage := strconv.FormatInt(job.Stages[len(job.Stages)-1].ID, 10)
	id := strconv.FormatInt(cand.ID, 10)

	stdout, stderr := e.mustCLI(t, "trigger", "--candidate", id, "--stage", stage, "--data", "note=first")
	mustContain(t, "stderr", stderr, "created trigger")
	mustContain(t, "stdout", stdout, "webhook to partner 1: 200 ok")
	ts, _ := e.client.Triggers(ctx, "1")
	if len(ts) != 1 || ts[0].WebhookData["note"] != "first" || ts[0].JobID != job.ID {
		t.Fatalf("triggers = %+v, want one on job %d with note first", ts, job.ID)
	}
	first := ts[0].ID
	if hooks := e.webhooks(t); len(hooks) != 1 || hooks[0].TriggerID != first {
		t.Fatalf("webhooks = %+v, want one from trigger %d", hooks, first)
	}

	// Moving a candidate into the stage it is in fires nothing, and says so
	// before anything is sent.
	if err, _, _ := e.cli(t, "trigger", "--candidate", id, "--stage", stage); err == nil || !strings.Contains(err.Error(), "already in stage") {
		t.Errorf("trigger into the candidate's current stage: err = %v, want it refused as already in stage", err)
	}
	if hooks := e.webhooks(t); len(hooks) != 1 {
		t.Fatalf("%d webhooks after moving into the current stage, want still 1", len(hooks))
	}
	back := func() {
		t.Helper()
		if _, err := e.client.MoveCandidate(ctx, controlapi.MoveRequest{CandidateID: cand.ID, JobID: job.ID, StageID: job.Stages[0].ID}); err != nil {
			t.Fatal(err)
		}
	}
	back()
	_, stderr = e.mustCLI(t, "trigger", "--candidate", id, "--job", strconv.FormatInt(job.ID, 10), "--stage", stage)
	if strings.Contains(stderr, "trigger") {
		t.Errorf("without --data the existing trigger should be used; stderr:\n%s", stderr)
	}
	back()
	_, stderr = e.mustCLI(t, "trigger", "--candidate", id, "--stage", stage, "--data", "note=second")
	mustContain(t, "stderr", stderr, fmt.Sprintf("replaced trigger %d", first), "created trigger")
	ts, _ = e.client.Triggers(ctx, "1")
	if len(ts) != 1 || ts[0].WebhookData["note"] != "second" {
		t.Errorf("triggers = %+v, want only the one with note second", ts)
	}
	if hooks := e.webhooks(t); len(hooks) != 3 {
		t.Errorf("%d webhooks, want 3", len(hooks))
	}
}

// Rule: --fixture adds a candidate from the fixture to the partner's
// sandbox company and sends it.
func TestTriggerFixture(t *testing.T) {
	e := newClientEnv(t)
	_, stderr := e.mustCLI(t, "trigger", "--fixture", "unicode")
	mustContain(t, "stderr", stderr, "from fixture unicode to "+e.sandbox.Company.Name)
	hooks := e.webhooks(t)
	if len(hooks) != 1 || hooks[0].CompanyUUID != e.sandbox.Company.UUID {
		t.Fatalf("webhooks = %+v, want one in the sandbox company", hooks)
	}
	cand, err := e.client.Candidate(context.Background(), hooks[0].CandidateID)
	if err != nil || cand.CompanyUUID != e.sandbox.Company.UUID || len(cand.Applications) != 1 {
		t.Errorf("candidate = %+v, %v; want a new sandbox candidate with an application", cand, err)
	}
}

// Rule: --bulk N sends N generated candidates in one bulk run and reports
// its progress on stderr: plain lines, as stderr is not a terminal here
// (a bar redrawn with \r is for terminals only).
func TestTriggerBulk(t *testing.T) {
	e := newClientEnv(t)
	stdout, stderr := e.mustCLI(t, "trigger", "--bulk", "20")
	mustContain(t, "stderr", stderr, "added 20 generated candidates", "[####################] 20/20 sent 20 failed 0\n")
	if strings.Contains(stderr, "\r") {
		t.Errorf("progress written with \\r to a non-terminal:\n%q", stderr)
	}
	if !strings.HasPrefix(stdout, "bulk run bulk-") || !strings.Contains(stdout, ": 20 webhooks, 20 sent, 0 failed") {
		t.Errorf("stdout = %q, want the bulk run's summary", stdout)
	}
	hooks := e.webhooks(t)
	if len(hooks) != 20 || hooks[0].BulkRunID == "" {
		t.Fatalf("%d webhooks, want 20 of one bulk run", len(hooks))
	}
	if strings.Contains(hooks[0].Request.Body, `"job"`) {
		t.Errorf("a bulk webhook carries a job: %s", hooks[0].Request.Body)
	}
}

// Rule: --json prints one JSON document with every webhook, and no
// progress bar.
func TestTriggerJSON(t *testing.T) {
	e := newClientEnv(t)
	cand := e.candidate(t)
	stdout, _ := e.mustCLI(t, "trigger", "--candidate", strconv.FormatInt(cand.ID, 10), "--json")
	var rep triggerReport
	decodeInto(t, stdout, &rep)
	if len(rep.Webhooks) != 1 || rep.Webhooks[0].EventID == "" || rep.Webhooks[0].ResultID == "" || rep.Webhooks[0].Response.Status != 200 || rep.BulkRun != nil {
		t.Errorf("report = %+v, want one webhook with event, result and status 200", rep)
	}

	stdout, stderr := e.mustCLI(t, "trigger", "--bulk", "0", "--candidate", strconv.FormatInt(cand.ID, 10), "--json")
	rep = triggerReport{}
	decodeInto(t, stdout, &rep)
	if rep.BulkRun == nil || rep.BulkRun.Total != 1 || !rep.BulkRun.Done || len(rep.Webhooks) != 1 {
		t.Errorf("bulk report = %+v, want a done run of 1 with its webhook", rep)
	}
	if strings.Contains(stderr, "[") {
		t.Errorf("--json drew a progress bar: %q", stderr)
	}
}

// Rule: the exit status is 1 (an error) when a delivery's verdict is not
// ok, and the output still says what happened.
func TestTriggerFailedVerdict(t *testing.T) {
	e := newClientEnv(t)
	e.hookErr.Store(503)
	cand := e.candidate(t)
	err, stdout, _ := e.cli(t, "trigger", "--candidate", strconv.FormatInt(cand.ID, 10))
	if err == nil || !strings.Contains(err.Error(), "did not get verdict ok") {
		t.Fatalf("err = %v, want one saying a verdict was not ok", err)
	}
	mustContain(t, "stdout", stdout, "503 failed", "down for maintenance")

	err, _, stderr := e.cli(t, "trigger", "--bulk", "3")
	if err == nil || !strings.Contains(err.Error(), "did not get verdict ok") {
		t.Errorf("bulk err = %v, want one saying verdicts were not ok", err)
	}
	mustContain(t, "stderr", stderr, "3/3 sent 0 failed 3")
	for _, d := range e.webhooks(t) {
		if d.Verdict != store.VerdictFailed {
			t.Errorf("delivery %d verdict %s, want failed", d.ID, d.Verdict)
		}
	}
}

// Rule: a bulk run to a partner slow to answer shows its progress as it
// goes, not 0 and then done: on a terminal a bar redrawn in place, and
// otherwise plain lines now and then.
func TestTriggerBulkProgressWithASlowPartner(t *testing.T) {
	for _, terminal := range []bool{true, false} {
		t.Run(fmt.Sprintf("terminal=%v", terminal), func(t *testing.T) {
			e := newClientEnv(t)
			gate := make(chan struct{})
			e.gateAfter = 5
			e.gate.Store(&gate)
			defer func(was func(io.Writer) bool) { stderrIsTerminal = was }(stderrIsTerminal)
			stderrIsTerminal = func(io.Writer) bool { return terminal }
			// Not the clock: in a log the run shows each quarter it reaches.
			defer func(was time.Duration) { bulkLogEvery = was }(bulkLogEvery)
			bulkLogEvery = time.Hour

			var out, errOut syncbuf.Buffer
			done := make(chan error, 1)
			go func() {
				done <- run(context.Background(), []string{"trigger", "--bulk", "20", "--mock", e.url}, envFunc(nil), &out, &errOut)
			}()
			// Five webhooks are answered, the others wait: the progress
			// shown must reach 5/20 while the run is under way.
			deadline := time.Now().Add(20 * time.Second)
			for !strings.Contains(errOut.String(), "] 5/20 sent 5 failed 0") {
				if time.Now().After(deadline) {
					close(gate)
					t.Fatalf("no progress shown at 5 of 20 within 20s:\n%q", errOut.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			close(gate)
			if err := <-done; err != nil {
				t.Fatalf("trigger --bulk 20: %v\n%s", err, errOut.String())
			}
			got := errOut.String()
			if terminal {
				if !strings.Contains(got, "\r[#####...............] 5/20 sent 5 failed 0") || !strings.HasSuffix(got, "\r[####################] 20/20 sent 20 failed 0\n") {
					t.Errorf("terminal progress = %q, want a bar redrawn with \\r through 5/20 to 20/20", got)
				}
				return
			}
			if strings.Contains(got, "\r") || !strings.Contains(got, ": [#####...............] 5/20 sent 5 failed 0\n") || !strings.HasSuffix(got, ": [####################] 20/20 sent 20 failed 0\n") {
				t.Errorf("log progress = %q, want plain lines through 5/20 to 20/20", got)
			}
		})
	}
}

// Rule: --fixture with --stage adds the fixture's candidate, which enters
// the job in that stage: the stage's trigger fires once for it.
func TestTriggerFixtureIntoStage(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	jobs, err := e.client.Jobs(ctx, e.sandbox.Company.UUID)
	if err != nil || len(jobs) == 0 {
		t.Fatalf("jobs = %v, %v", jobs, err)
	}
	job := jobs[0]
	for _, st := range []store.Stage{job.Stages[0], job.Stages[len(job.Stages)-1]} {
		e.mustCLI(t, "trigger", "--fixture", "unicode", "--job", strconv.FormatInt(job.ID, 10), "--stage", strconv.FormatInt(st.ID, 10), "--data", "note=x")
		hooks := e.webhooks(t)
		d := hooks[len(hooks)-1]
		if d.TriggerID == 0 {
			t.Fatalf("stage %s: the webhook %+v came from no trigger", st.Name, d)
		}
		cand, err := e.client.Candidate(ctx, d.CandidateID)
		if err != nil {
			t.Fatal(err)
		}
		if app, ok := cand.Application(job.ID); !ok || app.StageID != st.ID || len(cand.Applications) != 1 {
			t.Errorf("stage %s: candidate %d applications %+v, want one, in stage %d of job %d", st.Name, cand.ID, cand.Applications, st.ID, job.ID)
		}
	}
	if n := len(e.webhooks(t)); n != 2 {
		t.Errorf("%d webhooks, want one per trigger run", n)
	}
}

// Rule: the trigger workflow takes the admin model, not a client: run in
// process against the server, it sends and reports what it does over
// the control API.
func TestTriggerWorkflowInProcess(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	cand := e.candidate(t)
	o := triggerOptions{clientOptions: clientOptions{partner: "1"}, candidates: []string{strconv.FormatInt(cand.ID, 10)}, data: []string{"note=in process"}}
	if err := o.check(); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	if err := o.run(ctx, controlapi.Admin(e.server), &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
	}
	hooks := e.webhooks(t)
	if len(hooks) != 1 {
		t.Fatalf("%d webhooks sent, want 1", len(hooks))
	}
	d := hooks[0]
	mustContain(t, "stdout", stdout.String(), "webhook to partner 1: 200 ok", "event      "+d.EventID, "result     "+d.ResultID,
		fmt.Sprintf("mockteamtailor deliveries show %d", d.ID))
	if d.CandidateID != cand.ID || !strings.Contains(d.Request.Body, `"note":"in process"`) {
		t.Errorf("webhook for candidate %d with body %s; want candidate %d with webhook-data note", d.CandidateID, d.Request.Body, cand.ID)
	}
}
