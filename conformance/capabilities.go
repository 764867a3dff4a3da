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

var _ = Describe("Capabilities: what the partner shows, against what it claims", settings.LabelCapabilities, func() {
	f := framework.New("capabilities")

	settings.ShouldIt("capabilities/claims-match", "§3, §2.3, §7",
		"the capabilities the partner shows (assessment-criteria in its /config, actions in its results) SHOULD be claimed with their flags, so that their checks run",
		"a capability shown but not claimed is not a protocol error, but its checks were skipped: the run says less than it seems to. Claiming one that is not shown fails the checks of that capability instead (results/posted, actions/accepts-event).",
		func(ctx SpecContext) {
			s := settings.TestContext
			criteria, _ := f.DeclaredCriteria(ctx)
			var shown []string
			if len(criteria) > 0 && !s.Assessment {
				shown = append(shown, fmt.Sprintf("its /config declares assessment-criteria (%s), which only an assessment partner has, but %s is not claimed: the results checks did not run", strings.Join(criteria, ", "), settings.CapAssessment))
			}
			if !s.Actions {
				w, x := f.RequireSignedWebhookAccepted(ctx, typical)
				posts := framework.TheBasics().AwaitResult(ctx, f.Mock, func(p []partner.Exchange) bool { return declaresActions(p) || final(p) })
				f.Include(posts...)
				if doc, ok := judge.AnswerAsResult(x, w.ResultID); ok {
					posts = append(posts, doc)
				}
				if declaresActions(posts) {
					shown = append(shown, fmt.Sprintf("its result declares actions, but %s is not claimed: actions/accepts-event did not run", settings.CapActions))
				}
			}
			problem := ""
			if len(shown) > 0 {
				problem = "the partner shows capabilities it does not claim:\n    " + strings.Join(shown, "\n    ")
			}
			Expect(problem).To(judge.BeNoProblem(), partner.Explain(nil,
				"run the suite with the flags of every capability the partner has (%s, %s, %s, %s), as its marketplace listing says (docs/protocol.md §7)",
				settings.CapSignatures, settings.CapAssessment, settings.CapBulk, settings.CapActions))
		})

	settings.ShouldIt("capabilities/criteria-scored", "§2.3, §3",
		"an assessment partner whose /config declares assessment-criteria SHOULD score them in its completed results",
		"declared criteria are shown to the recruiter on every result; a partner that declares them and sends none leaves them empty. The docs do not require a score for each, so it is a warning.",
		func(ctx SpecContext) {
			criteria, known := f.DeclaredCriteria(ctx)
			if !known || len(criteria) == 0 {
				partner.Note("the partner's /config declares no assessment-criteria: nothing to score")
				return
			}
			w, x := f.RequireSignedWebhookAccepted(ctx, typical)
			partner.Depends(x.Success(), "the webhook got no 2xx (see webhook/signed-accepted)")
			posts := framework.TheBasics().AwaitResult(ctx, f.Mock, func(p []partner.Exchange) bool { return final(p) })
			f.Include(posts...)
			if doc, ok := judge.AnswerAsResult(x, w.ResultID); ok {
				posts = append(posts, doc)
			}
			partner.Depends(len(posts) > 0, "the partner sent no result within %s (see results/posted)", settings.TestContext.Timeout)
			var scored []string
			var last *partner.Exchange
			for i := range posts {
				for _, id := range judge.PostedCriteria([]byte(posts[i].RequestBody)) {
					if !slices.Contains(scored, id) {
						scored = append(scored, id)
					}
				}
				if posts[i].Direction != partner.ToPartner {
					last = &posts[i]
				}
			}
			// The scores may come with the completion: a result not
			// completed yet has nothing to judge.
			partner.Depends(len(scored) > 0 || final(posts), "the partner completed no result within %s (see results/posted)", settings.TestContext.Timeout)
			problem := ""
			if len(scored) == 0 {
				problem = fmt.Sprintf("the partner declares assessment-criteria (%s) in /config but its completed result scores none", strings.Join(criteria, ", "))
			}
			Expect(problem).To(judge.BeNoProblem(), partner.ExplainPost(last, x,
				"send \"assessment-criteria\": [{\"id\": \"<declared id>\", \"score\": 0..100}, …] with the completed result, one per criterion /config declares, or declare none"))
		}, settings.CapAssessment)
})

// declaresActions reports whether any of the result documents declares
// an action.
func declaresActions(posts []partner.Exchange) bool {
	return slices.ContainsFunc(posts, func(p partner.Exchange) bool {
		return len(judge.PostedActions([]byte(p.RequestBody))) > 0
	})
}

// final reports whether any of the result documents has a final status.
func final(posts []partner.Exchange) bool {
	return slices.ContainsFunc(posts, func(p partner.Exchange) bool {
		s, _ := judge.PostedStatus([]byte(p.RequestBody))
		return protocol.Status(s).Final()
	})
}
