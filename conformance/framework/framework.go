// Package framework is what the conformance specs are written with: the
// settings (TestContext), the label vocabulary and MustIt /
// ShouldIt, the embedded mock, the client that plays Teamtailor towards
// the partner, the judges of documents, failure messages, and the reports.
// It plays Teamtailor with the mockteamtailor library's own event
// building, signing and key code.
package framework

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// Framework is what a spec file's checks share: created once per
// top-level Describe by New, it gives each check a fresh PartnerClient and
// transcript, and attaches the transcript to the check's report.
type Framework struct {
	// Area is the area label of the Describe.
	Area string
	// Partner plays Teamtailor towards BASE_URL; new for each check.
	Partner *PartnerClient
	// Mock is the process's embedded mock.
	Mock *Mock

	transcript *Transcript
}

// New returns the framework of a Describe of area. Call it first thing
// in the Describe body.
func New(area string) *Framework {
	f := &Framework{Area: area}
	ginkgo.BeforeEach(func() {
		f.transcript = &Transcript{}
		f.Partner = NewPartnerClient(f.transcript)
		f.Mock = TheMock()
		ginkgo.DeferCleanup(f.attachTranscript)
	})
	return f
}

// Include adds exchanges made outside the check (in a BeforeAll shared by
// an Ordered container) to its transcript.
func (f *Framework) Include(xs ...Exchange) {
	for i := range xs {
		x := xs[i]
		if x.Direction == Static {
			continue // no call: the static webhook-config stands in for /config
		}
		if !f.transcript.has(x) {
			f.transcript.Add(&x)
		}
	}
}

// Transcript returns the check's exchanges so far.
func (f *Framework) Transcript() []Exchange { return f.transcript.All() }

// Report entry names the reports read back.
const (
	entryExchanges  = "exchanges"
	entryOutcome    = "outcome"
	entryNote       = "note"
	entryTranscript = "transcript"
	entryOmitted    = "exchangesOmitted"
)

// attachTranscript attaches the check's exchanges, redacted, to its
// report, and, when it failed, the whole transcript for the console.
//
// What is attached outlives the check, so it is bounded: each exchange cut
// to the per-exchange limits, at most MaxStoredExchanges of them, and the
// process's share of RunExchangeLimit (limits.go). Secrets are redacted
// before the cut, so no cut leaves part of one.
func (f *Framework) attachTranscript() {
	xs := f.transcript.All()
	red := NewRedactor(settings.TestContext)
	kept, omitted := KeepExchanges(runBudget, xs, red.Exchange)
	ginkgo.AddReportEntry(entryExchanges, kept, ginkgo.ReportEntryVisibilityNever)
	if omitted > 0 {
		ginkgo.AddReportEntry(entryOmitted, omitted, ginkgo.ReportEntryVisibilityNever)
	}
	if ginkgo.CurrentSpecReport().Failed() && len(xs) > 1 {
		// One line per exchange: the failure message details the one to
		// blame, the HTML and JSON reports every one.
		var b strings.Builder
		for i, x := range xs[:len(xs)-omitted] {
			answer := fmt.Sprintf("%d %s", x.Status, http.StatusText(x.Status))
			if !x.Answered() {
				answer = x.Error
			}
			fmt.Fprintf(&b, "\n[%d] %s: %s %s → %s (%s)", i+1, x.Step, x.Method, x.URL, answer, round(x.Elapsed))
		}
		if omitted > 0 {
			fmt.Fprintf(&b, "\n… and %d more exchanges", omitted)
		}
		ginkgo.AddReportEntry(entryTranscript, b.String(), ginkgo.ReportEntryVisibilityFailureOrVerbose)
	}
}

// Note records something a passing check wants its reader to know, e.g.
// that there was nothing to check.
func Note(format string, args ...any) {
	ginkgo.AddReportEntry(entryNote, fmt.Sprintf(format, args...), ginkgo.ReportEntryVisibilityFailureOrVerbose)
}

// FailUnreachable ends the check with the outcome "error": the partner
// could not be reached, so the suite could not run the check.
func FailUnreachable(x *Exchange) {
	ginkgo.GinkgoHelper()
	ginkgo.AddReportEntry(entryOutcome, "error", ginkgo.ReportEntryVisibilityNever)
	ginkgo.Fail(fmt.Sprintf("The suite could not run this check: the partner is %s.\n%s", x.Error,
		Explain(x, "start the partner, or give the --base-url it is reachable at from where the suite runs (now %s)", settings.TestContext.BaseURL)()))
}

// FailMock ends the check with the outcome "error": the embedded mock
// itself failed, which says nothing about the partner.
func FailMock(format string, args ...any) {
	ginkgo.GinkgoHelper()
	ginkgo.AddReportEntry(entryOutcome, "error", ginkgo.ReportEntryVisibilityNever)
	ginkgo.Fail("The suite's embedded mock failed, not the partner: " + fmt.Sprintf(format, args...))
}

// Depends skips the check when something it builds on is missing, naming
// the check that reports it, so one defect fails one check.
func Depends(ok bool, format string, args ...any) {
	ginkgo.GinkgoHelper()
	if !ok {
		ginkgo.Skip("cannot check: " + fmt.Sprintf(format, args...))
	}
}

// Explain returns a failure description for Gomega: the rule of the
// running check with its section of docs/protocol.md, the exchange (what was sent,
// what came back, how long it took), how to fix it, and a curl command
// that sends the request again. x may be nil when no single exchange is
// to blame.
func Explain(x *Exchange, fix string, args ...any) func() string {
	return ExplainPost(x, nil, fix, args...)
}

// ExplainPost is Explain for a request the partner made (x, to the
// embedded mock) in answer to a webhook the suite sent (cause): the curl
// command sends the webhook again, so the partner posts again.
func ExplainPost(x, cause *Exchange, fix string, args ...any) func() string {
	return explain(x, cause, true, fix, args...)
}

// ExplainCause is Explain for a failure whose fix is a root cause the
// check recognised: the fix is given as is, not adapted to what x shows.
func ExplainCause(x *Exchange, fix string, args ...any) func() string {
	return explain(x, nil, false, fix, args...)
}

// explain builds the failure description; adapt makes the fix match what
// x shows (fixFor).
func explain(x, cause *Exchange, adapt bool, fix string, args ...any) func() string {
	return func() string {
		var b strings.Builder
		if c, ok := settings.CurrentCheck(); ok {
			fmt.Fprintf(&b, "Rule: %s — %s (%s)\n", c.ID, c.Rule, c.SectionRef())
		}
		if x != nil {
			b.WriteString(x.Describe())
		}
		if fix != "" {
			f := fmt.Sprintf(fix, args...)
			if adapt {
				f = fixFor(x, f)
			}
			fmt.Fprintf(&b, "Fix: %s\n", f)
		}
		switch {
		case x != nil && x.Direction == ToPartner:
			fmt.Fprintf(&b, "Reproduce:\n    %s\n", strings.ReplaceAll(x.Curl(), "\n", "\n    "))
		case cause != nil:
			fmt.Fprintf(&b, "Reproduce (the webhook that led to it; point update-url at a mock that runs, e.g. mockteamtailor serve):\n    %s\n",
				strings.ReplaceAll(cause.Curl(), "\n", "\n    "))
		}
		return b.String()
	}
}

// fixFor returns the fix for what was observed on x: a check's own fix
// speaks of its rule, but a call that hung, hit nothing, was redirected or
// was refused for its credentials has another cause, and a timeout never
// gets a parsing hint.
func fixFor(x *Exchange, fix string) string {
	if x == nil || x.Direction != ToPartner {
		return fix
	}
	u := pathOf(x.URL)
	switch {
	case x.TooLarge():
		return fmt.Sprintf("the partner answered %s %s with more than 1 MiB (%d bytes read, decompressed): Teamtailor reads at most 1 MiB of an answer; answer with a short body", x.Method, u, x.ResponseBodySize)
	case x.TimedOut():
		return fmt.Sprintf("the partner gave no complete answer to %s %s within %s: make the handler end its response on every path and answer at once; do slow work after answering", x.Method, u, settings.TestContext.Timeout)
	case !x.Answered() && x.Error != "":
		return fmt.Sprintf("the connection failed (%s): make the partner answer %s %s with a complete HTTP response", x.Error, x.Method, u)
	case x.Status >= 300 && x.Status < 400:
		return fmt.Sprintf("the partner redirected to %q; Teamtailor does not follow redirects: give --base-url the final URL", x.ResponseHeader.Get("Location"))
	case x.Status == http.StatusNotFound:
		return fmt.Sprintf("nothing answers %s %s: check --base-url and the partner's path prefix", x.Method, u)
	case (x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden) && x.RequestHeader.Get("Authorization") == "Bearer "+settings.TestContext.ProviderKey:
		if x.RequestHeader.Get("Teamtailor-Signature") != "" && x.Method == http.MethodPost {
			return "the partner refused a correctly signed webhook carrying the suite's provider key: it must verify signatures with the webhook secret given to the suite (--webhook-secret) and accept the provider key that /config accepts"
		}
		fix = "the partner refused the suite's provider key: point a partner that looks keys up at the embedded mock's Partner API (see the start of the run), or pass the key it knows with --provider-key; " + fix
		if settings.TestContext.APIToken == "" {
			// docs/protocol.md §1: a partner may require the company's token too.
			fix += "; a partner that requires Teamtailor-Api-Token gets it with --api-token"
		}
		return fix
	}
	return fix
}

// ConfigQuery is the query of GET /config for a trigger on the sandbox's
// first job stage by its first user (docs/protocol.md §1).
func (m *Mock) ConfigQuery() url.Values {
	q := url.Values{}
	q.Set("job_id", strconv.FormatInt(m.JobID, 10))
	q.Set("stage_id", strconv.FormatInt(m.StageID, 10))
	if m.UserID != 0 {
		q.Set("user_id", strconv.FormatInt(m.UserID, 10))
	}
	return q
}

// ConfigStep names the /config call of a trigger on a job stage, or of
// bulk mode.
func (m *Mock) ConfigStep(bulk bool) string {
	if bulk {
		return "GET /config in bulk mode (no job, stage or user)"
	}
	return "GET /config for a trigger on a job stage"
}

// GetConfig calls GET /config for a trigger on a job stage, or without
// job, stage and user in bulk mode (docs/protocol.md §1, §5).
//
// The calls the preflight made are reused: each config is fetched once per
// run.
func (f *Framework) GetConfig(ctx context.Context, bulk bool) *Exchange {
	ginkgo.GinkgoHelper()
	b := TheBasics()
	x := b.Config
	if bulk {
		x = b.BulkConfig
	}
	if x != nil {
		f.Include(*x)
		if x.Unreachable {
			FailUnreachable(x)
		}
		return x
	}
	call := Call{Step: f.Mock.ConfigStep(false), Method: "GET", Path: "config", Query: f.Mock.ConfigQuery()}
	if bulk {
		call.Step, call.Query = f.Mock.ConfigStep(true), nil
	}
	return f.Partner.Do(ctx, call)
}

// FormValues fetches the trigger form and picks values in it as a
// recruiter would, returning the webhook-data Teamtailor would send
// (docs/protocol.md §1.1). When the form cannot be read the webhook-data is empty:
// the config checks report that.
func (f *Framework) FormValues(ctx context.Context, bulk bool) (map[string]string, Form) {
	ginkgo.GinkgoHelper()
	form, err := ReadForm(f.GetConfig(ctx, bulk))
	if err != nil {
		return map[string]string{}, Form{}
	}
	return WebhookData(f.Mock, form, PickValues(f.Mock, form)), form
}

// NewWebhook prepares a webhook for a candidate fixture carrying the
// values picked in the partner's own form.
func (f *Framework) NewWebhook(ctx context.Context, candidate string, bulk bool) Webhook {
	ginkgo.GinkgoHelper()
	data, _ := f.FormValues(ctx, bulk)
	w, err := f.Mock.PrepareWebhook(ctx, candidate, bulk, data)
	if err != nil {
		FailMock("could not build a webhook: %v", err)
	}
	return w
}

// PostWebhook POSTs a webhook to BASE_URL/webhook with the signature
// header sig ("" sends none), as Teamtailor does (docs/protocol.md §1.1, §1.2).
func (f *Framework) PostWebhook(ctx context.Context, step string, w Webhook, sig string) *Exchange {
	ginkgo.GinkgoHelper()
	return f.Partner.Do(ctx, Call{Step: step, Method: "POST", Path: "webhook", Body: w.Body, Signature: sig})
}

// WaitForPosts waits until until holds for the requests the partner has
// sent to the update-url of result id, or the timeout passed, and returns
// what came. It is for a check's own webhook; the result of the plain
// signed webhook is awaited with Basics.AwaitResult. It never fails:
// checks judge what came.
func WaitForPosts(ctx context.Context, m *Mock, resultID string, until func([]Exchange) bool) []Exchange {
	deadline := time.Now().Add(settings.TestContext.Timeout)
	for {
		posts := m.PostsTo(resultID)
		if until(posts) || time.Now().After(deadline) {
			return posts
		}
		select {
		case <-ctx.Done():
			return m.PostsTo(resultID)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Standalone returns a framework for work shared by the checks of an
// Ordered container, done in its BeforeAll: it has its own client and
// transcript, which the checks Include. It never fails: an unreachable
// partner is left to each check to report.
func Standalone() *Framework {
	t := &Transcript{}
	c := NewPartnerClient(t)
	c.deferUnreachable = true
	return &Framework{Partner: c, Mock: TheMock(), transcript: t}
}

// Configs fetches the configs Teamtailor fetches: the one for a trigger on
// a job stage and, when the partner claims bulk mode, the one without job.
func (f *Framework) Configs(ctx context.Context) []*Exchange {
	ginkgo.GinkgoHelper()
	out := []*Exchange{f.GetConfig(ctx, false)}
	if settings.TestContext.Bulk {
		out = append(out, f.GetConfig(ctx, true))
	}
	return out
}

// DeclaredCriteria returns the assessment-criteria ids the partner's
// configs declare, and whether any config could be read to tell.
func (f *Framework) DeclaredCriteria(ctx context.Context) (ids []string, known bool) {
	ginkgo.GinkgoHelper()
	for _, x := range f.Configs(ctx) {
		form, err := ReadForm(x)
		if err != nil {
			continue
		}
		known = true
		for _, c := range form.AssessmentCriteria {
			if !slices.Contains(ids, c.ID) {
				ids = append(ids, c.ID)
			}
		}
	}
	return ids, known
}
