// Package framework is what the conformance specs are written with: a
// Framework per spec file (the check's partner client, transcript and
// embedded mock), the basics every check builds on (the preflight's
// config, activation and signed webhook), the signature and key-lookup
// probes with the root causes they recognise, the company-event
// deliveries, and the start and end of a suite run. The settings and
// labels, the partner client, the embedded mock, the judges and the
// reports are packages of their own beside it.
package framework

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// Framework is what a spec file's checks share: created once per
// top-level Describe by New, it gives each check a fresh partner.Client and
// transcript, and attaches the transcript to the check's report.
type Framework struct {
	// Area is the area label of the Describe.
	Area string
	// Partner plays Teamtailor towards BASE_URL; new for each check.
	Partner *partner.Client
	// Mock is the process's embedded mock.
	Mock *embedded.Mock

	transcript *partner.Transcript
}

// New returns the framework of a Describe of area. Call it first thing
// in the Describe body.
func New(area string) *Framework {
	f := &Framework{Area: area}
	ginkgo.BeforeEach(func() {
		f.transcript = &partner.Transcript{}
		f.Partner = partner.NewClient(f.transcript)
		f.Mock = theMock()
		ginkgo.DeferCleanup(f.attachTranscript)
	})
	return f
}

// Include adds exchanges made outside the check (in a BeforeAll shared by
// an Ordered container) to its transcript.
func (f *Framework) Include(xs ...partner.Exchange) {
	for i := range xs {
		x := xs[i]
		if x.Direction == partner.Static {
			continue // no call: the static webhook-config stands in for /config
		}
		if !f.transcript.Has(x) {
			f.transcript.Add(&x)
		}
	}
}

// Transcript returns the check's exchanges so far.
func (f *Framework) Transcript() []partner.Exchange { return f.transcript.All() }

// attachTranscript attaches the check's exchanges, redacted, to its
// report, and, when it failed, the whole transcript for the console.
//
// What is attached outlives the check, so it is bounded: each exchange cut
// to the per-exchange limits, at most MaxStoredExchanges of them, and the
// process's share of RunExchangeLimit (partner/limits.go). Secrets are redacted
// before the cut, so no cut leaves part of one.
func (f *Framework) attachTranscript() {
	xs := f.transcript.All()
	red := partner.NewRedactor(settings.TestContext)
	kept, omitted := partner.KeepForRun(xs, red.Exchange)
	ginkgo.AddReportEntry(partner.EntryExchanges, kept, ginkgo.ReportEntryVisibilityNever)
	if omitted > 0 {
		ginkgo.AddReportEntry(partner.EntryOmitted, omitted, ginkgo.ReportEntryVisibilityNever)
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
			fmt.Fprintf(&b, "\n[%d] %s: %s %s → %s (%s)", i+1, x.Step, x.Method, x.URL, answer, partner.Round(x.Elapsed))
		}
		if omitted > 0 {
			fmt.Fprintf(&b, "\n… and %d more exchanges", omitted)
		}
		ginkgo.AddReportEntry(partner.EntryTranscript, b.String(), ginkgo.ReportEntryVisibilityFailureOrVerbose)
	}
}

// GetConfig calls GET /config for a trigger on a job stage, or without
// job, stage and user in bulk mode (docs/protocol.md §1, §5).
//
// The calls the preflight made are reused: each config is fetched once per
// run.
func (f *Framework) GetConfig(ctx context.Context, bulk bool) *partner.Exchange {
	ginkgo.GinkgoHelper()
	b := TheBasics()
	x := b.Config
	if bulk {
		x = b.BulkConfig
	}
	if x != nil {
		f.Include(*x)
		if x.Unreachable {
			partner.FailUnreachable(x)
		}
		return x
	}
	call := partner.Call{Step: f.Mock.ConfigStep(false), Method: "GET", Path: "config", Query: f.Mock.ConfigQuery()}
	if bulk {
		call.Step, call.Query = f.Mock.ConfigStep(true), nil
	}
	return f.Partner.Do(ctx, call)
}

// FormValues fetches the trigger form and picks values in it as a
// recruiter would, returning the webhook-data Teamtailor would send
// (docs/protocol.md §1.1). When the form cannot be read the webhook-data is empty:
// the config checks report that.
func (f *Framework) FormValues(ctx context.Context, bulk bool) (map[string]string, partner.Form) {
	ginkgo.GinkgoHelper()
	form, err := partner.ReadForm(f.GetConfig(ctx, bulk))
	if err != nil {
		return map[string]string{}, partner.Form{}
	}
	return partner.WebhookData(f.Mock.Server, form, partner.PickValues(f.Mock.Server, form)), form
}

// NewWebhook prepares a webhook for a candidate fixture carrying the
// values picked in the partner's own form.
func (f *Framework) NewWebhook(ctx context.Context, candidate string, bulk bool) embedded.Webhook {
	ginkgo.GinkgoHelper()
	data, _ := f.FormValues(ctx, bulk)
	w, err := f.Mock.PrepareWebhook(ctx, candidate, bulk, data)
	if err != nil {
		partner.FailMock("could not build a webhook: %v", err)
	}
	return w
}

// PostWebhook POSTs a webhook to BASE_URL/webhook with the signature
// header sig ("" sends none), as Teamtailor does (docs/protocol.md §1.1, §1.2).
func (f *Framework) PostWebhook(ctx context.Context, step string, w embedded.Webhook, sig string) *partner.Exchange {
	ginkgo.GinkgoHelper()
	return f.Partner.Do(ctx, partner.Call{Step: step, Method: "POST", Path: "webhook", Body: w.Body, Signature: sig})
}

// WaitForPosts waits until until holds for the requests the partner has
// sent to the update-url of result id, or the timeout passed, and returns
// what came. It is for a check's own webhook; the result of the plain
// signed webhook is awaited with Basics.AwaitResult. It never fails:
// checks judge what came.
func WaitForPosts(ctx context.Context, m *embedded.Mock, resultID string, until func([]partner.Exchange) bool) []partner.Exchange {
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
	t := &partner.Transcript{}
	c := partner.NewClient(t)
	c.DeferUnreachable()
	return &Framework{Partner: c, Mock: theMock(), transcript: t}
}

// Configs fetches the configs Teamtailor fetches: the one for a trigger on
// a job stage and, when the partner claims bulk mode, the one without job.
func (f *Framework) Configs(ctx context.Context) []*partner.Exchange {
	ginkgo.GinkgoHelper()
	out := []*partner.Exchange{f.GetConfig(ctx, false)}
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
		form, err := partner.ReadForm(x)
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
