package conformance

import (
	"context"
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// A result post refused for rate, which production brings and an
// ordinary run does not. The check provokes it with its own webhook, so
// it judges nothing another check sent.

var _ = Describe("Results: a result post refused for rate", settings.LabelResults, func() {
	f := framework.New("results")

	settings.ShouldIt("results/retried-after-429", "§2, §2.3",
		"a request to update-url refused with 429 Too Many Requests and Retry-After SHOULD be sent again once that wait has passed, so the result still arrives",
		"the Partner API rate-limits each partner and answers 429 with Retry-After (§2); a result is the one request a partner must retry rather than drop, or the candidate's result never arrives. A SHOULD because the docs do not say how a partner retries.",
		func(ctx SpecContext) {
			switch resultRoute(ctx, f) {
			case routeNone:
				partner.Depends(false, "the partner sent no result for the run's webhook (see results/posted)")
			case routeCreate:
				// Nothing in a created result tells this check's result
				// from another check's result for the same candidate.
				Skip("not judged for a partner that creates its results with POST /partner-results: the 429 is set up on update-url, which it does not use")
			}
			w := f.NewWebhook(ctx, typical, false)
			wait := f.Mock.RateLimitPosts(w.ResultID, time.Second)
			By(fmt.Sprintf("sending a webhook whose first request to update-url the embedded mock answers with 429 and Retry-After: %d", int(wait.Seconds())))
			x := f.PostWebhook(ctx, "POST /webhook, typical candidate (its first result post gets a 429)", w, partner.Sign(w.EventID))
			partner.Depends(x.Success(), "the webhook got no 2xx (%s), so no result is due (see %s)", answerOf(x), framework.CheckSignedWebhook)
			if completedInAnswer([]byte(x.ResponseBody)) {
				Skip("nothing to judge: the result came in the webhook answer (partner_result_attributes), with no request to update-url")
			}
			posts := writes(framework.WaitForPosts(ctx, f.Mock, w.ResultID, func(posts []partner.Exchange) bool { return len(writes(posts)) > 0 }))
			partner.Depends(len(posts) > 0, "the partner sent nothing to update-url within %s (see results/posted)", settings.TestContext.Timeout)
			refused := posts[0]
			if refused.Status != http.StatusTooManyRequests {
				partner.FailMock("the partner's first %s to update-url got %d, not the 429 the suite set up", refused.Method, refused.Status)
			}

			By(fmt.Sprintf("waiting up to %s after the 429 for the request again", wait+settings.TestContext.Timeout))
			deadline := refused.Started.Add(wait + settings.TestContext.Timeout)
			for !retried(posts) && time.Now().Before(deadline) && ctx.Err() == nil {
				select {
				case <-ctx.Done():
				case <-time.After(20 * time.Millisecond):
				}
				posts = writes(f.Mock.PostsTo(w.ResultID))
			}
			f.Include(posts...)
			problem := ""
			if !retried(posts) {
				problem = fmt.Sprintf("the partner's %s to update-url got 429 Too Many Requests with Retry-After: %d and was not sent again within %s after it",
					refused.Method, int(wait.Seconds()), wait+settings.TestContext.Timeout)
				if early := len(posts) - 1; early > 0 {
					problem = fmt.Sprintf("the partner's %s to update-url got 429 Too Many Requests with Retry-After: %d; it was sent again %d time(s), each before that wait had passed (and refused again), then no more within %s",
						refused.Method, int(wait.Seconds()), early, wait+settings.TestContext.Timeout)
				}
				problem += ": the candidate's result never arrives"
			}
			Expect(problem).To(judge.BeNoProblem(), partner.ExplainPost(&refused, x,
				"when a request to the Partner API gets 429, wait the seconds Retry-After gives and send it again, and keep the result until the Partner API has accepted it (a job queue with retries does this); never drop a result after one refusal"))
		})
})

// writes returns the requests that change the result, PUT and PATCH: the
// ones the suite refuses with 429.
func writes(posts []partner.Exchange) []partner.Exchange {
	var out []partner.Exchange
	for _, x := range posts {
		if x.Method == http.MethodPut || x.Method == http.MethodPatch {
			out = append(out, x)
		}
	}
	return out
}

// retried reports whether a request to update-url after the first, which
// got the 429, came once the wait had passed: the suite answered it
// without a 429.
func retried(posts []partner.Exchange) bool {
	for _, x := range posts[1:] {
		if x.Status != http.StatusTooManyRequests {
			return true
		}
	}
	return false
}

// resultCame reports whether the partner's result to the run's plain
// signed webhook came (posted, created, or in the webhook answer). It
// waits up to the deadline every check of that result shares, so a
// partner that posts no result costs the run one --timeout, not one more
// per check that provokes a result of its own.
func resultCame(ctx context.Context, f *framework.Framework) bool {
	return resultRoute(ctx, f) != routeNone
}

// How the partner's result to the run's plain signed webhook came.
const (
	routeNone      = iota // not within the shared deadline
	routeAnswer           // in the webhook answer
	routeUpdateURL        // PUT or PATCH to update-url
	routeCreate           // POST /partner-results
)

// resultRoute waits like resultCame and says how the result came.
func resultRoute(ctx context.Context, f *framework.Framework) int {
	_, answer := f.RequireSignedWebhookAccepted(ctx, typical)
	if completedInAnswer([]byte(answer.ResponseBody)) {
		return routeAnswer
	}
	posts := framework.TheBasics().AwaitResult(ctx, f.Mock, func(posts []partner.Exchange) bool { return len(posts) > 0 })
	switch {
	case len(posts) == 0:
		return routeNone
	case posts[0].Method == http.MethodPost:
		return routeCreate
	}
	return routeUpdateURL
}
