// Package partnercall is how Teamtailor calls a partner (docs/protocol.md §1),
// written once for the mock and the conformance suite: the URL under the
// partner's BASE_URL, the headers of every call, a client that follows no
// redirect, answers read up to a bound, and what a failed call means, in
// words a partner developer can act on.
package partnercall

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// MaxResponse is how much of a partner's answer is read: 1 MiB.
const MaxResponse = 1 << 20

// URL joins a partner's BASE_URL and a path under it, with a query.
func URL(base, path string, query url.Values) string {
	u := strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
	if len(query) > 0 {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + query.Encode()
	}
	return u
}

// Headers are the headers Teamtailor sends on a call (docs/protocol.md §1).
type Headers struct {
	UserAgent string
	// Host is the Teamtailor-Host value: the stack's API host.
	Host string
	// ProviderKey is sent as a Bearer token; "" sends no Authorization.
	ProviderKey string
	// APIToken is sent as Teamtailor-Api-Token when not "".
	APIToken string
	// Signature is the Teamtailor-Signature value; "" sends none.
	Signature string
	// Gzip asks for a gzip answer, set by hand rather than left to Go's
	// transport, which adds it unseen and strips Content-Encoding from
	// the answer: a journal then shows the headers as they went over the
	// wire (ReadBody decompresses).
	Gzip bool
}

// Apply sets h on a request; hasBody adds the JSON Content-Type.
func (hd Headers) Apply(h http.Header, hasBody bool) {
	h.Set("User-Agent", hd.UserAgent)
	h.Set("Teamtailor-Host", hd.Host)
	h.Set("Accept", "application/json")
	if hd.Gzip {
		h.Set("Accept-Encoding", "gzip")
	}
	if hasBody {
		h.Set("Content-Type", "application/json")
	}
	if hd.ProviderKey != "" {
		h.Set("Authorization", "Bearer "+hd.ProviderKey)
	}
	if hd.APIToken != "" {
		h.Set("Teamtailor-Api-Token", hd.APIToken)
	}
	if hd.Signature != "" {
		h.Set(signature.Header, hd.Signature)
	}
}

// NewRequest builds a call to target with hd's headers; a nil body sends
// none.
func NewRequest(ctx context.Context, method, target string, body []byte, hd Headers) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, r)
	if err != nil {
		return nil, err
	}
	hd.Apply(req.Header, body != nil)
	return req, nil
}

// Transport returns a transport for calls to partners: keep-alive with
// idleConns idle connections per host (at least Go's default), and a
// partner's header block larger than maxHeaderBytes failing the call
// (Go's default would take 10 MB per answer).
func Transport(idleConns int, maxHeaderBytes int64) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if idleConns > 0 {
		tr.MaxIdleConnsPerHost = idleConns
		tr.MaxIdleConns = max(tr.MaxIdleConns, idleConns*2)
	}
	tr.MaxResponseHeaderBytes = maxHeaderBytes
	return tr
}

// Client returns a client over tr that follows no redirect: Teamtailor
// does not (docs/protocol.md §1.3). timeout 0 leaves the deadline to the context.
func Client(tr http.RoundTripper, timeout time.Duration) *http.Client {
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// ReadBody reads at most MaxResponse+1 bytes of the answer, decompressed
// when it says it is gzip, and reports how many bytes it read in all: past
// the limit it goes on reading, up to 16 MiB, only to tell how large the
// answer was. A body longer than MaxResponse is for the caller to cut.
func ReadBody(resp *http.Response) ([]byte, int64, error) {
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
	body, err := io.ReadAll(io.LimitReader(r, MaxResponse+1))
	read := int64(len(body))
	if err == nil && len(body) > MaxResponse {
		n, _ := io.Copy(io.Discard, io.LimitReader(r, overSizeCount))
		read += n
	}
	return body, read, err
}

// LooksStructured reports whether b starts like a JSON or XML document
// rather than plain text.
func LooksStructured(b []byte) bool {
	t := bytes.TrimSpace(b)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[' || t[0] == '<')
}
