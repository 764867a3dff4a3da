package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// Situations production brings to a webhook and an ordinary run does
// not: a rejected application and the same event twice. Each check
// provokes its situation with its own webhook, so it judges nothing
// another check sent.

var _ = Describe("Webhooks: a rejected application and the same event twice", settings.LabelWebhook, func() {
	f := framework.New("webhook")

	settings.MustIt("webhook/rejected-candidate", "§1.1, §5",
		"a correctly signed webhook for a candidate whose application was rejected (job.status.rejected: true) MUST get a 2xx within the timeout, never a 5xx or a hang",
		"a recruiter can reject an application while the partner's work is under way, or trigger the partner for a rejected candidate; every webhook with a job carries job.status.rejected (§1.1, §5), and the partner decides what to do after answering, as for any other candidate.",
		func(ctx SpecContext) {
			f.RequireSignedWebhookAccepted(ctx, typical)
			data, _ := f.FormValues(ctx, false)
			By("rejecting the typical candidate's application, as a recruiter does on the candidate card, and sending the webhook a trigger then sends")
			w := rejectedWebhook(ctx, f.Mock, typical, data)
			x := f.PostWebhook(ctx, "POST /webhook, typical candidate, application rejected (job.status.rejected: true)", w, partner.Sign(w.EventID))
			Expect(x).To(judge.HaveSuccessStatus(), partner.Explain(x,
				"answer the webhook of a rejected candidate with a 2xx like any other and decide afterwards what job.status.rejected means for the partner's work (not inviting the candidate, cancelling an invitation); never let it end in an error"))
		})

	settings.ShouldIt("webhook/duplicate-event", "§1.3",
		"a second copy of an event the partner has answered (the same partner-event id and partner result, signed afresh) SHOULD get a 2xx within the timeout (that it starts no second piece of work is security/changed-body-replay)",
		"the docs promise that failed deliveries are not retried, not that an event arrives once; Teamtailor's company-webhook docs say to be prepared for retried webhooks (§1.3, Duplicate delivery). A SHOULD because the partner docs never send one event twice on purpose.",
		func(ctx SpecContext) {
			f.RequireSignedWebhookAccepted(ctx, typical)
			By("sending a webhook of the typical candidate, then, once it is answered, the same event again: the same body, partner-event id and partner result, signed afresh")
			w := f.NewWebhook(ctx, typical, false)
			first := f.PostWebhook(ctx, "POST /webhook, typical candidate (first copy)", w, partner.Sign(w.EventID))
			partner.Depends(first.Success(), "the first copy of the event got no 2xx (%s), so a second copy means nothing (see %s)", answerOf(first), framework.CheckSignedWebhook)
			second := f.PostWebhook(ctx, "POST /webhook, the same event again (second copy: same partner-event id and partner result, signed afresh)", w, partner.Sign(w.EventID))
			problem := ""
			if !second.Success() {
				problem = fmt.Sprintf("the second copy of event %s got %s, the first a %d", w.EventID, answerOf(second), first.Status)
			}
			// An answer is judged by this rule alone: a 401 or 409 to the copy
			// is a refused duplicate, not a wrong secret (fixFor's reading).
			explain := partner.Explain(second, "%s", fixDuplicate)
			if second.Answered() {
				explain = partner.ExplainCause(second, "%s", fixDuplicate)
			}
			Expect(problem).To(judge.BeNoProblem(), explain)
			// Whether a repeated event id starts the work again is the
			// MUST of security/changed-body-replay: one defect, one verdict.
			partner.Note("whether the copy starts the work again (a second result) is judged by security/changed-body-replay")
		})
})

// fixDuplicate is the fix of a partner that handles one event twice.
const fixDuplicate = "treat partner-event.id as the key of the work a webhook starts: when the event is already known (a unique index on the event id is right), answer 2xx again and start nothing, " +
	"e.g. INSERT … ON CONFLICT DO NOTHING; an error answer to the copy (the 5xx of a duplicate key, a 409) is a failed delivery to Teamtailor, and doing the work again sends a second result"

// rejectedWebhook prepares a webhook for candidate with its application
// to the sandbox's first job rejected, through the mock's own operation
// (docs/protocol.md §5, Reject and un-reject). The application is taken
// back as soon as the webhook is built: the checks of a process run one
// at a time, so no other check's webhook carries the rejection.
func rejectedWebhook(ctx context.Context, m *embedded.Mock, candidate string, data map[string]string) embedded.Webhook {
	GinkgoHelper()
	id, ok := m.CandidateID(candidate)
	if !ok {
		partner.FailMock("there is no candidate fixture %q", candidate)
	}
	req := controlapi.RejectRequest{CandidateID: id, JobID: m.JobID}
	if _, err := m.Server.RejectApplication(ctx, req); err != nil {
		partner.FailMock("could not reject candidate %d's application to job %d: %v", id, m.JobID, err)
	}
	defer func() {
		req.Undo = true
		m.Server.RejectApplication(context.WithoutCancel(ctx), req)
	}()
	w, err := m.PrepareWebhook(ctx, candidate, false, data)
	if err != nil {
		partner.FailMock("%v", err)
	}
	var doc struct {
		PartnerEvent struct {
			Candidate struct {
				Job struct {
					Status struct {
						Rejected bool `json:"rejected"`
					} `json:"status"`
				} `json:"job"`
			} `json:"candidate"`
		} `json:"partner-event"`
	}
	if err := json.Unmarshal(w.Body, &doc); err != nil || !doc.PartnerEvent.Candidate.Job.Status.Rejected {
		partner.FailMock("the webhook of a rejected application does not carry job.status.rejected: true (%v)", err)
	}
	return w
}

// answerOf says how a call to the partner ended.
func answerOf(x *partner.Exchange) string {
	if !x.Answered() {
		return x.Error
	}
	return fmt.Sprintf("%d %s", x.Status, http.StatusText(x.Status))
}
