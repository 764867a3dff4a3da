package mockteamtailor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/companyevent"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// eventRecorder collects the company events a server emits.
type eventRecorder struct {
	ch <-chan CompanyEvent
}

func recordEvents(t *testing.T, s *Server) *eventRecorder {
	ch, stop := s.CompanyEvents()
	t.Cleanup(stop)
	return &eventRecorder{ch: ch}
}

// take returns the events emitted since the last take. Emission is
// synchronous, so every event of a finished operation is already there.
func (r *eventRecorder) take() []CompanyEvent {
	var out []CompanyEvent
	for {
		select {
		case ev := <-r.ch:
			out = append(out, ev)
		default:
			return out
		}
	}
}

func names(evs []CompanyEvent) []string {
	out := []string{}
	for _, ev := range evs {
		out = append(out, ev.Event.Name)
	}
	return out
}

// worldJob creates a job with three stages in the sandbox company.
func worldJob(t *testing.T, env *testEnv) store.Job {
	t.Helper()
	j, err := env.server.CreateJob(context.Background(), controlapi.JobInput{CompanyUUID: env.sandbox.Company.UUID, Title: "Backend engineer",
		Tags: []string{"go"}, Stages: []store.Stage{{Name: "Inbox"}, {Name: "Interview"}, {Name: "Hired"}}})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func worldCandidates(t *testing.T, env *testEnv, n int, jobID int64) []store.CandidateRecord {
	t.Helper()
	cs, err := env.server.CreateCandidates(context.Background(), controlapi.CandidateInput{CompanyUUID: env.sandbox.Company.UUID, Generate: n, Seed: 7, JobID: jobID})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// Every "fires when" row the mock's operations reach, and the no-event
// rows: docs/company-webhooks.md §3.
func TestCompanyEventsFireWhen(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	rec := recordEvents(t, env.server)
	sb := env.sandbox.Company.UUID

	job := worldJob(t, env)
	evs := rec.take()
	if got, want := names(evs), []string{companyevent.JobCreate}; !slices.Equal(got, want) {
		t.Fatalf("create job: events %v, want %v", got, want)
	}
	if evs[0].CompanyUUID != sb || evs[0].Event.Data.ID != itoa(job.ID) || evs[0].Event.Data.Type != "jobs" {
		t.Errorf("job.create = %+v", evs[0])
	}

	if _, err := env.server.AddStage(ctx, job.ID, "Offer"); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("adding a stage fires %v, want nothing (stages have no events)", names(got))
	}

	loose := worldCandidates(t, env, 1, 0)[0]
	if got, want := names(rec.take()), []string{companyevent.CandidateCreate}; !slices.Equal(got, want) {
		t.Errorf("create candidate: events %v, want %v", got, want)
	}

	applied := worldCandidates(t, env, 2, job.ID)
	evs = rec.take()
	want := []string{companyevent.CandidateCreate, companyevent.ApplicationCreate, companyevent.CandidateCreate, companyevent.ApplicationCreate}
	if got := names(evs); !slices.Equal(got, want) {
		t.Fatalf("create 2 applying candidates: events %v, want %v (candidate first, then its application)", got, want)
	}
	if evs[1].Event.Data.ID != ApplicationID(applied[0].ID, job.ID) || evs[1].Event.Data.Type != "job-applications" {
		t.Errorf("job_application.create data = %+v", evs[1].Event.Data)
	}
	if a := evs[1].Event.Data.Attributes.(companyevent.ApplicationAttributes); a.StageName != "Inbox" || a.JobID != job.ID || a.JobTitle != job.Title || a.CompanyUUID != sb {
		t.Errorf("job_application.create attributes = %+v", a)
	}

	move := func(c store.CandidateRecord, stage int) []CompanyEvent {
		t.Helper()
		if _, err := env.server.MoveCandidate(ctx, controlapi.MoveRequest{CandidateID: c.ID, JobID: job.ID, StageID: job.Stages[stage].ID}); err != nil {
			t.Fatal(err)
		}
		return rec.take()
	}
	evs = move(applied[0], 1)
	if got := names(evs); !slices.Equal(got, []string{companyevent.ApplicationUpdate}) {
		t.Fatalf("stage move: events %v, want [job_application.update]", got)
	}
	if a := evs[0].Event.Data.Attributes.(companyevent.ApplicationAttributes); a.StageName != "Interview" || a.LastMovedAt != companyevent.Time(fixedNow) {
		t.Errorf("after the move: attributes %+v", a)
	}
	if got := move(applied[0], 1); len(got) != 0 {
		t.Errorf("a move to the stage the candidate is in fires %v, want nothing (no-op write)", names(got))
	}
	if got := names(move(loose, 2)); !slices.Equal(got, []string{companyevent.ApplicationCreate}) {
		t.Errorf("moving a candidate into a job it had not applied to: events %v, want [job_application.create]", got)
	}
}

// receiver is a partner's or a company's endpoint that keeps what it gets.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	arrive chan struct{}
	status int
}

type received struct {
	header http.Header
	body   []byte
	path   string
}

func newReceiver(t *testing.T, status int) *receiver {
	r := &receiver{arrive: make(chan struct{}, 1000), status: status}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), b, req.URL.Path})
		r.mu.Unlock()
		w.WriteHeader(r.status)
		r.arrive <- struct{}{}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// wait returns the first n requests, failing after 10 s.
func (r *receiver) wait(t *testing.T, n int) []received {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		if len(r.got) >= n {
			out := slices.Clone(r.got[:n])
			r.mu.Unlock()
			return out
		}
		r.mu.Unlock()
		select {
		case <-r.arrive:
		case <-deadline:
			t.Fatalf("receiver got %d requests, want %d", len(r.got), n)
		}
	}
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// waitIdle waits until no company webhook delivery is queued or running.
func waitIdle(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.hooks.mu.Lock()
		busy := false
		for _, q := range s.hooks.queues {
			busy = busy || q.running
		}
		s.hooks.mu.Unlock()
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("company webhook deliveries still running after 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func eventOf(t *testing.T, body []byte) (name, id string, hasSig bool) {
	t.Helper()
	var doc struct {
		Payload struct {
			EventName string `json:"event_name"`
			Data      struct {
				ID string `json:"id"`
			} `json:"data"`
		} `json:"payload"`
		Signature *string `json:"signature"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, body)
	}
	return doc.Payload.EventName, doc.Payload.Data.ID, doc.Signature != nil
}

// A v1 and a v2 subscription each get the events they ticked, in order,
// signed as docs/company-webhooks.md §4-§5 say, and each delivery is
// journaled.
func TestCompanySubscriptionsDeliver(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	job := worldJob(t, env)
	c := worldCandidates(t, env, 1, job.ID)[0]
	rv1, rv2 := newReceiver(t, 200), newReceiver(t, 204)
	sub1, err := env.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: env.sandbox.Company.UUID, Label: "hr", URL: rv1.srv.URL + "/hook",
		Events: []string{companyevent.ApplicationUpdate}, SignatureKey: "tt-sig-key-123", SignatureVersion: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	sub2, err := env.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: env.sandbox.Company.UUID, URL: rv2.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if sub2.SignatureVersion != "v2" || len(sub2.SignatureKey) != 64 || len(sub2.Events) != 9 {
		t.Errorf("defaults: %+v, want v2, a 64-hex key, all nine events", sub2)
	}
	for _, st := range []int{1, 2, 0} {
		if _, err := env.server.MoveCandidate(ctx, controlapi.MoveRequest{CandidateID: c.ID, JobID: job.ID, StageID: job.Stages[st].ID}); err != nil {
			t.Fatal(err)
		}
	}
	worldCandidates(t, env, 1, 0) // candidate.create: only sub2 wants it

	wantStages := []string{"Interview", "Hired", "Inbox"}
	for i, r := range rv1.wait(t, 3) {
		mustMatchSchema(t, "company-webhook", r.body)
		name, id, hasSig := eventOf(t, r.body)
		if name != companyevent.ApplicationUpdate || id != ApplicationID(c.ID, job.ID) || !hasSig {
			t.Errorf("v1 delivery %d: %s %s signature member %v", i, name, id, hasSig)
		}
		if !strings.Contains(string(r.body), `"stage-name":"`+wantStages[i]+`"`) {
			t.Errorf("v1 delivery %d is out of order: %s", i, r.body)
		}
		h := r.header.Get("TT-Signature")
		if h != signature.SignCompanyV1("tt-sig-key-123", id) || !strings.Contains(string(r.body), `"signature":"`+h+`"`) {
			t.Errorf("v1 TT-Signature %q, body %s", h, r.body)
		}
		for _, absent := range []string{"Authorization", "Teamtailor-Signature", "Teamtailor-Host", "Teamtailor-Api-Token"} {
			if r.header.Get(absent) != "" {
				t.Errorf("company webhook carries %s", absent)
			}
		}
	}
	got := rv2.wait(t, 4)
	for i, r := range got {
		mustMatchSchema(t, "company-webhook", r.body)
		name, _, hasSig := eventOf(t, r.body)
		if want := []string{"job_application.update", "job_application.update", "job_application.update", "candidate.create"}[i]; name != want || hasSig {
			t.Errorf("v2 delivery %d: %s (signature member %v), want %s without", i, name, hasSig, want)
		}
		if err := signature.VerifyCompany(r.header.Get("TT-Signature"), sub2.SignatureKey, r.body, fixedNow, 0); err != nil {
			t.Errorf("v2 delivery %d does not verify: %v", i, err)
		}
		if r.header.Get("Content-Type") != "application/json" {
			t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
		}
	}
	waitIdle(t, env.server)
	j, err := env.store.Journal(ctx, store.JournalFilter{Kind: store.KindCompanyWebhook})
	if err != nil || len(j) != 7 {
		t.Fatalf("journal: %d company-webhook entries (%v), want 7", len(j), err)
	}
	for _, d := range j {
		if d.Verdict != store.VerdictOK || d.CompanyUUID != env.sandbox.Company.UUID {
			t.Errorf("journal entry %+v", d)
		}
	}
	if rv1.count() != 3 {
		t.Errorf("the v1 subscription got %d deliveries, want only its 3 ticked events", rv1.count())
	}
	_ = sub1
}

// A failed delivery is journaled as failed and never retried
// (docs/company-webhooks.md §7).
func TestCompanyWebhookFailureNotRetried(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	rv := newReceiver(t, 500)
	if _, err := env.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: env.sandbox.Company.UUID, URL: rv.srv.URL}); err != nil {
		t.Fatal(err)
	}
	worldJob(t, env)
	rv.wait(t, 1)
	waitIdle(t, env.server)
	if rv.count() != 1 {
		t.Errorf("receiver got %d requests, want 1: no retries", rv.count())
	}
	j, _ := env.store.Journal(ctx, store.JournalFilter{Kind: store.KindCompanyWebhook})
	if len(j) != 1 || j[0].Verdict != store.VerdictFailed || !strings.Contains(j[0].Reason, "not retried") {
		t.Errorf("journal %+v", j)
	}
}

// A partner's webhook setup delivers the events of companies that
// activated the partner, with the activation's provider key, both
// signatures and Teamtailor-Host; deactivation stops it
// (docs/company-webhooks.md §6).
func TestPartnerWebhookSetup(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	rv := newReceiver(t, 200)
	if _, err := env.server.SetWebhookSetup(ctx, "1", controlapi.WebhookSetup{URL: rv.srv.URL + "/tt", Events: []string{companyevent.JobCreate}}); err != nil {
		t.Fatal(err)
	}
	job := worldJob(t, env)
	r := rv.wait(t, 1)[0]
	id := itoa(job.ID)
	if got := r.header.Get("Authorization"); got != "Bearer "+env.sandbox.Activation.ProviderKey {
		t.Errorf("Authorization %q, want the activation's provider key", got)
	}
	if err := signature.Verify(r.header.Get("Teamtailor-Signature"), "secret-one", id, fixedNow, 0); err != nil {
		t.Errorf("Teamtailor-Signature: %v", err)
	}
	if err := signature.VerifyCompanyV1(r.header.Get("TT-Signature"), "secret-one", id); err != nil {
		t.Errorf("TT-Signature: %v", err)
	}
	if r.header.Get("Teamtailor-Host") == "" || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", r.header)
	}
	mustMatchSchema(t, "company-webhook", r.body)
	if _, _, hasSig := eventOf(t, r.body); !hasSig {
		t.Errorf("setup body has no signature member: %s", r.body)
	}

	if err := env.server.Deactivate(ctx, env.sandbox.Activation.ID); err != nil {
		t.Fatal(err)
	}
	worldJob(t, env)
	waitIdle(t, env.server)
	if rv.count() != 1 {
		t.Errorf("after deactivation the setup got %d deliveries, want none more", rv.count())
	}
}

// Bad subscriptions and setups are refused with the field named.
func TestCompanyWebhookInputRefused(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	sb := env.sandbox.Company.UUID
	for _, in := range []controlapi.SubscriptionInput{
		{CompanyUUID: "nope", URL: "https://x.example"},
		{CompanyUUID: sb, URL: "ftp://x.example"},
		{CompanyUUID: sb, URL: "/relative"},
		{CompanyUUID: sb, URL: "https://x.example", Events: []string{"candidate.updated"}},
		{CompanyUUID: sb, URL: "https://x.example", SignatureVersion: "v3"},
		{CompanyUUID: sb, URL: "https://x.example", Label: strings.Repeat("l", MaxSubscriptionText+1)},
		{CompanyUUID: sb, URL: "https://x.example/" + strings.Repeat("p", MaxSubscriptionText)},
		{CompanyUUID: sb, URL: "https://x.example", SignatureKey: strings.Repeat("k", MaxSubscriptionText+1)},
	} {
		if _, err := env.server.CreateWebhook(ctx, in); err == nil {
			t.Errorf("CreateWebhook(%+v) accepted", in)
		}
	}
	if _, err := env.server.SetWebhookSetup(ctx, "nope", controlapi.WebhookSetup{URL: "https://x.example"}); err == nil {
		t.Error("a setup for an unknown partner was accepted")
	}
	if len(env.server.Subscriptions()) != 0 {
		t.Error("a refused subscription was kept")
	}
}

// A journaled company event is sent again on replay, signed afresh, to the
// subscription or setup it went to; a setup whose partner is no longer
// activated refuses.
func TestCompanyWebhookReplay(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	rv := newReceiver(t, 200)
	sub, err := env.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: env.sandbox.Company.UUID, URL: rv.srv.URL + "/company"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.server.SetWebhookSetup(ctx, "1", controlapi.WebhookSetup{URL: rv.srv.URL + "/partner"}); err != nil {
		t.Fatal(err)
	}
	worldJob(t, env)
	rv.wait(t, 2)
	waitIdle(t, env.server)
	j, _ := env.store.Journal(ctx, store.JournalFilter{Kind: store.KindCompanyWebhook})
	if len(j) != 2 {
		t.Fatalf("journal %d entries, want 2", len(j))
	}
	for _, d := range j {
		out, err := env.server.Replay(ctx, d.ID)
		if err != nil {
			t.Fatalf("replay %d: %v", d.ID, err)
		}
		if out.ReplayOf != d.ID || out.Verdict != store.VerdictOK || out.Request.URL != d.Request.URL || out.Request.Body != d.Request.Body {
			t.Errorf("replay of %d = %+v", d.ID, out)
		}
	}
	got := rv.wait(t, 4)
	for _, r := range got[2:] {
		if h := r.header.Get("Teamtailor-Signature"); h != "" {
			if err := signature.Verify(h, "secret-one", itoa(worldJobID(t, r.body)), fixedNow, 0); err != nil {
				t.Errorf("replayed setup delivery: %v", err)
			}
		} else if err := signature.VerifyCompany(r.header.Get("TT-Signature"), sub.SignatureKey, r.body, fixedNow, 0); err != nil {
			t.Errorf("replayed subscription delivery: %v", err)
		}
	}
	if err := env.server.Deactivate(ctx, env.sandbox.Activation.ID); err != nil {
		t.Fatal(err)
	}
	for _, d := range j {
		if d.PartnerID == "1" {
			if _, err := env.server.Replay(ctx, d.ID); err == nil || !strings.Contains(err.Error(), "no longer activated") {
				t.Errorf("replay of a setup delivery after deactivation: %v", err)
			}
		}
	}
	if err := env.server.DeleteWebhook(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	for _, d := range j {
		if d.PartnerID == "" {
			if _, err := env.server.Replay(ctx, d.ID); err == nil || !strings.Contains(err.Error(), "any more") {
				t.Errorf("replay after the subscription was removed: %v", err)
			}
		}
	}
}

func worldJobID(t *testing.T, body []byte) int64 {
	t.Helper()
	_, id, _ := eventOf(t, body)
	var n int64
	if err := json.Unmarshal([]byte(id), &n); err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return n
}

// A reset drops subscriptions and setups, like every setting made since
// the start.
func TestResetDropsCompanyWebhooks(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	if _, err := env.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: env.sandbox.Company.UUID, URL: "https://hr.example"}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.server.SetWebhookSetup(ctx, "1", controlapi.WebhookSetup{URL: "https://partner.example"}); err != nil {
		t.Fatal(err)
	}
	if err := env.server.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if len(env.server.Subscriptions()) != 0 {
		t.Error("a subscription survived the reset")
	}
	if _, err := env.server.WebhookSetup(ctx, "1"); err == nil {
		t.Error("a webhook setup survived the reset")
	}
}

// A partner that requires a company API token gets the activation's in
// Teamtailor-Api-Token on its setup's deliveries; one that does not gets
// none (docs/company-webhooks.md §4, §6).
func TestPartnerWebhookSetupAPIToken(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	yes := true
	if _, err := env.server.UpdatePartner(ctx, "1", controlapi.PartnerInput{RequireAPIToken: &yes}); err != nil {
		t.Fatal(err)
	}
	res, err := env.server.Activate(ctx, controlapi.ActivateRequest{PartnerID: "1", CompanyUUID: "acme-hooks", NewCompanyFixture: "acme"})
	if err != nil || !res.Activated || res.Activation.APIToken == "" {
		t.Fatalf("Activate = %+v, %v", res, err)
	}
	if _, err := env.server.Activate(ctx, controlapi.ActivateRequest{PartnerID: "2", CompanyUUID: "acme-hooks"}); err != nil {
		t.Fatal(err)
	}
	rv1, rv2 := newReceiver(t, 200), newReceiver(t, 200)
	for id, rv := range map[string]*receiver{"1": rv1, "2": rv2} {
		if _, err := env.server.SetWebhookSetup(ctx, id, controlapi.WebhookSetup{URL: rv.srv.URL}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.server.CreateJob(ctx, controlapi.JobInput{CompanyUUID: "acme-hooks", Title: "Driver", Stages: []store.Stage{{Name: "Inbox"}}}); err != nil {
		t.Fatal(err)
	}
	if got := rv1.wait(t, 1)[0].header.Get("Teamtailor-Api-Token"); got != res.Activation.APIToken {
		t.Errorf("partner 1 (requires a token): Teamtailor-Api-Token %q, want %q", got, res.Activation.APIToken)
	}
	r2 := rv2.wait(t, 1)[0]
	if got := r2.header.Get("Teamtailor-Api-Token"); got != "" {
		t.Errorf("partner 2 (requires none): Teamtailor-Api-Token %q", got)
	}
	if err := signature.Verify(r2.header.Get("Teamtailor-Signature"), "secret-two", worldJobIDString(t, r2.body), fixedNow, 0); err != nil {
		t.Errorf("partner 2's delivery is not signed with its own secret: %v", err)
	}
}

func worldJobIDString(t *testing.T, body []byte) string {
	t.Helper()
	_, id, _ := eventOf(t, body)
	return id
}

// A receiver slower than the delivery timeout is a failed delivery, named
// as a timeout, and the next event still goes out (docs/company-webhooks.md
// §7).
func TestCompanyWebhookTimeout(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t, func(c *Config) { c.DeliveryTimeout = 100 * time.Millisecond })
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // so the server notices the client hanging up
		if strings.Contains(r.URL.Path, "slow") {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(func() { close(release); slow.Close() })
	if _, err := env.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: env.sandbox.Company.UUID, URL: slow.URL + "/slow", Events: []string{companyevent.JobCreate}}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: env.sandbox.Company.UUID, URL: slow.URL + "/fast", Events: []string{companyevent.JobCreate}}); err != nil {
		t.Fatal(err)
	}
	worldJob(t, env)
	waitIdle(t, env.server)
	j, _ := env.store.Journal(ctx, store.JournalFilter{Kind: store.KindCompanyWebhook})
	verdicts := map[string]string{}
	for _, d := range j {
		verdicts[d.Request.URL] = d.Verdict + ": " + d.Reason
	}
	if v := verdicts[slow.URL+"/slow"]; !strings.HasPrefix(v, store.VerdictFailed) || !strings.Contains(v, "not retried") {
		t.Errorf("slow receiver: %s", v)
	}
	if v := verdicts[slow.URL+"/fast"]; !strings.HasPrefix(v, store.VerdictOK) {
		t.Errorf("fast receiver: %s", v)
	}
}

// A rejection and its undo each fire job_application.update with
// rejected-at set, then null; rejecting a rejected application fires
// nothing (docs/company-webhooks.md §3, §4.1).
func TestRejectionFiresApplicationUpdate(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	rec := recordEvents(t, env.server)
	job := worldJob(t, env)
	c := worldCandidates(t, env, 1, job.ID)[0]
	rec.take()
	reject := func(undo bool) []CompanyEvent {
		t.Helper()
		if _, err := env.server.RejectApplication(ctx, controlapi.RejectRequest{CandidateID: c.ID, JobID: job.ID, Undo: undo}); err != nil {
			t.Fatal(err)
		}
		return rec.take()
	}
	evs := reject(false)
	if got := names(evs); !slices.Equal(got, []string{companyevent.ApplicationUpdate}) {
		t.Fatalf("reject: events %v, want [job_application.update]", got)
	}
	a := evs[0].Event.Data.Attributes.(companyevent.ApplicationAttributes)
	if a.RejectedAt == nil || *a.RejectedAt != companyevent.Time(fixedNow) || a.TransparentRecruitingVisibleAt == nil {
		t.Errorf("after the rejection: attributes %+v", a)
	}
	if got := reject(false); len(got) != 0 {
		t.Errorf("rejecting a rejected application fires %v, want nothing", names(got))
	}
	evs = reject(true)
	if got := names(evs); !slices.Equal(got, []string{companyevent.ApplicationUpdate}) {
		t.Fatalf("undo: events %v, want [job_application.update]", got)
	}
	if a := evs[0].Event.Data.Attributes.(companyevent.ApplicationAttributes); a.RejectedAt != nil || a.TransparentRecruitingVisibleAt != nil {
		t.Errorf("after the undo: attributes %+v", a)
	}
}

// Company webhooks are bounded: at most MaxSubscriptions, with a 422
// naming the limit, and at most MaxQueuedEvents waiting for one target;
// events past that are dropped, never held.
func TestCompanyWebhooksAreBounded(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	sb := env.sandbox.Company.UUID
	for i := range MaxSubscriptions {
		if _, err := env.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: sb, URL: fmt.Sprintf("https://x%d.example", i)}); err != nil {
			t.Fatalf("subscription %d: %v", i, err)
		}
	}
	_, err := env.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: sb, URL: "https://one-more.example"})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("at most %d company webhooks", MaxSubscriptions)) {
		t.Fatalf("subscription %d: %v, want a refusal naming the limit", MaxSubscriptions+1, err)
	}

	// A target that never answers holds at most MaxQueuedEvents.
	block := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer slow.Close()
	defer close(block)
	env2 := newTestEnv(t)
	if _, err := env2.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: env2.sandbox.Company.UUID, URL: slow.URL}); err != nil {
		t.Fatal(err)
	}
	job := worldJob(t, env2)
	for range MaxQueuedEvents + 50 {
		if _, err := env2.server.UpdateJob(ctx, job.ID, controlapi.JobPatch{Title: ptr(fmt.Sprintf("t%d", time.Now().UnixNano()))}); err != nil {
			t.Fatal(err)
		}
	}
	h := &env2.server.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	for key, q := range h.queues {
		if len(q.pending) > MaxQueuedEvents || q.dropped == 0 {
			t.Errorf("queue %s: %d pending, %d dropped; want at most %d pending and some dropped", key, len(q.pending), q.dropped, MaxQueuedEvents)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// Subscriptions and partner setups are kept in a --state store: a server
// started again on the same file has them, and delivers to them; a
// deleted one stays deleted (docs/company-webhooks.md §2).
func TestCompanyWebhooksSurviveARestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.json")
	st, err := store.OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	env := newTestEnvWithStore(t, st)
	rv := newReceiver(t, http.StatusNoContent)
	keep, err := env.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: env.sandbox.Company.UUID, URL: rv.srv.URL + "/company", Label: "HR",
		Events: []string{companyevent.JobCreate}, SignatureVersion: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := env.server.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: env.sandbox.Company.UUID, URL: rv.srv.URL + "/gone"})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.server.DeleteWebhook(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	setup, err := env.server.SetWebhookSetup(ctx, "1", controlapi.WebhookSetup{URL: rv.srv.URL + "/partner", Events: []string{companyevent.JobCreate}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	re, err := store.OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { re.Close() })
	srv, err := NewServer(slog.New(slog.DiscardHandler), DefaultConfig(), re, idgen.NewSeeded(43), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(ctx) })
	if got := srv.Subscriptions(); len(got) != 1 || !reflect.DeepEqual(got[0], keep) {
		t.Fatalf("subscriptions after the restart %+v, want only %+v", got, keep)
	}
	if got, err := srv.WebhookSetup(ctx, "1"); err != nil || !reflect.DeepEqual(got, setup) {
		t.Fatalf("setup after the restart %+v, %v, want %+v", got, err, setup)
	}
	// A new subscription gets an id of its own.
	next, err := srv.CreateWebhook(ctx, controlapi.SubscriptionInput{CompanyUUID: env.sandbox.Company.UUID, URL: rv.srv.URL + "/next"})
	if err != nil || next.ID <= gone.ID {
		t.Fatalf("a new subscription after the restart: %+v, %v; want an id above %d", next, err, gone.ID)
	}
	if _, err := srv.CreateJob(ctx, controlapi.JobInput{CompanyUUID: env.sandbox.Company.UUID, Title: "After the restart", Stages: []store.Stage{{Name: "Inbox"}}}); err != nil {
		t.Fatal(err)
	}
	got := rv.wait(t, 3)
	paths := []string{}
	for _, r := range got {
		paths = append(paths, r.path)
	}
	slices.Sort(paths)
	if want := []string{"/company", "/next", "/partner"}; !slices.Equal(paths, want) {
		t.Errorf("deliveries after the restart went to %v, want %v", paths, want)
	}
}

// Partner results, companies with their users and custom-field
// definitions, API keys and activations are no candidate, job or
// application: they fire nothing (docs/company-webhooks.md §3).
func TestWritesOfOtherRecordsFireNothing(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	c := worldCandidates(t, env, 1, 0)[0]
	rec := recordEvents(t, env.server)
	env.createResult(t, fmt.Sprintf(`{"candidate-id": %d, "status": "completed", "assessment": {"score": 80}}`, c.ID))
	if _, err := env.server.CreateCompany(ctx, controlapi.CompanyInput{UUID: "quiet-co", Name: "Quiet", Users: []protocol.User{{ID: 7, Email: "a@quiet.example", Name: "A"}},
		CustomFields: []store.CustomFieldDef{{Name: "Shoe size", APIName: "shoe-size", Type: "number"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.server.CreateAPIKey(ctx, "quiet-co", controlapi.APIKeyRequest{Scope: "admin", Permissions: "read/write"}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.server.Activate(ctx, controlapi.ActivateRequest{PartnerID: "2", CompanyUUID: "quiet-co"}); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("writes of other records fired %v, want nothing", names(got))
	}
}
