package mockclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/mockclient"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// partnerConfig is the /config document of the fake partner: one optional
// text field, so triggers can be made with and without data.
const partnerConfig = `{"config":{"fields":[{"id":"note","type":"text","label":"Note"}]}}`

// activationConfig asks for an API key and has it checked by the
// partner's validation endpoint.
const activationConfig = `{"config":{"fields":[{"id":"api_key","type":"text","label":"API key","required":true}],"validateEndpoint":"validate"}}`

// env is a real mock on a loopback listener, its sandbox seeded, partner 1
// pointing at a fake partner that accepts every webhook.
type env struct {
	client  *mockclient.Client
	server  *mockteamtailor.Server
	sandbox sandbox.Seeded
	refuse  atomic.Bool // the fake partner's validation endpoint refuses
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{}
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/config":
			io.WriteString(w, partnerConfig)
		case "/validate":
			if e.refuse.Load() {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"errors":["bad key"]}`)
				return
			}
			io.WriteString(w, `{}`)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	t.Cleanup(partner.Close)

	ctx := context.Background()
	store := store.NewMemStore()
	ids := idgen.NewSeeded(7)
	clock := func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
	var err error
	e.sandbox, err = sandbox.Seed(ctx, store, ids, clock, sandbox.PartnerSettings{ID: "1", Name: "Pied Piper", APIKey: "key-one-0001", WebhookSecret: "secret-one-0001", BaseURL: partner.URL})
	if err != nil {
		t.Fatal(err)
	}
	mock := httptest.NewUnstartedServer(nil)
	mock.Start()
	cfg := mockteamtailor.DefaultConfig()
	cfg.PublicURL = mock.URL
	e.server, err = mockteamtailor.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), cfg, store, ids, clock)
	if err != nil {
		t.Fatal(err)
	}
	mock.Config.Handler = e.server
	t.Cleanup(func() {
		e.server.Close(context.Background())
		mock.Close()
	})
	e.client = mockclient.New(mock.URL+"/", nil)
	return e
}

// candidate returns a sandbox candidate that applied to a job.
func (e *env) candidate(t *testing.T) store.CandidateRecord {
	t.Helper()
	page, err := e.client.Candidates(context.Background(), e.sandbox.Company.UUID, 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Candidates {
		if len(c.Applications) > 0 {
			return c
		}
	}
	t.Fatalf("the sandbox has no candidate with an application: %+v", page)
	return store.CandidateRecord{}
}

// Rule: every partner's credentials are readable through the client, the
// same in Partners, Partner and Keys.
func TestPartnersAndKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ps, err := e.client.Partners(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].ID != "1" || ps[0].APIKey != "key-one-0001" || ps[0].CTA == "" {
		t.Fatalf("Partners = %+v, want partner 1 with key-one and a CTA", ps)
	}
	p, err := e.client.Partner(ctx, "1")
	if err != nil || p.WebhookSecret != "secret-one-0001" {
		t.Fatalf("Partner(1) = %+v, %v; want secret-one", p, err)
	}
	keys, err := e.client.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := controlapi.Keys{Partners: []controlapi.PartnerKeys{{ID: "1", Name: "Pied Piper", APIKey: "key-one-0001", WebhookSecret: "secret-one-0001",
		Activations: []controlapi.ActivationKeys{{ID: e.sandbox.Activation.ID, CompanyUUID: e.sandbox.Company.UUID, CompanyName: e.sandbox.Company.Name, ProviderKey: e.sandbox.Activation.ProviderKey}}}},
		// The companies' /v1 keys: the sandbox's admin, internal and public key.
		Companies: []controlapi.CompanyKeys{{UUID: e.sandbox.Company.UUID, Name: e.sandbox.Company.Name, APIKeys: e.sandbox.Company.APIKeys()}}}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("Keys (-want +got):\n%s", diff)
	}
}

// Rule: a manual trigger's outcome, its journal entry, its curl command,
// its replay and its result are all reachable by id.
func TestManualTriggerRoundTrip(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cand := e.candidate(t)
	out, err := e.client.ManualTrigger(ctx, controlapi.ManualRequest{PartnerID: "1", CandidateID: cand.ID, Data: map[string]string{"note": "hi"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Delivery.Verdict != store.VerdictOK || out.Delivery.Response == nil || out.Delivery.Response.Status != 200 {
		t.Fatalf("outcome = %+v, want verdict ok with 200", out.Delivery)
	}
	ds, err := e.client.Deliveries(ctx, store.JournalFilter{Kind: store.KindWebhook, PartnerID: "1", Limit: 5})
	if err != nil || len(ds) != 1 || ds[0].ID != out.Delivery.ID {
		t.Fatalf("Deliveries(webhook) = %+v, %v; want the one delivery %d", ds, err, out.Delivery.ID)
	}
	d, err := e.client.Delivery(ctx, out.Delivery.ID)
	if err != nil || d.EventID != out.Result.EventID || d.ResultID != out.Result.ID {
		t.Fatalf("Delivery = %+v, %v; want event %s result %s", d, err, out.Result.EventID, out.Result.ID)
	}
	curl, err := e.client.Curl(ctx, d.ID)
	if err != nil || !strings.HasPrefix(curl, "curl ") || !strings.Contains(curl, "/webhook") {
		t.Errorf("Curl = %q, %v; want a curl command to /webhook", curl, err)
	}
	again, err := e.client.Replay(ctx, d.ID)
	if err != nil || again.ReplayOf != d.ID || again.Verdict != store.VerdictOK {
		t.Errorf("Replay = %+v, %v; want an ok replay of %d", again, err, d.ID)
	}
	res, err := e.client.Result(ctx, out.Result.ID)
	if err != nil || res.Status != "sent" || res.CandidateID != cand.ID || !strings.HasSuffix(res.UpdateURL, res.ID) {
		t.Errorf("Result = %+v, %v; want status sent for candidate %d with an update-url", res, err, cand.ID)
	}
	rs, err := e.client.Results(ctx, store.ResultFilter{PartnerID: "1", CandidateID: cand.ID})
	if err != nil || len(rs) != 1 || rs[0].ID != res.ID {
		t.Errorf("Results = %+v, %v; want the one result %s", rs, err, res.ID)
	}
}

// Rule: a stage trigger fires when a candidate is moved into its stage.
func TestStageTrigger(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cand := e.candidate(t)
	job, err := e.client.Job(ctx, cand.Applications[0].JobID)
	if err != nil {
		t.Fatal(err)
	}
	stage := job.Stages[len(job.Stages)-1]
	tr, err := e.client.CreateTrigger(ctx, controlapi.TriggerRequest{PartnerID: "1", JobID: job.ID, StageID: stage.ID, Data: map[string]string{"note": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := e.client.Triggers(ctx, "1")
	if err != nil || len(ts) != 1 || ts[0].ID != tr.ID || ts[0].WebhookData["note"] != "x" {
		t.Fatalf("Triggers = %+v, %v; want trigger %d with note x", ts, err, tr.ID)
	}
	moved, err := e.client.MoveCandidate(ctx, controlapi.MoveRequest{CandidateID: cand.ID, JobID: job.ID, StageID: stage.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(moved.Outcomes) != 1 || moved.Outcomes[0].Delivery.TriggerID != tr.ID {
		t.Fatalf("MoveCandidate outcomes = %+v, want one from trigger %d", moved.Outcomes, tr.ID)
	}
	if err := e.client.DeleteTrigger(ctx, tr.ID); err != nil {
		t.Fatal(err)
	}
	if ts, _ := e.client.Triggers(ctx, "1"); len(ts) != 0 {
		t.Errorf("after DeleteTrigger, Triggers = %+v, want none", ts)
	}
}

// Rule: a bulk run over generated candidates ends with every webhook sent.
func TestBulkRun(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cs, err := e.client.CreateCandidates(ctx, controlapi.CandidateInput{CompanyUUID: e.sandbox.Company.UUID, Generate: 15, Seed: 3})
	if err != nil || len(cs) != 15 {
		t.Fatalf("CreateCandidates = %d candidates, %v; want 15", len(cs), err)
	}
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	run, err := e.client.BulkTrigger(ctx, controlapi.BulkRequest{PartnerID: "1", CandidateIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !run.Done && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if run, err = e.client.BulkRun(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
	}
	if !run.Done || run.Sent != 15 || run.Failed != 0 || len(run.ResultIDs) != 15 {
		t.Fatalf("bulk run = %+v, want done with 15 sent", run)
	}
	ds, err := e.client.Deliveries(ctx, store.JournalFilter{BulkRunID: run.ID})
	if err != nil || len(ds) != 15 {
		t.Errorf("Deliveries(bulk %s) = %d entries, %v; want 15", run.ID, len(ds), err)
	}
}

// Rule: a refusal by the partner's validation endpoint is a result with
// Activated false and the partner's messages, not an error; bad form
// values are an *APIError naming the field.
func TestActivate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.client.UpdatePartner(ctx, "1", controlapi.PartnerInput{WebhookActivationConfig: json.RawMessage(activationConfig)}); err != nil {
		t.Fatal(err)
	}
	company, err := e.client.CreateCompany(ctx, controlapi.CompanyInput{Fixture: "acme", UUID: "acmeTest001"})
	if err != nil {
		t.Fatal(err)
	}
	form, err := e.client.ActivationForm(ctx, "1", company.UUID)
	if err != nil || len(form.Form.Fields) != 1 {
		t.Fatalf("ActivationForm = %+v, %v; want the api_key field", form, err)
	}

	_, err = e.client.Activate(ctx, controlapi.ActivateRequest{PartnerID: "1", CompanyUUID: company.UUID})
	var apiErr *mockclient.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 422 || !strings.Contains(err.Error(), "(/values") {
		t.Fatalf("Activate without the required field: err = %v, want a 422 *APIError naming /values", err)
	}

	e.refuse.Store(true)
	res, err := e.client.Activate(ctx, controlapi.ActivateRequest{PartnerID: "1", CompanyUUID: company.UUID, Values: map[string]string{"api_key": "nope"}})
	if err != nil {
		t.Fatalf("Activate refused by the partner: err = %v, want a result", err)
	}
	if res.Activated || !cmp.Equal(res.Errors, []string{"bad key"}) || res.ValidateDeliveryID == 0 {
		t.Fatalf("refused result = %+v, want not activated with [bad key] and the validate delivery", res)
	}

	e.refuse.Store(false)
	res, err = e.client.Activate(ctx, controlapi.ActivateRequest{PartnerID: "1", CompanyUUID: company.UUID, Values: map[string]string{"api_key": "good"}})
	if err != nil || !res.Activated || res.Activation.ProviderKey == "" {
		t.Fatalf("Activate = %+v, %v; want activated with a provider key", res, err)
	}
	acts, err := e.client.Activations(ctx, "1")
	if err != nil || len(acts) != 2 {
		t.Fatalf("Activations = %+v, %v; want the sandbox and the new one", acts, err)
	}
	if err := e.client.Deactivate(ctx, res.Activation.ID); err != nil {
		t.Fatal(err)
	}
}

// Rule: a 4xx is an *APIError whose message is the mock's detail; a mock
// that does not answer is an *UnreachableError that says how to start one.
func TestErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.client.Candidate(ctx, 999999)
	var apiErr *mockclient.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 404 || err.Error() != "there is no candidate 999999" {
		t.Errorf("Candidate(999999): err = %#v (%v), want a 404 saying there is no candidate 999999", err, err)
	}
	_, err = e.client.Deliveries(ctx, store.JournalFilter{Kind: "nope"})
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || !strings.Contains(err.Error(), `kind "nope"`) {
		t.Errorf("Deliveries(kind nope): err = %v, want a 400 about the kind", err)
	}

	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	_, err = mockclient.New(dead.URL, nil).Keys(ctx)
	var unreachable *mockclient.UnreachableError
	if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), "not reachable at "+dead.URL) || !strings.Contains(err.Error(), "mockteamtailor serve") {
		t.Errorf("Keys on a closed port: err = %v, want not reachable at %s with a hint", err, dead.URL)
	}
}

// Rule: StreamDeliveries hands over entries recorded while it runs and
// returns ctx.Err() when ctx ends.
func TestStreamDeliveries(t *testing.T) {
	e := newEnv(t)
	cand := e.candidate(t)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan store.Delivery, 100)
	done := make(chan error, 1)
	go func() { done <- e.client.StreamDeliveries(ctx, func(d store.Delivery) { got <- d }) }()
	// The subscription starts at some point after the call: trigger until
	// an entry arrives.
	deadline := time.After(5 * time.Second)
	var d store.Delivery
wait:
	for {
		if _, err := e.client.ManualTrigger(context.Background(), controlapi.ManualRequest{PartnerID: "1", CandidateID: cand.ID}); err != nil {
			t.Fatal(err)
		}
		select {
		case d = <-got:
			if d.Kind == store.KindWebhook {
				break wait
			}
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatal("no delivery arrived on the stream within 5s")
		}
	}
	if d.ID == 0 || d.EventID == "" {
		t.Errorf("streamed %+v, want a webhook entry with its event id", d)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("StreamDeliveries after cancel = %v, want context.Canceled", err)
	}
}

// Rule: the remaining control API resources round-trip through the
// client: partners, companies, jobs, config, faults, uploads, fixtures,
// reset.
func TestResources(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	created, err := e.client.CreatePartner(ctx, controlapi.PartnerInput{ID: controlapi.Ptr("staging"), Name: controlapi.Ptr("Staging")})
	if err != nil || created.Partner.ID != "staging" || !created.Sandbox.Sandbox || created.Activation.ProviderKey == "" {
		t.Fatalf("CreatePartner = %+v, %v; want staging with a sandbox activation", created, err)
	}
	if _, err := e.client.CreatePartner(ctx, controlapi.PartnerInput{ID: controlapi.Ptr("staging")}); err == nil {
		t.Error("CreatePartner twice succeeded, want a conflict")
	}
	company, err := e.client.CreateCompany(ctx, controlapi.CompanyInput{Name: "Initech", UUID: "initech0001"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.client.Company(ctx, company.UUID); err != nil || got.Name != "Initech" {
		t.Errorf("Company = %+v, %v", got, err)
	}
	if cs, err := e.client.Companies(ctx); err != nil || len(cs) != 3 {
		t.Errorf("Companies = %d, %v; want 3 (two sandboxes and Initech)", len(cs), err)
	}
	job, err := e.client.CreateJob(ctx, controlapi.JobInput{CompanyUUID: company.UUID, Title: "Engineer", Stages: []store.Stage{{Name: "Inbox"}}})
	if err != nil {
		t.Fatal(err)
	}
	if job, err = e.client.AddStage(ctx, job.ID, "Offer"); err != nil || len(job.Stages) != 2 {
		t.Fatalf("AddStage = %+v, %v; want two stages", job, err)
	}
	if js, err := e.client.Jobs(ctx, company.UUID); err != nil || len(js) != 1 {
		t.Errorf("Jobs(Initech) = %+v, %v; want the one job", js, err)
	}
	cfg, err := e.client.FetchConfig(ctx, controlapi.ConfigRequest{PartnerID: "1", CompanyUUID: e.sandbox.Company.UUID, Bulk: true})
	if err != nil || len(cfg.Form.Fields) != 1 || cfg.Form.Fields[0].ID != "note" {
		t.Errorf("Config(bulk) = %+v, %v; want the note field", cfg, err)
	}

	f, err := e.client.SetFaults(ctx, controlapi.Faults{Status: 503, Count: 2})
	if err != nil || f.Status != 503 || f.Count != 2 {
		t.Errorf("SetFaults = %+v, %v", f, err)
	}
	if f, err = e.client.Faults(ctx); err != nil || f.Status != 503 {
		t.Errorf("Faults = %+v, %v", f, err)
	}
	if f, err = e.client.ClearFaults(ctx); err != nil || f.Status != 0 {
		t.Errorf("ClearFaults = %+v, %v", f, err)
	}

	up, err := e.client.Upload(ctx, "cv.pdf", "application/pdf", []byte("%PDF-1.4"))
	if err != nil || up.Value != "upload:"+up.ID || up.Size != 8 || up.Name != "cv.pdf" {
		t.Errorf("Upload = %+v, %v", up, err)
	}
	fx, err := e.client.Fixtures(ctx)
	if err != nil || len(fx) == 0 || fx[0].Kind == "" || fx[0].Name == "" {
		t.Errorf("Fixtures = %+v, %v; want named fixtures", fx, err)
	}
	if err := e.client.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if cs, err := e.client.Companies(ctx); err != nil || len(cs) != 2 {
		t.Errorf("after Reset, Companies = %d, %v; want the two fresh sandboxes", len(cs), err)
	}
}

// Rule: the admin model reads the same over HTTP as in process: the
// client and the server give equal documents for the same question.
func TestAdminSameInProcessAndOverHTTP(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, a := range []controlapi.Admin{e.client, e.server} {
		if _, err := a.CreateCompany(ctx, controlapi.CompanyInput{Name: fmt.Sprintf("Company via %T", a)}); err != nil {
			t.Fatal(err)
		}
	}
	both := func(name string, read func(controlapi.Admin) (any, error)) {
		t.Helper()
		overHTTP, err := read(e.client)
		if err != nil {
			t.Fatalf("%s over HTTP: %v", name, err)
		}
		inProcess, err := read(e.server)
		if err != nil {
			t.Fatalf("%s in process: %v", name, err)
		}
		// Compared as JSON: what the wire carries (a raw JSON value is
		// compacted on the way).
		want, _ := json.Marshal(inProcess)
		got, _ := json.Marshal(overHTTP)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: over HTTP\n%s\nin process\n%s", name, got, want)
		}
	}
	both("Partners", func(a controlapi.Admin) (any, error) { return a.Partners(ctx) })
	both("Companies", func(a controlapi.Admin) (any, error) { return a.Companies(ctx) })
	both("Candidates", func(a controlapi.Admin) (any, error) { return a.Candidates(ctx, "", 1, 5) })
	both("Keys", func(a controlapi.Admin) (any, error) { return a.Keys(ctx) })
	both("Faults", func(a controlapi.Admin) (any, error) { return a.Faults(ctx) })
	both("Activations", func(a controlapi.Admin) (any, error) { return a.Activations(ctx, "") })
	both("Webhooks", func(a controlapi.Admin) (any, error) { return a.Webhooks(ctx, "") })
	both("Fixtures", func(a controlapi.Admin) (any, error) { return a.Fixtures(ctx) })

	// An unknown id is a 404 on both sides, with the same message.
	_, errHTTP := e.client.Job(ctx, 999999)
	_, errIn := e.server.Job(ctx, 999999)
	var apiErr *mockclient.APIError
	if !errors.As(errHTTP, &apiErr) || apiErr.Status != http.StatusNotFound || errIn == nil || !strings.Contains(errIn.Error(), errHTTP.Error()) {
		t.Errorf("Job(999999): over HTTP %v, in process %v; want the same 404", errHTTP, errIn)
	}
}
