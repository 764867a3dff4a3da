package mockteamtailor

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// fixedNow is the clock of every test server, so documents are stable.
var fixedNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// testEnv is a mock on a real loopback listener with two partners, so
// cross-partner rules can be checked.
type testEnv struct {
	srv      *httptest.Server
	server   *Server
	store    *store.MemStore
	key      string // partner 1's API key
	otherKey string // partner 2's API key
	sandbox  sandbox.Seeded
}

func newTestEnv(t *testing.T, mutate ...func(*Config)) *testEnv {
	t.Helper()
	return newTestEnvWithStore(t, store.NewMemStore(), mutate...)
}

func newTestEnvWithStore(t *testing.T, store *store.MemStore, mutate ...func(*Config)) *testEnv {
	t.Helper()
	ctx := context.Background()
	ids := idgen.NewSeeded(42)
	clock := func() time.Time { return fixedNow }
	sb, err := sandbox.Seed(ctx, store, ids, clock, sandbox.PartnerSettings{ID: "1", Name: "Pied Piper", APIKey: "key-one", WebhookSecret: "secret-one", BaseURL: "https://piedpiper.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sandbox.Seed(ctx, store, ids, clock, sandbox.PartnerSettings{ID: "2", Name: "Hooli", APIKey: "key-two", WebhookSecret: "secret-two"}); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	// Most tests post results for made-up candidates; the check that a
	// candidate exists has tests of its own (TestResultUnknownCandidate).
	cfg.AcceptUnknownCandidates = true
	for _, m := range mutate {
		m(&cfg)
	}
	env := &testEnv{store: store, key: "key-one", otherKey: "key-two", sandbox: sb}
	env.srv = httptest.NewUnstartedServer(nil)
	env.srv.Start()
	t.Cleanup(env.srv.Close)
	cfg.PublicURL = env.srv.URL
	env.server, err = NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), cfg, store, ids, clock)
	if err != nil {
		t.Fatal(err)
	}
	env.srv.Config.Handler = env.server
	return env
}

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// doc decodes the body as JSON (numbers as float64), failing the test if
// it is not JSON.
func (r response) doc(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return v
}

// req is one request to the test server. Zero values mean: partner 1's
// key as "Token <key>", the right API version, JSON:API media type on
// bodies.
type req struct {
	method, path, body string
	header             map[string]string // "" value deletes the default
}

func (e *testEnv) do(t *testing.T, rq req) response {
	t.Helper()
	var body io.Reader
	if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	hr, err := http.NewRequest(rq.method, e.srv.URL+rq.path, body)
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Authorization", "Token "+e.key)
	hr.Header.Set("X-Api-Version", protocol.APIVersion)
	if rq.body != "" {
		hr.Header.Set("Content-Type", protocol.MediaType)
	}
	for k, v := range rq.header {
		if k == "Host" { // Go sends Request.Host, not a Host header
			hr.Host = v
			continue
		}
		if v == "" {
			hr.Header.Del(k)
			continue
		}
		hr.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// createResult posts attrs (a JSON object) and returns the new result's id.
func (e *testEnv) createResult(t *testing.T, attrs string) string {
	t.Helper()
	r := e.do(t, req{method: "POST", path: "/partner/v1/partner-results", body: `{"data":{"type":"partner-results","attributes":` + attrs + `}}`})
	if r.status != http.StatusCreated {
		t.Fatalf("create: status = %d, want 201; body: %s", r.status, r.body)
	}
	var d struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(r.body, &d); err != nil || d.Data.ID == "" {
		t.Fatalf("create: no id in %s", r.body)
	}
	return d.Data.ID
}

// mustMatchSchema fails unless body validates against the named schema:
// the mock's own documents must satisfy the schemas partners are given.
func mustMatchSchema(t *testing.T, name string, body []byte) {
	t.Helper()
	if err := schemas.Validate(name, body); err != nil {
		t.Errorf("document does not match schema %s: %v\n%s", name, err, body)
	}
}

// jsonValue decodes a JSON literal written in a test.
func jsonValue(t *testing.T, s string) map[string]any {
	t.Helper()
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("bad JSON in test: %v\n%s", err, s)
	}
	return v
}

// mustFaults returns the faults in force on s.
func mustFaults(t *testing.T, s *Server) controlapi.Faults {
	t.Helper()
	f, err := s.Faults(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f
}
