package conformance

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// resultRun is one webhook and the result it led to, shared by the
// results checks: each judges one rule on the same posts. BeforeAll
// writes it; the checks only read it.
type resultRun struct {
	setup    *framework.Framework
	webhook  embedded.Webhook
	answer   *partner.Exchange // the partner's answer to the webhook
	declared []string          // assessment-criteria ids the configs declare
	known    bool              // a config could be read, so declared is known
	// inAnswer is set when the answer completed the result itself: its
	// partner_result_attributes are valid and hold a final status
	// (docs/protocol.md §1.3), so no request to update-url is needed.
	inAnswer bool
}

// startResultRun takes the plain signed webhook (sent once per run, see
// framework.Basics) and waits, at most the timeout, for the partner's
// first request to update-url, unless the answer completed the result.
func startResultRun(ctx SpecContext) *resultRun {
	run := &resultRun{setup: framework.Standalone()}
	s := run.setup
	if framework.TheBasics().Blocker() != "" {
		return run // every check says why
	}
	run.declared, run.known = s.DeclaredCriteria(ctx)
	run.webhook, run.answer = s.SignedWebhook(ctx, typical)
	if run.answer.Success() {
		run.inAnswer = completedInAnswer([]byte(run.answer.ResponseBody))
		By("waiting up to " + settings.TestContext.Timeout.String() + " for the partner to send its result to update-url (or create it with POST /partner-results)")
		framework.TheBasics().AwaitResult(ctx, s.Mock, func(posts []partner.Exchange) bool { return len(posts) > 0 || run.inAnswer })
	}
	return run
}

// completedInAnswer reports a webhook answer whose
// partner_result_attributes Teamtailor applies and whose status is final.
func completedInAnswer(body []byte) bool {
	applied, _, _ := protocol.CheckWebhookResponse(body)
	status, _ := judge.AnswerStatus(body)
	return applied && (protocol.Status(status).Final())
}

// posts returns the partner's requests to update-url so far, after
// making sure there is something to judge: the webhook was accepted and,
// unless none is required, a result came (a request, or the answer's
// partner_result_attributes).
func (run *resultRun) posts(f *framework.Framework, required bool) []partner.Exchange {
	GinkgoHelper()
	framework.RequireBasics()
	f.Include(run.setup.Transcript()...)
	if run.answer.Unreachable {
		partner.FailUnreachable(run.answer)
	}
	partner.Depends(run.answer.Success(), "the webhook got no 2xx, so no result is due (see webhook/signed-accepted)")
	posts := framework.TheBasics().ResultPosts(f.Mock)
	if failures := f.Mock.Failures(); len(failures) > 0 {
		partner.FailMock("%s", strings.Join(failures, "; "))
	}
	f.Include(posts...)
	if required {
		partner.Depends(len(posts) > 0 || run.inAnswer, "the partner sent no result (nothing to update-url, no POST /partner-results) within %s (see results/posted)", settings.TestContext.Timeout)
	}
	return posts
}

// requests returns the requests to update-url, skipping the check when
// the result came in the webhook answer only: a check of request headers
// has nothing to judge then.
func (run *resultRun) requests(f *framework.Framework) []partner.Exchange {
	GinkgoHelper()
	posts := run.posts(f, true)
	if len(posts) == 0 {
		Skip("nothing to judge: the result came in the webhook answer (partner_result_attributes), with no request to update-url")
	}
	return posts
}

// documents returns what the body checks judge: every request to
// update-url and, when the answer completed the result, its
// partner_result_attributes as the document they amount to.
func (run *resultRun) documents(f *framework.Framework) []partner.Exchange {
	GinkgoHelper()
	docs := run.posts(f, true)
	if run.inAnswer {
		if x, ok := judge.AnswerAsResult(run.answer, run.webhook.ResultID); ok {
			docs = append(docs, x)
		}
	}
	return docs
}

// firstProblem judges each post with judge and returns the first post
// with a problem and every problem, one post per line.
func firstProblem(posts []partner.Exchange, judge func(x partner.Exchange) string) (*partner.Exchange, string) {
	var first *partner.Exchange
	var lines []string
	for i := range posts {
		if p := judge(posts[i]); p != "" {
			if first == nil {
				first = &posts[i]
			}
			lines = append(lines, fmt.Sprintf("request %d of %d (%s): %s", i+1, len(posts), posts[i].Method, p))
		}
	}
	return first, strings.Join(lines, "\n    ")
}

// Ordered: the checks judge the posts of one webhook, sent once in
// BeforeAll; ContinueOnFailure: one broken rule does not hide the others.
var _ = Describe("Results: what the partner posts to update-url", settings.LabelResults, Ordered, ContinueOnFailure, func() {
	f := framework.New("results")
	var run *resultRun

	BeforeAll(func(ctx SpecContext) {
		if settings.TestContext.Claims(settings.CapAssessment) {
			run = startResultRun(ctx)
		}
	})

	// judgeBodies fails the check when a post breaks one aspect of the
	// partner-result rules (docs/protocol.md §2.3).
	judgeBodies := func(aspect, fix string) {
		GinkgoHelper()
		posts := run.documents(f)
		bad, problem := firstProblem(posts, func(x partner.Exchange) string {
			v := judge.ResultRequest(x, run.declared)
			return strings.TrimSpace(v.List(aspect))
		})
		Expect(problem).To(judge.BeNoProblem(), partner.ExplainPost(bad, run.answer, "%s", fix))
	}

	settings.MustIt("results/posted", "§1.1, §2.3",
		"after accepting a webhook the partner MUST send its result with PUT or PATCH to the webhook's update-url, or create it with POST /partner-results, within the timeout",
		"a partner with the assessment capability reports its result (§2.3), by update-url, by creating a result for the candidate and job, or in the webhook answer (§1.3); without one the result stays in sending.",
		func(ctx SpecContext) {
			posts := run.posts(f, false)
			var updates, creates []string
			for _, x := range posts {
				switch {
				case judge.IsCreate(x):
					creates = append(creates, x.Method)
				case x.Method == http.MethodPatch || x.Method == http.MethodPut:
					updates = append(updates, x.Method)
				}
			}
			// The verdict names the route the partner took (docs/protocol.md §1.3, §2.3).
			problem := ""
			switch {
			case len(updates) > 0:
				partner.Note("the result came by %s to update-url", strings.Join(slices.Compact(updates), " and "))
			case len(creates) > 0:
				partner.Note("the result came by POST /partner-results, a result the partner created for the event's candidate and job (update-url was not used)")
			case run.inAnswer:
				partner.Note("the result was completed in the webhook answer (partner_result_attributes)")
			case len(posts) == 0:
				problem = fmt.Sprintf("nothing came to update-url %s, and no POST /partner-results for the event's candidate and job, within %s", run.webhook.UpdateURL, settings.TestContext.Timeout)
			default:
				problem = fmt.Sprintf("%d requests came to update-url, none of them a PUT or PATCH", len(posts))
			}
			var x *partner.Exchange
			if len(posts) > 0 {
				x = &posts[0]
			}
			Expect(problem).To(judge.BeNoProblem(), partner.ExplainPost(x, run.answer,
				"PATCH (or PUT) partner-event.partner-result.update-url with the result, e.g. {\"data\": {\"type\": \"partner-results\", \"id\": \"<id>\", \"attributes\": {\"status\": \"completed\"}}}; the suite waits --timeout (%s) for it",
				settings.TestContext.Timeout))
		})

	settings.MustIt("results/authorization", "§2",
		"every request to update-url (or POST /partner-results) MUST carry Authorization: Token <partner API key> (or Bearer <partner API key>)",
		"§2: the Partner API authenticates every call with the partner API key; others are refused with 401.",
		func(ctx SpecContext) {
			bad, problem := firstProblem(run.requests(f), func(x partner.Exchange) string {
				h := x.RequestHeader.Get("Authorization")
				key, err := protocol.ParseAuthorization(h)
				switch {
				case err != nil:
					return err.Error()
				case key != settings.TestContext.APIKey:
					return "the key in Authorization is not the partner API key"
				}
				return ""
			})
			Expect(problem).To(judge.BeNoProblem(), partner.ExplainPost(bad, run.answer,
				"send \"Authorization: Token <partner API key>\" on every Partner API call"))
		})

	settings.MustIt("results/api-version", "§2",
		"every request to update-url (or POST /partner-results) MUST carry X-Api-Version: "+protocol.APIVersion,
		"§2: X-Api-Version is required; others are refused with 406.",
		func(ctx SpecContext) {
			bad, problem := firstProblem(run.requests(f), func(x partner.Exchange) string {
				if v := x.RequestHeader.Get("X-Api-Version"); v != protocol.APIVersion {
					return fmt.Sprintf("X-Api-Version is %q", v)
				}
				return ""
			})
			Expect(problem).To(judge.BeNoProblem(), partner.ExplainPost(bad, run.answer,
				"send \"X-Api-Version: %s\" on every Partner API call; the Partner API answers 406 without it", protocol.APIVersion))
		})

	settings.MustIt("results/media-type", "§2",
		"every request to update-url (or POST /partner-results) MUST carry Content-Type: application/vnd.api+json (JSON:API)",
		"§2: the Partner API takes JSON:API documents; others are refused with 415.",
		func(ctx SpecContext) {
			bad, problem := firstProblem(run.requests(f), func(x partner.Exchange) string {
				if ct := x.RequestHeader.Get("Content-Type"); !judge.IsJSONAPI(ct) {
					return fmt.Sprintf("Content-Type is %q", ct)
				}
				return ""
			})
			Expect(problem).To(judge.BeNoProblem(), partner.ExplainPost(bad, run.answer,
				"send \"Content-Type: %s\"; the Partner API answers 415 to any other media type", protocol.MediaType))
		})

	settings.MustIt("results/body-schema", "§2, §2.3",
		"the body of every request to update-url MUST be a JSON:API partner-results document valid against partner-result-update-request.schema.json (of POST /partner-results, against partner-result-create-request.schema.json)",
		"§2, §2.3: the Partner API refuses other documents with 400 or 422.",
		func(ctx SpecContext) {
			judgeBodies(judge.AspectSchema,
				"send {\"data\": {\"type\": \"partner-results\", \"id\": \"<result id>\", \"attributes\": {...}}} with only the attributes docs/protocol.md §2.3 lists")
		})

	settings.MustIt("results/status-enum", "§2.3",
		"a posted status MUST be one of sending, sent, pending, completed, failed",
		"§2.3: other statuses are refused with 422.",
		func(ctx SpecContext) {
			judgeBodies(judge.AspectStatus, "use one of the statuses sending, sent, pending, completed, failed")
		})

	settings.MustIt("results/score-range", "§2.3",
		"a posted assessment score, and each criterion score, MUST be a number from 0 to 100",
		"§2.3: scores outside 0..100 are refused with 422.",
		func(ctx SpecContext) {
			judgeBodies(judge.AspectScore, "scale scores to 0..100 before posting them")
		})

	settings.MustIt("results/details-depth", "§2.3",
		"posted details MUST be an object nested at most 2 levels deep",
		"§2.3: deeper details are refused with 422.",
		func(ctx SpecContext) {
			judgeBodies(judge.AspectDetails,
				"keep details to {\"key\": scalar or list of scalars or {\"key\": scalar}}; flatten deeper values into strings")
		})

	settings.MustIt("results/attachments-shape", "§2.3",
		"each posted attachment MUST have exactly the keys url and description",
		"§2.3: attachments with other keys are refused with 422.",
		func(ctx SpecContext) {
			judgeBodies(judge.AspectAttachments,
				"send attachments as [{\"url\": \"https://…\", \"description\": \"…\"}] and nothing else in each item")
		})

	settings.ShouldIt("results/criteria-declared", "§2.3, §3",
		"posted assessment-criteria ids SHOULD be among the assessment-criteria the partner's /config declared",
		"§2.3: criteria ids \"should\" be among the declared ones; Teamtailor does not refuse others.",
		func(ctx SpecContext) {
			posts := run.documents(f)
			partner.Depends(run.known, "the /config form could not be read, so the declared criteria are unknown (see config/with-job)")
			bad, problem := firstProblem(posts, func(x partner.Exchange) string {
				v := judge.ResultRequest(x, run.declared)
				return strings.TrimSpace(v.List(judge.AspectCriteria))
			})
			Expect(problem).To(judge.BeNoProblem(), partner.ExplainPost(bad, run.answer,
				"score only criteria your /config declares in \"assessment-criteria\" (declared: %s)", strings.Join(run.declared, ", ")))
		})

	settings.ShouldIt("results/status-forward", "§2.3",
		"a result's status SHOULD never move backwards (sending → sent → pending → completed or failed)",
		"the docs give the statuses but no rule on their order; a status moving back confuses recruiters, it breaks nothing.",
		func(ctx SpecContext) {
			run.posts(f, true)
			// Later posts may still be on their way: watch a while.
			settle := min(max(settings.TestContext.Timeout/4, 200*time.Millisecond), time.Second)
			var last *partner.Exchange
			Consistently(func() string {
				statuses := []string{"sending"}
				if applied, _, _ := protocol.CheckWebhookResponse([]byte(run.answer.ResponseBody)); applied {
					if s, ok := judge.AnswerStatus([]byte(run.answer.ResponseBody)); ok {
						statuses = append(statuses, s)
					}
				}
				for _, x := range framework.TheBasics().ResultPosts(f.Mock) {
					if s, ok := judge.PostedStatus([]byte(x.RequestBody)); ok {
						statuses = append(statuses, s)
						if from, to, back := judge.Backwards(statuses); back {
							last = &x
							return fmt.Sprintf("the status moved back from %s to %s (statuses in order: %s)", from, to, strings.Join(statuses, " → "))
						}
					}
				}
				return ""
			}).WithContext(ctx).WithTimeout(settle).WithPolling(50*time.Millisecond).Should(judge.BeNoProblem(),
				func() string {
					return partner.ExplainPost(last, run.answer, "post statuses in order and never send an earlier one after a later one; a completed or failed result stays so")()
				})
		})
})
