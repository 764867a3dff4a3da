package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Rule: "reject" rejects the candidate's application and "--undo" takes
// it back; the candidate's stored application says so either way.
func TestRejectCommand(t *testing.T) {
	e := newClientEnv(t)
	c := e.candidate(t)
	id := strconv.FormatInt(c.ID, 10)
	stdout, _ := e.mustCLI(t, "reject", id)
	mustContain(t, "reject", stdout, "is rejected on job")
	mustContain(t, "reject", stdout, "job.status.rejected: true")
	if got := e.application(t, c.ID); !got.Rejected {
		t.Errorf("after reject: %+v, want rejected", got)
	}
	stdout, _ = e.mustCLI(t, "reject", id, "--json")
	var out controlapi.RejectResult
	decodeInto(t, stdout, &out)
	if !out.Rejected || !out.Unchanged {
		t.Errorf("second reject --json = %+v, want rejected and unchanged", out)
	}
	stdout, _ = e.mustCLI(t, "reject", id, "--undo")
	mustContain(t, "reject --undo", stdout, "is not rejected")
	if got := e.application(t, c.ID); got.Rejected {
		t.Errorf("after --undo: %+v, want not rejected", got)
	}
	for _, args := range [][]string{{"reject", "x"}, {"reject", id, "--job", "424242"}, {"reject"}} {
		if err, _, _ := e.cli(t, args...); err == nil {
			t.Errorf("%q succeeded", args)
		}
	}
}

// application returns a candidate's first application.
func (e *clientEnv) application(t *testing.T, id int64) store.Application {
	t.Helper()
	c, err := e.client.Candidate(t.Context(), id)
	if err != nil || len(c.Applications) == 0 {
		t.Fatalf("candidate %d: %+v, %v", id, c, err)
	}
	return c.Applications[0]
}

// Rule: "trigger --twice" sends one event twice: two webhook entries with
// one event id and result, the second a replay of the first; with --stage
// or --bulk it is refused before anything is sent.
func TestTriggerTwice(t *testing.T) {
	e := newClientEnv(t)
	c := e.candidate(t)
	stdout, _ := e.mustCLI(t, "trigger", "--candidate", strconv.FormatInt(c.ID, 10), "--twice", "--json")
	var rep triggerReport
	decodeInto(t, stdout, &rep)
	if len(rep.Webhooks) != 2 {
		t.Fatalf("--twice reported %d webhooks, want 2: %s", len(rep.Webhooks), stdout)
	}
	a, b := rep.Webhooks[0], rep.Webhooks[1]
	if a.EventID != b.EventID || a.ResultID != b.ResultID || b.ReplayOf != a.ID {
		t.Errorf("webhooks %+v and %+v: want one event and result, the second a replay of the first", a, b)
	}
	if n := len(e.webhooks(t)); n != 2 {
		t.Errorf("the journal holds %d webhooks, want 2", n)
	}
	err, _, stderr := e.cli(t, "trigger", "--candidate", strconv.FormatInt(c.ID, 10), "--twice", "--bulk", "0")
	if err == nil || !strings.Contains(err.Error()+stderr, "--twice repeats a manual trigger") {
		t.Errorf("--twice --bulk: %v %s", err, stderr)
	}
}

// Rule: "deliveries replay" keeps the event id and result, and
// --keep-event-id=false sends the webhook as a new event.
func TestDeliveriesReplayKeepEventID(t *testing.T) {
	e := newClientEnv(t)
	d := e.trigger(t)
	id := strconv.FormatInt(d.ID, 10)
	var kept, fresh store.Delivery
	stdout, _ := e.mustCLI(t, "deliveries", "replay", "--keep-event-id", id, "--json")
	decodeInto(t, stdout, &kept)
	if kept.EventID != d.EventID || kept.ResultID != d.ResultID {
		t.Errorf("--keep-event-id: %+v, want event %s and result %s", kept, d.EventID, d.ResultID)
	}
	stdout, _ = e.mustCLI(t, "deliveries", "replay", "--keep-event-id=false", id, "--json")
	decodeInto(t, stdout, &fresh)
	if fresh.EventID == d.EventID || fresh.ResultID == d.ResultID || fresh.EventID == "" {
		t.Errorf("--keep-event-id=false: %+v, want a new event and result", fresh)
	}
}
