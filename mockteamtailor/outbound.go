package mockteamtailor

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// maxPartnerResponse is how much of a partner's response the mock reads.
const maxPartnerResponse = 1 << 20

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
	truncated bool   // the response was longer than maxPartnerResponse
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
	u := strings.TrimRight(p.BaseURL, "/") + "/" + strings.TrimLeft(path, "/")
	if len(query) > 0 {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + query.Encode()
	}
	return u, nil
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
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.DeliveryTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, c.method, target, body)
	if err != nil {
		return nil, errInvalid("", "the partner URL %q is not usable: %v", target, err)
	}
	s.setHeaders(req.Header, c)
	x := &outbound{kind: c.kind, partner: c.partner, req: req, reqBody: c.body, start: s.clock()}
	began := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		x.duration = time.Since(began)
		x.failure = describeNetError(err, req.URL, s.cfg.DeliveryTimeout)
		return x, nil
	}
	defer resp.Body.Close()
	x.resp = resp
	var read int64
	x.respBody, read, err = readPartnerBody(resp)
	x.duration = time.Since(began)
	switch {
	case err != nil:
		x.failure = "the response body could not be read: " + describeNetError(err, req.URL, s.cfg.DeliveryTimeout)
	case len(x.respBody) > maxPartnerResponse:
		// Cut silently, it would fail later as "unexpected end of JSON
		// input": say what happened instead.
		x.respBody, x.truncated = x.respBody[:maxPartnerResponse], true
		x.failure = fmt.Sprintf("answer larger than 1 MiB (%d bytes read); the mock reads at most %d bytes of an answer", read, maxPartnerResponse)
	}
	return x, nil
}

// setHeaders sets the headers Teamtailor sends on c (PROTOCOL §1).
func (s *Server) setHeaders(h http.Header, c call) {
	h.Set("User-Agent", s.cfg.UserAgent)
	h.Set("Teamtailor-Host", s.cfg.StackHost())
	h.Set("Accept", "application/json")
	// Set here rather than left to Go's transport, which adds it unseen
	// and strips Content-Encoding from the answer: the journal shows the
	// headers as they went over the wire (readPartnerBody decompresses).
	h.Set("Accept-Encoding", "gzip")
	if c.body != nil {
		h.Set("Content-Type", "application/json")
	}
	if c.activation != nil {
		h.Set("Authorization", "Bearer "+c.activation.ProviderKey)
		if c.partner.RequireAPIToken && c.activation.APIToken != "" {
			h.Set("Teamtailor-Api-Token", c.activation.APIToken)
		}
	}
	if c.signEventID != "" {
		// PROTOCOL §1.2 Decision: every delivery is signed, t is the send time.
		h.Set(signature.Header, signature.Sign(c.partner.WebhookSecret, c.signEventID, s.clock()))
	}
}

// readPartnerBody reads at most maxPartnerResponse+1 bytes of the
// (decompressed) answer and reports how many bytes it read in all: past
// the limit it goes on reading, up to overSizeCount, only to tell how
// large the answer was.
func readPartnerBody(resp *http.Response) ([]byte, int64, error) {
	const overSizeCount = 16 << 20
	var r io.Reader = resp.Body
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, 0, fmt.Errorf("the gzip answer is corrupt: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	body, err := io.ReadAll(io.LimitReader(r, maxPartnerResponse+1))
	read := int64(len(body))
	if err == nil && len(body) > maxPartnerResponse {
		n, _ := io.Copy(io.Discard, io.LimitReader(r, overSizeCount))
		read += n
	}
	return body, read, err
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

// describeNetError says which of the failures PROTOCOL §1.3 names happened:
// timeout, refused connection, TLS or DNS error.
func describeNetError(err error, u *url.URL, timeout time.Duration) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Sprintf("timeout: no response from %s within %s", u.Host, timeout)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("DNS error: the host %q could not be resolved (%s)", dnsErr.Name, dnsErr.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection refused: nothing is listening at %s", u.Host)
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return fmt.Sprintf("TLS error: the certificate of %s is not trusted (%v)", u.Host, err)
	case errors.As(err, &recordErr):
		return fmt.Sprintf("TLS error: %s did not answer TLS (is it plain http?)", u.Host)
	case strings.Contains(err.Error(), "tls:"):
		return fmt.Sprintf("TLS error talking to %s: %v", u.Host, err)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("connection error: %s closed the connection without a complete response", u.Host)
	case strings.Contains(err.Error(), "server response headers exceeded"):
		return fmt.Sprintf("answer headers larger than %d bytes from %s: the mock refuses header blocks that large", MaxPartnerHeaderBytes, u.Host)
	case errors.Is(err, context.Canceled):
		return "cancelled: the mock stopped waiting for the response"
	}
	return fmt.Sprintf("connection error talking to %s: %v", u.Host, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

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
// connections for bulk runs.
func newPartnerClient(cfg Config) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = cfg.BulkConcurrency * 2
	tr.MaxIdleConns = max(tr.MaxIdleConns, cfg.BulkConcurrency*4)
	// A partner's header block larger than this fails the call
	// (limits.go); Go's default would take 10 MB per answer.
	tr.MaxResponseHeaderBytes = MaxPartnerHeaderBytes
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
