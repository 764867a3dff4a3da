package mockteamtailor

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// hookJob decodes partner-event.candidate.job of a webhook body.
func hookJob(t *testing.T, body []byte) protocol.EventJob {
	t.Helper()
	var b protocol.WebhookBody
	if err := json.Unmarshal(body, &b); err != nil || b.PartnerEvent.Candidate.Job == nil {
		t.Fatalf("webhook without job (%v): %s", err, body)
	}
	return *b.PartnerEvent.Candidate.Job
}

// Rejecting an application makes the next webhook for it carry
// job.status.rejected true; un-rejecting makes it false again. The
// control route and the library operation are one (docs/protocol.md §5).
func TestRejectAndUnreject(t *testing.T) {
	env := newE2EEnv(t)
	typical := env.candidate(t, "typical")
	job := typical.Applications[0].JobID

	r := env.ctl(t, "POST", "/mock/v1/candidates/"+itoa(typical.ID)+"/reject", map[string]any{})
	wantStatus(t, r, http.StatusOK)
	got := decodeAs[controlapi.RejectResult](t, r)
	if !got.Rejected || got.JobID != job || got.Unchanged {
		t.Errorf("reject: %+v, want rejected on job %d", got, job)
	}
	env.manual(t, typical.ID, nil)
	if j := hookJob(t, env.partner.requests("/webhook")[0].Body); !j.Status.Rejected {
		t.Errorf("webhook after reject: job.status %+v, want rejected", j.Status)
	}
	// Rejecting again changes nothing.
	if again, err := env.server.RejectApplication(t.Context(), controlapi.RejectRequest{CandidateID: typical.ID}); err != nil || !again.Unchanged {
		t.Errorf("second reject: %+v, %v; want unchanged", again, err)
	}
	if _, err := env.server.RejectApplication(t.Context(), controlapi.RejectRequest{CandidateID: typical.ID, JobID: job, Undo: true}); err != nil {
		t.Fatal(err)
	}
	env.manual(t, typical.ID, nil)
	if j := hookJob(t, env.partner.requests("/webhook")[1].Body); j.Status.Rejected {
		t.Errorf("webhook after un-reject: job.status %+v, want not rejected", j.Status)
	}

	// Bad requests are 4xx with a message, never a 5xx.
	for _, tt := range []struct {
		path   string
		body   any
		status int
	}{
		{"/mock/v1/candidates/999999/reject", nil, http.StatusNotFound},
		{"/mock/v1/candidates/" + itoa(typical.ID) + "/reject", map[string]any{"jobId": 424242}, http.StatusUnprocessableEntity},
		{"/mock/v1/candidates/" + itoa(typical.ID) + "/reject", `{"jobId": "x"}`, http.StatusUnprocessableEntity},
		{"/mock/v1/candidates/" + itoa(typical.ID) + "/reject", `{"rejected": true}`, http.StatusBadRequest},
		{"/mock/v1/candidates/nope/reject", nil, http.StatusNotFound},
	} {
		if r := env.ctl(t, "POST", tt.path, tt.body); r.status != tt.status {
			t.Errorf("POST %s %v: %d %s, want %d", tt.path, tt.body, r.status, r.body, tt.status)
		}
	}
}

// The sandbox's jobs carry custom fields, and a webhook on a job carries
// them as job.custom-fields, one-key objects like the candidate's
// (docs/protocol.md §1.1).
func TestWebhookCarriesJobCustomFields(t *testing.T) {
	env := newE2EEnv(t)
	typical := env.candidate(t, "typical")
	stored, err := env.store.Job(t.Context(), typical.Applications[0].JobID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.CustomFields) == 0 {
		t.Fatalf("sandbox job %q has no custom fields", stored.Title)
	}
	env.manual(t, typical.ID, nil)
	var raw struct {
		PartnerEvent struct {
			Candidate struct {
				Job struct {
					CustomFields []map[string]map[string]any `json:"custom-fields"`
				} `json:"job"`
			} `json:"candidate"`
		} `json:"partner-event"`
	}
	if err := json.Unmarshal(env.partner.onlyHook(t).Body, &raw); err != nil {
		t.Fatal(err)
	}
	want := []map[string]map[string]any{
		{"salary-range": {"value": "55 000–70 000 SEK per month", "type": "text"}},
		{"remote-policy": {"value": []any{"Hybrid"}, "type": "select"}},
		{"hiring-manager-email": {"value": "mikael.oberg@acme.example.com", "type": "email"}},
	}
	if diff := cmp.Diff(want, raw.PartnerEvent.Candidate.Job.CustomFields); diff != "" {
		t.Errorf("job.custom-fields (-want +got):\n%s", diff)
	}
}

// A manual trigger with Twice sends one event twice, the second after the
// first answer: same event id, same result, both signed, the second
// journaled as a replay of the first (docs/protocol.md §1.3).
func TestManualTriggerTwice(t *testing.T) {
	env := newE2EEnv(t)
	typical := env.candidate(t, "typical")
	r := env.ctl(t, "POST", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "candidateId": typical.ID, "twice": true})
	wantStatus(t, r, http.StatusOK)
	out := decodeAs[controlapi.Outcome](t, r)
	if out.Again == nil {
		t.Fatalf("no second sending in %s", r.body)
	}
	hooks := env.partner.requests("/webhook")
	if len(hooks) != 2 {
		t.Fatalf("the partner got %d webhooks, want 2", len(hooks))
	}
	if string(hooks[0].Body) != string(hooks[1].Body) {
		t.Errorf("the two bodies differ:\n%s\n%s", hooks[0].Body, hooks[1].Body)
	}
	for i, h := range hooks {
		if h.SigErr != nil {
			t.Errorf("webhook %d: signature: %v", i, h.SigErr)
		}
	}
	first, again := out.Delivery, out.Again.Delivery
	if first.EventID == "" || again.EventID != first.EventID || again.ResultID != first.ResultID || again.ReplayOf != first.ID || again.ID <= first.ID {
		t.Errorf("deliveries %+v then %+v: want one event and result, the second a replay of the first", first, again)
	}
	results, err := env.store.AllResults(t.Context(), store.ResultFilter{EventID: first.EventID})
	if err != nil || len(results) != 1 {
		t.Errorf("results of the event: %d, %v; want exactly 1", len(results), err)
	}

	// The library operation the conformance suite's embedded mock uses.
	w, err := env.server.PrepareWebhook(t.Context(), PrepareRequest{PartnerID: "1", CandidateID: typical.ID, JobID: typical.Applications[0].JobID})
	if err != nil {
		t.Fatal(err)
	}
	twice, err := env.server.DeliverTwice(t.Context(), w)
	if err != nil || twice.Again == nil || twice.Delivery.EventID != w.EventID || twice.Again.Delivery.EventID != w.EventID {
		t.Errorf("DeliverTwice: %+v, %v", twice, err)
	}
	if n := len(env.partner.requests("/webhook")); n != 4 {
		t.Errorf("after DeliverTwice the partner got %d webhooks in all, want 4", n)
	}
}

// Replaying a journaled webhook keeps its event id and result by default;
// keepEventId false sends it as a new event with a fresh id and result.
func TestReplayDeliveryKeepEventID(t *testing.T) {
	env := newE2EEnv(t)
	first := env.manual(t, env.candidate(t, "typical").ID, nil).Delivery
	kept := decodeAs[store.Delivery](t, env.ctl(t, "POST", "/mock/v1/deliveries/"+itoa(first.ID)+"/replay", nil))
	if kept.EventID != first.EventID || kept.ResultID != first.ResultID {
		t.Errorf("replay: event %s result %s, want %s and %s kept", kept.EventID, kept.ResultID, first.EventID, first.ResultID)
	}
	kept2 := decodeAs[store.Delivery](t, env.ctl(t, "POST", "/mock/v1/deliveries/"+itoa(first.ID)+"/replay", map[string]any{"keepEventId": true}))
	if kept2.EventID != first.EventID {
		t.Errorf("keepEventId true: event %s, want %s", kept2.EventID, first.EventID)
	}
	fresh := decodeAs[store.Delivery](t, env.ctl(t, "POST", "/mock/v1/deliveries/"+itoa(first.ID)+"/replay", map[string]any{"keepEventId": false}))
	if fresh.EventID == "" || fresh.EventID == first.EventID || fresh.ResultID == first.ResultID || fresh.Verdict != store.VerdictOK {
		t.Errorf("keepEventId false: %+v, want a new event and result", fresh)
	}
	hooks := env.partner.requests("/webhook")
	if got := eventIDOf(hooks[len(hooks)-1].Body); got != fresh.EventID || hooks[len(hooks)-1].SigErr != nil {
		t.Errorf("the partner got event %s (signature %v), want %s", got, hooks[len(hooks)-1].SigErr, fresh.EventID)
	}
	// Only a webhook has an event id to renew.
	cfgs, err := env.store.Journal(t.Context(), store.JournalFilter{Kind: store.KindConfig})
	if err != nil || len(cfgs) == 0 {
		t.Fatalf("no config fetch journaled: %v", err)
	}
	if r := env.ctl(t, "POST", "/mock/v1/deliveries/"+itoa(cfgs[0].ID)+"/replay", map[string]any{"keepEventId": false}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("keepEventId false on a config fetch: %d %s, want 422", r.status, r.body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Custom field mapping applies to the job's custom fields as to the
// candidate's: a mapped company field the job has a value in is added to
// job.custom-fields under the partner's apiName with mapped-from; one the
// job has no value in is not (docs/protocol.md §4).
func TestJobCustomFieldMapping(t *testing.T) {
	spec := EventSpec{
		Candidate: store.CandidateRecord{ID: 7},
		Job: &store.Job{ID: 1, Title: "Developer", CustomFields: []protocol.CustomField{
			{APIName: "salary-range", Value: json.RawMessage(`"55 000 SEK"`), Type: "text"},
			{APIName: "empty", Value: json.RawMessage(`null`), Type: "text"},
		}},
		Activation: store.Activation{Mappings: []store.FieldMapping{
			{APIName: "pay", MappedFrom: "salary-range", Type: "text"},
			{APIName: "nothing", MappedFrom: "empty", Type: "text"},
		}},
	}
	got := BuildCandidate(spec).Job.CustomFields
	want := []protocol.CustomField{
		{APIName: "salary-range", Value: json.RawMessage(`"55 000 SEK"`), Type: "text"},
		{APIName: "empty", Value: json.RawMessage(`null`), Type: "text"},
		{APIName: "pay", Value: json.RawMessage(`"55 000 SEK"`), Type: "text", MappedFrom: "salary-range"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("job custom fields (-want +got):\n%s", diff)
	}
}
