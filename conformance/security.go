package conformance

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// oversizedBody is the size of the over-large webhook: five times what
// a webhook carries at most, well past any sane limit (docs/protocol.md §8).
const oversizedBody = 5 << 20

var _ = Describe("Security: what a marketplace review checks", settings.LabelSecurity, func() {
	f := framework.New("security")

	// The forged webhook and the replay are sent together, and watched for
	// one quiet period: each must get no request, and waiting for the one
	// after the other would double the wait.
	Describe("posts after a forged or replayed webhook", Ordered, ContinueOnFailure, func() {
		var p *postProbe
		BeforeAll(func(ctx SpecContext) { p = startPostProbe(ctx) })

		settings.MustIt("security/forged-update-url", "§1.2, §8",
			"a correctly signed webhook whose update-url points to a host other than the Teamtailor the partner is configured for MUST NOT get a request there (it would carry the partner API key)",
			"the signature covers only the event id, not the body (§1.2): anyone who captured a webhook can change its update-url and replay it inside the window, and a partner that posts there hands over its Partner API key.",
			func(ctx SpecContext) {
				if !p.ready(ctx, f) {
					return
				}
				problem := ""
				if got := p.trapped; len(got) > 0 {
					r := got[0]
					carried := "no Authorization"
					if strings.Contains(r.Authorization, settings.TestContext.APIKey) {
						carried = "its Partner API key (Authorization: Token …)"
					} else if r.Authorization != "" {
						carried = "an Authorization header"
					}
					problem = fmt.Sprintf("the partner sent %d request(s) to %s, a host that is not the Teamtailor it is configured for; the first, %s %s, carried %s",
						len(got), p.trapURL, r.Method, r.Path, carried)
				}
				Expect(problem).To(judge.BeNoProblem(), partner.Explain(p.forged,
					"post results only to the Teamtailor API host the partner is configured for (api.teamtailor.com, api.na.teamtailor.com or api.au.teamtailor.com in production, the mock's URL in tests): compare update-url's scheme and host with it before sending anything, and refuse the webhook (400) otherwise"))
			}, settings.CapAssessment)

		settings.MustIt("security/changed-body-replay", "§1.2, §8",
			"a second delivery of an event id the partner has accepted, signed afresh but with a changed body, MUST NOT be acted on as a new event (no second result posted for it)",
			"the signature covers only the event id (§1.2), so a replay inside the window can carry any body; a partner that acts on it again lets whoever captured a webhook overwrite the candidate's result.",
			func(ctx SpecContext) {
				if !p.ready(ctx, f) {
					return
				}
				problem := ""
				if n := len(p.posts) - p.first; n > 0 {
					problem = fmt.Sprintf("the partner posted %d more result(s) for event %s after its second delivery with a changed body", n, p.eventID)
				}
				Expect(problem).To(judge.BeNoProblem(), partner.Explain(p.replay,
					"remember the partner-event ids accepted (at least for the 5-minute signature window) and answer a second delivery of one with a 2xx without acting on it"))
			}, settings.CapAssessment)
	})

	settings.MustIt("security/oversized-body", "§8",
		"a correctly signed webhook of 5 MB MUST be refused with a 4xx (413 is best) or a closed connection, never accepted, answered 5xx or left hanging",
		"a partner that reads any body whole can be made to spend its memory by anyone who can reach it; a real webhook is far smaller.",
		func(ctx SpecContext) {
			f.RequireSignedWebhookAccepted(ctx, typical)
			w := f.NewWebhook(ctx, typical, false)
			w.Body = padded(w.Body, oversizedBody)
			x := f.Partner.Send(ctx, partner.Call{Step: "POST /webhook, signed, 5 MB", Method: "POST", Path: "webhook", Body: w.Body, Signature: partner.Sign(w.EventID)})
			// The reports show the start of the body: 5 MB of padding
			// tells a reader nothing (RequestBodySize keeps the size).
			x.RequestBody = x.RequestBody[:min(len(x.RequestBody), 256)] + "…"
			problem := ""
			switch {
			case x.Answered() && x.Status >= 400 && x.Status < 500:
			case x.Answered():
				problem = fmt.Sprintf("the partner answered %d to a 5 MB webhook", x.Status)
			case x.TimedOut():
				problem = "the partner gave no answer in time to a 5 MB webhook"
			default:
				partner.Note("the partner closed the connection on the 5 MB body (%s): refused", x.Error)
			}
			Expect(problem).To(judge.BeNoProblem(), partner.Explain(x,
				"limit the request body (e.g. 1 MiB, http.MaxBytesReader in Go, client_max_body_size in nginx) and answer 413 past it"))
		})

	settings.MustIt("security/malformed-json", "§8",
		"a webhook whose body is not JSON MUST get a 4xx, never a 2xx or a 5xx",
		"a body that cannot be parsed is a bad request; a 5xx says the partner crashed on input anyone can send, a 2xx that it acted on nothing.",
		func(ctx SpecContext) {
			f.RequireSignedWebhookAccepted(ctx, typical)
			w := f.NewWebhook(ctx, typical, false)
			x := f.Partner.Do(ctx, malformedCall(w.EventID))
			problem := ""
			switch {
			case !x.Answered():
				problem = "no answer to a body that is not JSON: " + x.Error
			case x.Status < 400 || x.Status >= 500:
				problem = fmt.Sprintf("the partner answered %d %s to a body that is not JSON", x.Status, http.StatusText(x.Status))
			}
			Expect(problem).To(judge.BeNoProblem(), partner.Explain(x,
				"decode the body first and answer 400 with a short plain-text reason when it is not a partner event"))
		})

	settings.MustIt("security/no-leaks", "§8",
		"no answer to a bad request (malformed, over-large, unsigned, without credentials) MUST carry a stack trace, the webhook secret or the API key",
		"error pages are read by whoever sent the request: a stack trace maps the partner's code for an attacker, and a secret in one is a secret published.",
		func(ctx SpecContext) {
			f.RequireSignedWebhookAccepted(ctx, typical)
			w := f.NewWebhook(ctx, typical, false)
			calls := []partner.Call{
				malformedCall(w.EventID),
				{Step: "POST /webhook, the body a list", Method: "POST", Path: "webhook", Body: []byte(`[{"partner-event": 1}]`), Signature: partner.Sign(w.EventID)},
				{Step: "POST /webhook, no Teamtailor-Signature", Method: "POST", Path: "webhook", Body: w.Body},
				{Step: "POST /webhook, no Authorization", Method: "POST", Path: "webhook", Body: w.Body, Signature: partner.Sign(w.EventID), Auth: partner.AuthNone},
				{Step: "GET /config, a wrong provider key", Method: "GET", Path: "config", Query: f.Mock.ConfigQuery(), Auth: partner.WrongProviderKey()},
			}
			xs := f.Partner.SendAll(ctx, calls, partner.Concurrency)
			var lines []string
			var first *partner.Exchange
			for _, x := range xs {
				if x.Unreachable {
					partner.FailUnreachable(x)
				}
				if what := leakIn(x); what != "" {
					lines = append(lines, fmt.Sprintf("%s: the answer carries %s", x.Step, what))
					if first == nil {
						first = x
					}
				}
			}
			problem := ""
			if len(lines) > 0 {
				problem = strings.Join(lines, "\n    ")
			}
			Expect(problem).To(judge.BeNoProblem(), partner.Explain(first,
				"answer errors with a short fixed text; log the details (without secrets) on the server, never in the answer; turn off debug error pages in production"))
		})

	settings.MustIt("security/credentials-required", "§1, §8",
		"every endpoint the partner declares (/webhook and each action endpoint its results name) MUST refuse a call without the provider key with a 4xx",
		"an endpoint that takes calls without the activation's provider key lets anyone trigger work, or read results, in a company's name.",
		func(ctx SpecContext) {
			f.RequireSignedWebhookAccepted(ctx, typical)
			// An event of its own: a repeat of the run's event would judge
			// how the partner treats a duplicate, not its credentials.
			w := f.NewWebhook(ctx, typical, false)
			paths := []string{"webhook"}
			if settings.TestContext.Actions {
				for _, p := range framework.TheBasics().ResultPosts(f.Mock) {
					for _, a := range judge.PostedActions([]byte(p.RequestBody)) {
						paths = appendNew(paths, strings.TrimLeft(a.Endpoint, "/"))
					}
				}
			}
			var calls []partner.Call
			for _, p := range paths {
				calls = append(calls, partner.Call{Step: "POST /" + p + ", signed, without Authorization", Method: "POST", Path: p,
					Body: w.Body, Signature: partner.Sign(w.EventID), Auth: partner.AuthNone})
			}
			xs := f.Partner.SendAll(ctx, calls, partner.Concurrency)
			var lines []string
			var first *partner.Exchange
			for _, x := range xs {
				if x.Unreachable {
					partner.FailUnreachable(x)
				}
				if x.Answered() && x.Status >= 400 && x.Status < 500 {
					continue
				}
				answer := fmt.Sprintf("%d %s", x.Status, http.StatusText(x.Status))
				if !x.Answered() {
					answer = x.Error
				}
				lines = append(lines, fmt.Sprintf("%s: %s", x.Step, answer))
				if first == nil {
					first = x
				}
			}
			problem := ""
			if len(lines) > 0 {
				problem = "calls without a provider key were not refused:\n    " + strings.Join(lines, "\n    ")
			}
			Expect(problem).To(judge.BeNoProblem(), partner.Explain(first,
				"check \"Authorization: Bearer <provider key>\" on every route Teamtailor calls (one middleware before the routes), and answer 401 without it"))
		})

	settings.ShouldIt("security/https", "§8",
		"in the production profile, the partner's BASE_URL SHOULD be https",
		"Teamtailor sends provider keys and candidates' personal data to BASE_URL; on plain http anyone on the path reads them. A development run on localhost is exempt.",
		func(ctx SpecContext) {
			f.GetConfig(ctx, false) // the call that shows the scheme
			u, _ := url.Parse(settings.TestContext.BaseURL)
			if u.Scheme == "https" {
				return
			}
			if settings.TestContext.Profile != settings.ProfileProduction {
				partner.Note("BASE_URL is plain http: allowed in the %s profile", settings.TestContext.Profile)
				return
			}
			Expect(fmt.Sprintf("BASE_URL %s is plain http", settings.TestContext.BaseURL)).To(judge.BeNoProblem(), partner.Explain(nil,
				"serve the partner over https (TLS 1.2 or newer) and give Teamtailor the https BASE_URL"))
		})

	settings.MustIt("security/tls-version", "§8",
		"when BASE_URL is https, the partner MUST refuse TLS versions older than 1.2",
		"TLS 1.0 and 1.1 have known attacks and are deprecated (RFC 8996); marketplace reviews scan for them.",
		func(ctx SpecContext) {
			f.GetConfig(ctx, false) // the call that shows the scheme
			u, _ := url.Parse(settings.TestContext.BaseURL)
			if u.Scheme != "https" {
				partner.Note("BASE_URL is plain http: no TLS to check (see security/https)")
				return
			}
			version, err := handshake(ctx, u, tls.VersionTLS10, tls.VersionTLS11)
			problem := ""
			if err == nil {
				problem = fmt.Sprintf("the partner at %s completed a %s handshake", u.Host, tls.VersionName(version))
			}
			Expect(problem).To(judge.BeNoProblem(), partner.Explain(nil,
				"set the server's minimum TLS version to 1.2 (Go: tls.Config{MinVersion: tls.VersionTLS12}; nginx: ssl_protocols TLSv1.2 TLSv1.3)"))
		})

	settings.ShouldIt("security/hsts", "§8",
		"when BASE_URL is https, the partner's answers SHOULD carry Strict-Transport-Security",
		"HSTS stops a browser or client from being downgraded to http; marketplace reviews expect it, but Teamtailor's own calls are https by their URL.",
		func(ctx SpecContext) {
			x := f.GetConfig(ctx, false)
			u, _ := url.Parse(settings.TestContext.BaseURL)
			if u.Scheme != "https" {
				partner.Note("BASE_URL is plain http: no HSTS to check (see security/https)")
				return
			}
			partner.Depends(x.Answered(), "GET /config got no answer (see config/with-job)")
			problem := ""
			if !strings.Contains(strings.ToLower(x.ResponseHeader.Get("Strict-Transport-Security")), "max-age=") {
				problem = "the answer to GET /config has no Strict-Transport-Security header with a max-age"
			}
			Expect(problem).To(judge.BeNoProblem(), partner.Explain(x,
				"answer every request with Strict-Transport-Security: max-age=31536000"))
		})
})

// postProbe is what the forged webhook and the replay led to.
type postProbe struct {
	setup *framework.Framework
	// noPosts: the partner sent nothing for the plain signed webhook, so
	// there is no post to watch.
	noPosts bool
	// trapErr is set when the other host could not listen.
	trapErr error
	trapURL string
	// forged and replay are the two webhooks; trapped what reached the
	// other host; posts the requests for the plain signed webhook's
	// result, first of them before the replay.
	forged, replay *partner.Exchange
	trapped        []partner.TrapRequest
	posts          []partner.Exchange
	first          int
	eventID        string
}

// startPostProbe replays the plain signed webhook (the first delivery)
// with a changed body and sends a new webhook whose update-url points at
// another host, then watches both for as long as a result would take
// (twice as long as the first delivery's did). It never fails: each
// check says what it could not judge.
func startPostProbe(ctx SpecContext) *postProbe {
	p := &postProbe{setup: framework.Standalone()}
	s := p.setup
	if !settings.TestContext.Assessment || framework.TheBasics().Blocker() != "" {
		return p
	}
	w, x := s.SignedWebhook(ctx, typical)
	if !x.Success() {
		return p
	}
	b := framework.TheBasics()
	// A partner may post more than once for one event (pending, then
	// completed): the first delivery's posts are over with a final status
	// and a moment without another post.
	posts := b.AwaitResult(ctx, s.Mock, func(p []partner.Exchange) bool { return final(p) })
	if len(posts) == 0 {
		p.noPosts = true
		return p
	}
	quiet := quietAfter(x.Started, posts[len(posts)-1:])
	await(ctx, settings.TestContext.Timeout, func() bool {
		posts = b.ResultPosts(s.Mock)
		return time.Since(posts[len(posts)-1].Started) >= 200*time.Millisecond
	})
	p.first, p.eventID = len(posts), w.EventID
	trap, err := partner.StartTrap()
	if err != nil {
		p.trapErr = err
		return p
	}
	DeferCleanup(trap.Close)
	p.trapURL = trap.URL
	forged := s.NewWebhook(ctx, typical, false)
	if u, err := url.Parse(forged.UpdateURL); err == nil {
		elsewhere := trap.URL + u.RequestURI()
		forged.Body = []byte(strings.ReplaceAll(string(forged.Body), jsonString(forged.UpdateURL), jsonString(elsewhere)))
	}
	replay := w
	replay.Body = changeBody(w.Body)
	By("sending a signed webhook whose update-url points at another host, and the plain signed webhook again with a changed body; watching both for " + quiet.String())
	p.forged = s.PostWebhook(ctx, "POST /webhook, signed, update-url on another host ("+trap.URL+")", forged, partner.Sign(forged.EventID))
	p.replay = s.PostWebhook(ctx, "POST /webhook, the plain signed webhook's event id signed afresh, with a changed body", replay, partner.Sign(w.EventID))
	await(ctx, quiet, func() bool {
		return len(trap.Requests()) > 0 && len(b.ResultPosts(s.Mock)) > p.first
	})
	p.trapped, p.posts = trap.Requests(), b.ResultPosts(s.Mock)
	return p
}

// ready includes the probe's exchanges in the check and says whether
// there is anything to judge, skipping or noting when not.
func (p *postProbe) ready(ctx SpecContext, f *framework.Framework) bool {
	GinkgoHelper()
	f.RequireSignedWebhookAccepted(ctx, typical)
	if p == nil {
		return false
	}
	f.Include(p.setup.Transcript()...)
	f.Include(p.posts...)
	switch {
	case p.trapErr != nil:
		partner.FailMock("%v", p.trapErr)
	case p.noPosts:
		partner.Note("the partner sent nothing to the Partner API for the plain signed webhook within %s: no post to watch (results/posted judges whether one was due)", settings.TestContext.Timeout)
		return false
	}
	partner.Depends(p.forged != nil && p.replay != nil, "the probe webhooks were not sent (see webhook/signed-accepted)")
	return true
}

// quietAfter is how long a check watches for a request that must not
// come, after the one that must has come: twice as long as the partner
// took for that one (a request it would make for the other would take
// as long), at least 200 ms and at most a quarter of the timeout.
func quietAfter(since time.Time, posts []partner.Exchange) time.Duration {
	took := settings.TestContext.Timeout / 4
	if len(posts) > 0 {
		took = 2 * posts[0].Started.Sub(since)
	}
	return min(max(took, 200*time.Millisecond), max(settings.TestContext.Timeout/4, 200*time.Millisecond))
}

// await polls cond until it holds or d has passed, and reports whether it
// held: a bounded wait for something the partner does in the background.
func await(ctx context.Context, d time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond() {
			return true
		}
		select {
		case <-ctx.Done():
			return cond()
		case <-deadline.C:
			return cond()
		case <-tick.C:
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// changeBody returns a webhook body with the candidate's first name and
// every webhook-data value changed: the same event, another body.
func changeBody(body []byte) []byte {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	if ev, ok := doc["partner-event"].(map[string]any); ok {
		if c, ok := ev["candidate"].(map[string]any); ok {
			c["first-name"] = "Mallory"
		}
		if data, ok := ev["webhook-data"].(map[string]any); ok {
			for k := range data {
				data[k] = "changed-by-replay"
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}

// padded returns body grown to size bytes with a padding key in the
// partner event, so it stays a valid partner event.
func padded(body []byte, size int) []byte {
	s := string(body)
	i := strings.Index(s, `"partner-event"`)
	j := strings.Index(s[max(i, 0):], "{")
	if i < 0 || j < 0 {
		return append(body, make([]byte, size)...)
	}
	at := i + j + 1
	pad := `"padding": "` + strings.Repeat("x", max(size-len(body)-16, 0)) + `", `
	return []byte(s[:at] + pad + s[at:])
}

func malformedCall(eventID string) partner.Call {
	return partner.Call{Step: "POST /webhook, signed, the body not JSON", Method: "POST", Path: "webhook",
		Body: []byte(`{"partner-event": {"id": "` + eventID + `", "candidate": {"first-name": nul`), Signature: partner.Sign(eventID)}
}

// stackTrace matches the traces of common runtimes in an answer.
var stackTrace = regexp.MustCompile(`goroutine \d+ \[|panic: |\.go:\d+|Traceback \(most recent call last\)|\.py", line \d+|\.rb:\d+:in |\n\s+at [\w$.<>]+\(.*\.(java|kt|cs|js|ts):\d+|Exception in thread|\.php on line \d+`)

// leakIn says what an answer carries that it must not: a stack trace or
// a secret of the run, or "".
func leakIn(x *partner.Exchange) string {
	var head strings.Builder
	for k, vs := range x.ResponseHeader {
		fmt.Fprintf(&head, "%s: %s\n", k, strings.Join(vs, ", "))
	}
	text := head.String() + x.ResponseBody
	s := settings.TestContext
	switch {
	case strings.Contains(text, s.APIKey):
		return "the Partner API key"
	case strings.Contains(text, s.WebhookSecret):
		return "the webhook secret"
	case stackTrace.MatchString(text):
		return fmt.Sprintf("a stack trace (%q)", stackTrace.FindString(text))
	}
	return ""
}

func appendNew(ss []string, s string) []string {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}

// handshake tries a TLS handshake with the partner offering only the
// versions from min to max, and returns the version agreed.
func handshake(ctx context.Context, u *url.URL, minV, maxV uint16) (uint16, error) {
	cfg := settings.TLSConfig()
	cfg.MinVersion, cfg.MaxVersion, cfg.ServerName = minV, maxV, u.Hostname()
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "443")
	}
	ctx, cancel := context.WithTimeout(ctx, settings.TestContext.Timeout)
	defer cancel()
	d := tls.Dialer{Config: cfg}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	return conn.(*tls.Conn).ConnectionState().Version, nil
}
