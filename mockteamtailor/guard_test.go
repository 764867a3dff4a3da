package mockteamtailor

import (
	"context"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// guardRoutes is one request per route group of routes.go and the UI's
// catch-all, so a check that skips a group shows.
var guardRoutes = []struct{ method, path, body string }{
	{"GET", "/healthz", ""},
	{"GET", "/schemas/", ""},
	{"GET", "/schemas/config.schema.json", ""},
	{"GET", "/partner/v1/partner-results", ""},
	{"POST", "/partner/v1/partner-results", `{"data":{"type":"partner-results","attributes":{"status":"pending","candidate-id":1}}}`},
	{"GET", "/partner/v1/partners/1", ""},
	{"GET", "/files/fabc?expires=1&signature=x", ""},
	{"GET", "/mock/v1", ""},
	{"GET", "/mock/v1/keys", ""},
	{"GET", "/mock/v1/partners", ""},
	{"POST", "/mock/v1/partners", `{"id":"evil","baseUrl":"http://evil.example"}`},
	{"PATCH", "/mock/v1/partners/1", `{"baseUrl":"http://evil.example"}`},
	{"POST", "/mock/v1/reset", ""},
	{"PUT", "/mock/v1/faults", `{"latency":"5s"}`},
	{"POST", "/mock/v1/manual-triggers", `{"partnerId":"1","candidateId":1}`},
	{"GET", "/mock/v1/deliveries", ""},
	{"GET", "/mock/v1/deliveries/stream", ""},
	{"POST", "/mock/v1/uploads?name=a.txt", "hello"},
	{"GET", "/", ""},
	{"GET", "/marketplace", ""},
	{"GET", "/no-such-page", ""},
}

// Rule: a request whose Host is not an allowed name is refused with a 403
// naming --allowed-host, on every route (DNS rebinding), and changes
// nothing.
func TestForeignHostRefusedOnEveryRoute(t *testing.T) {
	env := newTestEnv(t)
	before, _ := env.store.Partner(context.Background(), "1")
	for _, host := range []string{"evil.example", "evil.example:8080", "127.0.0.1.nip.example", "localhost.evil.example"} {
		for _, rt := range guardRoutes {
			r := env.do(t, req{method: rt.method, path: rt.path, body: rt.body, header: map[string]string{"Host": host, "Content-Type": "application/json"}})
			if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "--allowed-host") {
				t.Errorf("Host %s: %s %s: %d %.200s; want 403 naming --allowed-host", host, rt.method, rt.path, r.status, r.body)
			}
			if r.header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("%s %s sent CORS headers", rt.method, rt.path)
			}
		}
	}
	after, _ := env.store.Partner(context.Background(), "1")
	if after.BaseURL != before.BaseURL {
		t.Errorf("a refused request changed the partner's base URL to %q", after.BaseURL)
	}
	if _, err := env.store.Partner(context.Background(), "evil"); err == nil {
		t.Errorf("a refused request created a partner")
	}
}

// Rule: the control API refuses what a page on another site can send:
// cross-site requests (Sec-Fetch-Site, Origin), and bodies that are not
// application/json (an HTML form, a no-cors fetch); its own clients and
// same-origin pages pass.
func TestControlAPIRefusesCrossSiteWrites(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	cases := []struct {
		name   string
		rt     req
		status int
		want   string
	}{
		{"cross-site fetch", req{method: "POST", path: "/mock/v1/reset", header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}}, 403, "cross-site request refused"},
		{"same-site other port", req{method: "PUT", path: "/mock/v1/faults", body: `{"latency":"5s"}`, header: map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-site", "Origin": "http://localhost:3000"}}, 403, "cross-site request refused"},
		{"old browser, Origin only", req{method: "PATCH", path: "/mock/v1/partners/1", body: `{"baseUrl":"http://evil.example"}`, header: map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}}, 403, "cross-site request refused"},
		{"text/plain form", req{method: "POST", path: "/mock/v1/manual-triggers", body: `{"partnerId":"1","candidateId":1}`, header: map[string]string{"Content-Type": "text/plain"}}, 415, "JSON bodies only"},
		{"urlencoded form", req{method: "PATCH", path: "/mock/v1/partners/1", body: `{"baseUrl":"http://evil.example"}`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, "JSON bodies only"},
		{"multipart", req{method: "POST", path: "/mock/v1/partners", body: `{"id":"evil"}`, header: map[string]string{"Content-Type": "multipart/form-data; boundary=x"}}, 415, "JSON bodies only"},
		{"no type", req{method: "POST", path: "/mock/v1/partners", body: `{"id":"evil"}`, header: map[string]string{"Content-Type": ""}}, 415, "JSON bodies only"},
	}
	for _, tc := range cases {
		r := env.do(t, tc.rt)
		if r.status != tc.status || !strings.Contains(string(r.body), tc.want) {
			t.Errorf("%s: %d %s; want %d %q", tc.name, r.status, r.body, tc.status, tc.want)
		}
	}
	if p, _ := env.store.Partner(ctx, "1"); p.BaseURL != "https://piedpiper.example" {
		t.Errorf("a refused request changed the base URL to %q", p.BaseURL)
	}
	if _, err := env.store.Partner(ctx, "evil"); err == nil {
		t.Errorf("a refused request created a partner")
	}
	if f := mustFaults(t, env.server); f.Latency != "0s" {
		t.Errorf("a refused request set a latency fault: %+v", f)
	}
	// Its own clients: JSON bodies, same-origin or no browser at all.
	for _, h := range []map[string]string{{"Content-Type": "application/json"}, {"Content-Type": "application/json; charset=utf-8", "Sec-Fetch-Site": "same-origin"}} {
		if r := env.do(t, req{method: "PATCH", path: "/mock/v1/partners/2", body: `{"name":"Hooli 2"}`, header: h}); r.status != http.StatusOK {
			t.Errorf("%v: %d %s", h, r.status, r.body)
		}
	}
	if r := env.do(t, req{method: "POST", path: "/mock/v1/reset", header: map[string]string{"Sec-Fetch-Site": "none"}}); r.status != http.StatusOK {
		t.Errorf("reset typed in the address bar's way (Sec-Fetch-Site: none): %d %s", r.status, r.body)
	}
}

// Rule: with a control token set, the control API and the web UI need it
// (Bearer, or the cookie the banner's link sets); the Partner API keeps
// its own key, /healthz stays open.
func TestControlToken(t *testing.T) {
	const token = "mtc_test_token_123"
	env := newTestEnv(t, func(c *Config) { c.ControlToken = token })
	noAuth := map[string]string{"Authorization": ""}
	for _, path := range []string{"/mock/v1/keys", "/mock/v1/deliveries/stream", "/", "/marketplace"} {
		if r := env.do(t, req{method: "GET", path: path, header: noAuth}); r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "control token") {
			t.Errorf("GET %s without the token: %d %.200s; want 401 naming the control token", path, r.status, r.body)
		}
		if r := env.do(t, req{method: "GET", path: path, header: map[string]string{"Authorization": "Bearer wrong"}}); r.status != http.StatusUnauthorized {
			t.Errorf("GET %s with a wrong token: %d", path, r.status)
		}
	}
	if r := env.do(t, req{method: "GET", path: "/mock/v1/keys", header: map[string]string{"Authorization": "Bearer " + token}}); r.status != http.StatusOK || !strings.Contains(string(r.body), "key-one") {
		t.Errorf("GET /mock/v1/keys with the token: %d %.200s", r.status, r.body)
	}
	if r := env.do(t, req{method: "GET", path: "/partner/v1/partners/1"}); r.status != http.StatusOK {
		t.Errorf("Partner API with its key: %d %s", r.status, r.body)
	}
	if r := env.do(t, req{method: "GET", path: "/healthz", header: noAuth}); r.status != http.StatusOK {
		t.Errorf("/healthz: %d", r.status)
	}
	// The banner's link: a cookie, and a redirect that drops the token.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(env.srv.URL + "/marketplace?company=x&token=" + token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	var cookie *http.Cookie
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(env.srv.URL, "http://"))
	for _, c := range resp.Cookies() {
		if c.Name == "mocktt_control_"+port {
			cookie = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || strings.Contains(loc, "token") || loc != "/marketplace?company=x" || cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("token link: %d Location %q cookie %+v", resp.StatusCode, loc, cookie)
	}
	if r := env.do(t, req{method: "GET", path: "/mock/v1/keys", header: map[string]string{"Authorization": "", "Cookie": cookie.Name + "=" + token}}); r.status != http.StatusOK {
		t.Errorf("control API with the cookie: %d", r.status)
	}
	// Cookies are shared by every port of a host: the cookie of a mock on
	// another port is not this mock's token, and does not replace it.
	if r := env.do(t, req{method: "GET", path: "/mock/v1/keys", header: map[string]string{"Authorization": "", "Cookie": "mocktt_control_1=" + token}}); r.status != http.StatusUnauthorized {
		t.Errorf("control API with the token in another port's cookie: %d, want 401", r.status)
	}
	if r := env.do(t, req{method: "GET", path: "/mock/v1/keys", header: map[string]string{"Authorization": "", "Cookie": "mocktt_control_1=other-mocks-token; " + cookie.Name + "=" + token}}); r.status != http.StatusOK {
		t.Errorf("control API with this port's cookie beside another port's: %d, want 200", r.status)
	}
	resp, err = client.Get(env.srv.URL + "/?token=wrong")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Errorf("a wrong token link: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
}

// Rule: a name given with --allowed-host is answered.
func TestAllowedHostIsAnswered(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.AllowedHosts = []string{"mock.test"} })
	if r := env.do(t, req{method: "GET", path: "/mock/v1/partners", header: map[string]string{"Host": "mock.test"}}); r.status != http.StatusOK {
		t.Errorf("allowed host: %d %s", r.status, r.body)
	}
}

// Rule: the control API refuses cross-site requests of every method, GET
// included: GET /mock/v1/partners/{id}/config and .../activation-form make
// the mock call the partner, and a page on another site could otherwise
// send thousands and push real calls out of the journal.
func TestControlAPIRefusesCrossSiteReads(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	var calls atomic.Int64
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"config": {"fields": []}}`))
	}))
	defer partner.Close()
	p, err := env.store.Partner(ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	p.BaseURL, p.DynamicActivationConfig = partner.URL, true
	if err := env.store.PutPartner(ctx, p); err != nil {
		t.Fatal(err)
	}
	company := env.sandbox.Company.UUID
	calling := []string{"/mock/v1/partners/1/config?company=" + company, "/mock/v1/partners/1/activation-form?company=" + company}
	var gets []string
	for _, rt := range guardRoutes {
		if rt.method == "GET" && strings.HasPrefix(rt.path, "/mock/") {
			gets = append(gets, rt.path)
		}
	}
	journal := func() int {
		d, err := env.store.Journal(ctx, store.JournalFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(d)
	}
	before := journal()
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:3000"},
		{"Origin": "http://evil.example"},
		{"Origin": "null"},
	} {
		for _, path := range append(calling, gets...) {
			if r := env.do(t, req{method: "GET", path: path, header: h}); r.status != http.StatusForbidden || !strings.Contains(string(r.body), "cross-site request refused") {
				t.Errorf("GET %s with %v: %d %.200s; want 403 cross-site request refused", path, h, r.status, r.body)
			}
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("cross-site GETs made the mock call the partner %d times", n)
	}
	if n := journal() - before; n != 0 {
		t.Errorf("cross-site GETs added %d journal entries", n)
	}
	// Its own pages and non-browser clients still read, and the partner
	// is called.
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {"Origin": env.srv.URL}, {}} {
		for _, path := range calling {
			if r := env.do(t, req{method: "GET", path: path, header: h}); r.status != http.StatusOK {
				t.Errorf("GET %s with %v: %d %.200s; want 200", path, h, r.status, r.body)
			}
		}
	}
	if calls.Load() == 0 {
		t.Error("the same-origin GETs did not call the partner: the test proves nothing")
	}
}

// Rule: the Partner API refuses what a browser sends from another site,
// before journaling it: partners call it from servers, and a page that
// sent <img> requests to it would push real calls out of the journal and
// use up faults. Server-side clients send neither header and pass.
func TestPartnerAPIRefusesCrossSiteRequests(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	if _, err := env.server.SetFaults(context.Background(), controlapi.Faults{Status: http.StatusServiceUnavailable, Count: 2}); err != nil {
		t.Fatal(err)
	}
	journal := func() int {
		d, err := env.store.Journal(ctx, store.JournalFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(d)
	}
	before := journal()
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:3000"},
		{"Origin": "http://evil.example"},
		{"Sec-Fetch-Site": "cross-site", "Authorization": ""},
	} {
		for _, rt := range guardRoutes {
			if !strings.HasPrefix(rt.path, "/partner/") {
				continue
			}
			h := maps.Clone(h)
			h["Content-Type"] = "application/vnd.api+json"
			if r := env.do(t, req{method: rt.method, path: rt.path, body: rt.body, header: h}); r.status != http.StatusForbidden || !strings.Contains(string(r.body), "cross-site request refused") {
				t.Errorf("%s %s with %v: %d %.200s; want 403 cross-site request refused", rt.method, rt.path, h, r.status, r.body)
			}
		}
	}
	if n := journal() - before; n != 0 {
		t.Errorf("cross-site Partner API requests added %d journal entries", n)
	}
	// The faults are still there for the partner's own requests.
	for _, want := range []int{503, 503, 200} {
		if r := env.do(t, req{method: "GET", path: "/partner/v1/partners/1"}); r.status != want {
			t.Errorf("a server-side request: %d, want %d", r.status, want)
		}
	}
}
