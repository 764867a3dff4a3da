// Package examplepartner is a small partner integration written the way a
// Teamtailor partner would write one, meant to be read and copied. It
// serves the calls Teamtailor makes to a partner (docs/protocol.md §1):
//
//	GET  /config               the trigger form: a test to send and a pass threshold (§3)
//	GET  /activation           the activation form, naming activation/validate (§4)
//	GET  /activation/validate  accepts or refuses a new activation (§1.3)
//	POST /webhook              a trigger fired: answer at once, post the result later (§1.1-1.3)
//	POST /actions/{name}       a recruiter clicked an action button on the result (§2.3)
//	POST /teamtailor/events    a company event of the partner's webhook setup (docs/company-webhooks.md §6)
//	GET  /healthz              liveness, no authentication
//
// Every call but /healthz and /activation must carry the activation's
// provider key as "Authorization: Bearer <key>"; webhooks and actions must
// also carry a valid Teamtailor-Signature. After answering a webhook, the
// partner waits Config.ResultDelay (a candidate taking the test) and then
// PATCHes a completed result to the update-url the webhook named, and
// again after Retry-After when the Partner API answers 429. The event id is
// the key of the work: a second copy of an event is answered 200 and
// starts nothing.
//
// Signing and provider-key checks come from the packages signature and
// providerkey, which the mock and the conformance suite use too.
package examplepartner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// Config is what the example partner needs to know. APIKey and
// WebhookSecret are what Teamtailor shows the partner in its integration
// settings; everything else has a default.
type Config struct {
	// APIKey is the partner API key: it signs JWT provider keys (docs/protocol.md
	// §4) and authenticates calls to the Partner API (§2).
	APIKey string
	// WebhookSecret verifies Teamtailor-Signature (docs/protocol.md §1.2).
	WebhookSecret string
	// Logger receives one line per request outcome; nil discards. Keys are
	// never logged.
	Logger *slog.Logger
	// Client makes the result posts to update-url; nil means a client
	// with a 10 s timeout. (The activation lookup has its own client.)
	Client *http.Client
	// Clock is the time signatures are checked against; nil means time.Now.
	Clock func() time.Time
	// ResultDelay is how long the partner waits after a webhook before it
	// posts the result, as if the candidate were taking the test. With 0 the
	// result is posted as soon as the webhook answer is sent, which can reach
	// Teamtailor before it has applied the answer's "pending" status; a
	// second or more avoids that in demos.
	ResultDelay time.Duration
	// TeamtailorURL is where Teamtailor is, e.g. http://127.0.0.1:8080:
	// the partner reads GET <TeamtailorURL>/partner/v1/partner-activations
	// to tell the UUID provider keys Teamtailor issued from any other
	// UUID, and refuses the others. Empty: it cannot look keys up, and
	// accepts any well-formed UUID, unless ProviderKeys is set.
	TeamtailorURL string
	// ProviderKeys, when set, tells the UUID provider keys Teamtailor
	// issued from any other UUID instead of reading TeamtailorURL's list:
	// what a partner running inside the mock uses, asking the mock's
	// store. It reports whether key is the provider key of one of the
	// partner's activations, or why it cannot tell.
	ProviderKeys func(ctx context.Context, key string) (bool, error)
	// UpdateHosts are the hosts ("host" or "host:port", as in a URL) the
	// partner posts results to. The webhook body is not signed (docs/protocol.md
	// §1.2, §8), so its update-url may have been changed by whoever
	// captured the webhook; posting there would send the partner API key to
	// them. A webhook whose update-url is on another host is refused with
	// 400. Empty: the host of TeamtailorURL when that is set.
	UpdateHosts []string
	// AnyUpdateHost posts results wherever update-url says: only for demos
	// against a mock on a port not known in advance (the conformance
	// suite's embedded mock), never in production.
	AnyUpdateHost bool
	// Tolerance is how far a signature's timestamp may be from Clock, either
	// way; 0 means signature.DefaultTolerance (5 minutes).
	Tolerance time.Duration
}

// Validate returns every problem of c at once, or nil.
func (c Config) Validate() error {
	var problems []error
	if c.APIKey == "" {
		problems = append(problems, errors.New("APIKey is required: the partner API key verifies provider keys and authenticates Partner API calls"))
	}
	if c.WebhookSecret == "" {
		problems = append(problems, errors.New("WebhookSecret is required: it verifies Teamtailor-Signature"))
	}
	if c.ResultDelay < 0 {
		problems = append(problems, errors.New("ResultDelay must not be negative"))
	}
	if c.TeamtailorURL != "" {
		if u, err := url.Parse(c.TeamtailorURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, fmt.Errorf("TeamtailorURL %q must be an absolute http(s) URL such as http://127.0.0.1:8080", c.TeamtailorURL))
		}
	}
	if c.TeamtailorURL != "" && c.ProviderKeys != nil {
		problems = append(problems, errors.New("set TeamtailorURL or ProviderKeys, not both: each is a way to look provider keys up"))
	}
	if c.AnyUpdateHost && len(c.UpdateHosts) > 0 {
		problems = append(problems, errors.New("set UpdateHosts or AnyUpdateHost, not both"))
	}
	if c.Tolerance < 0 {
		problems = append(problems, errors.New("Tolerance must not be negative"))
	}
	return errors.Join(problems...)
}

// PostedResult is one result the partner sent to the Partner API.
type PostedResult struct {
	ResultID   string    `json:"resultId"`
	EventID    string    `json:"eventId"`
	UpdateURL  string    `json:"updateUrl"`
	StatusCode int       `json:"statusCode"`      // 0 when no answer came
	Error      string    `json:"error,omitempty"` // empty when the Partner API answered 2xx
	At         time.Time `json:"at"`
}

// Partner is the example partner's HTTP handler. Build it with New and stop
// it with Close.
type Partner struct {
	cfg    Config
	log    *slog.Logger
	mux    *http.ServeMux
	ctx    context.Context // cancelled when Close gives up waiting
	cancel context.CancelFunc

	pending sync.WaitGroup // result posts not finished yet
	closing chan struct{}  // closed by Close: skip the remaining ResultDelay

	// knowsKey looks UUID provider keys up; nil without TeamtailorURL and
	// ProviderKeys, when any well-formed UUID is accepted.
	knowsKey func(ctx context.Context, key string) (bool, error)

	events eventSet // the event ids received, for duplicates

	mu     sync.Mutex // guards closed and posted, and orders pending.Add before Close's Wait
	closed bool
	posted []PostedResult
}

// New returns the example partner for cfg; it starts nothing.
func New(cfg Config) (*Partner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Tolerance == 0 {
		cfg.Tolerance = signature.DefaultTolerance
	}
	if len(cfg.UpdateHosts) == 0 && cfg.TeamtailorURL != "" && !cfg.AnyUpdateHost {
		u, _ := url.Parse(cfg.TeamtailorURL) // Validate checked it
		cfg.UpdateHosts = []string{u.Host}
	}
	p := &Partner{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), closing: make(chan struct{})}
	switch {
	case cfg.ProviderKeys != nil:
		p.knowsKey = cfg.ProviderKeys
	case cfg.TeamtailorURL != "":
		p.knowsKey = newActivations(strings.TrimRight(cfg.TeamtailorURL, "/")+"/partner/v1", cfg.APIKey, cfg.WebhookSecret).knows
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.routes()
	return p, nil
}

// routes lists the whole surface. http.ServeMux answers unknown paths with
// 404 and known paths with another method with 405, both in plain text.
func (p *Partner) routes() {
	p.mux.HandleFunc("GET /healthz", healthz)
	p.mux.Handle("GET /config", p.requireProviderKey(p.config))
	p.mux.HandleFunc("GET /activation", p.activationForm)
	p.mux.HandleFunc("GET /activation/validate", p.validateActivation)
	p.mux.Handle("POST /webhook", p.requireProviderKey(p.webhook))
	p.mux.Handle("POST /actions/{name}", p.requireProviderKey(p.action))
	p.mux.Handle("POST /teamtailor/events", p.requireProviderKey(p.companyEvents))
}

// ServeHTTP serves the partner's routes.
func (p *Partner) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mux.ServeHTTP(w, r)
}

// Close makes the partner refuse new webhooks with 503, posts the results
// still waiting out ResultDelay at once, and waits until every post is done
// or ctx ends; then it cancels the posts in flight and returns ctx's error.
func (p *Partner) Close(ctx context.Context) error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.closing)
	}
	p.mu.Unlock()

	done := make(chan struct{})
	go func() {
		p.pending.Wait()
		close(done)
	}()
	select {
	case <-done:
		p.cancel()
		return nil
	case <-ctx.Done():
		p.cancel()
		return ctx.Err()
	}
}

// Posted returns a copy of the results posted so far, oldest first.
func (p *Partner) Posted() []PostedResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]PostedResult(nil), p.posted...)
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}
