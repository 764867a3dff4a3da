package partnercall

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestURLJoinsBaseAndPath(t *testing.T) {
	for _, c := range []struct {
		base, path string
		query      url.Values
		want       string
	}{
		{"https://p.example/tt/", "/config", nil, "https://p.example/tt/config"},
		{"https://p.example/tt", "webhook", nil, "https://p.example/tt/webhook"},
		{"https://p.example/?tenant=a", "config", url.Values{"job_id": {"1"}}, "https://p.example/?tenant=a/config&job_id=1"},
		{"https://p.example", "config", url.Values{"a": {"1 2"}}, "https://p.example/config?a=1+2"},
	} {
		if got := URL(c.base, c.path, c.query); got != c.want {
			t.Errorf("URL(%q, %q) = %q, want %q", c.base, c.path, got, c.want)
		}
	}
}

func TestHeadersAreTheOnesTeamtailorSends(t *testing.T) {
	req, err := NewRequest(context.Background(), http.MethodPost, "http://p.example/webhook", []byte(`{}`),
		Headers{UserAgent: "ua", Host: "api.teamtailor.com", ProviderKey: "pk", APIToken: "tok", Signature: "t=1,v1=x", Gzip: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"User-Agent": "ua", "Teamtailor-Host": "api.teamtailor.com", "Accept": "application/json",
		"Accept-Encoding": "gzip", "Content-Type": "application/json", "Authorization": "Bearer pk",
		"Teamtailor-Api-Token": "tok", "Teamtailor-Signature": "t=1,v1=x"}
	for k, v := range want {
		if got := req.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	bare, _ := NewRequest(context.Background(), http.MethodGet, "http://p.example/config", nil, Headers{UserAgent: "ua"})
	for _, k := range []string{"Authorization", "Content-Type", "Teamtailor-Api-Token", "Teamtailor-Signature", "Accept-Encoding"} {
		if v := bare.Header.Get(k); v != "" {
			t.Errorf("a GET with no key, token, signature or gzip sends %s: %q", k, v)
		}
	}
}

func TestClientFollowsNoRedirect(t *testing.T) {
	srv := httptest.NewServer(http.RedirectHandler("/elsewhere", http.StatusFound))
	defer srv.Close()
	resp, err := Client(Transport(0, 1<<20), 5*time.Second).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("status %d, want the 302 itself", resp.StatusCode)
	}
}

func TestReadBodyDecompressesAndCountsPastTheLimit(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte(`{"ok":true}`))
	zw.Close()
	resp := &http.Response{Header: http.Header{"Content-Encoding": {"gzip"}}, Body: http.NoBody}
	resp.Body = readCloser{bytes.NewReader(zipped.Bytes())}
	body, read, err := ReadBody(resp)
	if err != nil || string(body) != `{"ok":true}` || read != int64(len(body)) {
		t.Errorf("gzip body = %q, %d, %v", body, read, err)
	}

	big := strings.Repeat("x", MaxResponse+1000)
	resp = &http.Response{Header: http.Header{}, Body: readCloser{strings.NewReader(big)}}
	body, read, err = ReadBody(resp)
	if err != nil || len(body) != MaxResponse+1 || read != int64(len(big)) {
		t.Errorf("oversize: %d bytes kept, %d read, %v; want %d kept, %d read", len(body), read, err, MaxResponse+1, len(big))
	}

	resp = &http.Response{Header: http.Header{"Content-Encoding": {"gzip"}}, Body: readCloser{strings.NewReader("not gzip")}}
	if _, _, err := ReadBody(resp); err == nil || !strings.Contains(err.Error(), "gzip answer is corrupt") {
		t.Errorf("corrupt gzip: %v", err)
	}
}

type readCloser struct {
	r interface{ Read([]byte) (int, error) }
}

func (r readCloser) Read(p []byte) (int, error) { return r.r.Read(p) }
func (readCloser) Close() error                 { return nil }

func TestDescribeNamesTheFailure(t *testing.T) {
	u, _ := url.Parse("http://partner.example:8080/webhook")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, refused := http.Get("http://" + addr)
	for _, c := range []struct {
		name        string
		err         error
		text        string
		unreachable bool
		timeout     bool
	}{
		{"deadline", context.DeadlineExceeded, "timeout: no complete answer from partner.example:8080 within 3s", false, true},
		{"dns", &net.DNSError{Name: "partner.example", Err: "no such host"}, `DNS error: the host "partner.example" could not be resolved`, true, false},
		{"refused", refused, "connection refused: nothing is listening at partner.example:8080", true, false},
		{"plain http", errors.New("http: server gave HTTP response to HTTPS client"), "did not answer TLS (is it plain http?)", true, false},
		{"reset", errors.New("read: " + "x"), "connection error talking to partner.example:8080", false, false},
		{"headers", errors.New("net/http: server response headers exceeded 1024 bytes; aborted"), "answer headers larger than 1024 bytes", false, false},
		{"cancelled", context.Canceled, "cancelled:", false, false},
	} {
		f := Describe(c.err, u, 3*time.Second, 1024)
		if !strings.Contains(f.Text, c.text) || f.Unreachable != c.unreachable || f.Timeout != c.timeout {
			t.Errorf("%s: %+v, want text with %q, unreachable %v, timeout %v", c.name, f, c.text, c.unreachable, c.timeout)
		}
		// The tools that count timeouts ask the rule Describe uses.
		if IsTimeout(c.err) != c.timeout {
			t.Errorf("%s: IsTimeout %v, want %v", c.name, IsTimeout(c.err), c.timeout)
		}
	}
}

func TestLooksStructured(t *testing.T) {
	for body, want := range map[string]bool{`{"error":"x"}`: true, " [1]": true, "<html>": true, "Invalid signature": false, "": false, "  ": false} {
		if LooksStructured([]byte(body)) != want {
			t.Errorf("LooksStructured(%q) = %v", body, !want)
		}
	}
}
