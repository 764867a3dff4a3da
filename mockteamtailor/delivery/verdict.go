package delivery

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnercall"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// maxFailureMessage is how much of a partner's error body becomes the
// failed result's message.
const maxFailureMessage = 500

// Webhook judges a webhook's answer and says how it changes the partner
// result (docs/protocol.md §1.3).
func Webhook(x *Exchange) (verdict, reason string, update func(*store.PartnerResult)) {
	switch st := x.Status(); {
	case x.Failure != "":
		msg := x.Failure
		return store.VerdictError, msg, Failed(msg)
	case st >= 200 && st < 300:
		patch, note, invalid := protocol.WebhookResponseAttrs(x.RespBody)
		update = func(r *store.PartnerResult) {
			// The partner may have posted its result already; never move
			// it back to sent.
			// A replay that now succeeds undoes the failure the mock set.
			if r.Status == protocol.StatusSending || (r.Status == protocol.StatusFailed && r.DeliveryFailed) {
				r.Status, r.Message, r.DeliveryFailed = protocol.StatusSent, "", false
			}
			if patch != nil {
				patch(&r.ResultAttributes)
			}
		}
		if invalid {
			return store.VerdictInvalid, fmt.Sprintf("answered %d, but its partner_result_attributes were ignored: %s", st, note), update
		}
		return store.VerdictOK, fmt.Sprintf("answered %d; %s", st, note), update
	case st >= 400:
		msg := strings.TrimSpace(string(x.RespBody))
		if msg == "" {
			msg = fmt.Sprintf("the partner answered %d with an empty body", st)
		}
		msg = text.Cut{Max: maxFailureMessage, Mark: "…"}.Of(msg)
		reason := fmt.Sprintf("answered %d: %s", st, msg)
		if partnercall.LooksStructured(x.RespBody) {
			ct := x.Resp.Header.Get("Content-Type")
			if ct == "" {
				ct = "structured"
			}
			reason += fmt.Sprintf(" (the error body should be a plain string; it is %s)", ct)
		}
		return store.VerdictFailed, reason, Failed(msg)
	default:
		msg := fmt.Sprintf("the partner answered %d; Teamtailor does not follow redirects and wants a 2xx", st)
		return store.VerdictFailed, msg, Failed(msg)
	}
}

// Failed marks a result failed by a delivery that failed, unless the
// partner has already moved it on: a replay to a partner that is down now
// never turns a completed (or pending, or partner-failed) result back
// into a failed delivery. The journal still records the failed call.
func Failed(msg string) func(*store.PartnerResult) {
	return func(r *store.PartnerResult) {
		if r.Status == protocol.StatusSending || r.Status == protocol.StatusSent || (r.Status == protocol.StatusFailed && r.DeliveryFailed) {
			r.Status, r.Message, r.DeliveryFailed = protocol.StatusFailed, msg, true
		}
	}
}

// Config judges a /config answer: the form, the verdict and its reason.
func Config(x *Exchange) (protocol.Form, string, string) {
	switch {
	case x.Failure != "":
		return protocol.Form{}, store.VerdictError, x.Failure
	case x.Status() != http.StatusOK:
		return protocol.Form{}, store.VerdictFailed, fmt.Sprintf("the partner answered %d, want 200 with a config document; body: %s", x.Status(), Excerpt(x.RespBody))
	}
	form, problems := protocol.ParseForm("config", x.RespBody)
	if len(problems) > 0 {
		return protocol.Form{}, store.VerdictInvalid, "the response is not a valid config document: " + ProblemList(problems)
	}
	if msg, ok := form.ErrorMessage(); ok {
		return form, store.VerdictOK, "a config with an error field: " + msg
	}
	return form, store.VerdictOK, "a valid config document with " + text.Count(len(form.Fields), "field", "fields")
}

// ProblemList joins a document's problems for a journal reason.
func ProblemList(problems []protocol.Problem) string {
	parts := make([]string, 0, len(problems))
	for _, p := range problems {
		parts = append(parts, p.String())
	}
	return strings.Join(parts, "; ")
}

// Excerpt returns the start of a body for messages.
func Excerpt(b []byte) string {
	return text.Cut{Max: 300, Mark: "…", Trim: true, Empty: "(empty)"}.Of(string(b))
}
