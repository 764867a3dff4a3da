package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// typical is the candidate of the ordinary webhook: the one a recruiter
// sends most days.
const typical = "typical"

var _ = Describe("Webhooks: POST /webhook", settings.LabelWebhook, func() {
	f := framework.New("webhook")

	settings.MustIt("webhook/signed-accepted", "§1.1, §1.2, §1.3",
		"a correctly signed webhook whose webhook-data holds values picked in the partner's own /config form MUST get a 2xx within the timeout",
		"any 2xx is success and failed deliveries are not retried (§1.3): a webhook not accepted in time is a lost candidate.",
		func(ctx SpecContext) {
			By("picking values in the partner's /config form and sending the webhook a manual trigger sends")
			_, x := f.SignedWebhook(ctx, typical)
			if x.Unreachable {
				partner.FailUnreachable(x)
			}
			// A crash, or a wrong scheme a probe found, is the cause, not
			// the advice of the status (docs/protocol.md §1.2).
			if crash := framework.CrashOf(x); crash != "" {
				framework.FailBecause(x, crash, framework.FixCrash)
			}
			if mk := framework.TheBasics().SignatureMistake(); mk != nil {
				framework.FailBecause(x, mk.Problem, mk.Fix)
			}
			Expect(x).To(judge.HaveSuccessStatus(), partner.Explain(x,
				"answer every valid webhook with a 2xx at once (within %s) and do slow work afterwards; Teamtailor does not retry failed deliveries",
				settings.TestContext.Timeout))
		})

	settings.MustIt("webhook/edge-case-candidates", "§1.1",
		"a correctly signed webhook MUST get a 2xx within the timeout for every edge-case candidate fixture (nulls, unicode, long strings, every question and custom-field kind, job offers, referrals, onboardings, uploads, optional blocks present and absent), never a 5xx or a hang",
		"§1.1 says partners must tolerate null scalars and absent optional blocks; real candidates have them.",
		func(ctx SpecContext) {
			f.RequireSignedWebhookAccepted(ctx, typical)
			data, _ := f.FormValues(ctx, false)
			By("sending one webhook per candidate fixture, and one without the optional blocks, a few at a time")
			var names []string
			var calls []partner.Call
			add := func(name string, w embedded.Webhook) {
				step := "POST /webhook, candidate fixture " + name
				if strings.HasPrefix(name, "imported fixture ") {
					step = "POST /webhook, " + name
				}
				names = append(names, name)
				calls = append(calls, partner.Call{Step: step, Method: "POST", Path: "webhook", Body: w.Body, Signature: partner.Sign(w.EventID)})
			}
			for _, name := range f.Mock.CandidateFixtures() {
				if name == typical {
					continue // webhook/signed-accepted sends it
				}
				w, err := f.Mock.PrepareWebhook(ctx, name, false, data)
				if err != nil {
					partner.FailMock("%v", err)
				}
				add(name, w)
			}
			// Optional blocks are absent, not empty, when the partner has
			// not switched them on (docs/protocol.md §1.1).
			w, err := f.Mock.PrepareWebhook(ctx, "minimal", false, data)
			if err != nil {
				partner.FailMock("%v", err)
			}
			w.Body = withoutOptionalBlocks(w.Body)
			add("minimal, without job-offers, uploads and resume", w)
			// Imported fixtures (--fixtures) are sent whole, as captured in
			// production, made local.
			for _, name := range f.Mock.ImportedFixtures() {
				w, err := f.Mock.PrepareImported(ctx, name)
				if err != nil {
					partner.FailMock("%v", err)
				}
				add("imported fixture "+name, w)
			}
			if names := f.Mock.ImportedFixtures(); len(names) > 0 {
				partner.Note("sent %d imported fixtures (--fixtures): %s", len(names), strings.Join(names, ", "))
			}

			xs := f.Partner.SendAll(ctx, calls, partner.Concurrency)
			var lines []string
			var first *partner.Exchange
			for i, x := range xs {
				if x.Unreachable {
					partner.FailUnreachable(x)
				}
				if x.Success() {
					continue
				}
				answer := fmt.Sprintf("%d %s", x.Status, http.StatusText(x.Status))
				if !x.Answered() {
					answer = x.Error
				}
				if first == nil && !x.NotSent {
					first = x
				}
				lines = append(lines, fmt.Sprintf("%s: %s", names[i], answer))
			}
			if len(lines) == 0 {
				return
			}
			Expect(fmt.Sprintf("%d of the %d edge-case webhooks did not get a 2xx:\n    %s", len(lines), len(xs), strings.Join(lines, "\n    "))).
				To(judge.BeNoProblem(), partner.Explain(first,
					"decode webhooks leniently: scalars may be null, strings long and in any script, optional blocks absent, lists empty; see the candidate fixtures in fixtures/candidates/ (the first failure is shown above)"))
		})

	settings.MustIt("webhook/bulk-payload", "§1.1, §5",
		"a correctly signed bulk-mode webhook, which has no job key, MUST get a 2xx within the timeout",
		"bulk-mode webhooks have no job key (§5); a partner that allows bulk mode must take them.",
		func(ctx SpecContext) {
			f.RequireSignedWebhookAccepted(ctx, typical)
			By("picking values in the bulk-mode /config form and sending a bulk webhook (no job)")
			w := f.NewWebhook(ctx, "uploads-and-resume", true)
			x := f.PostWebhook(ctx, "POST /webhook, bulk mode (no job)", w, partner.Sign(w.EventID))
			Expect(x).To(judge.HaveSuccessStatus(), partner.Explain(x,
				"in bulk mode the candidate has no \"job\" key: treat it as optional"))
		}, settings.CapBulk)

	settings.MustIt("webhook/response-body", "§1.3",
		"the body of a 2xx webhook answer, when it holds partner_result_attributes, MUST be valid (status in the enum, score 0..100, details at most 2 levels deep, attachments exactly url and description)",
		"§1.3: an answer's partner_result_attributes apply only if every field is valid; an invalid one silently loses the result the partner meant to set.",
		func(ctx SpecContext) {
			_, x := f.RequireSignedWebhookAccepted(ctx, typical)
			applied, invalid, note := protocol.CheckWebhookResponse([]byte(x.ResponseBody))
			if !applied && !invalid {
				partner.Note("the answer holds no partner_result_attributes (%s): Teamtailor ignores its body", note)
				return
			}
			problem := ""
			if invalid {
				problem = "Teamtailor ignores the whole partner_result_attributes document: " + note
			}
			Expect(problem).To(judge.BeNoProblem(), partner.Explain(x,
				"answer {\"partner_result_attributes\": {\"status\": \"pending\"}} or no body; every given field must follow schemas/webhook-response.schema.json"))
		})

	settings.ShouldIt("webhook/error-plain-string", "§1.3",
		"an error answer (>= 400) to a webhook SHOULD have a plain-string body, which Teamtailor shows as the failure message",
		"§1.3 shows a plain-string body to the recruiter but does not require one: a structured body is shown raw, which is unhelpful, not broken.",
		func(ctx SpecContext) {
			f.RequireSignedWebhookAccepted(ctx, typical)
			By("sending a webhook whose body is not a partner event, to see how the partner refuses it")
			w := f.NewWebhook(ctx, typical, false)
			w.Body = []byte(`{"partner-event": {"id": "` + w.EventID + `", "candidate": `)
			x := f.PostWebhook(ctx, "POST /webhook with a truncated body", w, partner.Sign(w.EventID))
			if x.Answered() && x.Status < 400 {
				partner.Note("the partner answered %d to a truncated body: no error answer to judge", x.Status)
				return
			}
			partner.Depends(x.Answered(), "no answer: %s (see webhook/signed-accepted)", x.Error)
			problem := ""
			if judge.LooksStructured(x.ResponseBody) {
				problem = fmt.Sprintf("the error body is structured (%s), so Teamtailor shows it raw on the partner result", orDefault(x.ResponseHeader.Get("Content-Type"), "no Content-Type"))
			}
			Expect(problem).To(judge.BeNoProblem(), partner.Explain(x,
				"answer errors with a short human-readable text (Content-Type: text/plain), e.g. \"the candidate has no e-mail address\""))
		})
})

// withoutOptionalBlocks removes job-offers, uploads and resume from a
// webhook's candidate.
func withoutOptionalBlocks(body []byte) []byte {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	if ev, ok := doc["partner-event"].(map[string]any); ok {
		if c, ok := ev["candidate"].(map[string]any); ok {
			for _, k := range []string{"job-offers", "uploads", "resume", "onboardings"} {
				delete(c, k)
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
