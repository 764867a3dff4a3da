package delivery

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

func answered(status int, contentType, body string) *Exchange {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &Exchange{Resp: &http.Response{StatusCode: status, Header: h}, RespBody: []byte(body)}
}

// Rule: a webhook's answer decides the verdict and the result's status
// (docs/protocol.md §1.3); a failed delivery never moves a result the partner
// has moved on.
func TestWebhookVerdicts(t *testing.T) {
	for _, c := range []struct {
		name       string
		x          *Exchange
		verdict    string
		reasonHas  string
		from, want protocol.Status
	}{
		{"2xx", answered(200, "", ""), store.VerdictOK, "answered 200", protocol.StatusSending, protocol.StatusSent},
		{"2xx with a result", answered(201, "application/json", `{"partner_result_attributes":{"status":"completed","score":5}}`), store.VerdictOK, "answered 201", protocol.StatusSending, protocol.StatusCompleted},
		{"4xx plain", answered(401, "text/plain", "Invalid signature"), store.VerdictFailed, "answered 401: Invalid signature", protocol.StatusSending, protocol.StatusFailed},
		{"4xx JSON", answered(422, "application/json", `{"error":"x"}`), store.VerdictFailed, "should be a plain string; it is application/json", protocol.StatusSending, protocol.StatusFailed},
		{"redirect", answered(302, "", ""), store.VerdictFailed, "does not follow redirects", protocol.StatusSending, protocol.StatusFailed},
		{"no answer", &Exchange{Failure: "timeout: no complete answer"}, store.VerdictError, "timeout", protocol.StatusSent, protocol.StatusFailed},
		{"no answer after completion", &Exchange{Failure: "connection refused"}, store.VerdictError, "connection refused", protocol.StatusCompleted, protocol.StatusCompleted},
	} {
		verdict, reason, update := Webhook(c.x)
		r := store.PartnerResult{ResultAttributes: protocol.ResultAttributes{Status: c.from}}
		update(&r)
		if verdict != c.verdict || !strings.Contains(reason, c.reasonHas) || r.Status != c.want {
			t.Errorf("%s: %s %q, %s -> %s; want %s, a reason with %q, %s", c.name, verdict, reason, c.from, r.Status, c.verdict, c.reasonHas, c.want)
		}
	}
}

// Rule: a /config answer is judged as a config document.
func TestConfigVerdicts(t *testing.T) {
	form, verdict, reason := Config(answered(200, "application/json", `{"config":{"fields":[{"id":"test","type":"text","label":"Test"}]}}`))
	if verdict != store.VerdictOK || reason != "a valid config document with 1 field" || len(form.Fields) != 1 {
		t.Errorf("valid config: %s %q %+v", verdict, reason, form)
	}
	if _, verdict, reason := Config(answered(500, "", "")); verdict != store.VerdictFailed || !strings.Contains(reason, "body: (empty)") {
		t.Errorf("500: %s %q", verdict, reason)
	}
	if _, verdict, _ := Config(answered(200, "", `{"config":{"fields":"no"}}`)); verdict != store.VerdictInvalid {
		t.Errorf("invalid config: %s", verdict)
	}
}
