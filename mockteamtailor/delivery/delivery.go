// Package delivery makes the mock's calls to partners (docs/protocol.md §1)
// and journals each exchange with its verdict: the activation and config
// fetches, the validation endpoint, webhooks, action buttons, replays and
// company webhooks. Each exchange is one call here (exchanges.go): it is
// sent, judged (verdict.go, every judge of an answer in one place) and
// journaled. It never retries (docs/protocol.md §1.3).
package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnercall"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Journal keeps the record of each exchange; the store is one.
type Journal interface {
	// AppendJournal stores d and returns it with its id.
	AppendJournal(ctx context.Context, d store.Delivery) (store.Delivery, error)
}

// Sender makes calls to partners and journals them.
type Sender struct {
	Client  *http.Client
	Journal Journal
	Clock   func() time.Time
	// Publish hands each journaled exchange to live subscribers.
	Publish func(store.Delivery)
	// UserAgent and StackHost are sent on every call (docs/protocol.md §1).
	UserAgent, StackHost string
	// Timeout bounds each call.
	Timeout time.Duration
	// JournalBodyLimit bounds the bodies the journal keeps.
	JournalBodyLimit int
	// MaxHeaderBytes is the bound of an answer's headers the client
	// enforces, named when an answer exceeds it.
	MaxHeaderBytes int64
	// Logger hears of exchanges the journal could not keep.
	Logger *slog.Logger
}

// NewClient is the client for calls to partners: no redirects (Teamtailor
// does not follow them), keep-alive with idleConns idle connections per
// host (for bulk runs), header blocks bounded by maxHeaderBytes.
func NewClient(idleConns int, maxHeaderBytes int64) *http.Client {
	return partnercall.Client(partnercall.Transport(idleConns, maxHeaderBytes), 0)
}

// Call describes a call to make.
type Call struct {
	Kind    string // a store.Kind*
	Partner store.Partner
	// Activation's provider key and API token are sent; nil sends none.
	Activation *store.Activation
	Method     string
	Path       string // under BASE_URL
	Query      url.Values
	Body       []byte
	// SignEventID, when set, signs the call for this partner-event id.
	SignEventID string

	// company marks a company webhook (docs/company-webhooks.md): its
	// caller makes the target, the headers and the send time, which
	// replace the URL under BASE_URL, the headers Teamtailor sends on
	// partner calls and the clock's time. Its answer counts by its
	// status alone (§7): a body past partnercall.MaxResponse is cut
	// without failing the call, an unreadable one named as the transport
	// said.
	company bool
	target  string
	header  http.Header
	start   time.Time
}

// Exchange is one call the mock made to a partner, and what came of it.
type Exchange struct {
	Kind     string
	Partner  store.Partner
	Req      *http.Request
	ReqBody  []byte
	Resp     *http.Response // nil when nothing came back
	RespBody []byte
	// Truncated is set when the answer was longer than
	// partnercall.MaxResponse.
	Truncated bool
	// Failure says why nothing usable came back; "" when Resp is set.
	Failure string
	// Unreachable is set when nothing answered at all (DNS, refused, no
	// route, TLS; partnercall.Failure).
	Unreachable bool
	Start       time.Time
	Duration    time.Duration
}

// Status is the response status, 0 when nothing came back.
func (x *Exchange) Status() int {
	if x.Resp == nil {
		return 0
	}
	return x.Resp.StatusCode
}

// OK reports a complete 2xx response.
func (x *Exchange) OK() bool { return x.Failure == "" && x.Status() >= 200 && x.Status() < 300 }

// partnerURL joins the partner's BASE_URL and a path.
func partnerURL(p store.Partner, path string, query url.Values) (string, error) {
	if p.BaseURL == "" {
		return "", fmt.Errorf("partner %q: %w; set it with --partner-base-url, the control API or PUT /partner/v1/partners/%s", p.ID, ErrNoBaseURL, p.ID)
	}
	return partnercall.URL(p.BaseURL, path, query), nil
}

// exchange is one partner exchange: c is sent, its answer judged and
// the exchange journaled with meta giving what else the entry says. A
// call that could not be sent at all is an error, and nothing is
// journaled.
func (s *Sender) exchange(ctx context.Context, c Call, meta store.Delivery, judge func(*Exchange) (verdict, reason string)) (*Exchange, store.Delivery, error) {
	x, err := s.send(ctx, c)
	if err != nil {
		return nil, store.Delivery{}, err
	}
	verdict, reason := judge(x)
	return x, s.journal(ctx, x, verdict, reason, meta), nil
}

// send sends c with the headers Teamtailor sends (docs/protocol.md §1):
// Bearer provider key, Teamtailor-Host, Teamtailor-Api-Token when the
// partner requires one, Content-Type on bodies, the signature on webhooks
// and actions. A call that could not be sent at all is an error; one that
// got no usable answer is an Exchange with its Failure.
func (s *Sender) send(ctx context.Context, c Call) (*Exchange, error) {
	target := c.target
	if !c.company {
		var err error
		if target, err = partnerURL(c.Partner, c.Path, c.Query); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	req, err := partnercall.NewRequest(ctx, c.Method, target, c.Body, s.headers(c))
	if err != nil {
		return nil, &BadURLError{URL: target, Err: err}
	}
	var start time.Time
	if c.company {
		req.Header, start = c.header, c.start
	} else {
		start = s.Clock()
	}
	x := &Exchange{Kind: c.Kind, Partner: c.Partner, Req: req, ReqBody: c.Body, Start: start}
	began := time.Now()
	resp, err := s.Client.Do(req)
	if err != nil {
		x.Duration = time.Since(began)
		f := partnercall.Describe(err, req.URL, s.Timeout, s.MaxHeaderBytes)
		x.Failure, x.Unreachable = f.Text, f.Unreachable
		return x, nil
	}
	defer resp.Body.Close()
	x.Resp = resp
	var read int64
	x.RespBody, read, err = partnercall.ReadBody(resp)
	x.Duration = time.Since(began)
	switch {
	case err != nil && c.company:
		x.Failure = "the response body could not be read: " + err.Error()
	case err != nil:
		x.Failure = "the response body could not be read: " + partnercall.Describe(err, req.URL, s.Timeout, s.MaxHeaderBytes).Text
	case len(x.RespBody) > partnercall.MaxResponse && c.company:
		x.RespBody, x.Truncated = x.RespBody[:partnercall.MaxResponse], true
	case len(x.RespBody) > partnercall.MaxResponse:
		// Cut silently, it would fail later as "unexpected end of JSON
		// input": say what happened instead.
		x.RespBody, x.Truncated = x.RespBody[:partnercall.MaxResponse], true
		x.Failure = fmt.Sprintf("answer larger than 1 MiB (%d bytes read); the mock reads at most %d bytes of an answer", read, partnercall.MaxResponse)
	}
	return x, nil
}

// headers are the headers Teamtailor sends on c (docs/protocol.md §1).
func (s *Sender) headers(c Call) partnercall.Headers {
	h := partnercall.Headers{UserAgent: s.UserAgent, Host: s.StackHost, Gzip: true}
	if c.Activation != nil {
		h.ProviderKey = c.Activation.ProviderKey
		if c.Partner.RequireAPIToken {
			h.APIToken = c.Activation.APIToken
		}
	}
	if c.SignEventID != "" {
		// docs/protocol.md §1.2 Decision: every delivery is signed, t is the send time.
		h.Signature = signature.Sign(c.Partner.WebhookSecret, c.SignEventID, s.Clock())
	}
	return h
}

// journal records the exchange with its verdict, meta giving what else
// the entry says (event, result, candidate, company, purpose). An entry
// the journal could not keep is returned with id 0.
func (s *Sender) journal(ctx context.Context, x *Exchange, verdict, reason string, meta store.Delivery) store.Delivery {
	d := meta
	d.Kind = x.Kind
	d.PartnerID = x.Partner.ID
	d.Time = x.Start
	d.DurationMS = float64(x.Duration.Microseconds()) / 1000
	d.Request = store.NewHTTPMessage(x.Req.Header, x.ReqBody, s.JournalBodyLimit)
	d.Request.Method, d.Request.URL = x.Req.Method, x.Req.URL.String()
	if x.Resp != nil {
		m := store.NewHTTPMessage(x.Resp.Header, x.RespBody, s.JournalBodyLimit)
		m.Status = x.Resp.StatusCode
		if x.Truncated {
			m.BodyTruncated = true
		}
		d.Response = &m
	}
	d.Verdict, d.Reason = verdict, reason
	stored, err := s.Journal.AppendJournal(ctx, d)
	if err != nil {
		// The call was made and its outcome stands; only its record is
		// missing, which the log says.
		if s.Logger != nil {
			s.Logger.ErrorContext(ctx, "journal entry not kept", "kind", d.Kind, "partner", d.PartnerID, "error", err)
		}
		return d
	}
	d = stored
	if s.Publish != nil {
		s.Publish(d)
	}
	return d
}
