package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// eventSink is an endpoint that keeps every event it gets, in order.
type eventSink struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  map[string][]sinkEntry // by path
	more chan struct{}
}

type sinkEntry struct {
	header http.Header
	body   []byte
	name   string
	id     string
	attrs  map[string]any
}

func newEventSink(t *testing.T) *eventSink {
	s := &eventSink{got: map[string][]sinkEntry{}, more: make(chan struct{}, 1000)}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var doc struct {
			Payload struct {
				EventName string `json:"event_name"`
				Data      struct {
					ID         string         `json:"id"`
					Attributes map[string]any `json:"attributes"`
				} `json:"data"`
			} `json:"payload"`
		}
		json.Unmarshal(b, &doc)
		s.mu.Lock()
		s.got[r.URL.Path] = append(s.got[r.URL.Path], sinkEntry{r.Header.Clone(), b, doc.Payload.EventName, doc.Payload.Data.ID, doc.Payload.Data.Attributes})
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		s.more <- struct{}{}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// wait returns the first n events at path, failing after 10 s.
func (s *eventSink) wait(t *testing.T, path string, n int) []sinkEntry {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		if got := s.got[path]; len(got) >= n {
			s.mu.Unlock()
			return slices.Clone(got[:n])
		}
		s.mu.Unlock()
		select {
		case <-s.more:
		case <-deadline:
			t.Fatalf("%s got %d events, want %d", path, len(s.got[path]), n)
		}
	}
}

func eventNames(es []sinkEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.name)
	}
	return out
}

// Rule: end to end against a running mock: a partner with a webhook setup
// is activated in a company; creating, moving, rejecting, changing and
// deleting through the CLI, the control API and /v1 delivers exactly the documented
// events, in order, to the partner and to a company webhook, each
// verifying with the documented verifiers; deactivation stops the setup.
func TestCompanyEventsEndToEnd(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	sink := newEventSink(t)
	const secret = "ttws_client_test_secret"

	out, _ := e.mustCLI(t, "webhooks", "setup", "--partner", "1", "--url", sink.srv.URL+"/partner")
	mustContain(t, "setup", out, "partner 1 webhook setup: "+sink.srv.URL+"/partner (events: all)")
	e.mustCLI(t, "activate")
	acts, err := e.client.Activations(ctx, "1")
	if err != nil || len(acts) != 2 {
		t.Fatalf("activations %+v, %v", acts, err)
	}
	act := acts[1]
	company := act.CompanyUUID

	out, _ = e.mustCLI(t, "webhooks", "add", "--company", company, "--url", sink.srv.URL+"/company", "--label", "HR", "--version", "v1", "--event", "job_application.update,candidate.destroy", "--json")
	var sub controlapi.Subscription
	decodeInto(t, out, &sub)
	if sub.SignatureVersion != "v1" || len(sub.SignatureKey) != 64 || !slices.Equal(sub.Events, []string{"job_application.update", "candidate.destroy"}) {
		t.Fatalf("webhooks add: %+v", sub)
	}
	out, _ = e.mustCLI(t, "webhooks", "--company", company)
	mustContain(t, "webhooks list", out, strconv.FormatInt(sub.ID, 10), "HR", "v1", sink.srv.URL+"/company", "job_application.update,candidate.destroy")

	job, err := e.client.CreateJob(ctx, controlapi.JobInput{CompanyUUID: company, Title: "Designer", Stages: []store.Stage{{Name: "Inbox"}, {Name: "Interview"}}})
	if err != nil {
		t.Fatal(err)
	}
	cands, err := e.client.CreateCandidates(ctx, controlapi.CandidateInput{CompanyUUID: company, Generate: 1, JobID: job.ID})
	if err != nil {
		t.Fatal(err)
	}
	cand := cands[0]
	e.mustCLI(t, "trigger", "--candidate", strconv.FormatInt(cand.ID, 10), "--job", strconv.FormatInt(job.ID, 10), "--stage", strconv.FormatInt(job.Stages[1].ID, 10), "--data", "note=x")
	// Through Teamtailor's public API, as a partner or the company does:
	// a stage move back to the Inbox and a rejection.
	co, err := e.client.Company(ctx, company)
	if err != nil || len(co.APITokens) == 0 {
		t.Fatalf("company %+v, %v", co, err)
	}
	app := strconv.FormatInt(cand.ID*1_000_000+job.ID, 10)
	e.v1(t, co.APITokens[0], "PATCH", "/v1/job-applications/"+app,
		`{"data":{"id":"`+app+`","type":"job-applications","relationships":{"stage":{"data":{"type":"stages","id":"`+strconv.FormatInt(job.Stages[0].ID, 10)+`"}}}}}`)
	e.v1(t, co.APITokens[0], "PATCH", "/v1/job-applications/"+app,
		`{"data":{"id":"`+app+`","type":"job-applications","attributes":{"rejected-at":"2026-03-18T11:00:00+01:00"}}}`)
	// Through the CLI: the rejection taken back, made again, and made once
	// more, which changes nothing and fires nothing.
	e.mustCLI(t, "reject", strconv.FormatInt(cand.ID, 10), "--undo")
	e.mustCLI(t, "reject", strconv.FormatInt(cand.ID, 10))
	out, _ = e.mustCLI(t, "reject", strconv.FormatInt(cand.ID, 10))
	mustContain(t, "a second rejection", out, "it already was")
	if _, err := e.client.UpdateCandidate(ctx, cand.ID, json.RawMessage(`{"tags":["vip"]}`)); err != nil { // not listed: no event
		t.Fatal(err)
	}
	if _, err := e.client.UpdateCandidate(ctx, cand.ID, json.RawMessage(`{"email":"new@example.com"}`)); err != nil {
		t.Fatal(err)
	}
	if err := e.client.DeleteCandidate(ctx, cand.ID); err != nil {
		t.Fatal(err)
	}

	upd := "job_application.update"
	want := []string{"job.create", "candidate.create", "job_application.create", upd, upd, upd, upd, upd, "candidate.update", "job_application.destroy", "candidate.destroy"}
	got := sink.wait(t, "/partner", len(want))
	if names := eventNames(got); !slices.Equal(names, want) {
		t.Fatalf("partner setup got %v, want %v", names, want)
	}
	for _, ev := range got {
		if a := ev.header.Get("Authorization"); a != "Bearer "+act.ProviderKey {
			t.Errorf("%s: Authorization %q, want the activation's provider key", ev.name, a)
		}
		if err := signature.Verify(ev.header.Get("Teamtailor-Signature"), secret, ev.id, time.Now(), 0); err != nil {
			t.Errorf("%s: Teamtailor-Signature: %v", ev.name, err)
		}
		if err := signature.VerifyCompany(ev.header.Get("TT-Signature"), secret, ev.body, time.Now(), 0); err != nil {
			t.Errorf("%s: TT-Signature: %v", ev.name, err)
		}
		if ev.header.Get("Teamtailor-Host") == "" {
			t.Errorf("%s: no Teamtailor-Host", ev.name)
		}
	}
	// The updates are the documented ones: a move, a move back, a
	// rejection, its undo, the rejection again.
	var stages, rejected []string
	for _, ev := range got[3:8] {
		stages = append(stages, ev.attrs["stage-name"].(string))
		rejected = append(rejected, strconv.FormatBool(ev.attrs["rejected-at"] != nil))
	}
	if want := []string{"Interview", "Inbox", "Inbox", "Inbox", "Inbox"}; !slices.Equal(stages, want) {
		t.Errorf("stages of the updates %v, want %v", stages, want)
	}
	if want := []string{"false", "false", "true", "false", "true"}; !slices.Equal(rejected, want) {
		t.Errorf("rejected-at set in the updates %v, want %v", rejected, want)
	}
	comp := sink.wait(t, "/company", 6)
	if names := eventNames(comp); !slices.Equal(names, []string{upd, upd, upd, upd, upd, "candidate.destroy"}) {
		t.Errorf("company webhook got %v", names)
	}
	for _, ev := range comp {
		if err := signature.VerifyCompany(ev.header.Get("TT-Signature"), sub.SignatureKey, ev.body, time.Now(), 0); err != nil {
			t.Errorf("company webhook %s: %v", ev.name, err)
		}
	}

	// Deactivation stops the setup's deliveries; the company webhook goes on.
	e.mustCLI(t, "webhooks", "remove", strconv.FormatInt(sub.ID, 10))
	if _, err := e.client.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: company, URL: sink.srv.URL + "/after"}); err != nil {
		t.Fatal(err)
	}
	if err := e.client.Deactivate(ctx, act.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.CreateJob(ctx, controlapi.JobInput{CompanyUUID: company, Title: "Late", Stages: []store.Stage{{Name: "Inbox"}}}); err != nil {
		t.Fatal(err)
	}
	sink.wait(t, "/after", 1)
	// A delivery is journaled once its answer is read, just after the
	// sink saw it: wait for the journal to hold all of them.
	wantJournal := len(want) + 6 + 1 // the setup's, the v1 webhook's, the last one
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		journal, err := e.client.Deliveries(ctx, store.JournalFilter{Kind: store.KindCompanyWebhook})
		if err != nil {
			t.Fatal(err)
		}
		if len(journal) == wantJournal {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("journal holds %d company-webhook deliveries, want %d", len(journal), wantJournal)
		}
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if n := len(sink.got["/partner"]); n != len(want) {
		t.Errorf("after deactivation the partner got %d events, want %d", n, len(want))
	}
}

// Rule: webhook commands refuse what the mock would refuse, naming it.
func TestWebhooksCommandErrors(t *testing.T) {
	e := newClientEnv(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"webhooks", "add", "--url", "https://x.example"}, "--company is required"},
		{[]string{"webhooks", "add", "--company", e.sandbox.Company.UUID}, "--url is required"},
		{[]string{"webhooks", "add", "--company", e.sandbox.Company.UUID, "--url", "https://x.example", "--event", "job.updated"}, `event "job.updated" is not one of`},
		{[]string{"webhooks", "add", "--company", e.sandbox.Company.UUID, "--url", "x"}, "absolute http or https URL"},
		{[]string{"webhooks", "remove", "9"}, "no company webhook 9"},
		{[]string{"webhooks", "setup"}, "has no webhook setup"},
		{[]string{"webhooks", "setup", "--url", "https://x.example", "--remove"}, "not both"},
	} {
		err, _, _ := e.cli(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.args, err, tc.want)
		}
	}
	out, _ := e.mustCLI(t, "webhooks")
	mustContain(t, "empty list", out, "no company webhooks")
}

// v1 sends a /v1 write with a company key, as a partner does, and fails
// the test unless it succeeded.
func (e *clientEnv) v1(t *testing.T, key, method, path, body string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Token token="+key)
	req.Header.Set("X-Api-Version", publicapi.CurrentVersion)
	req.Header.Set("Content-Type", publicapi.MediaType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
}

// Rule: serve --state keeps company webhooks and the partner's webhook
// setup across a restart; the setup at the bundled example partner
// follows it to its new port, and deliveries verify there.
func TestCompanyWebhooksKeptByState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	sink := newEventSink(t)
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--state", path)
	partnerURL := func(url string) string {
		_, b := mustCall(t, http.MethodGet, url+"/mock/v1/partners/1", "", "", http.StatusOK)
		var p struct {
			BaseURL string `json:"baseUrl"`
		}
		json.Unmarshal(b, &p)
		return strings.TrimRight(p.BaseURL, "/")
	}
	before := partnerURL(r.URL)
	mustCall(t, http.MethodPut, r.URL+"/mock/v1/partners/1/webhook-setup", "", `{"url": "`+before+`/teamtailor/events", "events": ["job.create"]}`, http.StatusOK)
	_, b := mustCall(t, http.MethodGet, r.URL+"/mock/v1/companies", "", "", http.StatusOK)
	var list struct {
		Companies []struct {
			UUID string `json:"uuid"`
		} `json:"companies"`
	}
	json.Unmarshal(b, &list)
	companies := list.Companies
	if len(companies) == 0 {
		t.Fatalf("companies: %s", b)
	}
	_, b = mustCall(t, http.MethodPost, r.URL+"/mock/v1/webhooks", "", `{"companyUuid": "`+companies[0].UUID+`", "url": "`+sink.srv.URL+`/hr", "label": "HR", "events": ["job.create"]}`, http.StatusCreated)
	var sub controlapi.Subscription
	json.Unmarshal(b, &sub)
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}

	r = startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--state", path)
	after := partnerURL(r.URL)
	_, b = mustCall(t, http.MethodGet, r.URL+"/mock/v1/partners/1/webhook-setup", "", "", http.StatusOK)
	var setup controlapi.WebhookSetup
	json.Unmarshal(b, &setup)
	if setup.URL != after+"/teamtailor/events" || !slices.Equal(setup.Events, []string{"job.create"}) {
		t.Errorf("setup after the restart %+v, want %s/teamtailor/events (the example partner was at %s)", setup, after, before)
	}
	_, b = mustCall(t, http.MethodGet, r.URL+"/mock/v1/webhooks", "", "", http.StatusOK)
	var kept struct {
		Webhooks []controlapi.Subscription `json:"webhooks"`
	}
	json.Unmarshal(b, &kept)
	subs := kept.Webhooks
	if len(subs) != 1 || subs[0].ID != sub.ID || subs[0].SignatureKey != sub.SignatureKey || subs[0].URL != sub.URL {
		t.Fatalf("webhooks after the restart %+v, want %+v", subs, sub)
	}
	mustCall(t, http.MethodPost, r.URL+"/mock/v1/jobs", "", `{"companyUuid": "`+companies[0].UUID+`", "title": "After the restart", "stages": [{"name": "Inbox"}]}`, http.StatusCreated)
	got := sink.wait(t, "/hr", 1)
	if err := signature.VerifyCompany(got[0].header.Get("TT-Signature"), sub.SignatureKey, got[0].body, time.Now(), 0); err != nil {
		t.Errorf("the kept subscription's delivery: %v", err)
	}
	// The example partner at its new port verified the setup's delivery.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, b = mustCall(t, http.MethodGet, r.URL+"/mock/v1/deliveries?kind=company-webhook", "", "", http.StatusOK)
		if strings.Contains(string(b), "to the webhook setup of partner 1: 204") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no delivery to the setup answered 204: %s", b)
		}
	}
}
