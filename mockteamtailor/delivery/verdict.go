package delivery

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnercall"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// Every judge of a partner's answer is here: each says the verdict of
// an exchange (a store.Verdict*) and its reason as journaled, and what
// the answer means for the operation that made the call.

// maxFailureMessage is how much of a partner's error body becomes the
// failed result's message.
const maxFailureMessage = 500

// Webhook judges a webhook's answer and says how it changes the partner
// result (docs/protocol.md §1.3).
func Webhook(x *Exchange) (verdict, reason string, update func(*store.PartnerResult)) {
	switch st := x.Status(); {
	case x.Failure != "":
		msg := x.Failure
		return store.VerdictError, msg, failed(msg)
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
		return store.VerdictFailed, reason, failed(msg)
	default:
		msg := fmt.Sprintf("the partner answered %d; Teamtailor does not follow redirects and wants a 2xx", st)
		return store.VerdictFailed, msg, failed(msg)
	}
}

// failed marks a result failed by a delivery that failed, unless the
// partner has already moved it on: a replay to a partner that is down now
// never turns a completed (or pending, or partner-failed) result back
// into a failed delivery. The journal still records the failed call.
func failed(msg string) func(*store.PartnerResult) {
	return func(r *store.PartnerResult) {
		if r.Status == protocol.StatusSending || r.Status == protocol.StatusSent || (r.Status == protocol.StatusFailed && r.DeliveryFailed) {
			r.Status, r.Message, r.DeliveryFailed = protocol.StatusFailed, msg, true
		}
	}
}

// Config judges a /config answer: the form, the verdict and its reason
// (docs/protocol.md §3).
func Config(x *Exchange) (protocol.Form, string, string) {
	form, verdict, reason := formAnswer(x, "config", "a", "config document")
	if msg, ok := form.ErrorMessage(); ok && verdict == store.VerdictOK {
		return form, store.VerdictOK, "a config with an error field: " + msg
	}
	return form, verdict, reason
}

// formAnswer judges an answer that must be a 200 with a form document of
// the given schema, named article+" "+noun in the reason.
func formAnswer(x *Exchange, schema, article, noun string) (protocol.Form, string, string) {
	switch {
	case x.Failure != "":
		return protocol.Form{}, store.VerdictError, x.Failure
	case x.Status() != http.StatusOK:
		return protocol.Form{}, store.VerdictFailed, fmt.Sprintf("the partner answered %d, want 200 with %s %s; body: %s", x.Status(), article, noun, Excerpt(x.RespBody))
	}
	form, problems := protocol.ParseForm(schema, x.RespBody)
	if len(problems) > 0 {
		return protocol.Form{}, store.VerdictInvalid, "the response is not a valid " + noun + ": " + ProblemList(problems)
	}
	return form, store.VerdictOK, "a valid " + noun + " with " + text.Count(len(form.Fields), "field", "fields")
}

// ActivationConfig judges a /activation answer: the form, the verdict and
// its reason (docs/protocol.md §4).
func ActivationConfig(x *Exchange) (protocol.Form, string, string) {
	return formAnswer(x, "activation-config", "an", "activation config")
}

// Validation judges the validation endpoint's answer (docs/protocol.md
// §1.3), the one place the rule is written: 2xx accepts the credentials;
// >= 400 refuses them with the body's errors (schemas
// validation-error), a refusal without a readable reason getting one of
// the mock's; anything else, or no answer, neither accepts nor refuses.
func Validation(x *Exchange) (accepted bool, refusal []string, verdict, reason string) {
	switch st := x.Status(); {
	case x.Failure != "":
		return false, nil, store.VerdictError, x.Failure
	case st >= 200 && st < 300:
		return true, nil, store.VerdictOK, fmt.Sprintf("accepted the credentials with %d", st)
	case st >= 400:
		var body struct {
			Errors []string `json:"errors"`
		}
		if schemas.Validate("validation-error", x.RespBody) != nil || json.Unmarshal(x.RespBody, &body) != nil {
			return false, []string{fmt.Sprintf("the partner refused the activation (%d) without a readable reason", st)},
				store.VerdictInvalid, fmt.Sprintf("refused with %d, but the body is not {\"errors\": [\"...\"]}: %s", st, Excerpt(x.RespBody))
		}
		// The schema wants at least one message: a refusal is never empty.
		return false, body.Errors, store.VerdictOK, fmt.Sprintf("refused the credentials with %d: %s", st, strings.Join(body.Errors, "; "))
	default:
		return false, nil, store.VerdictInvalid, fmt.Sprintf("answered %d: want 200 to accept or >= 400 with {\"errors\": [...]} to refuse", st)
	}
}

// Action judges an action button's answer (docs/protocol.md §2.3).
func Action(x *Exchange, button string) (verdict, reason string) {
	switch {
	case x.Failure != "":
		return store.VerdictError, x.Failure
	case !x.OK():
		return store.VerdictFailed, fmt.Sprintf("%q answered %d: %s", button, x.Status(), Excerpt(x.RespBody))
	}
	return store.VerdictOK, fmt.Sprintf("%q accepted with %d", button, x.Status())
}

// Replayed judges the answer to a journaled call sent again (entry of):
// anything but a complete 2xx failed.
func Replayed(x *Exchange, of int64) (verdict, reason string) {
	reason = fmt.Sprintf("replay of delivery %d answered %d", of, x.Status())
	switch {
	case x.Failure != "":
		return store.VerdictError, x.Failure
	case !x.OK():
		return store.VerdictFailed, reason
	}
	return store.VerdictOK, reason
}

// CompanyWebhook judges a company webhook's answer, what naming the event
// and its receiver.
func CompanyWebhook(x *Exchange, what string) (verdict, reason string) {
	switch {
	case x.Failure != "":
		return store.VerdictFailed, fmt.Sprintf("%s failed, not retried: %s", what, x.Failure)
	case !x.OK():
		// docs/company-webhooks.md §7: any status but 2xx is a failed
		// delivery (redirects are not followed), and nothing is retried.
		return store.VerdictFailed, fmt.Sprintf("%s answered %d, not 2xx: a failed delivery, not retried", what, x.Status())
	}
	return store.VerdictOK, fmt.Sprintf("%s: %d", what, x.Status())
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
