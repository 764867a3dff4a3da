package mockteamtailor

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// fakePartner is a partner server under test control: it records every
// request and answers with the handler a test sets.
type fakePartner struct {
	srv    *httptest.Server
	mu     sync.Mutex // guards reqs and answer
	reqs   []recorded
	answer func(w http.ResponseWriter, r *http.Request, body []byte)
}

type recorded struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

const testConfig = `{"config":{"fields":[{"id":"test_type","type":"select","label":"Test","options":[{"id":1,"label":"Sales"},{"id":2,"label":"Code"}]},{"id":"threshold","type":"number","min":0,"max":100}],"assessment-criteria":[{"id":"logic","label":"Logic"}]}}`

func newFakePartner(t *testing.T) *fakePartner {
	t.Helper()
	fp := &fakePartner{}
	fp.answer = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Path == "/config" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, testConfig)
			return
		}
		w.WriteHeader(http.StatusOK)
	}
	fp.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fp.mu.Lock()
		fp.reqs = append(fp.reqs, recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
		answer := fp.answer
		fp.mu.Unlock()
		answer(w, r, body)
	}))
	t.Cleanup(fp.srv.Close)
	return fp
}

func (fp *fakePartner) requests(path string) []recorded {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	var out []recorded
	for _, r := range fp.reqs {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func (fp *fakePartner) setAnswer(fn func(w http.ResponseWriter, r *http.Request, body []byte)) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	fp.answer = fn
}

// newDeliveryEnv is a test env whose partner 1 points at a fake partner.
func newDeliveryEnv(t *testing.T) (*testEnv, *fakePartner) {
	t.Helper()
	env := newTestEnv(t, func(c *Config) { c.DeliveryTimeout = 2 * time.Second })
	fp := newFakePartner(t)
	p, err := env.store.Partner(t.Context(), "1")
	if err != nil {
		t.Fatal(err)
	}
	p.BaseURL = fp.srv.URL
	if err := env.store.PutPartner(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	return env, fp
}

// A stage trigger fires one signed webhook when a candidate enters the
// stage: Bearer provider key, a v1 signature an independent check
// verifies, the Teamtailor headers, a body valid per the webhook schema
// with job, stage-id, trigger-id and triggered-by (docs/protocol.md §1, §5).
func TestStageTriggerDeliversSignedWebhook(t *testing.T) {
	env, fp := newDeliveryEnv(t)
	ctx := t.Context()
	jobs, _ := env.store.Jobs(ctx, env.sandbox.Company.UUID)
	job := jobs[0]
	stage := job.Stages[2]
	trig, err := env.server.CreateTrigger(ctx, controlapi.TriggerRequest{PartnerID: "1", JobID: job.ID, StageID: stage.ID, Data: map[string]string{"test_type": "2", "threshold": "75"}})
	if err != nil {
		t.Fatal(err)
	}
	cfgReqs := fp.requests("/config")
	if len(cfgReqs) != 1 || !strings.Contains(cfgReqs[0].Query, "job_id=") || !strings.Contains(cfgReqs[0].Query, "stage_id=") || !strings.Contains(cfgReqs[0].Query, "user_id=") {
		t.Fatalf("config fetches: %+v", cfgReqs)
	}
	cands, _, _ := env.store.Candidates(ctx, env.sandbox.Company.UUID, store.Page{})
	res, err := env.server.MoveCandidate(ctx, controlapi.MoveRequest{CandidateID: cands[0].ID, JobID: job.ID, StageID: stage.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Outcomes) != 1 {
		t.Fatalf("outcomes: %+v (skipped %v)", res.Outcomes, res.Skipped)
	}
	hooks := fp.requests("/webhook")
	if len(hooks) != 1 {
		t.Fatalf("want 1 webhook, got %d", len(hooks))
	}
	h := hooks[0]
	if err := schemas.Validate("webhook", h.Body); err != nil {
		t.Errorf("webhook body does not match the schema: %v\n%s", err, h.Body)
	}
	var body protocol.WebhookBody
	if err := json.Unmarshal(h.Body, &body); err != nil {
		t.Fatal(err)
	}
	ev := body.PartnerEvent
	if got := h.Header.Get("Authorization"); got != "Bearer "+env.sandbox.Activation.ProviderKey {
		t.Errorf("Authorization = %q", got)
	}
	if err := signature.Verify(h.Header.Get(signature.Header), "secret-one", ev.ID, fixedNow, time.Minute); err != nil {
		t.Errorf("signature: %v (header %q)", err, h.Header.Get(signature.Header))
	}
	for k, want := range map[string]string{"Teamtailor-Host": "api.teamtailor.com", "Content-Type": "application/json"} {
		if got := h.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !strings.HasPrefix(h.Header.Get("User-Agent"), "mockteamtailor/") {
		t.Errorf("User-Agent = %q", h.Header.Get("User-Agent"))
	}
	if h.Header.Get("Teamtailor-Api-Token") != "" {
		t.Error("Teamtailor-Api-Token sent to a partner that does not require it")
	}
	j := ev.Candidate.Job
	if j == nil || j.ID != job.ID || j.StageID == nil || *j.StageID != stage.ID || j.TriggerID == nil || *j.TriggerID != trig.ID || j.TriggeredBy == nil || j.Stage != stage.Name {
		t.Errorf("job block: %+v", j)
	}
	if want := map[string]string{"test-type": "2", "threshold": "75"}; ev.WebhookData["test-type"] != "2" || ev.WebhookData["threshold"] != "75" || len(ev.WebhookData) != 2 {
		t.Errorf("webhook-data = %v, want %v", ev.WebhookData, want)
	}
	if ev.PartnerResult.Status != "sending" || ev.PartnerResult.UpdateURL != env.srv.URL+"/partner/v1/partner-results/"+ev.PartnerResult.ID {
		t.Errorf("partner-result = %+v", ev.PartnerResult)
	}
	stored, err := env.store.Result(ctx, "1", ev.PartnerResult.ID)
	if err != nil || stored.Status != "sent" {
		t.Errorf("result after a 2xx: %+v, %v; want status sent", stored, err)
	}
	if !strings.Contains(string(h.Body), `"job-offers"`) == env.sandbox.Partner.IncludeJobOffers {
		t.Errorf("job-offers present = %v, want %v", strings.Contains(string(h.Body), `"job-offers"`), env.sandbox.Partner.IncludeJobOffers)
	}
}

// Bulk mode: one config fetch without job, stage or user, then one
// webhook per candidate, each with its own event and result and no job.
func TestBulkTrigger(t *testing.T) {
	env, fp := newDeliveryEnv(t)
	ctx := t.Context()
	p, _ := env.store.Partner(ctx, "1")
	p.AllowBulk = true
	env.store.PutPartner(ctx, p)
	cands, _, _ := env.store.Candidates(ctx, env.sandbox.Company.UUID, store.Page{})
	var ids []int64
	for _, c := range cands {
		ids = append(ids, c.ID)
	}
	run, err := env.server.BulkTrigger(ctx, controlapi.BulkRequest{PartnerID: "1", CandidateIDs: ids, Data: map[string]string{"test_type": "1"}, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	if !run.Done || run.Sent != len(ids) || run.Failed != 0 {
		t.Errorf("run = %+v", run)
	}
	if cfg := fp.requests("/config"); len(cfg) != 1 || cfg[0].Query != "" {
		t.Errorf("config fetches in bulk mode: %+v", cfg)
	}
	events := map[string]bool{}
	for _, h := range fp.requests("/webhook") {
		if err := schemas.Validate("webhook", h.Body); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		var raw struct {
			PartnerEvent struct {
				Candidate map[string]json.RawMessage `json:"candidate"`
			} `json:"partner-event"`
		}
		json.Unmarshal(h.Body, &raw)
		if _, has := raw.PartnerEvent.Candidate["job"]; has {
			t.Errorf("bulk webhook has a job key: %s", h.Body)
		}
		var b protocol.WebhookBody
		json.Unmarshal(h.Body, &b)
		events[b.PartnerEvent.ID] = true
	}
	if len(events) != len(ids) {
		t.Errorf("%d distinct events for %d candidates", len(events), len(ids))
	}
	p.AllowBulk = false
	env.store.PutPartner(ctx, p)
	if _, err := env.server.BulkTrigger(ctx, controlapi.BulkRequest{PartnerID: "1", CandidateIDs: ids}); err == nil || !strings.Contains(err.Error(), "does not allow bulk mode") {
		t.Errorf("bulk for a partner without bulk mode: %v", err)
	}
}
