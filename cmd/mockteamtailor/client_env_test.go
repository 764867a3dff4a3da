package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/syncbuf"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/mockclient"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// clientPartnerConfig is the fake partner's /config: one optional text
// field, so triggers work with and without --data.
const clientPartnerConfig = `{"config":{"fields":[{"id":"note","type":"text","label":"Note"}]}}`

// clientActivationConfig asks for an API key that the partner's
// validation endpoint checks.
const clientActivationConfig = `{"config":{"fields":[{"id":"api_key","type":"text","label":"API key","required":true}],"validateEndpoint":"validate"}}`

// clientEnv is a real mock (the library on httptest) with the sandbox
// seeded and partner 1 pointing at a fake partner under test control.
type clientEnv struct {
	url     string
	server  *mockteamtailor.Server
	client  *mockclient.Client
	sandbox sandbox.Seeded
	refuse  atomic.Bool  // the validation endpoint answers 401 {"errors":["bad key"]}
	hookErr atomic.Int32 // when set, the status webhooks are answered with
	// gate, when set, holds every webhook past the first gateAfter until
	// it is closed: a partner slow to answer, under the test's control.
	gate      atomic.Pointer[chan struct{}]
	gateAfter int64
	gateSeen  atomic.Int64
}

func newClientEnv(t *testing.T) *clientEnv {
	t.Helper()
	e := &clientEnv{}
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/config":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, clientPartnerConfig)
		case "/validate":
			w.Header().Set("Content-Type", "application/json")
			if e.refuse.Load() {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"errors":["bad key"]}`)
				return
			}
			io.WriteString(w, `{}`)
		case "/webhook":
			if g := e.gate.Load(); g != nil && e.gateSeen.Add(1) > e.gateAfter {
				select {
				case <-*g:
				case <-r.Context().Done():
				}
			}
			if st := e.hookErr.Load(); st != 0 {
				w.WriteHeader(int(st))
				io.WriteString(w, "the partner is down for maintenance")
				return
			}
			w.WriteHeader(http.StatusOK)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(partner.Close)

	ctx := context.Background()
	store := store.NewMemStore()
	ids := idgen.NewSeeded(11)
	var err error
	e.sandbox, err = sandbox.Seed(ctx, store, ids, time.Now, sandbox.PartnerSettings{ID: "1", Name: "Pied Piper", APIKey: "ttpk_client_test_key", WebhookSecret: "ttws_client_test_secret", BaseURL: partner.URL})
	if err != nil {
		t.Fatal(err)
	}
	mock := httptest.NewUnstartedServer(nil)
	mock.Start()
	cfg := mockteamtailor.DefaultConfig()
	cfg.PublicURL = mock.URL
	srv, err := mockteamtailor.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), cfg, store, ids, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	mock.Config.Handler = srv
	t.Cleanup(func() {
		srv.Close(context.Background())
		mock.Close()
	})
	e.url, e.server = mock.URL, srv
	e.client = mockclient.New(mock.URL, nil)
	return e
}

// cli runs the program against the mock (--mock is appended) and returns
// its error and output.
func (e *clientEnv) cli(t *testing.T, args ...string) (err error, stdout, stderr string) {
	t.Helper()
	return runClient(t, context.Background(), append(args, "--mock", e.url)...)
}

// runClient runs the program to completion within 20s.
func runClient(t *testing.T, ctx context.Context, args ...string) (err error, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var out, errOut syncbuf.Buffer
	err = run(ctx, args, envFunc(nil), &out, &errOut)
	if ctx.Err() == context.DeadlineExceeded {
		t.Fatalf("run %q did not end within 20s", args)
	}
	return err, out.String(), errOut.String()
}

// mustCLI runs the program and fails the test on an error.
func (e *clientEnv) mustCLI(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	err, stdout, stderr := e.cli(t, args...)
	if err != nil {
		t.Fatalf("run %q: %v\nstdout:\n%s\nstderr:\n%s", args, err, stdout, stderr)
	}
	return stdout, stderr
}

// candidate returns a sandbox candidate that applied to a job.
func (e *clientEnv) candidate(t *testing.T) store.CandidateRecord {
	t.Helper()
	page, err := e.client.Candidates(context.Background(), e.sandbox.Company.UUID, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Candidates {
		if len(c.Applications) > 0 {
			return c
		}
	}
	t.Fatal("the sandbox has no candidate with an application")
	return store.CandidateRecord{}
}

// webhooks returns the webhook journal entries, oldest first.
func (e *clientEnv) webhooks(t *testing.T) []store.Delivery {
	t.Helper()
	ds, err := e.client.Deliveries(context.Background(), store.JournalFilter{Kind: store.KindWebhook})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// decodeInto decodes out as JSON into v, failing the test if it is not.
func decodeInto(t *testing.T, out string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("output is not the JSON expected: %v\n%s", err, out)
	}
}

// mustContain fails for each want missing from got.
func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}
