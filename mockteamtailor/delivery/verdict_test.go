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

// Rule: an activation form must be a 200 with a valid activation config
// (docs/protocol.md §4).
func TestActivationConfigVerdicts(t *testing.T) {
	form, verdict, reason := ActivationConfig(answered(200, "application/json", `{"config":{"fields":[]}}`))
	if verdict != store.VerdictOK || reason != "a valid activation config with 0 fields" || form.Fields == nil {
		t.Errorf("valid: %s %q %+v", verdict, reason, form)
	}
	if _, verdict, reason := ActivationConfig(answered(404, "", "nope")); verdict != store.VerdictFailed || reason != "the partner answered 404, want 200 with an activation config; body: nope" {
		t.Errorf("404: %s %q", verdict, reason)
	}
	if _, verdict, reason := ActivationConfig(answered(200, "", `{"config":{"fields":"no"}}`)); verdict != store.VerdictInvalid || !strings.HasPrefix(reason, "the response is not a valid activation config: ") {
		t.Errorf("invalid: %s %q", verdict, reason)
	}
}

// Rule: a validation endpoint accepts with 2xx and refuses with >= 400
// and {"errors": [...]}; anything else neither (docs/protocol.md §1.3).
func TestValidationVerdicts(t *testing.T) {
	for _, c := range []struct {
		name     string
		x        *Exchange
		accepted bool
		refusal  string
		verdict  string
	}{
		{"accepted", answered(204, "", ""), true, "", store.VerdictOK},
		{"refused", answered(401, "application/json", `{"errors":["bad key"]}`), false, "bad key", store.VerdictOK},
		{"refused unreadably", answered(401, "text/plain", "no"), false, "the partner refused the activation (401) without a readable reason", store.VerdictInvalid},
		{"redirect", answered(302, "", ""), false, "", store.VerdictInvalid},
		{"no answer", &Exchange{Failure: "timeout"}, false, "", store.VerdictError},
	} {
		accepted, refusal, verdict, _ := Validation(c.x)
		if accepted != c.accepted || strings.Join(refusal, "; ") != c.refusal || verdict != c.verdict {
			t.Errorf("%s: accepted %v, refusal %q, %s; want %v, %q, %s", c.name, accepted, refusal, verdict, c.accepted, c.refusal, c.verdict)
		}
	}
}

// Rule: actions, replays and company webhooks want a complete 2xx.
func TestStatusVerdicts(t *testing.T) {
	for _, c := range []struct {
		name, verdict, reason string
	}{
		{"action", store.VerdictOK, `"Resend" accepted with 200`},
		{"action 500", store.VerdictFailed, `"Resend" answered 500: oops`},
		{"replay", store.VerdictOK, "replay of delivery 7 answered 200"},
		{"replay 500", store.VerdictFailed, "replay of delivery 7 answered 500"},
		{"company", store.VerdictOK, "candidate.create to s: 200"},
		{"company 500", store.VerdictFailed, "candidate.create to s answered 500, not 2xx: a failed delivery, not retried"},
	} {
		x := answered(200, "", "")
		if strings.HasSuffix(c.name, " 500") {
			x = answered(500, "", "oops")
		}
		var verdict, reason string
		switch {
		case strings.HasPrefix(c.name, "action"):
			verdict, reason = Action(x, "Resend")
		case strings.HasPrefix(c.name, "replay"):
			verdict, reason = Replayed(x, 7)
		default:
			verdict, reason = CompanyWebhook(x, "candidate.create to s")
		}
		if verdict != c.verdict || reason != c.reason {
			t.Errorf("%s: %s %q; want %s %q", c.name, verdict, reason, c.verdict, c.reason)
		}
	}
	if verdict, reason := CompanyWebhook(&Exchange{Failure: "timeout"}, "e to s"); verdict != store.VerdictFailed || reason != "e to s failed, not retried: timeout" {
		t.Errorf("company, no answer: %s %q", verdict, reason)
	}
}
