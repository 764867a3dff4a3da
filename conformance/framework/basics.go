package framework

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// Basics are the calls every other check builds on, made once per
// process and shared: GET /config with the suite's provider key, the
// bulk-mode config, GET /activation, and the plain signed webhook of a
// typical candidate. Judging them once and skipping what depends on a
// broken one is what makes one defect one failure (the checks that own
// them fail; the others say "cannot check: … (see <check>)"), and what
// bounds the run: a partner that never answers costs one timeout for the
// configs and one for the webhook, not one per check.
type Basics struct {
	// Root is GET BASE_URL: any answer, even 404, shows the partner is up.
	Root *partner.Exchange
	// Config is GET /config for a trigger on a job stage, with the
	// provider key (what config/with-job judges).
	Config *partner.Exchange
	// BulkConfig is GET /config without job (config/without-job), nil
	// unless the partner claims bulk mode.
	BulkConfig *partner.Exchange
	// Activation is GET /activation?company_id=…, nil when
	// --activation-config gives the config as a file.
	Activation *partner.Exchange
	// NoKeyConfig is GET /config without a provider key: refused at once
	// while the call with the key fails, it shows that checking the key
	// is what fails (verifier.go).
	NoKeyConfig *partner.Exchange
	// Static is the partner's static webhook-config, nil when it serves
	// /config. With one, Config (and BulkConfig) stand for the document
	// (direction Static): Teamtailor does not fetch /config.
	Static *embedded.StaticConfig

	webhookOnce   sync.Once
	webhook       embedded.Webhook
	webhookAnswer *partner.Exchange
	// webhookDone is when the answer to the webhook came: the partner's
	// result is due within the timeout from then, whoever waits for it.
	webhookDone time.Time
	webhookErr  error
	webhookXs   []partner.Exchange // the webhook's exchanges, for transcripts
	mistake     *SignatureMistake
	lookupOnce  sync.Once
	lookupWhy   string // keyLookupFailure's verdict
}

// Ids of the checks that own the basics: skips point at them.
const (
	CheckConfig        = "config/with-job"
	CheckSignedWebhook = "webhook/signed-accepted"
	CheckActivation    = "activation/config-valid"
)

var (
	basicsMu sync.Mutex // guards basicsOf
	basicsOf *Basics
)

// TheBasics returns the process's basics, made by Preflight.
func TheBasics() *Basics {
	basicsMu.Lock()
	defer basicsMu.Unlock()
	if basicsOf == nil {
		panic("framework: the preflight has not run; StartSuite runs it in BeforeSuite")
	}
	return basicsOf
}

// PreflightError is a partner the suite cannot reach at all: no check
// can run.
type PreflightError struct {
	Tried []*partner.Exchange
}

func (e *PreflightError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the partner at %s cannot be reached, so no check ran.\n", settings.TestContext.BaseURL)
	for _, x := range e.Tried {
		fmt.Fprintf(&b, "Tried: %s %s\n  → %s\n", x.Method, x.URL, x.Error)
	}
	b.WriteString("Check: " + unreachableAdvice(e.Tried[0].Error))
	return b.String()
}

// unreachableAdvice says what to check for a transport error.
func unreachableAdvice(err string) string {
	switch {
	case strings.Contains(err, "TLS error") && strings.Contains(err, "plain http"):
		return "the partner serves plain http: use an http:// --base-url."
	case strings.Contains(err, "TLS error"):
		return "the partner's certificate: it must be valid for the host in --base-url and issued by a trusted authority (or use http:// for a local partner)."
	case strings.Contains(err, "DNS error"):
		return "the host name in --base-url; from a container, use the service name the partner runs under (e.g. http://partner:3000), not localhost."
	}
	return "that the partner is started and listens on the host and port of --base-url, reachable from where the suite runs (from a container, localhost is the container itself)."
}

// Preflight checks, before any check runs, that the partner answers at
// all, and makes the basic calls the checks share, concurrently: GET
// BASE_URL, GET /config (and its bulk-mode twin), GET /activation. It
// returns a *PreflightError when the partner cannot be reached.
func Preflight(ctx context.Context, m *embedded.Mock) (*Basics, error) {
	b := &Basics{}
	b.Static = embedded.FileStaticConfig()
	client := func() *partner.Client {
		c := partner.NewClient(&partner.Transcript{})
		c.DeferUnreachable()
		return c
	}
	calls := []struct {
		dst  **partner.Exchange
		call partner.Call
	}{
		{&b.Root, partner.Call{Step: "preflight: GET BASE_URL (is anything there?)", Method: "GET", Path: "", Auth: partner.AuthNone, Owner: "preflight"}},
	}
	if b.Static == nil {
		calls = append(calls, struct {
			dst  **partner.Exchange
			call partner.Call
		}{&b.Config, partner.Call{Step: m.ConfigStep(false), Method: "GET", Path: "config", Query: m.ConfigQuery(), Owner: CheckConfig}},
			struct {
				dst  **partner.Exchange
				call partner.Call
			}{&b.NoKeyConfig, partner.Call{Step: "GET /config without a provider key (does the handler answer when there is no key to check?)", Method: "GET", Path: "config",
				Query: m.ConfigQuery(), Auth: partner.AuthNone, Owner: "config/provider-key-missing"}})
	}
	if settings.TestContext.Bulk && b.Static == nil {
		calls = append(calls, struct {
			dst  **partner.Exchange
			call partner.Call
		}{&b.BulkConfig, partner.Call{Step: m.ConfigStep(true), Method: "GET", Path: "config", Owner: "config/without-job"}})
	}
	if settings.TestContext.ActivationConfig == "" {
		calls = append(calls, struct {
			dst  **partner.Exchange
			call partner.Call
		}{&b.Activation, partner.Call{Step: "GET /activation", Method: "GET", Path: "activation",
			Query: url.Values{"company_id": {m.Company.UUID}}, Owner: CheckActivation}})
	}
	var wg sync.WaitGroup
	for _, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			*c.dst = client().Send(ctx, c.call)
		}()
	}
	wg.Wait()
	var down []*partner.Exchange
	for _, c := range calls {
		if (*c.dst).Unreachable {
			down = append(down, *c.dst)
		}
	}
	if len(down) > 0 {
		return b, &PreflightError{Tried: down[:1]}
	}
	// A partner may give its static webhook-config on the Partner API
	// while the run starts (docs/protocol.md §2.1): from then on Teamtailor
	// does not fetch /config, so the answers the preflight got are moot.
	if b.Static == nil {
		b.Static = m.StaticConfigPut()
	}
	if b.Static != nil {
		b.Config = b.Static.Exchange()
		if settings.TestContext.Bulk {
			b.BulkConfig = b.Config
		}
	}
	basicsMu.Lock()
	basicsOf = b
	basicsMu.Unlock()
	return b, nil
}

// SkipStaticConfig skips a check of GET /config when the partner gives a
// static webhook-config: Teamtailor never calls it then.
func SkipStaticConfig() {
	ginkgo.GinkgoHelper()
	if TheBasics().Static != nil {
		ginkgo.Skip(embedded.StaticConfigSkip)
	}
}

// Blocker says why nothing past GET /config can be judged, or "": the
// partner refused the suite's provider key, nothing serves /config at
// BASE_URL, or BASE_URL redirects. config/with-job fails for it; every
// other check that sends the provider key is skipped.
func (b *Basics) Blocker() string {
	x := b.Config
	switch {
	case b.keyLookupFailure() != "":
		return fmt.Sprintf("the partner could not check the suite's provider key: its own call to Teamtailor fails (see %s)", CheckConfig)
	case x == nil || !x.Answered():
		return ""
	case x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden:
		return fmt.Sprintf("the partner refused the suite's provider key on GET /config with %d %s (see %s)", x.Status, http.StatusText(x.Status), CheckConfig)
	case x.Status == http.StatusNotFound:
		return fmt.Sprintf("GET /config answered 404 Not Found: --base-url or its path prefix looks wrong (see %s)", CheckConfig)
	case x.Status >= 300 && x.Status < 400:
		return fmt.Sprintf("GET /config answered %d, a redirect to %q, which Teamtailor does not follow (see %s)", x.Status, x.ResponseHeader.Get("Location"), CheckConfig)
	}
	return ""
}

// RequireBase skips the check when BASE_URL itself looks wrong: /config
// got 404 or a redirect (not when only the provider key was refused).
func RequireBase() {
	ginkgo.GinkgoHelper()
	b := TheBasics()
	if x := b.Config; x != nil && x.Answered() && (x.Status == http.StatusNotFound || (x.Status >= 300 && x.Status < 400)) {
		ginkgo.Skip("cannot check: " + b.Blocker())
	}
}

// RequireBasics skips the check when Blocker says the basics are broken.
func RequireBasics() {
	ginkgo.GinkgoHelper()
	if why := TheBasics().Blocker(); why != "" {
		ginkgo.Skip("cannot check: " + why)
	}
}

// RequireConfigAnswered skips the check when GET /config got no answer
// at all (it hung): sending /config more calls would only wait again.
func RequireConfigAnswered() {
	ginkgo.GinkgoHelper()
	RequireBasics()
	if x := TheBasics().Config; !x.Answered() {
		ginkgo.Skip(fmt.Sprintf("cannot check: GET /config gave no answer (%s) (see %s)", x.Error, CheckConfig))
	}
}

// SignedWebhook returns the plain signed webhook of a typical candidate,
// with values picked in the partner's /config form, and the partner's
// answer; it is sent once per process, on first use, and its exchanges
// join the check's transcript. It skips the check when the basics are
// broken.
func (f *Framework) SignedWebhook(ctx context.Context, candidate string) (embedded.Webhook, *partner.Exchange) {
	ginkgo.GinkgoHelper()
	RequireBasics()
	b := TheBasics()
	b.webhookOnce.Do(func() {
		t := &partner.Transcript{}
		c := partner.NewClient(t)
		c.DeferUnreachable()
		data := map[string]string{}
		if form, err := partner.ReadForm(b.Config); err == nil {
			data = partner.WebhookData(f.Mock.Server, form, partner.PickValues(f.Mock.Server, form))
		}
		b.webhook, b.webhookErr = f.Mock.PrepareWebhook(ctx, candidate, false, data)
		if b.webhookErr == nil {
			b.webhookAnswer = c.Send(ctx, partner.Call{Step: "POST /webhook, signed, typical candidate", Method: "POST", Path: "webhook",
				Body: b.webhook.Body, Signature: partner.Sign(b.webhook.EventID), Owner: CheckSignedWebhook})
			if refusedSignature(b.webhookAnswer) {
				b.probeMistakes(ctx, c, f.Mock, candidate, data)
			}
		}
		b.webhookXs = t.All()
		b.webhookDone = time.Now()
	})
	if b.webhookErr != nil {
		partner.FailMock("could not build a webhook: %v", b.webhookErr)
	}
	f.Include(*b.Config)
	if b.Static != nil && b.Static.Put != nil {
		f.Include(*b.Static.Put)
	}
	f.Include(b.webhookXs...)
	return b.webhook, b.webhookAnswer
}

// ResultPosts returns what the partner has sent so far for the result of
// the plain signed webhook: requests to its update-url and results created
// for its candidate and job (Mock.ResultPosts).
func (b *Basics) ResultPosts(m *embedded.Mock) []partner.Exchange {
	if len(b.webhookXs) == 0 {
		return nil
	}
	return m.ResultPosts(b.webhook, b.webhookXs[0].Started)
}

// AwaitResult waits until until holds for ResultPosts, or until
// ResultDeadline, and returns what came. It never fails: checks judge
// what came. Checks that wait for the result share one deadline.
func (b *Basics) AwaitResult(ctx context.Context, m *embedded.Mock, until func([]partner.Exchange) bool) []partner.Exchange {
	deadline := b.ResultDeadline()
	for {
		posts := b.ResultPosts(m)
		if until(posts) || !time.Now().Before(deadline) {
			return posts
		}
		select {
		case <-ctx.Done():
			return b.ResultPosts(m)
		case <-time.After(min(20*time.Millisecond, time.Until(deadline))):
		}
	}
}

// ResultDeadline is when the result of the plain signed webhook is due:
// the timeout after its answer. Every wait for that result ends then, so
// two checks that wait for it never wait twice.
func (b *Basics) ResultDeadline() time.Time {
	return b.webhookDone.Add(settings.TestContext.Timeout)
}

// RequireSignedWebhookAccepted returns the signed webhook and its answer,
// skipping the check when the partner did not accept it: a check of what
// comes after (edge cases, signatures, results) cannot be judged then.
func (f *Framework) RequireSignedWebhookAccepted(ctx context.Context, candidate string) (embedded.Webhook, *partner.Exchange) {
	ginkgo.GinkgoHelper()
	w, x := f.SignedWebhook(ctx, candidate)
	if !x.Success() {
		answer := x.Error
		if x.Answered() {
			answer = fmt.Sprintf("it answered %d %s", x.Status, http.StatusText(x.Status))
		}
		ginkgo.Skip(fmt.Sprintf("cannot check: the plain signed webhook was not accepted (%s) (see %s)", answer, CheckSignedWebhook))
	}
	return w, x
}
