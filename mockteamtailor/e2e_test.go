package mockteamtailor

// End-to-end tests: the mock on a loopback listener, driven through its
// control API, calling fake partners that are real httptest servers.
// Every webhook a fake partner receives is checked against the webhook
// schema and its v1 signature is recomputed here with crypto/hmac, not
// with the signature package under test.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// e2eConfig is the /config document the fake partner serves by default:
// field ids with underscores, so webhook-data keys show the "_" -> "-"
// rule.
const e2eConfig = `{"config":{"fields":[{"id":"test_type","type":"select","label":"Test","options":[{"id":"cognitive","label":"Cognitive"},{"id":"code","label":"Code"}]},{"id":"pass_mark","type":"number","label":"Pass mark","min":0,"max":100}]}}`

// Partner credentials of the e2e env. They are long enough for the
// control API to accept settings changes (it wants 8 characters).
const (
	e2eKey1    = "key-one-0001"
	e2eSecret1 = "secret-one-0001"
	e2eKey2    = "key-two-0002"
	e2eSecret2 = "secret-two-0002"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex // guards now
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// partnerHandler answers one path of a fake partner; body is the request
// body, already read.
type partnerHandler func(w http.ResponseWriter, r *http.Request, body []byte)

// e2eExchange is one request a fake partner received.
type e2eExchange struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
	Body         []byte
	// SignedAt is the t of a Teamtailor-Signature whose v1 verified; 0
	// when the request was unsigned or did not verify (see SigErr).
	SignedAt int64
	SigErr   error
}

// e2ePartner is a partner server at BASE_URL. It records every request,
// answers with per-path handlers, and checks every /webhook: the body
// must match the webhook schema and v1 must verify with secret.
type e2ePartner struct {
	t      *testing.T
	srv    *httptest.Server
	secret string
	mu     sync.Mutex // guards log and routes
	log    []e2eExchange
	routes map[string]partnerHandler
}

func newE2EPartner(t *testing.T, secret string) *e2ePartner {
	t.Helper()
	p := &e2ePartner{t: t, secret: secret, routes: map[string]partnerHandler{
		"/config":  serveDoc(http.StatusOK, e2eConfig),
		"/webhook": serveDoc(http.StatusOK, ""),
	}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *e2ePartner) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ex := e2eExchange{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body}
	sig := r.Header.Get("Teamtailor-Signature")
	if sig != "" {
		ex.SignedAt, ex.SigErr = verifyV1(sig, p.secret, eventIDOf(body))
	}
	if r.URL.Path == "/webhook" {
		// Every webhook the mock sends in these tests must satisfy the
		// schema partners are given, and be signed (docs/protocol.md §1.1, §1.2).
		if err := schemas.Validate("webhook", body); err != nil {
			p.t.Errorf("webhook body does not match the webhook schema: %v\n%s", err, body)
		}
		if sig == "" || ex.SigErr != nil {
			p.t.Errorf("webhook signature %q does not verify: %v", sig, ex.SigErr)
		}
	}
	p.mu.Lock()
	p.log = append(p.log, ex)
	h := p.routes[r.URL.Path]
	p.mu.Unlock()
	if h == nil {
		h = serveDoc(http.StatusOK, "")
	}
	h(w, r, body)
}

// handle sets how the partner answers path.
func (p *e2ePartner) handle(path string, h partnerHandler) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.routes[path] = h
}

// requests returns what the partner received on path, oldest first.
func (p *e2ePartner) requests(path string) []e2eExchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []e2eExchange
	for _, ex := range p.log {
		if ex.Path == path {
			out = append(out, ex)
		}
	}
	return out
}

// serveDoc answers with status and body; a body starting with { or [ is
// sent as JSON, anything else as plain text.
func serveDoc(status int, body string) partnerHandler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		if body != "" {
			ct := "text/plain; charset=utf-8"
			if strings.HasPrefix(body, "{") || strings.HasPrefix(body, "[") {
				ct = "application/json"
			}
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// verifyV1 checks a Teamtailor-Signature header without the signature
// package: "t=<unix>,v1=<hex>,v0=<hex>", no spaces, where v1 is
// hex(HMAC-SHA256(secret, "<t>.<event id>")) (docs/protocol.md §1.2). It returns t.
func verifyV1(header, secret, eventID string) (int64, error) {
	if strings.ContainsAny(header, " \t") {
		return 0, fmt.Errorf("the header has white space: %q", header)
	}
	fields := map[string]string{}
	var order []string
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return 0, fmt.Errorf("%q is not key=value", part)
		}
		fields[k] = v
		order = append(order, k)
	}
	if len(order) < 3 || order[0] != "t" || fields["v1"] == "" || fields["v0"] == "" {
		return 0, fmt.Errorf("want t=...,v1=...,v0=..., got %q", header)
	}
	ts, err := strconv.ParseInt(fields["t"], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("t=%q is not unix seconds", fields["t"])
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(fields["t"] + "." + eventID))
	want := hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(fields["v1"]), []byte(want)) {
		return 0, fmt.Errorf("v1 %s is not HMAC-SHA256(secret, %q) = %s", fields["v1"], fields["t"]+"."+eventID, want)
	}
	if hmac.Equal([]byte(fields["v0"]), []byte(want)) {
		return 0, errors.New("v0, the decoy, carries the real signature")
	}
	return ts, nil
}

// eventIDOf returns partner-event.id of a webhook body, "" if none.
func eventIDOf(body []byte) string {
	var b struct {
		PartnerEvent struct {
			ID string `json:"id"`
		} `json:"partner-event"`
	}
	json.Unmarshal(body, &b)
	return b.PartnerEvent.ID
}

// e2eEnv is a mock on a loopback listener with a settable clock, partner
// 1 (e2eKey1, e2eSecret1) pointing at a fake partner, and partner 2
// (e2eKey2, e2eSecret2) without a BASE_URL. Each has a seeded sandbox.
type e2eEnv struct {
	*testEnv
	clock   *testClock
	partner *e2ePartner
}

func newE2EEnv(t *testing.T, mutate ...func(*Config)) *e2eEnv {
	t.Helper()
	ctx := context.Background()
	clock := &testClock{now: fixedNow}
	partner := newE2EPartner(t, e2eSecret1)
	store := store.NewMemStore()
	ids := idgen.NewSeeded(42)
	sb, err := sandbox.Seed(ctx, store, ids, clock.Now, sandbox.PartnerSettings{ID: "1", Name: "Pied Piper", APIKey: e2eKey1, WebhookSecret: e2eSecret1, BaseURL: partner.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sandbox.Seed(ctx, store, ids, clock.Now, sandbox.PartnerSettings{ID: "2", Name: "Hooli", APIKey: e2eKey2, WebhookSecret: e2eSecret2}); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.DeliveryTimeout = 5 * time.Second
	srv := httptest.NewUnstartedServer(nil)
	cfg.PublicURL = "http://" + srv.Listener.Addr().String()
	for _, m := range mutate {
		m(&cfg)
	}
	server, err := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), cfg, store, ids, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = server
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		server.Close(ctx)
	})
	return &e2eEnv{
		testEnv: &testEnv{srv: srv, server: server, store: store, key: e2eKey1, otherKey: e2eKey2, sandbox: sb},
		clock:   clock,
		partner: partner,
	}
}

// ctl sends a control API request. body is nil, a string sent as is, or
// a value sent as JSON.
func (e *e2eEnv) ctl(t *testing.T, method, path string, body any) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	hr, err := http.NewRequestWithContext(t.Context(), method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.srv.Client().Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// patchPartner changes partner settings through the control API.
func (e *e2eEnv) patchPartner(t *testing.T, id string, settings map[string]any) {
	t.Helper()
	wantStatus(t, e.ctl(t, "PATCH", "/mock/v1/partners/"+id, settings), http.StatusOK)
}

// job returns the i-th job of the sandbox company.
func (e *e2eEnv) job(t *testing.T, i int) store.Job {
	t.Helper()
	jobs, err := e.store.Jobs(t.Context(), e.sandbox.Company.UUID)
	if err != nil || len(jobs) <= i {
		t.Fatalf("sandbox jobs: %d, %v", len(jobs), err)
	}
	return jobs[i]
}

// candidate returns the sandbox candidate seeded from a candidate fixture.
func (e *e2eEnv) candidate(t *testing.T, fixture string) store.CandidateRecord {
	t.Helper()
	raw, err := fixtures.Raw(fixtures.KindCandidates, fixture)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		UUID string `json:"uuid"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	cands, _, err := e.store.Candidates(t.Context(), e.sandbox.Company.UUID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		if c.Data.UUID == f.UUID {
			return c
		}
	}
	t.Fatalf("no sandbox candidate from fixture %q", fixture)
	return store.CandidateRecord{}
}

// manual fires a manual trigger through the control API and returns its
// outcome, failing unless the answer is 200.
func (e *e2eEnv) manual(t *testing.T, candidateID int64, data map[string]string) controlapi.Outcome {
	t.Helper()
	r := e.ctl(t, "POST", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "candidateId": candidateID, "data": data})
	wantStatus(t, r, http.StatusOK)
	return decodeAs[controlapi.Outcome](t, r)
}

// partnerAPI sends a Partner API request as partner key would, to a full
// URL (such as an update-url).
func partnerAPI(t *testing.T, method, fullURL, key, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(t.Context(), method, fullURL, rd)
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Authorization", "Token "+key)
	hr.Header.Set("X-Api-Version", protocol.APIVersion)
	if body != "" {
		hr.Header.Set("Content-Type", protocol.MediaType)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func wantStatus(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.status, status, r.body)
	}
}

func decodeAs[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, r.body)
	}
	return v
}

// errorDetails returns the details of an {"errors": [...]} document,
// joined, failing unless the body is one whose statuses match.
func errorDetails(t *testing.T, r response) string {
	t.Helper()
	var doc struct {
		Errors []struct {
			Status string `json:"status"`
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil || len(doc.Errors) == 0 {
		t.Fatalf("status %d: body is not an errors document: %s", r.status, r.body)
	}
	var details []string
	for _, e := range doc.Errors {
		if e.Status != strconv.Itoa(r.status) {
			t.Errorf("error status %q in a %d response", e.Status, r.status)
		}
		details = append(details, e.Detail)
	}
	return strings.Join(details, " | ")
}

func webhookOf(t *testing.T, body []byte) protocol.WebhookBody {
	t.Helper()
	var b protocol.WebhookBody
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("webhook body: %v\n%s", err, body)
	}
	return b
}

// candidateKeys returns the members of partner-event.candidate, to tell
// absent keys from null ones.
func candidateKeys(t *testing.T, body []byte) map[string]json.RawMessage {
	t.Helper()
	var b struct {
		PartnerEvent struct {
			Candidate map[string]json.RawMessage `json:"candidate"`
		} `json:"partner-event"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	return b.PartnerEvent.Candidate
}

// onlyHook returns the single webhook the partner got, failing otherwise.
func (p *e2ePartner) onlyHook(t *testing.T) e2eExchange {
	t.Helper()
	hooks := p.requests("/webhook")
	if len(hooks) != 1 {
		t.Fatalf("the partner got %d webhooks, want 1", len(hooks))
	}
	return hooks[0]
}

// A stage trigger set up and fired through the control API sends one
// webhook: v1 verifies by an independent HMAC with t the send time, the
// provider key is the Bearer, and job carries stage-id, trigger-id and
// triggered-by (docs/protocol.md §1, §1.2, §5).
func TestE2EStageTrigger(t *testing.T) {
	env := newE2EEnv(t)
	job := env.job(t, 0)
	stage := job.Stages[2]
	r := env.ctl(t, "POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": stage.ID, "data": map[string]string{"test_type": "code", "pass_mark": "70"}})
	wantStatus(t, r, http.StatusCreated)
	trig := decodeAs[store.Trigger](t, r)

	cfgs := env.partner.requests("/config")
	if len(cfgs) != 1 {
		t.Fatalf("config fetches = %d, want 1", len(cfgs))
	}
	q := cfgs[0].Query
	if q.Get("job_id") != strconv.FormatInt(job.ID, 10) || q.Get("stage_id") != strconv.FormatInt(stage.ID, 10) || q.Get("user_id") == "" {
		t.Errorf("config query = %v, want job_id, stage_id and user_id", q)
	}
	if got := cfgs[0].Header.Get("Authorization"); got != "Bearer "+env.sandbox.Activation.ProviderKey {
		t.Errorf("config Authorization = %q", got)
	}

	cand := env.candidate(t, "typical")
	r = env.ctl(t, "POST", fmt.Sprintf("/mock/v1/candidates/%d/move", cand.ID), map[string]any{"jobId": job.ID, "stageId": stage.ID})
	wantStatus(t, r, http.StatusOK)
	moved := decodeAs[controlapi.MoveResult](t, r)
	if len(moved.Outcomes) != 1 || len(moved.Skipped) != 0 {
		t.Fatalf("move: outcomes %+v, skipped %v", moved.Outcomes, moved.Skipped)
	}
	h := env.partner.onlyHook(t)
	ev := webhookOf(t, h.Body)
	if h.SignedAt != env.clock.Now().Unix() {
		t.Errorf("signature t = %d, want the send time %d", h.SignedAt, env.clock.Now().Unix())
	}
	if _, err := verifyV1(h.Header.Get("Teamtailor-Signature"), e2eSecret2, ev.PartnerEvent.ID); err == nil {
		t.Error("the signature verifies with another partner's secret")
	}
	for k, want := range map[string]string{
		"Authorization":   "Bearer " + env.sandbox.Activation.ProviderKey,
		"Content-Type":    "application/json",
		"Teamtailor-Host": "api.teamtailor.com",
	} {
		if got := h.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	j := ev.PartnerEvent.Candidate.Job
	switch {
	case j == nil:
		t.Fatal("stage-trigger webhook without job")
	case j.ID != job.ID || j.Stage != stage.Name:
		t.Errorf("job = %d %q, want %d %q", j.ID, j.Stage, job.ID, stage.Name)
	case j.StageID == nil || *j.StageID != stage.ID:
		t.Errorf("stage-id = %v, want %d", j.StageID, stage.ID)
	case j.TriggerID == nil || *j.TriggerID != trig.ID:
		t.Errorf("trigger-id = %v, want %d", j.TriggerID, trig.ID)
	case j.TriggeredBy == nil || j.TriggeredBy.ID != env.sandbox.Company.Users[0].ID:
		t.Errorf("triggered-by = %+v, want the company's first user", j.TriggeredBy)
	}
	if want := map[string]string{"test-type": "code", "pass-mark": "70"}; !maps.Equal(ev.PartnerEvent.WebhookData, want) {
		t.Errorf("webhook-data = %v, want %v", ev.PartnerEvent.WebhookData, want)
	}
	if ev.PartnerEvent.Candidate.ID != cand.ID {
		t.Errorf("candidate id = %d, want %d", ev.PartnerEvent.Candidate.ID, cand.ID)
	}
	out := moved.Outcomes[0]
	if out.Result.Status != "sent" || out.Delivery.Verdict != store.VerdictOK || out.Delivery.TriggerID != trig.ID || out.Delivery.EventID != ev.PartnerEvent.ID {
		t.Errorf("outcome = result %s, delivery %+v", out.Result.Status, out.Delivery)
	}
}

// A manual trigger sends one signed webhook whose job is the
// application's, without the trigger-only keys (docs/protocol.md §5).
func TestE2EManualTrigger(t *testing.T) {
	env := newE2EEnv(t)
	cand := env.candidate(t, "every-question-kind")
	out := env.manual(t, cand.ID, map[string]string{"test_type": "cognitive"})
	h := env.partner.onlyHook(t)
	ev := webhookOf(t, h.Body)
	if h.SignedAt != fixedNow.Unix() {
		t.Errorf("signature t = %d, want %d", h.SignedAt, fixedNow.Unix())
	}
	app := cand.Applications[0]
	cfg := env.partner.requests("/config")
	if len(cfg) != 1 || cfg[0].Query.Get("job_id") != strconv.FormatInt(app.JobID, 10) || cfg[0].Query.Get("stage_id") != strconv.FormatInt(app.StageID, 10) {
		t.Errorf("config fetches: %+v", cfg)
	}
	var job map[string]json.RawMessage
	if err := json.Unmarshal(candidateKeys(t, h.Body)["job"], &job); err != nil {
		t.Fatalf("job: %v", err)
	}
	for _, k := range []string{"stage-id", "trigger-id", "triggered-by"} {
		if _, has := job[k]; has {
			t.Errorf("manual-trigger job has %s", k)
		}
	}
	if ev.PartnerEvent.Candidate.Job.ID != app.JobID {
		t.Errorf("job id = %d, want the application's %d", ev.PartnerEvent.Candidate.Job.ID, app.JobID)
	}
	if want := map[string]string{"test-type": "cognitive"}; !maps.Equal(ev.PartnerEvent.WebhookData, want) {
		t.Errorf("webhook-data = %v, want %v", ev.PartnerEvent.WebhookData, want)
	}
	if out.Result.Status != "sent" || out.Result.ID != ev.PartnerEvent.PartnerResult.ID || out.Result.TriggerID != nil {
		t.Errorf("result = %+v", out.Result)
	}
}

// Bulk mode over 1,000 generated candidates: one config fetch without
// job, stage or user, then 1,000 webhooks, each its own event and result,
// none with a job key (docs/protocol.md §5).
func TestE2EBulkThousandCandidates(t *testing.T) {
	// Runs by default: the fake partner's /webhook answers at once, so
	// the run takes a few seconds even with -race.
	env := newE2EEnv(t)
	r := env.ctl(t, "POST", "/mock/v1/candidates", map[string]any{"companyUuid": env.sandbox.Company.UUID, "generate": 1000, "seed": 1})
	wantStatus(t, r, http.StatusCreated)
	created := decodeAs[struct{ Candidates []store.CandidateRecord }](t, r)
	if len(created.Candidates) != 1000 {
		t.Fatalf("generated %d candidates, want 1000", len(created.Candidates))
	}
	ids := make([]int64, 0, 1000)
	want := map[int64]bool{}
	for _, c := range created.Candidates {
		ids = append(ids, c.ID)
		want[c.ID] = true
	}
	r = env.ctl(t, "POST", "/mock/v1/bulk-triggers", map[string]any{"partnerId": "1", "candidateIds": ids, "data": map[string]string{"test_type": "code"}, "wait": true})
	wantStatus(t, r, http.StatusOK)
	run := decodeAs[controlapi.BulkRun](t, r)
	if !run.Done || run.Total != 1000 || run.Sent != 1000 || run.Failed != 0 || len(run.ResultIDs) != 1000 || run.ConfigID == 0 {
		t.Errorf("run: done %v total %d sent %d failed %d results %d config %d", run.Done, run.Total, run.Sent, run.Failed, len(run.ResultIDs), run.ConfigID)
	}
	if cfg := env.partner.requests("/config"); len(cfg) != 1 || len(cfg[0].Query) != 0 {
		t.Errorf("config fetches in bulk mode: %d, first query %v; want 1 without a query", len(cfg), cfg[0].Query)
	}
	hooks := env.partner.requests("/webhook")
	if len(hooks) != 1000 {
		t.Fatalf("%d webhooks, want 1000", len(hooks))
	}
	events, results := map[string]bool{}, map[string]bool{}
	for _, h := range hooks {
		if _, has := candidateKeys(t, h.Body)["job"]; has {
			t.Fatalf("bulk webhook with a job key: %s", h.Body)
		}
		ev := webhookOf(t, h.Body).PartnerEvent
		events[ev.ID], results[ev.PartnerResult.ID] = true, true
		if !want[ev.Candidate.ID] {
			t.Errorf("webhook for candidate %d, not one of the run", ev.Candidate.ID)
		}
		delete(want, ev.Candidate.ID)
		if ev.WebhookData["test-type"] != "code" || len(ev.WebhookData) != 1 {
			t.Errorf("webhook-data = %v", ev.WebhookData)
		}
	}
	if len(events) != 1000 || len(results) != 1000 || len(want) != 0 {
		t.Errorf("%d distinct events, %d distinct results, %d candidates without a webhook", len(events), len(results), len(want))
	}
	r = env.ctl(t, "GET", "/mock/v1/deliveries?bulk="+run.ID, nil)
	wantStatus(t, r, http.StatusOK)
	if ds := decodeAs[struct{ Deliveries []store.Delivery }](t, r).Deliveries; len(ds) != 1000 {
		t.Errorf("journal has %d entries of the run, want 1000", len(ds))
	}
}

// A partner that never answers is cut off at the delivery timeout: the
// result is failed with a message saying timeout, the journal verdict is
// error, and nothing is retried (docs/protocol.md §1.3).
func TestE2EWebhookTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	env := newE2EEnv(t, func(c *Config) { c.DeliveryTimeout = timeout })
	env.partner.handle("/webhook", func(_ http.ResponseWriter, r *http.Request, _ []byte) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	start := time.Now()
	out := env.manual(t, env.candidate(t, "typical").ID, nil)
	if elapsed := time.Since(start); elapsed < timeout || elapsed > 5*time.Second {
		t.Errorf("the trigger took %s with a %s timeout", elapsed, timeout)
	}
	if out.Result.Status != "failed" || !strings.Contains(out.Result.Message, "timeout") {
		t.Errorf("result status %q message %q, want failed with a message saying timeout", out.Result.Status, out.Result.Message)
	}
	d := decodeAs[store.Delivery](t, env.ctl(t, "GET", fmt.Sprintf("/mock/v1/deliveries/%d", out.Delivery.ID), nil))
	if d.Verdict != store.VerdictError || !strings.Contains(d.Reason, "timeout") || d.Response != nil {
		t.Errorf("journal: verdict %q reason %q response %v, want error, timeout, none", d.Verdict, d.Reason, d.Response)
	}
	if n := len(env.partner.requests("/webhook")); n != 1 {
		t.Errorf("the partner got %d webhooks, want 1 (no retries)", n)
	}
	res := decodeAs[controlapi.Result](t, env.ctl(t, "GET", "/mock/v1/results/"+out.Result.ID, nil))
	if res.Status != "failed" || res.Message != out.Result.Message {
		t.Errorf("stored result %q %q", res.Status, res.Message)
	}
}

// A webhook answered >= 400 fails the result; a plain-string body
// becomes its message, cut at 500 bytes on a rune boundary (docs/protocol.md §1.3).
func TestE2EWebhookErrorBody(t *testing.T) {
	long := strings.Repeat("x", 2000)
	wide := strings.Repeat("é", 400)
	for _, tt := range []struct {
		name, body  string
		status      int
		wantMessage string
		wantReason  string
	}{
		{"plain string", "Candidate already has an active test", 500, "Candidate already has an active test", "answered 500"},
		{"long body is cut", long, 500, long[:500] + "…", "answered 500"},
		{"cut on a rune boundary", wide, 503, wide[:500] + "…", "answered 503"},
		{"empty body", "", 422, "the partner answered 422 with an empty body", "answered 422"},
		{"structured body", `{"error":"no such test"}`, 400, `{"error":"no such test"}`, "should be a plain string"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := newE2EEnv(t)
			env.partner.handle("/webhook", serveDoc(tt.status, tt.body))
			out := env.manual(t, env.candidate(t, "typical").ID, nil)
			if out.Result.Status != "failed" || out.Result.Message != tt.wantMessage {
				t.Errorf("result %q, message (%d bytes) %q; want failed with %q", out.Result.Status, len(out.Result.Message), out.Result.Message, tt.wantMessage)
			}
			if !utf8.ValidString(out.Result.Message) {
				t.Error("the message is not valid UTF-8")
			}
			if out.Delivery.Verdict != store.VerdictFailed || !strings.Contains(out.Delivery.Reason, tt.wantReason) {
				t.Errorf("journal verdict %q reason %q, want failed with %q", out.Delivery.Verdict, out.Delivery.Reason, tt.wantReason)
			}
		})
	}
}

// partner_result_attributes in a 2xx answer update the result only if
// every given field is valid; otherwise nothing is applied, the journal
// verdict is invalid and the reason says why (docs/protocol.md §1.3).
func TestE2EWebhookResponseAttributes(t *testing.T) {
	score := func(v float64) *float64 { return &v }
	for _, tt := range []struct {
		name, body  string
		wantVerdict string
		wantReason  string
		wantStatus  string
		wantScore   *float64
		wantDetails string
		wantAttach  []protocol.Attachment
	}{
		{
			name:        "every field",
			body:        `{"partner_result_attributes":{"status":"completed","assessment":{"score":87,"grade":"top_fit"},"details":{"level":"senior","scores":{"logic":9}},"attachments":[{"url":"https://example.com/r.pdf","description":"Report"}]}}`,
			wantVerdict: store.VerdictOK, wantReason: "applied", wantStatus: "completed", wantScore: score(87),
			wantDetails: `{"level":"senior","scores":{"logic":9}}`,
			wantAttach:  []protocol.Attachment{{URL: "https://example.com/r.pdf", Description: "Report"}},
		},
		{name: "score only", body: `{"partner_result_attributes":{"assessment":{"score":42.5}}}`, wantVerdict: store.VerdictOK, wantStatus: "sent", wantScore: score(42.5)},
		{name: "score above 100", body: `{"partner_result_attributes":{"assessment":{"score":104}}}`, wantVerdict: store.VerdictInvalid, wantReason: "score", wantStatus: "sent"},
		{name: "unknown status", body: `{"partner_result_attributes":{"status":"done"}}`, wantVerdict: store.VerdictInvalid, wantReason: "status", wantStatus: "sent"},
		{name: "attachment with an extra key", body: `{"partner_result_attributes":{"attachments":[{"url":"https://example.com/a","description":"A","size":3}]}}`, wantVerdict: store.VerdictInvalid, wantReason: "attachments", wantStatus: "sent"},
		{name: "details too deep", body: `{"partner_result_attributes":{"details":{"a":{"b":{"c":1}}}}}`, wantVerdict: store.VerdictInvalid, wantReason: "details", wantStatus: "sent"},
		{name: "one bad field blocks the good ones", body: `{"partner_result_attributes":{"status":"completed","assessment":{"score":101}}}`, wantVerdict: store.VerdictInvalid, wantReason: "ignored", wantStatus: "sent"},
		{name: "not JSON", body: "OK", wantVerdict: store.VerdictOK, wantReason: "not JSON", wantStatus: "sent"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := newE2EEnv(t)
			env.partner.handle("/webhook", serveDoc(http.StatusOK, tt.body))
			out := env.manual(t, env.candidate(t, "typical").ID, nil)
			d := out.Delivery
			if d.Verdict != tt.wantVerdict || !strings.Contains(d.Reason, tt.wantReason) {
				t.Errorf("journal verdict %q reason %q; want %q containing %q", d.Verdict, d.Reason, tt.wantVerdict, tt.wantReason)
			}
			res, err := env.store.Result(t.Context(), "1", out.Result.ID)
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Status) != tt.wantStatus {
				t.Errorf("status = %q, want %q", res.Status, tt.wantStatus)
			}
			if (res.Assessment.Score == nil) != (tt.wantScore == nil) || (res.Assessment.Score != nil && *res.Assessment.Score != *tt.wantScore) {
				t.Errorf("score = %v, want %v", floatOrNil(res.Assessment.Score), floatOrNil(tt.wantScore))
			}
			if res.Assessment.Grade != nil {
				t.Errorf("grade = %q: only assessment.score is read", *res.Assessment.Grade)
			}
			if got := string(protocol.CompactJSON(res.Details)); tt.wantDetails != "" && got != tt.wantDetails || tt.wantDetails == "" && res.Details != nil {
				t.Errorf("details = %s, want %s", res.Details, tt.wantDetails)
			}
			if !slices.Equal(res.Attachments, tt.wantAttach) {
				t.Errorf("attachments = %+v, want %+v", res.Attachments, tt.wantAttach)
			}
			// The Partner API shows the partner what was applied.
			r := env.do(t, req{method: "GET", path: "/partner/v1/partner-results/" + res.ID})
			wantStatus(t, r, http.StatusOK)
			mustMatchSchema(t, "partner-result", r.body)
		})
	}
}

func floatOrNil(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// A refused connection and an unresolvable host fail the result with a
// message saying which, journaled with verdict error (docs/protocol.md §1.3).
func TestE2EConnectionFailures(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	for _, tt := range []struct {
		name, baseURL, want string
	}{
		{"connection refused", closedURL, "connection refused"},
		{"DNS error", "http://nonexistent.invalid", "DNS error"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := newE2EEnv(t)
			// A static config, so the webhook is the first call made.
			env.patchPartner(t, "1", map[string]any{"baseUrl": tt.baseURL, "webhookConfig": json.RawMessage(e2eConfig)})
			out := env.manual(t, env.candidate(t, "typical").ID, map[string]string{"test_type": "code"})
			if out.Result.Status != "failed" || !strings.Contains(out.Result.Message, tt.want) {
				t.Errorf("result %q, message %q; want failed saying %q", out.Result.Status, out.Result.Message, tt.want)
			}
			if out.Delivery.Verdict != store.VerdictError || !strings.Contains(out.Delivery.Reason, tt.want) || out.Delivery.Response != nil {
				t.Errorf("journal verdict %q reason %q", out.Delivery.Verdict, out.Delivery.Reason)
			}
		})
	}
}

// An action the partner put on its result through the Partner API
// (PATCH to update-url) POSTs the original partner event, signed afresh
// for the same event id, to BASE_URL/<endpoint> (docs/protocol.md §2.3).
func TestE2EActionPostsOriginalEvent(t *testing.T) {
	env := newE2EEnv(t)
	out := env.manual(t, env.candidate(t, "typical").ID, nil)
	hook := env.partner.onlyHook(t)
	ev := webhookOf(t, hook.Body).PartnerEvent

	patch := fmt.Sprintf(`{"data":{"id":%q,"type":"partner-results","attributes":{"status":"completed","actions":[{"buttonText":"Resend invite","endpoint":"actions/resend-invite"}]}}}`, ev.PartnerResult.ID)
	wantStatus(t, partnerAPI(t, "PATCH", ev.PartnerResult.UpdateURL, e2eKey1, patch), http.StatusOK)

	env.clock.Advance(90 * time.Second)
	r := env.ctl(t, "POST", "/mock/v1/results/"+out.Result.ID+"/actions/0", nil)
	wantStatus(t, r, http.StatusOK)
	d := decodeAs[store.Delivery](t, r)
	if d.Kind != store.KindAction || d.Verdict != store.VerdictOK || d.ResultID != out.Result.ID || d.EventID != ev.ID {
		t.Errorf("action journal entry: %+v", d)
	}
	acts := env.partner.requests("/actions/resend-invite")
	if len(acts) != 1 {
		t.Fatalf("the partner got %d action calls, want 1", len(acts))
	}
	a := acts[0]
	if a.Method != http.MethodPost || !bytes.Equal(a.Body, hook.Body) {
		t.Errorf("action %s with body\n%s\nwant POST of the original event\n%s", a.Method, a.Body, hook.Body)
	}
	if a.SigErr != nil || a.SignedAt != env.clock.Now().Unix() {
		t.Errorf("action signature: t %d (want %d), %v", a.SignedAt, env.clock.Now().Unix(), a.SigErr)
	}
	if got := a.Header.Get("Authorization"); got != "Bearer "+env.sandbox.Activation.ProviderKey {
		t.Errorf("action Authorization = %q", got)
	}
	r = env.ctl(t, "POST", "/mock/v1/results/"+out.Result.ID+"/actions/1", nil)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(errorDetails(t, r), "has 1 action;") {
		t.Errorf("out-of-range action: %s", r.body)
	}
}

// Teamtailor-Api-Token goes with every call only when the partner
// requires it, carrying the company API key picked at activation
// (docs/protocol.md §1).
func TestE2EAPITokenHeader(t *testing.T) {
	env := newE2EEnv(t)
	const token = "ttapi_second_token_0002"
	r := env.ctl(t, "POST", "/mock/v1/companies", map[string]any{"name": "Tokened AB", "apiTokens": []string{"ttapi_first_token_0001", token}, "seedData": true})
	wantStatus(t, r, http.StatusCreated)
	company := decodeAs[store.Company](t, r)
	env.patchPartner(t, "1", map[string]any{"requireApiToken": true})

	r = env.ctl(t, "POST", "/mock/v1/activations", map[string]any{"partnerId": "1", "companyUuid": company.UUID})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if d := errorDetails(t, r); !strings.Contains(d, "API token") || strings.Contains(d, token) {
		t.Errorf("activation without a token: %s (the tokens must be masked)", d)
	}
	r = env.ctl(t, "POST", "/mock/v1/activations", map[string]any{"partnerId": "1", "companyUuid": company.UUID, "apiToken": "ttapi_not_the_company_s"})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	r = env.ctl(t, "POST", "/mock/v1/activations", map[string]any{"partnerId": "1", "companyUuid": company.UUID, "apiToken": token})
	wantStatus(t, r, http.StatusCreated)

	cands := decodeAs[struct{ Candidates []store.CandidateRecord }](t, env.ctl(t, "GET", "/mock/v1/candidates?company="+company.UUID, nil)).Candidates
	if len(cands) == 0 {
		t.Fatal("the seeded company has no candidates")
	}
	sandboxCand := env.candidate(t, "typical")
	for _, tt := range []struct {
		name      string
		require   bool
		candidate int64
		want      string
	}{
		{"required, activation with a token", true, cands[0].ID, token},
		{"required, the sandbox activation: its admin key", true, sandboxCand.ID, env.sandbox.Company.APITokens[0]},
		{"not required", false, cands[0].ID, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env.patchPartner(t, "1", map[string]any{"requireApiToken": tt.require})
			before := len(env.partner.requests("/webhook"))
			env.manual(t, tt.candidate, nil)
			hooks := env.partner.requests("/webhook")
			cfgs := env.partner.requests("/config")
			if len(hooks) != before+1 {
				t.Fatalf("%d new webhooks", len(hooks)-before)
			}
			for _, ex := range []e2eExchange{hooks[len(hooks)-1], cfgs[len(cfgs)-1]} {
				got, present := ex.Header.Get("Teamtailor-Api-Token"), len(ex.Header.Values("Teamtailor-Api-Token")) > 0
				if got != tt.want || present != (tt.want != "") {
					t.Errorf("%s: Teamtailor-Api-Token = %q (present %v), want %q", ex.Path, got, present, tt.want)
				}
			}
		})
	}
}

// A file field's value is a signed URL of the uploaded file that serves
// it for 60 seconds and answers 403 afterwards (docs/protocol.md §1.1).
func TestE2EFileFieldURLExpires(t *testing.T) {
	env := newE2EEnv(t)
	env.partner.handle("/config", serveDoc(http.StatusOK, `{"config":{"fields":[{"id":"brief_file","type":"file","label":"Brief"},{"id":"level","type":"select","options":[{"id":"senior","label":"Senior"}]}]}}`))
	content := []byte("%PDF-1.7 the brief")
	hr, err := http.NewRequestWithContext(t.Context(), "POST", env.srv.URL+"/mock/v1/uploads?name=brief.pdf", bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Content-Type", "application/pdf")
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	var up struct {
		ID, Value, Name string
		Size            int
	}
	json.NewDecoder(resp.Body).Decode(&up)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || up.Value != "upload:"+up.ID || up.Size != len(content) || up.Name != "brief.pdf" {
		t.Fatalf("upload: %d %+v", resp.StatusCode, up)
	}
	cand := env.candidate(t, "typical").ID

	r := env.ctl(t, "POST", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "candidateId": cand, "data": map[string]string{"brief_file": "https://example.com/brief.pdf"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(errorDetails(t, r), "upload") {
		t.Errorf("a file field with a URL: %s", r.body)
	}

	env.manual(t, cand, map[string]string{"brief_file": up.Value, "level": "senior"})
	ev := webhookOf(t, env.partner.onlyHook(t).Body).PartnerEvent
	fileURL := ev.WebhookData["brief-file"]
	if !strings.HasPrefix(fileURL, env.srv.URL+"/files/") || ev.WebhookData["level"] != "senior" {
		t.Fatalf("webhook-data = %v, want brief-file as a URL of the mock", ev.WebhookData)
	}
	get := func() (int, []byte, http.Header) {
		resp, err := http.Get(fileURL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b, resp.Header
	}
	status, body, h := get()
	if status != http.StatusOK || !bytes.Equal(body, content) || h.Get("Content-Type") != "application/pdf" {
		t.Fatalf("fresh URL: %d %q %q", status, body, h.Get("Content-Type"))
	}
	env.clock.Advance(59 * time.Second)
	if status, _, _ := get(); status != http.StatusOK {
		t.Errorf("after 59s: %d, want 200", status)
	}
	env.clock.Advance(2 * time.Second)
	if status, body, _ := get(); status != http.StatusForbidden || !strings.Contains(string(body), "expired") {
		t.Errorf("after 61s: %d %q, want 403 saying expired", status, body)
	}
	u, _ := url.Parse(fileURL)
	q := u.Query()
	q.Set("expires", strconv.FormatInt(env.clock.Now().Add(time.Hour).Unix(), 10))
	u.RawQuery = q.Encode()
	resp, err = http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("URL with a moved expiry: %d, want 403", resp.StatusCode)
	}
}

// Optional candidate blocks are absent unless enabled: job-offers with
// "include job offers", uploads and resume with uploads on; onboardings
// whenever the candidate has them (docs/protocol.md §1.1).
func TestE2EOptionalBlocks(t *testing.T) {
	env := newE2EEnv(t)
	for _, tt := range []struct {
		fixture         string
		offers, uploads bool
		present, absent []string
	}{
		{"job-offers", false, false, nil, []string{"job-offers"}},
		{"job-offers", true, false, []string{"job-offers"}, nil},
		{"typical", true, false, []string{"job-offers"}, []string{"uploads", "resume"}},
		{"uploads-and-resume", false, false, nil, []string{"uploads", "resume"}},
		{"uploads-and-resume", false, true, []string{"uploads", "resume"}, nil},
		{"onboardings", false, false, []string{"onboardings"}, []string{"job-offers"}},
		{"minimal", false, true, nil, []string{"job-offers", "onboardings", "uploads", "resume"}},
	} {
		t.Run(fmt.Sprintf("%s offers=%v uploads=%v", tt.fixture, tt.offers, tt.uploads), func(t *testing.T) {
			env.patchPartner(t, "1", map[string]any{"includeJobOffers": tt.offers, "includeUploads": tt.uploads})
			cand := env.candidate(t, tt.fixture)
			out := env.manual(t, cand.ID, nil)
			var raw []byte
			for _, h := range env.partner.requests("/webhook") {
				if eventIDOf(h.Body) == out.Delivery.EventID {
					raw = h.Body
				}
			}
			keys := candidateKeys(t, raw)
			for _, k := range tt.present {
				if v, ok := keys[k]; !ok || string(v) == "null" {
					t.Errorf("%s is %s, want present", k, v)
				}
			}
			for _, k := range tt.absent {
				if v, ok := keys[k]; ok {
					t.Errorf("%s is present (%.80s), want absent", k, v)
				}
			}
			if tt.fixture == "job-offers" && tt.offers {
				if n := len(*webhookOf(t, raw).PartnerEvent.Candidate.JobOffers); n != 3 {
					t.Errorf("%d job offers, want the fixture's 3", n)
				}
			}
		})
	}
}

// A refetch field makes the mock fetch /config again with the picked
// values as extra query parameters; the values of the final form become
// webhook-data with "_" turned into "-" (docs/protocol.md §3).
func TestE2EConfigRefetch(t *testing.T) {
	env := newE2EEnv(t)
	first, _ := fixtures.Raw(fixtures.KindConfigs, "refetch")
	followup, _ := fixtures.Raw(fixtures.KindConfigs, "refetch-followup")
	env.partner.handle("/config", func(w http.ResponseWriter, r *http.Request, b []byte) {
		doc := first
		if r.URL.Query().Get("test_family") != "" {
			doc = followup
		}
		serveDoc(http.StatusOK, string(doc))(w, r, b)
	})
	job := env.job(t, 0)
	stage := job.Stages[1]
	data := map[string]string{"test_family": "cognitive", "test": "numerical_reasoning", "time_limit_minutes": "30"}
	r := env.ctl(t, "POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": stage.ID, "data": data})
	wantStatus(t, r, http.StatusCreated)
	cfgs := env.partner.requests("/config")
	if len(cfgs) != 2 {
		t.Fatalf("%d config fetches, want 2", len(cfgs))
	}
	if cfgs[0].Query.Has("test_family") || cfgs[1].Query.Get("test_family") != "cognitive" || cfgs[1].Query.Get("job_id") != strconv.FormatInt(job.ID, 10) {
		t.Errorf("config queries: %v then %v", cfgs[0].Query, cfgs[1].Query)
	}
	if cfgs[1].Query.Has("test") || cfgs[1].Query.Has("time_limit_minutes") {
		t.Errorf("values of fields without refetch were sent: %v", cfgs[1].Query)
	}
	cand := env.candidate(t, "typical")
	wantStatus(t, env.ctl(t, "POST", fmt.Sprintf("/mock/v1/candidates/%d/move", cand.ID), map[string]any{"jobId": job.ID, "stageId": stage.ID}), http.StatusOK)
	ev := webhookOf(t, env.partner.onlyHook(t).Body).PartnerEvent
	if want := map[string]string{"test-family": "cognitive", "test": "numerical_reasoning", "time-limit-minutes": "30"}; !maps.Equal(ev.WebhookData, want) {
		t.Errorf("webhook-data = %v, want %v", ev.WebhookData, want)
	}

	// The control API's config preview refetches the same way.
	r = env.ctl(t, "GET", fmt.Sprintf("/mock/v1/partners/1/config?job=%d&stage=%d&test_family=cognitive", job.ID, stage.ID), nil)
	wantStatus(t, r, http.StatusOK)
	if res := decodeAs[controlapi.ConfigResult](t, r); len(res.DeliveryIDs) != 2 || len(res.Form.Fields) != 4 {
		t.Errorf("config preview: %d fetches, %d fields; want 2 and the follow-up's 4", len(res.DeliveryIDs), len(res.Form.Fields))
	}
}

// A config with an error field blocks the trigger with its message (422)
// and nothing is stored or sent (docs/protocol.md §3).
func TestE2EConfigErrorFieldBlocks(t *testing.T) {
	env := newE2EEnv(t)
	doc, _ := fixtures.Raw(fixtures.KindConfigs, "error-field")
	env.partner.handle("/config", serveDoc(http.StatusOK, string(doc)))
	job := env.job(t, 0)
	r := env.ctl(t, "POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": job.Stages[1].ID})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if d := errorDetails(t, r); !strings.Contains(d, "subscription expired on 31 May 2026") {
		t.Errorf("detail %q does not carry the error field's message", d)
	}
	r = env.ctl(t, "POST", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "candidateId": env.candidate(t, "typical").ID})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if ts := decodeAs[struct{ Triggers []store.Trigger }](t, env.ctl(t, "GET", "/mock/v1/triggers", nil)).Triggers; len(ts) != 0 {
		t.Errorf("triggers stored: %+v", ts)
	}
	if n := len(env.partner.requests("/webhook")); n != 0 {
		t.Errorf("%d webhooks sent", n)
	}
	ds := decodeAs[struct{ Deliveries []store.Delivery }](t, env.ctl(t, "GET", "/mock/v1/deliveries?kind=config", nil)).Deliveries
	if len(ds) != 2 || ds[0].Verdict != store.VerdictOK || !strings.Contains(ds[0].Reason, "error field") {
		t.Errorf("config journal: %+v", ds)
	}
}

// A /config answer that is not a valid config document is a 502 whose
// detail names the journal entry holding it (docs/protocol.md §3).
func TestE2EConfigInvalidIs502(t *testing.T) {
	for _, tt := range []struct {
		name, body  string
		status      int
		wantVerdict string
	}{
		{"fields outside config", `{"fields":[]}`, 200, store.VerdictInvalid},
		{"unknown field type", `{"config":{"fields":[{"id":"x","type":"slider"}]}}`, 200, store.VerdictInvalid},
		{"duplicate field ids", `{"config":{"fields":[{"id":"x","type":"text"},{"id":"x","type":"number"}]}}`, 200, store.VerdictInvalid},
		{"not JSON", "<html>oops</html>", 200, store.VerdictInvalid},
		{"server error", "boom", 500, store.VerdictFailed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := newE2EEnv(t)
			env.partner.handle("/config", serveDoc(tt.status, tt.body))
			job := env.job(t, 0)
			r := env.ctl(t, "POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": job.Stages[1].ID})
			wantStatus(t, r, http.StatusBadGateway)
			detail := errorDetails(t, r)
			var id int64
			if i := strings.Index(detail, "journal entry "); i < 0 {
				t.Fatalf("detail %q names no journal entry", detail)
			} else {
				fmt.Sscanf(detail[i:], "journal entry %d", &id)
			}
			d := decodeAs[store.Delivery](t, env.ctl(t, "GET", fmt.Sprintf("/mock/v1/deliveries/%d", id), nil))
			if d.Kind != store.KindConfig || d.Verdict != tt.wantVerdict || d.Response == nil || d.Response.Body != tt.body {
				t.Errorf("journal entry %d: kind %q verdict %q response %+v", id, d.Kind, d.Verdict, d.Response)
			}
			if n := len(env.partner.requests("/webhook")); n != 0 {
				t.Errorf("%d webhooks sent", n)
			}
		})
	}
}

// Every exchange is journaled with method, URL, headers, body, status,
// response headers and body, duration and a verdict with a reason: calls
// to the partner (activation, validate, config, webhook, action) and its
// Partner API requests, which never hold the API key in full (docs/protocol.md §2).
func TestE2EJournalRecordsEveryExchange(t *testing.T) {
	env := newE2EEnv(t)
	form, _ := fixtures.Raw(fixtures.KindActivationConfigs, "validate-endpoint")
	env.partner.handle("/activation", serveDoc(http.StatusOK, string(form)))
	env.patchPartner(t, "1", map[string]any{"dynamicActivationConfig": true})
	company := decodeAs[store.Company](t, env.ctl(t, "POST", "/mock/v1/companies", map[string]any{"fixture": "orebro-vard"}))
	r := env.ctl(t, "POST", "/mock/v1/activations", map[string]any{"partnerId": "1", "companyUuid": company.UUID, "values": map[string]string{"api_key": "pk_live_1", "region": "eu"}})
	wantStatus(t, r, http.StatusCreated)

	out := env.manual(t, env.candidate(t, "typical").ID, nil)
	const patch = `{"data":{"type":"partner-results","attributes":{"status":"completed","actions":[{"buttonText":"Open","endpoint":"open"}]}}}`
	wantStatus(t, partnerAPI(t, "PATCH", env.server.ResultURL(out.Result.ID), e2eKey1, patch), http.StatusOK)
	wantStatus(t, env.ctl(t, "POST", "/mock/v1/results/"+out.Result.ID+"/actions/0", nil), http.StatusOK)

	// A partner with a long key, so masking shows.
	created := decodeAs[struct{ Partner controlapi.PartnerView }](t, env.ctl(t, "POST", "/mock/v1/partners", map[string]any{"id": "3", "name": "Initech"}))
	longKey := created.Partner.APIKey
	wantStatus(t, partnerAPI(t, "GET", env.srv.URL+"/partner/v1/partners/3", longKey, ""), http.StatusOK)
	wantStatus(t, partnerAPI(t, "GET", env.srv.URL+"/partner/v1/partners/3", longKey+"x", ""), http.StatusUnauthorized)

	r = env.ctl(t, "GET", "/mock/v1/deliveries", nil)
	wantStatus(t, r, http.StatusOK)
	if bytes.Contains(r.body, []byte(e2eKey1)) || bytes.Contains(r.body, []byte(longKey)) {
		t.Error("the journal holds a partner API key in full")
	}
	ds := decodeAs[struct{ Deliveries []store.Delivery }](t, r).Deliveries
	kinds := map[string]int{}
	for _, d := range ds {
		kinds[d.Kind]++
		if d.Request.Method == "" || d.Request.URL == "" || len(d.Request.Header) == 0 || d.Verdict == "" || d.Reason == "" || d.DurationMS < 0 || d.Time.IsZero() || (d.PartnerID == "" && d.Response != nil && d.Response.Status != http.StatusUnauthorized) {
			t.Errorf("entry %d (%s) is incomplete: %+v", d.ID, d.Kind, d)
			continue
		}
		if d.Response == nil || d.Response.Status == 0 || len(d.Response.Header) == 0 {
			t.Errorf("entry %d (%s) has no response status or headers: %+v", d.ID, d.Kind, d.Response)
		}
		if (d.Request.Method == "POST" || d.Request.Method == "PATCH") && (d.Request.Body == "" || d.Request.BodySize != len(d.Request.Body)) {
			t.Errorf("entry %d (%s %s) has no request body", d.ID, d.Kind, d.Request.Method)
		}
		switch d.Kind {
		case store.KindPartnerAPI:
			if auth := d.Request.Header.Get("Authorization"); !strings.HasPrefix(auth, "Token ") || strings.Contains(auth, e2eKey1) {
				t.Errorf("entry %d Authorization = %q, want the scheme and a masked key", d.ID, auth)
			}
		case store.KindConfig, store.KindActivation:
			if d.Response.Body == "" {
				t.Errorf("entry %d (%s) has no response body", d.ID, d.Kind)
			}
		}
	}
	for _, k := range []string{store.KindActivation, store.KindValidate, store.KindConfig, store.KindWebhook, store.KindAction, store.KindPartnerAPI} {
		if kinds[k] == 0 {
			t.Errorf("no %s entry in the journal (kinds: %v)", k, kinds)
		}
	}
	// The webhook entry holds exactly what the partner got.
	hook := env.partner.onlyHook(t)
	w := decodeAs[store.Delivery](t, env.ctl(t, "GET", fmt.Sprintf("/mock/v1/deliveries/%d", out.Delivery.ID), nil))
	if w.Request.Body != string(hook.Body) || w.Request.Header.Get("Teamtailor-Signature") != hook.Header.Get("Teamtailor-Signature") || w.Request.URL != env.partner.srv.URL+"/webhook" {
		t.Errorf("journaled webhook differs from what the partner got")
	}
}

// The duration of a journaled Partner API request is how long the mock
// took to answer it, not the distance from the server clock to real time.
func TestE2EPartnerAPIJournalDuration(t *testing.T) {
	env := newE2EEnv(t)
	wantStatus(t, env.do(t, req{method: "GET", path: "/partner/v1/partners/1"}), http.StatusOK)
	ds := decodeAs[struct{ Deliveries []store.Delivery }](t, env.ctl(t, "GET", "/mock/v1/deliveries?kind=partner-api", nil)).Deliveries
	if len(ds) != 1 || ds[0].DurationMS < 0 || ds[0].DurationMS > 10_000 {
		t.Errorf("partner-api entries: %+v", ds)
	}
}

// The journal keeps only its newest entries (MemStore.SetJournalLimit);
// an entry that fell off is a 404 saying so.
func TestE2EJournalIsBounded(t *testing.T) {
	env := newE2EEnv(t)
	env.store.SetJournalLimit(3)
	for range 5 {
		wantStatus(t, env.do(t, req{method: "GET", path: "/partner/v1/partners/1"}), http.StatusOK)
	}
	ds := decodeAs[struct{ Deliveries []store.Delivery }](t, env.ctl(t, "GET", "/mock/v1/deliveries", nil)).Deliveries
	if len(ds) != 3 || ds[0].ID+2 != ds[2].ID {
		t.Fatalf("journal after 5 requests with a limit of 3: %d entries", len(ds))
	}
	r := env.ctl(t, "GET", fmt.Sprintf("/mock/v1/deliveries/%d", ds[0].ID-1), nil)
	wantStatus(t, r, http.StatusNotFound)
	if !strings.Contains(errorDetails(t, r), "newest") {
		t.Errorf("dropped entry: %s", r.body)
	}
}

// FuzzWebhookResponse: reading partner_result_attributes from any 2xx
// body never panics, applies nothing when it calls the body invalid, and
// whatever it applies leaves a status from the enum and a score within
// 0..100 (docs/protocol.md §1.3, §2.3).
func FuzzWebhookResponse(f *testing.F) {
	for _, s := range []string{
		`{"partner_result_attributes":{"status":"completed","assessment":{"score":87},"details":{"a":{"b":1}},"attachments":[{"url":"https://example.com/a","description":"A"}]}}`,
		`{"partner_result_attributes":{"assessment":{"score":100.0}}}`,
		`{"partner_result_attributes":{"assessment":{"score":-0}}}`,
		`{"partner_result_attributes":{"assessment":{"score":1e400}}}`,
		`{"partner_result_attributes":{"assessment":{"score":"50"}}}`,
		`{"partner_result_attributes":{"assessment":{"score":null}}}`,
		`{"partner_result_attributes":{"status":null}}`,
		`{"partner_result_attributes":null}`,
		`{"partner_result_attributes":{"status":"failed","details":null,"attachments":null}}`,
		`{"partner_result_attributes":{}}`,
		`{"other":1}`,
		`[]`, `null`, ``, `OK`, `{"partner_result_attributes":{"status":"completed"}} trailing`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		apply, note, invalid := protocol.WebhookResponseAttrs([]byte(body))
		if invalid && apply != nil {
			t.Fatalf("an invalid body (%s) would still be applied", note)
		}
		if apply == nil {
			return
		}
		r := store.PartnerResult{ID: "r", ResultAttributes: protocol.ResultAttributes{Status: protocol.StatusSent, CandidateID: 1}}
		apply(&r.ResultAttributes)
		if !r.Status.Valid() {
			t.Fatalf("%s applied status %q", body, r.Status)
		}
		if s := r.Assessment.Score; s != nil && (math.IsNaN(*s) || *s < 0 || *s > 100) {
			t.Fatalf("%s applied score %v", body, *s)
		}
	})
}
