package mockteamtailor

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockteamtailor/mockteamtailor/internal/orderedjson"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/capture"
)

const (
	replayKey    = "ttpk_replay_key"
	replaySecret = "ttws_replay_secret"
)

// replayEnv is a mock whose partner 1 is the example partner, which
// verifies signatures with the local secret and posts its result to
// update-url; received records what reached the partner.
type replayEnv struct {
	mock     *httptest.Server
	server   *Server
	store    *store.MemStore
	sandbox  sandbox.Seeded
	mu       sync.Mutex // guards received
	received []receivedRequest
}

type receivedRequest struct {
	path   string
	header http.Header
	body   []byte
}

func newReplayEnv(t *testing.T) *replayEnv {
	t.Helper()
	ctx := context.Background()
	e := &replayEnv{}
	ep, err := examplepartner.New(examplepartner.Config{APIKey: replayKey, WebhookSecret: replaySecret})
	if err != nil {
		t.Fatal(err)
	}
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.received = append(e.received, receivedRequest{r.URL.Path, r.Header.Clone(), body})
		e.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		ep.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ep.Close(ctx)
		partner.Close()
	})
	e.store = store.NewMemStore()
	ids := idgen.NewSeeded(7)
	e.sandbox, err = sandbox.Seed(ctx, e.store, ids, time.Now, sandbox.PartnerSettings{ID: "1", Name: "Example", APIKey: replayKey, WebhookSecret: replaySecret, BaseURL: partner.URL})
	if err != nil {
		t.Fatal(err)
	}
	e.mock = httptest.NewUnstartedServer(nil)
	cfg := DefaultConfig()
	cfg.PublicURL = "http://" + e.mock.Listener.Addr().String()
	cfg.DeliveryTimeout = 20 * time.Second
	e.server, err = NewServer(slog.New(slog.DiscardHandler), cfg, e.store, ids, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	e.mock.Config.Handler = e.server
	e.mock.Start()
	t.Cleanup(e.mock.Close)
	return e
}

func (e *replayEnv) webhooks() []receivedRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(e.received), func(r receivedRequest) bool { return r.path != "/webhook" })
}

func (e *replayEnv) post(t *testing.T, path string, body any) (int, []byte) {
	t.Helper()
	raw, _ := json.Marshal(body)
	resp, err := http.Post(e.mock.URL+path, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// sampleCaptures reads the captures shipped in fixtures/captures: the
// documented example body, then the same with an unknown key and a type
// change (phone as a number).
func sampleCaptures(t *testing.T) []capture.Capture {
	t.Helper()
	raw, err := os.ReadFile("../fixtures/captures/teamtailor-example.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := capture.Parse(raw)
	if err != nil || len(cs) != 2 {
		t.Fatalf("ParseCaptures: %d captures, %v", len(cs), err)
	}
	return cs
}

var wantRewritten = []string{
	"/partner-event/id",
	"/partner-event/partner-result/id",
	"/partner-event/partner-result/update-url",
	"/company/uuid",
	"/company/name",
	"/company/url",
	"/company/logotype",
}

// A captured webhook in the documented shape, with drift, replays end to
// end: the local partner gets it signed with the local secret, with only
// the local paths rewritten; its result comes back to the mock; the
// journal marks the entry as a replayed capture with the rewritten paths;
// the deviations name the unknown key and the type change.
func TestReplayCapturedWebhookEndToEnd(t *testing.T) {
	e := newReplayEnv(t)
	capt := sampleCaptures(t)[1]
	status, body := e.post(t, "/mock/v1/replays", map[string]any{"capture": json.RawMessage(capt.Body)})
	if status != http.StatusOK {
		t.Fatalf("POST /mock/v1/replays: %d %s", status, body)
	}
	var out controlapi.ReplayOutcome
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantRewritten, out.RewrittenPaths); diff != "" {
		t.Errorf("rewritten paths (-want +got):\n%s", diff)
	}
	var unknown, typed bool
	for _, d := range out.Deviations {
		unknown = unknown || d.Kind == protocol.DeviationUnknownKey && d.Pointer == "/partner-event/candidate/pronouns"
		typed = typed || d.Kind == protocol.DeviationType && d.Pointer == "/partner-event/candidate/phone"
	}
	if !unknown || !typed {
		t.Errorf("deviations %v: want the unknown key /partner-event/candidate/pronouns and the type change of /partner-event/candidate/phone", out.Deviations)
	}
	if out.Delivery == nil || out.Delivery.Verdict != store.VerdictOK || out.Delivery.Response == nil || out.Delivery.Response.Status != http.StatusOK {
		t.Fatalf("delivery %+v: want verdict ok with a 200 from the partner", out.Delivery)
	}

	// What reached the partner: signed with the local secret, the
	// capture byte for byte except the rewritten paths.
	hooks := e.webhooks()
	if len(hooks) != 1 {
		t.Fatalf("the partner got %d webhooks, want 1", len(hooks))
	}
	got := hooks[0]
	if err := signature.Verify(got.header.Get(signature.Header), replaySecret, out.EventID, time.Now(), time.Minute); err != nil {
		t.Errorf("signature does not verify with the local secret: %v", err)
	}
	if got.header.Get("Authorization") != "Bearer "+e.sandbox.Activation.ProviderKey {
		t.Errorf("Authorization %q: want the sandbox activation's provider key", got.header.Get("Authorization"))
	}
	sent, err := orderedjson.Parse(got.body)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := orderedjson.Parse(capt.Body)
	pe, wpe := want.Get("partner-event"), sent.Get("partner-event")
	pe.Set("id", orderedjson.Str(out.EventID))
	pr := pe.Get("partner-result")
	pr.Set("id", orderedjson.Str(out.ResultID))
	pr.Set("update-url", orderedjson.Str(e.mock.URL+"/partner/v1/partner-results/"+out.ResultID))
	co := want.Get("company")
	for k, v := range map[string]string{"uuid": e.sandbox.Company.UUID, "name": e.sandbox.Company.Name, "url": e.sandbox.Company.URL, "logotype": e.sandbox.Company.Logotype} {
		co.Set(k, orderedjson.Str(v))
	}
	if diff := cmp.Diff(string(want.Marshal("  ")), string(sent.Marshal("  "))); diff != "" {
		t.Errorf("sent body differs from the capture beyond the rewritten paths (-want +got):\n%s", diff)
	}
	if wpe.Get("candidate").Get("phone").Kind != orderedjson.Number {
		t.Error("the type change (phone as a number) did not reach the partner as captured")
	}

	// The partner's result comes back to the mock through update-url.
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := e.store.Result(t.Context(), "1", out.ResultID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status == "completed" {
			if res.Assessment.Score == nil {
				t.Errorf("completed result without a score: %+v", res)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the partner's result never came back: status %q", res.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The journal marks the entry as a replayed capture.
	entry, err := e.store.JournalEntry(t.Context(), out.Delivery.ID)
	if err != nil {
		t.Fatal(err)
	}
	if entry.Capture == nil || entry.Kind != store.KindWebhook {
		t.Fatalf("journal entry %d is not marked as a replayed capture: %+v", entry.ID, entry)
	}
	if diff := cmp.Diff(wantRewritten, entry.Capture.RewrittenPaths); diff != "" {
		t.Errorf("journaled rewritten paths (-want +got):\n%s", diff)
	}
	if entry.Capture.Source != "the document" || len(entry.Capture.Deviations) != len(out.Deviations) {
		t.Errorf("journaled capture %+v", entry.Capture)
	}
}

// The documented example matches the schema: no deviations. Keeping the
// event id signs the captured id and leaves it alone.
func TestReplayKeepEventID(t *testing.T) {
	e := newReplayEnv(t)
	capt := sampleCaptures(t)[0]
	out, err := e.server.ReplayCapture(t.Context(), controlapi.ReplayRequest{Capture: capt.Body, KeepEventID: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deviations) != 0 {
		t.Errorf("the documented example has deviations: %v", out.Deviations)
	}
	if out.EventID != "f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7" {
		t.Errorf("event id %q: want the captured one", out.EventID)
	}
	if slices.Contains(out.RewrittenPaths, "/partner-event/id") {
		t.Errorf("rewritten %v: the event id was kept", out.RewrittenPaths)
	}
	hooks := e.webhooks()
	if len(hooks) != 1 || signature.Verify(hooks[0].header.Get(signature.Header), replaySecret, out.EventID, time.Now(), time.Minute) != nil {
		t.Errorf("the partner did not get one webhook signed for the captured id")
	}
}

// A dry run sends nothing and returns a curl command carrying the signed,
// rewritten request.
func TestReplayDryRun(t *testing.T) {
	e := newReplayEnv(t)
	capt := sampleCaptures(t)[0]
	out, err := e.server.ReplayCapture(t.Context(), controlapi.ReplayRequest{Capture: capt.Body, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.webhooks()) != 0 || out.Delivery != nil {
		t.Fatal("a dry run sent the webhook")
	}
	for _, want := range []string{"curl ", "-X POST", "/webhook'", "Teamtailor-Signature: t=", "Authorization: Bearer " + e.sandbox.Activation.ProviderKey, out.EventID, out.UpdateURL} {
		if !strings.Contains(out.Curl, want) {
			t.Errorf("curl lacks %q:\n%s", want, out.Curl)
		}
	}
	if strings.Contains(out.Curl, "api.teamtailor.com/partner") {
		t.Errorf("curl still points the partner at production:\n%s", out.Curl)
	}
}

// Bad replay requests are clear 4xx errors, never 5xx.
func TestReplayBadRequests(t *testing.T) {
	e := newReplayEnv(t)
	for name, tc := range map[string]struct {
		body   any
		status int
		want   string
	}{
		"nothing":         {map[string]any{}, http.StatusUnprocessableEntity, "give capture"},
		"not a webhook":   {map[string]any{"capture": map[string]any{"a": 1}}, http.StatusUnprocessableEntity, "neither partner-event"},
		"a config call":   {map[string]any{"capture": map[string]any{"id": 4, "kind": "config", "request": map[string]any{"body": ""}}}, http.StatusUnprocessableEntity, "journal entry 4) is a config call"},
		"pasted garbage":  {map[string]any{"capture": "{not json"}, http.StatusUnprocessableEntity, "line 1 is not JSON"},
		"unknown fixture": {map[string]any{"fixture": "nope"}, http.StatusUnprocessableEntity, "no imported fixture"},
		"unknown company": {map[string]any{"capture": json.RawMessage(sampleCaptures(t)[0].Body), "companyUuid": "nope"}, http.StatusNotFound, "no company"},
		"unknown field":   {map[string]any{"captured": 1}, http.StatusBadRequest, "captured"},
	} {
		t.Run(name, func(t *testing.T) {
			status, body := e.post(t, "/mock/v1/replays", tc.body)
			if status != tc.status || !strings.Contains(string(body), tc.want) {
				t.Errorf("got %d %s, want %d mentioning %q", status, body, tc.status, tc.want)
			}
		})
	}
}
