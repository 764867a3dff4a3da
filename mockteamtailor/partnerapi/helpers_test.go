package partnerapi

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnerapi/partnerapitest"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// fixedNow is the clock of every test API, so documents are stable.
var fixedNow = partnerapitest.Now

// serveConfig is the Partner API as serve sets it up by default, except
// that most tests post results for made-up candidates; the check that a
// candidate exists has tests of its own.
func serveConfig() Config {
	return Config{
		MaxBodyBytes: 1 << 20, JournalBodyLimit: 64 << 10,
		DefaultPageSize: 10, MaxPageSize: 30,
		RateLimit: 50, RateWindow: 10 * time.Second,
		AcceptUnknownCandidates: true,
	}
}

// testEnv is the Partner API on a real loopback listener over a store
// with two partners (partnerapitest.Seed).
type testEnv struct {
	srv      *httptest.Server
	api      *API
	store    *store.MemStore
	logger   *slog.Logger
	key      string // partner 1's API key
	otherKey string // partner 2's API key
	sandbox  sandbox.Seeded
}

func newTestEnv(t *testing.T, mutate ...func(*Config)) *testEnv {
	t.Helper()
	st := store.NewMemStore()
	ids := idgen.NewSeeded(42)
	env := &testEnv{store: st, key: partnerapitest.Key, otherKey: partnerapitest.OtherKey, sandbox: partnerapitest.Seed(t, st, ids),
		logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	cfg := serveConfig()
	for _, m := range mutate {
		m(&cfg)
	}
	env.srv = httptest.NewServer(nil)
	t.Cleanup(env.srv.Close)
	cfg.PublicURL = env.srv.URL
	env.api = New(env.logger, cfg, st, ids, partnerapitest.Clock, nil)
	env.srv.Config.Handler = env.api
	return env
}

// req is one request to the test API, and response what it got back.
type (
	req      = partnerapitest.Request
	response = partnerapitest.Response
)

func (e *testEnv) do(t *testing.T, rq req) response {
	t.Helper()
	return partnerapitest.Do(t, e.srv.Client(), e.srv.URL, e.key, rq)
}

// createResult posts attrs (a JSON object) and returns the new result's id.
func (e *testEnv) createResult(t *testing.T, attrs string) string {
	t.Helper()
	return partnerapitest.CreatedID(t, e.do(t, partnerapitest.CreateRequest(attrs)))
}

// The expected documents and their checks (package partnerapitest).
var (
	errDoc          = partnerapitest.ErrDoc
	errEntry        = partnerapitest.ErrEntry
	mustMatchSchema = partnerapitest.MustMatchSchema
	jsonValue       = partnerapitest.JSONValue
)

// doc decodes a response's body as a JSON object.
func doc(t *testing.T, r response) map[string]any { t.Helper(); return partnerapitest.Doc(t, r.Body) }
