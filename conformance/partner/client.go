package partner

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnercall"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// Transcript is the list of exchanges of one check, safe for concurrent
// use (the partner's posts arrive on other goroutines).
type Transcript struct {
	mu   sync.Mutex // guards list
	list []*Exchange
}

// Add records x.
func (t *Transcript) Add(x *Exchange) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.list = append(t.list, x)
}

// Has reports whether t holds an exchange started at the same time for
// the same request as x.
func (t *Transcript) Has(x Exchange) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, y := range t.list {
		if y.Started.Equal(x.Started) && y.Method == x.Method && y.URL == x.URL {
			return true
		}
	}
	return false
}

// All returns copies of the exchanges, oldest first.
func (t *Transcript) All() []Exchange {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Exchange, len(t.list))
	for i, x := range t.list {
		out[i] = *x
	}
	return out
}

// Auth values of Call.Auth besides a literal provider key.
const (
	// AuthProviderKey sends the configured provider key (the default).
	AuthProviderKey = ""
	// AuthNone sends no Authorization header.
	AuthNone = "\x00none"
)

// Call is one call to the partner, as Teamtailor makes it (docs/protocol.md §1).
type Call struct {
	// Step says what the call is for; it titles the exchange in reports.
	Step   string
	Method string
	// Path is under BASE_URL, e.g. "config" or "actions/resend".
	Path  string
	Query url.Values
	// Auth is AuthProviderKey, AuthNone, or a provider key to send instead.
	Auth string
	// Signature is the Teamtailor-Signature value; "" sends none.
	Signature string
	// APIToken is AuthProviderKey (send --api-token, if any), AuthNone, or a
	// Teamtailor-Api-Token to send instead.
	APIToken string
	Body     []byte
	// Header holds more headers, set as spelled (TT-Signature); one with
	// an empty value is removed instead (e.g. Teamtailor-Host, which a
	// company webhook does not carry).
	Header http.Header
	// Owner is the check a hang of this call is blamed on, for the
	// skips it causes; "" means the running check.
	Owner string
}

// Client plays Teamtailor towards BASE_URL. Every call is recorded
// in its transcript.
type Client struct {
	base        string
	providerKey string
	host        string
	client      *http.Client
	transcript  *Transcript
	// deferUnreachable makes Do leave an unreachable partner to the
	// caller: set for work shared by checks, which each report it.
	deferUnreachable bool
}

// DeferUnreachable makes Do leave an unreachable partner to the caller,
// for work shared by checks, which each report it.
func (c *Client) DeferUnreachable() { c.deferUnreachable = true }

// NewClient returns a client for TestContext's partner that
// records into t.
func NewClient(t *Transcript) *Client {
	return &Client{
		base:        strings.TrimRight(settings.TestContext.BaseURL, "/"),
		providerKey: settings.TestContext.ProviderKey,
		host:        announcedHost(),
		transcript:  t,
		// Teamtailor does not follow redirects.
		client: partnercall.Client(partnerTransport(), settings.TestContext.Timeout),
	}
}

// mockHost is the Teamtailor-Host of the embedded mock that runs, ""
// while none does.
var mockHost atomic.Pointer[string]

// UseMockHost makes the clients made from now on announce host, the
// embedded mock's own (--teamtailor-host mock), as Teamtailor-Host; ""
// stops it.
func UseMockHost(host string) { mockHost.Store(&host) }

// announcedHost is the Teamtailor-Host of calls to the partner: the
// embedded mock's (--teamtailor-host, resolved when it started), else the
// one --teamtailor-host names, else the stack's host.
func announcedHost() string {
	if h := mockHost.Load(); h != nil && *h != "" {
		return *h
	}
	if h := settings.TestContext.TeamtailorHost; h != "" && h != settings.TeamtailorHostMock {
		return h
	}
	return mockteamtailor.DefaultConfig().StackHost()
}

// Transcript returns the client's transcript.
func (c *Client) Transcript() *Transcript { return c.transcript }

// MaxAnswerHeaderBytes bounds the response headers the suite (and a
// capacity run) reads: a partner answering with megabytes of headers gets
// a failure, not the suite's memory.
const MaxAnswerHeaderBytes = 64 << 10

// transports holds the transport of every call to the partner, rebuilt
// when --ca-file changes what it trusts.
var transports struct {
	sync.Mutex
	tls *tls.Config
	t   *http.Transport
}

// partnerTransport returns the transport of every call to the partner,
// trusting what the settings' --ca-file makes it trust.
func partnerTransport() *http.Transport {
	transports.Lock()
	defer transports.Unlock()
	cfg := settings.TestContext.TLSClientConfig()
	if transports.t == nil || transports.tls != cfg {
		transports.t = partnercall.Transport(0, MaxAnswerHeaderBytes)
		transports.t.TLSClientConfig, transports.tls = cfg, cfg
	}
	return transports.t
}

// Do makes the call and records it. When the partner cannot be reached at
// all it fails the check with the outcome "error": the suite could not
// run it. A timeout is not such an error: it breaks the rule that the
// partner answers in time, and is left to the check. A call to an
// endpoint that has hung twice is not sent: the check is skipped.
func (c *Client) Do(ctx context.Context, call Call) *Exchange {
	ginkgo.GinkgoHelper()
	x := c.Send(ctx, call)
	if x.NotSent {
		ginkgo.Skip("cannot check: " + x.Error)
	}
	if x.Unreachable && !c.deferUnreachable {
		FailUnreachable(x)
	}
	return x
}

// SendAll makes independent calls concurrently, at most limit at a time,
// and returns their exchanges in the order of calls. It never fails the
// check: the caller judges the exchanges.
func (c *Client) SendAll(ctx context.Context, calls []Call, limit int) []*Exchange {
	out := make([]*Exchange, len(calls))
	sem := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = c.Send(ctx, call)
		}()
	}
	wg.Wait()
	return out
}

// Concurrency is how many independent webhooks the suite sends at once:
// enough to bound the run against a slow partner, few enough not to look
// like a load test.
const Concurrency = 4

// hangs counts, per endpoint ("POST /webhook"), the calls that got no
// answer in time, and names the check of the first: an endpoint that has
// hung twice is sent nothing more.
var hangs = struct {
	sync.Mutex
	count map[string]int
	owner map[string]string
}{count: map[string]int{}, owner: map[string]string{}}

func endpointOf(call Call) string {
	return call.Method + " /" + strings.TrimLeft(call.Path, "/")
}

// hungTwice says why an endpoint is sent nothing more, or "".
func hungTwice(call Call) string {
	hangs.Lock()
	defer hangs.Unlock()
	ep := endpointOf(call)
	if hangs.count[ep] < 2 {
		return ""
	}
	return fmt.Sprintf("%s gave no answer within %s twice, so the suite sends it nothing more (see %s)", ep, settings.TestContext.Timeout, hangs.owner[ep])
}

func recordHang(call Call) {
	owner := call.Owner
	if owner == "" {
		if c, ok := settings.CurrentCheck(); ok {
			owner = c.ID
		}
	}
	hangs.Lock()
	defer hangs.Unlock()
	ep := endpointOf(call)
	hangs.count[ep]++
	if hangs.owner[ep] == "" {
		hangs.owner[ep] = owner
	}
}

// Send makes the call and records it, without failing the check.
func (c *Client) Send(ctx context.Context, call Call) *Exchange {
	x := &Exchange{Direction: ToPartner, Step: call.Step, Method: call.Method, URL: c.URL(call), Started: time.Now()}
	if why := hungTwice(call); why != "" {
		x.Error, x.NotSent = why, true
		return x
	}
	c.transcript.Add(x)
	if call.Body != nil {
		x.RequestBody, x.RequestBodySize = string(call.Body), int64(len(call.Body))
	}
	req, err := c.Request(ctx, call)
	if err != nil {
		x.Error = "the request could not be built: " + err.Error()
		return x
	}
	x.RequestHeader = req.Header.Clone()
	began := time.Now()
	resp, err := c.client.Do(req)
	if err != nil {
		x.Elapsed = time.Since(began)
		x.Error, x.Unreachable = describeTransportError(err, req.URL, settings.TestContext.Timeout)
		x.ElapsedMS = MS(x.Elapsed)
		if x.TimedOut() {
			recordHang(call)
		}
		return x
	}
	defer resp.Body.Close()
	// The answer is read as the mock reads it (partnercall.ReadBody): at
	// most 1 MiB of it is kept, decompressed, and past that it is only
	// counted, a bounded number of bytes, so a gzip body that inflates to
	// gigabytes costs neither time nor memory.
	raw, read, err := partnercall.ReadBody(resp)
	x.Elapsed = time.Since(began)
	x.ElapsedMS = MS(x.Elapsed)
	if len(raw) > partnercall.MaxResponse {
		raw = raw[:partnercall.MaxResponse]
		x.Error = fmt.Sprintf("%s (%d bytes read); Teamtailor reads at most %d bytes of an answer", tooLargePrefix, read, partnercall.MaxResponse)
	}
	x.Status, x.ResponseHeader, x.ResponseBody, x.ResponseBodySize = resp.StatusCode, resp.Header.Clone(), string(raw), read
	if err != nil {
		x.Error, _ = describeTransportError(err, req.URL, settings.TestContext.Timeout)
		x.Error = "the response body could not be read: " + x.Error
		if x.TimedOut() {
			recordHang(call)
		}
	}
	return x
}

// URL returns where call goes: under BASE_URL.
func (c *Client) URL(call Call) string {
	return partnercall.URL(c.base, call.Path, call.Query)
}

// Request builds the HTTP request of call with the headers Teamtailor
// sends (docs/protocol.md §1), without sending or recording it: Send records it,
// a capacity run sends many at once without keeping them.
func (c *Client) Request(ctx context.Context, call Call) (*http.Request, error) {
	h := partnercall.Headers{UserAgent: "ttconformance (Teamtailor partner conformance suite)", Host: c.host, Signature: call.Signature}
	switch call.Auth {
	case AuthNone:
	case AuthProviderKey:
		h.ProviderKey = c.providerKey
	default:
		h.ProviderKey = call.Auth
	}
	// docs/protocol.md §1: Teamtailor sends the company's public-API token
	// on every call to a partner set to require one.
	switch call.APIToken {
	case AuthNone:
	case AuthProviderKey:
		h.APIToken = settings.TestContext.APIToken
	default:
		h.APIToken = call.APIToken
	}
	req, err := partnercall.NewRequest(ctx, call.Method, c.URL(call), call.Body, h)
	if err != nil {
		return nil, err
	}
	for k, v := range call.Header {
		req.Header.Del(k)
		if len(v) > 0 && v[0] != "" {
			req.Header[k] = v
		}
	}
	return req, nil
}

// MS is d in milliseconds, as the reports give durations.
func MS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// describeTransportError says what went wrong with a call that got no
// answer, and whether the partner was unreachable (connection refused,
// DNS, TLS: the suite cannot run the check) rather than too slow or
// misbehaving (a failure of the check).
func describeTransportError(err error, u *url.URL, timeout time.Duration) (string, bool) {
	f := partnercall.Describe(err, u, timeout, MaxAnswerHeaderBytes)
	if f.Unreachable {
		return "unreachable: " + f.Text, true
	}
	return f.Text, false
}

// Sign returns a correct Teamtailor-Signature for eventID sent now
// (docs/protocol.md §1.2), made by the mock's signing code.
func Sign(eventID string) string {
	return signature.Sign(settings.TestContext.WebhookSecret, eventID, time.Now())
}

// WrongAPIKey signs the provider keys the suite sends to see them refused:
// well-formed JWTs Teamtailor never issued to the partner.
const WrongAPIKey = "ttconformance-not-the-partner-api-key"

// WrongAPIToken is a Teamtailor-Api-Token no company gave the partner.
const WrongAPIToken = "ttconformance-not-the-company-api-token"

// WrongWebhookSecret signs the webhooks the suite sends to see them
// refused for a wrong secret.
const WrongWebhookSecret = "ttconformance-not-the-webhook-secret"

// WrongProviderKey returns a provider key the partner must refuse: a JWT
// shaped like the real one (the same activation values) but signed with
// another key (docs/protocol.md §4).
func WrongProviderKey() string {
	key, err := providerkey.NewJWT(WrongAPIKey, settings.TestContext.ActivationFields, time.Now())
	if err != nil {
		key, _ = providerkey.NewJWT(WrongAPIKey, nil, time.Now())
	}
	return key
}
