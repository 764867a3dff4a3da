package mockclient_test

import (
	"context"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// Rule: the client reaches the situations the mock produces on demand:
// reject and un-reject, one event twice, a replay as a new event, and the
// 429 fault on result posts.
func TestSituationsRoundTrip(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cand := e.candidate(t)
	rej, err := e.client.RejectApplication(ctx, controlapi.RejectRequest{CandidateID: cand.ID})
	if err != nil || !rej.Rejected || rej.Candidate.ID != cand.ID || !rej.Candidate.Applications[0].Rejected {
		t.Fatalf("Reject = %+v, %v", rej, err)
	}
	if undo, err := e.client.RejectApplication(ctx, controlapi.RejectRequest{CandidateID: cand.ID, Undo: true}); err != nil || undo.Rejected {
		t.Errorf("Reject undo = %+v, %v", undo, err)
	}
	out, err := e.client.ManualTrigger(ctx, controlapi.ManualRequest{PartnerID: "1", CandidateID: cand.ID, Twice: true})
	if err != nil || out.Again == nil || out.Again.Delivery.EventID != out.Delivery.EventID || out.Again.Delivery.ReplayOf != out.Delivery.ID {
		t.Fatalf("ManualTrigger twice = %+v, %v", out, err)
	}
	fresh, err := e.client.ReplayAsNewEvent(ctx, out.Delivery.ID)
	if err != nil || fresh.EventID == out.Delivery.EventID || fresh.ResultID == out.Delivery.ResultID {
		t.Errorf("ReplayAsNewEvent = %+v, %v; want a new event and result", fresh, err)
	}
	f, err := e.client.SetFaults(ctx, controlapi.Faults{ResultRateLimited: 2, RetryAfter: 5})
	if err != nil || f.ResultRateLimited != 2 || f.RetryAfter != 5 {
		t.Errorf("SetFaults = %+v, %v", f, err)
	}
}
