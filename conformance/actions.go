package conformance

import (
	"fmt"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

var _ = Describe("Actions: buttons on partner results", settings.LabelActions, func() {
	f := framework.New("actions")

	settings.MustIt("actions/accepts-event", "§1, §2.3",
		"each action a posted result declares MUST accept the original partner event, POSTed signed with the provider key to BASE_URL/<endpoint>, with a 2xx within the timeout",
		"§2.3: clicking an action POSTs the original partner event to BASE_URL/<endpoint>; an endpoint that refuses it is a broken button.",
		func(ctx SpecContext) {
			// The result of the plain signed webhook declares the actions:
			// the run sent that webhook once, and every wait for its result
			// ends at one deadline, so this check never waits twice for
			// what results/posted waited for.
			w, x := f.RequireSignedWebhookAccepted(ctx, typical)
			b := framework.TheBasics()
			var results []partner.Exchange // what declared the result: the answer and the requests
			// The answer's partner_result_attributes count when they
			// declare actions or complete the result (docs/protocol.md §1.3);
			// a "pending" answer only says the result is coming.
			if doc, ok := judge.AnswerAsResult(x, w.ResultID); ok {
				status, _ := judge.PostedStatus([]byte(doc.RequestBody))
				if len(judge.PostedActions([]byte(doc.RequestBody))) > 0 || protocol.Status(status).Final() {
					results = append(results, doc)
				}
			}
			declares := func(posts []partner.Exchange) bool {
				return slices.ContainsFunc(append(slices.Clone(results), posts...), func(p partner.Exchange) bool {
					return len(judge.PostedActions([]byte(p.RequestBody))) > 0
				})
			}
			// A final status ends the wait too: a completed result that
			// declares no action will not grow one.
			final := func(posts []partner.Exchange) bool {
				return slices.ContainsFunc(append(slices.Clone(results), posts...), func(p partner.Exchange) bool {
					s, _ := judge.PostedStatus([]byte(p.RequestBody))
					return protocol.Status(s).Final()
				})
			}
			By("waiting for the result to declare actions")
			posts := b.AwaitResult(ctx, f.Mock, func(posts []partner.Exchange) bool { return declares(posts) || final(posts) })
			f.Include(posts...)
			results = append(results, posts...)
			partner.Depends(len(results) > 0, "the partner sent no result within %s: nothing to update-url, no POST /partner-results, no partner_result_attributes in the webhook answer (see results/posted)", settings.TestContext.Timeout)
			var actions []judge.Action
			for _, p := range results {
				for _, a := range judge.PostedActions([]byte(p.RequestBody)) {
					if !slices.Contains(actions, a) {
						actions = append(actions, a)
					}
				}
			}
			problem := ""
			if len(actions) == 0 {
				problem = fmt.Sprintf("the partner claims --actions, but its result declared no action (%s)", resultRoutes(results))
			}
			last := &results[len(results)-1]
			if last.Direction == partner.ToPartner {
				last = nil // the webhook answer: shown as the cause
			}
			Expect(problem).To(judge.BeNoProblem(), partner.ExplainPost(last, x,
				"declare actions on the result: \"actions\": [{\"buttonText\": \"Resend invitation\", \"endpoint\": \"actions/resend\"}], or run without --actions"))

			for _, a := range actions {
				By(fmt.Sprintf("clicking the action %q: POST BASE_URL/%s with the original partner event", a.ButtonText, a.Endpoint))
				ax := f.Partner.Do(ctx, partner.Call{Step: fmt.Sprintf("POST /%s (action %q)", a.Endpoint, a.ButtonText),
					Method: "POST", Path: a.Endpoint, Body: w.Body, Signature: partner.Sign(w.EventID)})
				Expect(ax).To(judge.HaveSuccessStatus(), partner.Explain(ax,
					"serve POST BASE_URL/%s: Teamtailor POSTs the original partner event there, signed afresh, with the provider key, when a recruiter clicks %q", a.Endpoint, a.ButtonText))
			}
		})
})

// resultRoutes says by which routes a result came, for messages.
func resultRoutes(results []partner.Exchange) string {
	var answer, updates, creates int
	for _, x := range results {
		switch {
		case x.Direction == partner.ToPartner:
			answer++
		case judge.IsCreate(x):
			creates++
		default:
			updates++
		}
	}
	var parts []string
	if answer > 0 {
		parts = append(parts, "the webhook answer's partner_result_attributes")
	}
	if updates > 0 {
		parts = append(parts, fmt.Sprintf("%d requests to update-url", updates))
	}
	if creates > 0 {
		parts = append(parts, fmt.Sprintf("%d POST /partner-results", creates))
	}
	return strings.Join(parts, ", ")
}
