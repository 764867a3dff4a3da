package embedded

import (
	"context"
	"flag"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// parse registers the flags on a fresh flag set, parses args with env as
// the environment and validates, as TestMain and Run do.
func parse(t *testing.T, args []string, env map[string]string) error {
	t.Helper()
	saved := settings.TestContext
	t.Cleanup(func() { settings.TestContext = saved })
	settings.TestContext = settings.Settings{}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	settings.RegisterFlags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return settings.AfterReadingAllFlags()
}

// startMockWith starts the embedded mock on a loopback port with the
// suite's settings, --mock-public-url http://suite:8081 and extra flags.
func startMockWith(t *testing.T, extra ...string) (*Mock, string) {
	t.Helper()
	args := append([]string{"--base-url", "http://127.0.0.1:9", "--api-key", "suite-api-key", "--webhook-secret", "suite-webhook-secret",
		"--mock-public-url", "http://suite:8081"}, extra...)
	if err := parse(t, args, nil); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m, err := newMock(context.Background(), ln)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	go m.hs.Serve(ln)
	t.Cleanup(func() { m.hs.Close() })
	return m, "http://" + ln.Addr().String()
}

// call sends method to base+path with the partner's credentials and Host
// host ("" keeps the address), and returns the status, Retry-After and body.
func call(t *testing.T, method, base, path, host string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(`{"data": {"type": "partner-results", "attributes": {"status": "completed"}}}`))
	if host != "" {
		req.Host = host
	}
	req.Header.Set("Authorization", "Token suite-api-key")
	req.Header.Set("X-Api-Version", "20180828")
	req.Header.Set("Content-Type", "application/vnd.api+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
}

// Rule: RateLimitPosts answers the writes to one result's update-url with
// 429 and Retry-After until the wait has passed, then lets them through;
// other results, and reads of this one, are never refused.
func TestRateLimitPostsRefusesOneResultUntilTheWait(t *testing.T) {
	m, base := startMockWith(t)
	const id = "9b0e6a51-0c43-4b55-9a37-7d1b2c3a4f60"
	if got := m.RateLimitPosts(id, 300*time.Millisecond); got != time.Second {
		t.Errorf("RateLimitPosts announced %s, want 1s (whole seconds, at least 1)", got)
	}
	start := time.Now()
	for i, method := range []string{http.MethodPatch, http.MethodPut} {
		status, retry, body := call(t, method, base, "/partner/v1/partner-results/"+id, "")
		if status != http.StatusTooManyRequests || retry != "1" || !strings.Contains(body, `"status":"429"`) {
			t.Errorf("write %d (%s): %d Retry-After %q %s; want 429, Retry-After 1 and a JSON:API error", i+1, method, status, retry, body)
		}
	}
	if status, _, _ := call(t, http.MethodPatch, base, "/partner/v1/partner-results/another-result", ""); status == http.StatusTooManyRequests {
		t.Errorf("a write to another result got 429")
	}
	if status, _, _ := call(t, http.MethodGet, base, "/partner/v1/partner-results/"+id, ""); status == http.StatusTooManyRequests {
		t.Errorf("a read of the result got 429")
	}
	// After the wait the write goes to the mock (which has no such result:
	// a 404), bounded in time.
	var status int
	for status = http.StatusTooManyRequests; status == http.StatusTooManyRequests && time.Since(start) < 5*time.Second; {
		time.Sleep(50 * time.Millisecond)
		status, _, _ = call(t, http.MethodPatch, base, "/partner/v1/partner-results/"+id, "")
	}
	if status == http.StatusTooManyRequests || time.Since(start) < time.Second {
		t.Errorf("after %s the write got %d; want it let through once 1s had passed", time.Since(start).Round(time.Millisecond), status)
	}
	posts := m.PostsTo(id)
	if len(posts) < 4 || posts[0].Status != http.StatusTooManyRequests || posts[len(posts)-1].Status == http.StatusTooManyRequests {
		t.Errorf("the inbox recorded %d requests to the result, want the 429s first and the one let through last", len(posts))
	}
}

// Rule: --teamtailor-host sets the Teamtailor-Host of every call to the
// partner; "mock" is the embedded mock's own host:port, another host is
// answered by the mock, and the default is the EU stack's host.
func TestTeamtailorHostLeadsBackToTheEmbeddedMock(t *testing.T) {
	for _, tc := range []struct{ flag, want string }{
		{"", "api.teamtailor.com"},
		{"mock", "suite:8081"},
		{"partnerapi.test:9", "partnerapi.test:9"},
	} {
		var extra []string
		if tc.flag != "" {
			extra = []string{"--teamtailor-host", tc.flag}
		}
		m, base := startMockWith(t, extra...)
		if m.Host != tc.want {
			t.Errorf("--teamtailor-host %q: the mock announces %q, want %q", tc.flag, m.Host, tc.want)
		}
		partner.UseMockHost(m.Host)
		req, err := partner.NewClient(&partner.Transcript{}).Request(context.Background(), partner.Call{Method: "POST", Path: "webhook", Body: []byte("{}")})
		partner.UseMockHost("")
		if err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get("Teamtailor-Host"); got != tc.want {
			t.Errorf("--teamtailor-host %q: a call to the partner carries Teamtailor-Host %q, want %q", tc.flag, got, tc.want)
		}
		if tc.flag != "" {
			if status, _, body := call(t, http.MethodGet, base, "/partner/v1/partners/"+m.Partner.ID, tc.want); status != http.StatusOK {
				t.Errorf("--teamtailor-host %q: GET with Host %s: %d %.200s, want 200", tc.flag, tc.want, status, body)
			}
		}
	}
}

// Rule: --teamtailor-host takes a host with an optional port, or "mock".
func TestTeamtailorHostMustBeAHost(t *testing.T) {
	for _, bad := range []string{"http://127.0.0.1:8081", "127.0.0.1:8081/partner", "user@host", ":8081"} {
		err := parse(t, []string{"--base-url", "http://127.0.0.1:9", "--api-key", "k", "--webhook-secret", "s", "--teamtailor-host", bad}, nil)
		if err == nil || !strings.Contains(err.Error(), "--teamtailor-host") {
			t.Errorf("--teamtailor-host %q: %v, want an error naming the flag", bad, err)
		}
	}
}
