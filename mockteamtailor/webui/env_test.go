package webui

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// env is a whole mock with the UI mounted, the bundled example partner
// as the real partner, and a small fake partner for config documents the
// example partner does not serve (refetch, error field).
type env struct {
	t       *testing.T
	srv     *mockteamtailor.Server
	store   *store.MemStore
	ui      *UI
	ts      *httptest.Server
	partner store.Partner
	sandbox sandbox.Seeded
	fake    *fakePartner
	client  *http.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	store := store.NewMemStore()
	ids := idgen.NewSeeded(42)
	sb, err := sandbox.Seed(ctx, store, ids, time.Now, sandbox.PartnerSettings{ID: "1"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	t.Cleanup(ts.Close)

	// The example partner posts its result a little after answering, so
	// the webhook's answer is applied first (examplepartner.Config).
	ep, err := examplepartner.New(examplepartner.Config{APIKey: sb.Partner.APIKey, WebhookSecret: sb.Partner.WebhookSecret, ResultDelay: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	eps := httptest.NewServer(ep)
	t.Cleanup(eps.Close)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ep.Close(ctx)
	})
	// The example partner serves its activation form at /activation
	// (docs/protocol.md §2.1: a dynamic activation config).
	sb.Partner.BaseURL, sb.Partner.DynamicActivationConfig = eps.URL, true
	if err := store.PutPartner(ctx, sb.Partner); err != nil {
		t.Fatal(err)
	}

	cfg := mockteamtailor.DefaultConfig()
	cfg.PublicURL = "http://" + ts.Listener.Addr().String()
	cfg.DeliveryTimeout = 5 * time.Second
	srv, err := mockteamtailor.NewServer(logger, cfg, store, ids, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
	})
	ui, err := New(srv, logger)
	if err != nil {
		t.Fatal(err)
	}
	ui.streamFor = 2 * time.Second // tests need not wait on open streams
	srv.SetUI(ui)
	ts.Config.Handler = srv
	ts.Start()

	jar, _ := cookiejar.New(nil)
	e := &env{t: t, srv: srv, store: store, ui: ui, ts: ts, partner: sb.Partner, sandbox: sb, client: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
	return e
}

// fakePartner serves the refetch and error-field config documents of
// the fixtures: /config answers refetch, then refetch-followup once a
// test family is picked, and error-field for one job.
type fakePartner struct {
	srv      *httptest.Server
	errorJob atomic.Int64
	configs  atomic.Int64
}

// addFakePartner registers the fake partner through the control API (it
// gets its own sandbox company) and returns it with its partner record.
func (e *env) addFakePartner() (*fakePartner, store.Partner) {
	e.t.Helper()
	f := &fakePartner{}
	doc := func(name string) []byte {
		b, err := fixtures.Raw(fixtures.KindConfigs, name)
		if err != nil {
			e.t.Fatal(err)
		}
		return b
	}
	refetch, followup, blocked := doc("refetch"), doc("refetch-followup"), doc("error-field")
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/config":
			f.configs.Add(1)
			w.Header().Set("Content-Type", "application/json")
			q := r.URL.Query()
			switch {
			case q.Get("job_id") == strconv.FormatInt(f.errorJob.Load(), 10):
				w.Write(blocked)
			case q.Get("test_family") == "cognitive":
				w.Write(followup)
			default:
				w.Write(refetch)
			}
		case "/webhook":
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusOK)
		default:
			http.NotFound(w, r)
		}
	}))
	e.t.Cleanup(f.srv.Close)
	out, err := e.srv.CreatePartner(context.Background(), controlapi.PartnerInput{ID: controlapi.Ptr("fake"), Name: controlapi.Ptr("Fake Assessments"), BaseURL: controlapi.Ptr(f.srv.URL)})
	if err != nil {
		e.t.Fatal(err)
	}
	e.fake = f
	return f, out.Partner.Partner
}

// sandboxJobs returns the jobs of a partner's sandbox company.
func (e *env) sandboxJobs(partnerID string) []store.Job {
	e.t.Helper()
	uuid := e.ui.sandboxCompany(context.Background(), partnerID)
	js, err := e.store.Jobs(context.Background(), uuid)
	if err != nil || len(js) == 0 {
		e.t.Fatalf("sandbox of %s has no jobs: %v", partnerID, err)
	}
	return js
}

func (e *env) url(path string) string { return e.ts.URL + path }

// get fetches a page and returns its status and body.
func (e *env) get(path string) (int, string) {
	e.t.Helper()
	resp, err := e.client.Get(e.url(path))
	if err != nil {
		e.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post submits a form, following the redirect, and returns the final
// status, body and path.
func (e *env) post(path string, form url.Values) (int, string, string) {
	e.t.Helper()
	resp, err := e.client.PostForm(e.url(path), form)
	if err != nil {
		e.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Request.URL.RequestURI()
}

// controlJSON reads a control API document.
func (e *env) controlJSON(path string, out any) {
	e.t.Helper()
	resp, err := http.Get(e.url(path))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		e.t.Fatalf("GET %s: %v", path, err)
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("the page does not show %q", w)
		}
	}
}

func mustNotContain(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("the page shows %q, which it should not", w)
		}
	}
}
