package mockteamtailor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnercall"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// ErrNoBaseURL means the partner has no BASE_URL to call.
var ErrNoBaseURL = errors.New("the partner has no base URL")

// outbound is one call the mock makes to a partner (PROTOCOL §1), and
// what came of it.
type outbound struct {
	kind      string
	partner   store.Partner
	req       *http.Request
	reqBody   []byte
	resp      *http.Response // nil when nothing came back
	respBody  []byte
	truncated bool   // the response was longer than partnercall.MaxResponse
	failure   string // why nothing usable came back; "" when resp is set
	start     time.Time
	duration  time.Duration
}

// call describes a call to make.
type call struct {
	kind        string
	partner     store.Partner
	activation  *store.Activation // its provider key and API token are sent; nil sends none
	method      string
	path        string // under BASE_URL
	query       url.Values
	body        []byte
	signEventID string // when set, the call is signed for this partner-event id
}

// partnerURL joins the partner's BASE_URL and a path.
func partnerURL(p store.Partner, path string, query url.Values) (string, error) {
	if p.BaseURL == "" {
		return "", fmt.Errorf("partner %q: %w; set it with --partner-base-url, the control API or PUT /partner/v1/partners/%s", p.ID, ErrNoBaseURL, p.ID)
	}
	return partnercall.URL(p.BaseURL, path, query), nil
}

// do sends c with the headers Teamtailor sends (PROTOCOL §1): Bearer
// provider key, Teamtailor-Host, Teamtailor-Api-Token when the partner
// requires one, Content-Type on bodies, the signature on webhooks and
// actions. It never retries (PROTOCOL §1.3).
func (s *Server) do(ctx context.Context, c call) (*outbound, error) {
	target, err := partnerURL(c.partner, c.path, c.query)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.DeliveryTimeout)
	defer cancel()
	req, err := partnercall.NewRequest(ctx, c.method, target, c.body, s.headers(c))
	if err != nil {
		return nil, errInvalid("", "the partner URL %q is not usable: %v", target, err)
	}
	x := &outbound{kind: c.kind, partner: c.partner, req: req, reqBody: c.body, start: s.clock()}
	began := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		x.duration = time.Since(began)
		x.failure = s.describe(err, req.URL)
		return x, nil
	}
	defer resp.Body.Close()
	x.resp = resp
	var read int64
	x.respBody, read, err = partnercall.ReadBody(resp)
	x.duration = time.Since(began)
	switch {
	case err != nil:
		x.failure = "the response body could not be read: " + s.describe(err, req.URL)
	case len(x.respBody) > partnercall.MaxResponse:
		// Cut silently, it would fail later as "unexpected end of JSON
		// input": say what happened instead.
		x.respBody, x.truncated = x.respBody[:partnercall.MaxResponse], true
		x.failure = fmt.Sprintf("answer larger than 1 MiB (%d bytes read); the mock reads at most %d bytes of an answer", read, partnercall.MaxResponse)
	}
	return x, nil
}

// headers are the headers Teamtailor sends on c (PROTOCOL §1).
func (s *Server) headers(c call) partnercall.Headers {
	h := partnercall.Headers{UserAgent: s.cfg.UserAgent, Host: s.cfg.StackHost(), Gzip: true}
	if c.activation != nil {
		h.ProviderKey = c.activation.ProviderKey
		if c.partner.RequireAPIToken {
			h.APIToken = c.activation.APIToken
		}
	}
	if c.signEventID != "" {
		// PROTOCOL §1.2 Decision: every delivery is signed, t is the send time.
		h.Signature = signature.Sign(c.partner.WebhookSecret, c.signEventID, s.clock())
	}
	return h
}

// describe says which of the failures PROTOCOL §1.3 names happened.
func (s *Server) describe(err error, u *url.URL) string {
	return partnercall.Describe(err, u, s.cfg.DeliveryTimeout, MaxPartnerHeaderBytes).Text
}

// status is the response status, 0 when nothing came back.
func (x *outbound) status() int {
	if x.resp == nil {
		return 0
	}
	return x.resp.StatusCode
}

// ok reports a complete 2xx response.
func (x *outbound) ok() bool { return x.failure == "" && x.status() >= 200 && x.status() < 300 }

// journal records the exchange with its verdict.
func (s *Server) journal(ctx context.Context, x *outbound, verdict, reason string, meta store.Delivery) store.Delivery {
	d := meta
	d.Kind = x.kind
	d.PartnerID = x.partner.ID
	d.Time = x.start
	d.DurationMS = float64(x.duration.Microseconds()) / 1000
	d.Request = store.NewHTTPMessage(x.req.Header, x.reqBody, s.cfg.JournalBodyLimit)
	d.Request.Method, d.Request.URL = x.req.Method, x.req.URL.String()
	if x.resp != nil {
		m := store.NewHTTPMessage(x.resp.Header, x.respBody, s.cfg.JournalBodyLimit)
		m.Status = x.resp.StatusCode
		if x.truncated {
			m.BodyTruncated = true
		}
		d.Response = &m
	}
	d.Verdict, d.Reason = verdict, reason
	d, _ = s.store.AppendJournal(ctx, d)
	s.events.publish(d)
	return d
}

// newPartnerClient is the client for calls to partners: no redirects
// (Teamtailor does not follow them), keep-alive with enough idle
// connections for bulk runs, header blocks bounded (limits.go).
func newPartnerClient(cfg Config) *http.Client {
	return partnercall.Client(partnercall.Transport(cfg.BulkConcurrency*2, MaxPartnerHeaderBytes), 0)
}
