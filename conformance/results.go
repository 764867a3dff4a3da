package conformance

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// resultRun is one webhook and the result posts it led to, shared by the
// results checks: each judges one rule on the same posts. BeforeAll
// writes it; the checks only read it.
type resultRun struct {
	setup    *framework.Framework
	webhook  framework.Webhook
	answer   *framework.Exchange // the partner's answer to the webhook
	declared []string            // assessment-criteria ids the configs declare
	known    bool                // a config could be read, so declared is known
}

// startResultRun sends the webhook of a manual trigger with values picked
// in the partner's form and waits, at most the timeout, for the partner's
// first request to update-url.
func startResultRun(ctx SpecContext) *resultRun {
	run := &resultRun{setup: framework.Standalone()}
	s := run.setup
	run.declared, run.known = s.DeclaredCriteria(ctx)
	data, _ := s.FormValues(ctx, false)
	w, err := s.Mock.PrepareWebhook(ctx, typical, false, data)
	Expect(err).NotTo(HaveOccurred())
	run.webhook = w
	run.answer = s.Partner.Send(ctx, framework.Call{Step: "POST /webhook, signed, typical candidate", Method: "POST", Path: "webhook", Body: w.Body, Signature: framework.Sign(w.EventID)})
	if run.answer.Success() {
		By("waiting up to " + framework.TestContext.Timeout.String() + " for the partner to send its result to update-url")
		framework.WaitForPosts(ctx, s.Mock, w.ResultID, func(posts []framework.Exchange) bool { return len(posts) > 0 })
	}
	return run
}

// posts returns the partner's requests to update-url so far, after
// making sure there is something to judge: the webhook was accepted and,
// unless none is required, a request came.
func (run *resultRun) posts(f *framework.Framework, required bool) []framework.Exchange {
	GinkgoHelper()
	f.Include(run.setup.Transcript()...)
	if run.answer.Unreachable {
		framework.FailUnreachable(run.answer)
	}
	framework.Depends(run.answer.Success(), "the webhook got no 2xx, so no result is due (see webhook/signed-accepted)")
	posts := f.Mock.PostsTo(run.webhook.ResultID)
	f.Include(posts...)
	if required {
		framework.Depends(len(posts) > 0, "the partner sent nothing to update-url within %s (see results/posted)", framework.TestContext.Timeout)
	}
	return posts
}

// firstProblem judges each post with judge and returns the first post
// with a problem and every problem, one post per line.
func firstProblem(posts []framework.Exchange, judge func(x framework.Exchange) string) (*framework.Exchange, string) {
	var first *framework.Exchange
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
var _ = Describe("Results: what the partner posts to update-url", framework.LabelResults, Ordered, ContinueOnFailure, func() {
	f := framework.New("results")
	var run *resultRun

	BeforeAll(func(ctx SpecContext) {
		if framework.TestContext.Claims(framework.CapAssessment) {
			run = startResultRun(ctx)
		}
	})

	// judgeBodies fails the check when a post breaks one aspect of the
	// partner-result rules (PROTOCOL §2.3).
	judgeBodies := func(aspect, fix string) {
		GinkgoHelper()
		posts := run.posts(f, true)
		bad, problem := firstProblem(posts, func(x framework.Exchange) string {
			v := framework.JudgeResultPost([]byte(x.RequestBody), run.declared)
			return strings.TrimSpace(v.List(aspect))
		})
		Expect(problem).To(framework.BeNoProblem(), framework.ExplainPost(bad, run.answer, "%s", fix))
	}

	framework.ConformanceIt("results/posted", "§1.1, §2.3",
		"after accepting a webhook the partner MUST send its result with PUT or PATCH to the webhook's update-url within the timeout",
		func(ctx SpecContext) {
			posts := run.posts(f, false)
			updates := 0
			for _, x := range posts {
				if x.Method == http.MethodPatch || x.Method == http.MethodPut {
					updates++
				}
			}
			problem := ""
			switch {
			case len(posts) == 0:
				problem = fmt.Sprintf("nothing came to update-url %s within %s", run.webhook.UpdateURL, framework.TestContext.Timeout)
			case updates == 0:
				problem = fmt.Sprintf("%d requests came to update-url, none of them a PUT or PATCH", len(posts))
			}
			var x *framework.Exchange
			if len(posts) > 0 {
				x = &posts[0]
			}
			Expect(problem).To(framework.BeNoProblem(), framework.ExplainPost(x, run.answer,
				"PATCH (or PUT) partner-event.partner-result.update-url with the result, e.g. {\"data\": {\"type\": \"partner-results\", \"id\": \"<id>\", \"attributes\": {\"status\": \"completed\"}}}; the suite waits --timeout (%s) for it",
				framework.TestContext.Timeout))
		})

	framework.ConformanceIt("results/authorization", "§2",
		"every request to update-url MUST carry Authorization: Token <partner API key> (or Bearer <partner API key>)",
		func(ctx SpecContext) {
			bad, problem := firstProblem(run.posts(f, true), func(x framework.Exchange) string {
				h := x.RequestHeader.Get("Authorization")
				key, err := mockteamtailor.ParseAuthorization(h)
				switch {
				case err != nil:
					return err.Error()
				case key != framework.TestContext.APIKey:
					return "the key in Authorization is not the partner API key"
				}
				return ""
			})
			Expect(problem).To(framework.BeNoProblem(), framework.ExplainPost(bad, run.answer,
				"send \"Authorization: Token <partner API key>\" on every Partner API call"))
		})

	framework.ConformanceIt("results/api-version", "§2",
		"every request to update-url MUST carry X-Api-Version: "+mockteamtailor.APIVersion,
		func(ctx SpecContext) {
			bad, problem := firstProblem(run.posts(f, true), func(x framework.Exchange) string {
				if v := x.RequestHeader.Get("X-Api-Version"); v != mockteamtailor.APIVersion {
					return fmt.Sprintf("X-Api-Version is %q", v)
				}
				return ""
			})
			Expect(problem).To(framework.BeNoProblem(), framework.ExplainPost(bad, run.answer,
				"send \"X-Api-Version: %s\" on every Partner API call; the Partner API answers 406 without it", mockteamtailor.APIVersion))
		})

	framework.ConformanceIt("results/media-type", "§2",
		"every request to update-url MUST carry Content-Type: application/vnd.api+json (JSON:API)",
		func(ctx SpecContext) {
			bad, problem := firstProblem(run.posts(f, true), func(x framework.Exchange) string {
				if ct := x.RequestHeader.Get("Content-Type"); !framework.IsJSONAPI(ct) {
					return fmt.Sprintf("Content-Type is %q", ct)
				}
				return ""
			})
			Expect(problem).To(framework.BeNoProblem(), framework.ExplainPost(bad, run.answer,
				"send \"Content-Type: %s\"; the Partner API answers 415 to any other media type", protocol.MediaType))
		})

	framework.ConformanceIt("results/body-schema", "§2, §2.3",
		"the body of every request to update-url MUST be a JSON:API partner-results document valid against partner-result-update-request.schema.json",
		func(ctx SpecContext) {
			judgeBodies(framework.AspectSchema,
				"send {\"data\": {\"type\": \"partner-results\", \"id\": \"<result id>\", \"attributes\": {...}}} with only the attributes PROTOCOL §2.3 lists")
		})

	framework.ConformanceIt("results/status-enum", "§2.3",
		"a posted status MUST be one of sending, sent, pending, completed, failed",
		func(ctx SpecContext) {
			judgeBodies(framework.AspectStatus, "use one of the statuses sending, sent, pending, completed, failed")
		})

	framework.ConformanceIt("results/score-range", "§2.3",
		"a posted assessment score, and each criterion score, MUST be a number from 0 to 100",
		func(ctx SpecContext) {
			judgeBodies(framework.AspectScore, "scale scores to 0..100 before posting them")
		})

	framework.ConformanceIt("results/details-depth", "§2.3",
		"posted details MUST be an object nested at most 2 levels deep",
		func(ctx SpecContext) {
			judgeBodies(framework.AspectDetails,
				"keep details to {\"key\": scalar or list of scalars or {\"key\": scalar}}; flatten deeper values into strings")
		})

	framework.ConformanceIt("results/attachments-shape", "§2.3",
		"each posted attachment MUST have exactly the keys url and description",
		func(ctx SpecContext) {
			judgeBodies(framework.AspectAttachments,
				"send attachments as [{\"url\": \"https://…\", \"description\": \"…\"}] and nothing else in each item")
		})

	framework.ConformanceIt("results/criteria-declared", "§2.3, §3",
		"posted assessment-criteria ids MUST be among the assessment-criteria the partner's /config declared",
		func(ctx SpecContext) {
			posts := run.posts(f, true)
			framework.Depends(run.known, "the /config form could not be read, so the declared criteria are unknown (see config/with-job)")
			bad, problem := firstProblem(posts, func(x framework.Exchange) string {
				v := framework.JudgeResultPost([]byte(x.RequestBody), run.declared)
				return strings.TrimSpace(v.List(framework.AspectCriteria))
			})
			Expect(problem).To(framework.BeNoProblem(), framework.ExplainPost(bad, run.answer,
				"score only criteria your /config declares in \"assessment-criteria\" (declared: %s)", strings.Join(run.declared, ", ")))
		})

	framework.ConformanceIt("results/status-forward", "§2.3",
		"a result's status MUST never move backwards (sending → sent → pending → completed or failed)",
		func(ctx SpecContext) {
			run.posts(f, true)
			// Later posts may still be on their way: watch a while.
			settle := min(max(framework.TestContext.Timeout/4, 200*time.Millisecond), time.Second)
			var last *framework.Exchange
			Consistently(func() string {
				statuses := []string{"sending"}
				if applied, _, _ := protocol.CheckWebhookResponse([]byte(run.answer.ResponseBody)); applied {
					if s, ok := framework.AnswerStatus([]byte(run.answer.ResponseBody)); ok {
						statuses = append(statuses, s)
					}
				}
				for _, x := range f.Mock.PostsTo(run.webhook.ResultID) {
					if s, ok := framework.PostedStatus([]byte(x.RequestBody)); ok {
						statuses = append(statuses, s)
						if from, to, back := framework.Backwards(statuses); back {
							last = &x
							return fmt.Sprintf("the status moved back from %s to %s (statuses in order: %s)", from, to, strings.Join(statuses, " → "))
						}
					}
				}
				return ""
			}).WithContext(ctx).WithTimeout(settle).WithPolling(50*time.Millisecond).Should(framework.BeNoProblem(),
				func() string {
					return framework.ExplainPost(last, run.answer, "post statuses in order and never send an earlier one after a later one; a completed or failed result stays so")()
				})
		})
})
