package partnerapi

import (
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/internal/secret"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// An update served by the hot route is journaled as any request: the
// body as sent, the response as answered, the key masked, each partner's
// own, the rate-limit headers, and the result it touched.
func TestPartnerAPIJournalKeepsHotUpdates(t *testing.T) {
	env := newTestEnv(t)
	id := env.createResult(t, `{"status":"sent","candidate-id":7}`)
	bodies := []string{
		`{"data":{"type":"partner-results","id":"` + id + `","attributes":{"status":"completed","summary":"Scored 95 % — very <good> & fast","details":{"b":1,"a":[1,"x"]}}}}`,
		`{"data":{"type":"partner-results","attributes":{"status":"bogus"}}}`,
	}
	answers := make([]response, len(bodies))
	for i, body := range bodies {
		answers[i] = env.do(t, req{Method: "PATCH", Path: "/partner/v1/partner-results/" + id, Body: body})
	}
	env.key = env.otherKey
	other := env.do(t, req{Method: "PUT", Path: "/partner/v1/partner-results/" + id, Body: bodies[0]})
	if answers[0].Status != 200 || answers[1].Status != 422 || other.Status != 403 {
		t.Fatalf("statuses %d, %d, %d; want 200, 422, 403", answers[0].Status, answers[1].Status, other.Status)
	}
	ds, err := env.store.Journal(t.Context(), store.JournalFilter{Kind: store.KindPartnerAPI, ResultID: id})
	if err != nil || len(ds) != 3 {
		t.Fatalf("journal: %d entries, %v; want 3", len(ds), err)
	}
	for i, want := range []struct {
		partner, key, method, body string
		answer                     response
		verdict, reason            string
	}{
		{"1", "key-one", "PATCH", bodies[0], answers[0], store.VerdictOK, "PATCH /partner/v1/partner-results/" + id + " answered 200"},
		{"1", "key-one", "PATCH", bodies[1], answers[1], store.VerdictFailed, "PATCH /partner/v1/partner-results/" + id + " answered 422: /data/attributes/status: status must be one of"},
		{"2", "key-two", "PUT", bodies[0], other, store.VerdictFailed, "PUT /partner/v1/partner-results/" + id + " answered 403"},
	} {
		d := ds[i]
		if d.PartnerID != want.partner || d.Request.Method != want.method || d.Request.Body != want.body || d.Request.BodySize != len(want.body) || d.Request.BodyTruncated {
			t.Errorf("entry %d: partner %q, request %s %q (%d bytes, cut %v); want %q, %s %q", i, d.PartnerID, d.Request.Method, d.Request.Body, d.Request.BodySize, d.Request.BodyTruncated, want.partner, want.method, want.body)
		}
		if d.Response == nil || d.Response.Body != string(want.answer.Body) || d.Response.Status != want.answer.Status {
			t.Errorf("entry %d: response %+v; want %d %s", i, d.Response, want.answer.Status, want.answer.Body)
			continue
		}
		if auth := d.Request.Header.Get("Authorization"); auth != "Token "+secret.Mask(want.key) {
			t.Errorf("entry %d: Authorization %q; want the key masked, %q", i, auth, "Token "+secret.Mask(want.key))
		}
		for _, h := range []string{"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "Content-Length", "Content-Type"} {
			if got := d.Response.Header.Get(h); got == "" || got != want.answer.Header.Get(h) {
				t.Errorf("entry %d: response header %s %q in the journal, %q sent", i, h, got, want.answer.Header.Get(h))
			}
		}
		if d.Verdict != want.verdict || !strings.HasPrefix(d.Reason, want.reason) {
			t.Errorf("entry %d: verdict %q, reason %q; want %q, %q...", i, d.Verdict, d.Reason, want.verdict, want.reason)
		}
	}
}
