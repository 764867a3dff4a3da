package mockteamtailor

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnerapi/partnerapitest"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// fixedNow is the clock of every test server, so documents are stable.
var fixedNow = partnerapitest.Now

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
	ids := idgen.NewSeeded(42)
	sb := partnerapitest.Seed(t, store, ids)
	cfg := DefaultConfig()
	// Most tests post results for made-up candidates; the check that a
	// candidate exists has tests of its own (TestResultUnknownCandidate).
	cfg.AcceptUnknownCandidates = true
	for _, m := range mutate {
		m(&cfg)
	}
	env := &testEnv{store: store, key: partnerapitest.Key, otherKey: partnerapitest.OtherKey, sandbox: sb}
	env.srv = httptest.NewUnstartedServer(nil)
	env.srv.Start()
	t.Cleanup(env.srv.Close)
	cfg.PublicURL = env.srv.URL
	var err error
	env.server, err = NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), cfg, store, ids, partnerapitest.Clock)
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

func (r response) doc(t *testing.T) map[string]any { t.Helper(); return partnerapitest.Doc(t, r.body) }

// req is one request to the test server. Zero values mean: partner 1's
// key as "Token <key>", the right API version, JSON:API media type on
// bodies.
type req struct {
	method, path, body string
	header             map[string]string // "" value deletes the default
}

func (e *testEnv) do(t *testing.T, rq req) response {
	t.Helper()
	r := partnerapitest.Do(t, e.srv.Client(), e.srv.URL, e.key, partnerapitest.Request{Method: rq.method, Path: rq.path, Body: rq.body, Header: rq.header})
	return response{status: r.Status, header: r.Header, body: r.Body}
}

// createResult posts attrs (a JSON object) and returns the new result's id.
func (e *testEnv) createResult(t *testing.T, attrs string) string {
	t.Helper()
	return partnerapitest.CreatedID(t, partnerapitest.Do(t, e.srv.Client(), e.srv.URL, e.key, partnerapitest.CreateRequest(attrs)))
}

var (
	errDoc   = partnerapitest.ErrDoc
	errEntry = partnerapitest.ErrEntry
)

// mustMatchSchema fails unless body validates against the named schema:
// the mock's own documents must satisfy the schemas partners are given.
func mustMatchSchema(t *testing.T, name string, body []byte) {
	t.Helper()
	partnerapitest.MustMatchSchema(t, name, body)
}

// jsonValue decodes a JSON literal written in a test.
func jsonValue(t *testing.T, s string) map[string]any {
	t.Helper()
	return partnerapitest.JSONValue(t, s)
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
