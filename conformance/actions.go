package conformance

import (
	"fmt"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
)

var _ = Describe("Actions: buttons on partner results", framework.LabelActions, func() {
	f := framework.New("actions")

	framework.MustIt("actions/accepts-event", "§1, §2.3",
		"each action a posted result declares MUST accept the original partner event, POSTed signed with the provider key to BASE_URL/<endpoint>, with a 2xx within the timeout",
		"§2.3: clicking an action POSTs the original partner event to BASE_URL/<endpoint>; an endpoint that refuses it is a broken button.",
		func(ctx SpecContext) {
			f.RequireSignedWebhookAccepted(ctx, typical)
			w := f.NewWebhook(ctx, typical, false)
			x := f.PostWebhook(ctx, "POST /webhook, signed, typical candidate", w, framework.Sign(w.EventID))
			framework.Depends(x.Success(), "the webhook got no 2xx, so no result is due (see webhook/signed-accepted)")

			By("waiting for a posted result that declares actions")
			declares := func(posts []framework.Exchange) bool {
				return slices.ContainsFunc(posts, func(p framework.Exchange) bool { return len(framework.PostedActions([]byte(p.RequestBody))) > 0 })
			}
			posts := framework.WaitForPosts(ctx, f.Mock, w.ResultID, declares)
			f.Include(posts...)
			framework.Depends(len(posts) > 0, "the partner sent nothing to update-url within %s (see results/posted)", framework.TestContext.Timeout)
			var actions []framework.Action
			for _, p := range posts {
				for _, a := range framework.PostedActions([]byte(p.RequestBody)) {
					if !slices.Contains(actions, a) {
						actions = append(actions, a)
					}
				}
			}
			problem := ""
			if len(actions) == 0 {
				problem = fmt.Sprintf("the partner claims --actions, but none of its %d requests to update-url declared an action", len(posts))
			}
			Expect(problem).To(framework.BeNoProblem(), framework.ExplainPost(&posts[len(posts)-1], x,
				"declare actions on the result: \"actions\": [{\"buttonText\": \"Resend invitation\", \"endpoint\": \"actions/resend\"}], or run without --actions"))

			for _, a := range actions {
				By(fmt.Sprintf("clicking the action %q: POST BASE_URL/%s with the original partner event", a.ButtonText, a.Endpoint))
				ax := f.Partner.Do(ctx, framework.Call{Step: fmt.Sprintf("POST /%s (action %q)", a.Endpoint, a.ButtonText),
					Method: "POST", Path: a.Endpoint, Body: w.Body, Signature: framework.Sign(w.EventID)})
				Expect(ax).To(framework.HaveSuccessStatus(), framework.Explain(ax,
					"serve POST BASE_URL/%s: Teamtailor POSTs the original partner event there, signed afresh, with the provider key, when a recruiter clicks %q", a.Endpoint, a.ButtonText))
			}
		})
})
