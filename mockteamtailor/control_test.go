package mockteamtailor

// Control API (/mock/v1) tests through the real router over loopback:
// each endpoint's happy path, its bad input answered with a clear 4xx
// (never a 5xx), and the behaviour of deliveries, replay, curl export,
// results, actions, faults, reset, keys, fixtures and partners.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Every control API endpoint does its job on good input, answering JSON
// with the documented status.
func TestControlEveryEndpoint(t *testing.T) {
	env := newE2EEnv(t)
	call := func(method, path string, body any, status int) response {
		t.Helper()
		r := env.ctl(t, method, path, body)
		wantStatus(t, r, status)
		if status != http.StatusNoContent && !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") && !strings.HasSuffix(path, "/curl") {
			t.Errorf("%s %s: Content-Type %q", method, path, r.header.Get("Content-Type"))
		}
		return r
	}
	sb := env.sandbox.Company.UUID

	index := call("GET", "/mock/v1", nil, http.StatusOK).doc(t)
	if eps, _ := index["endpoints"].([]any); len(eps) < 30 {
		t.Errorf("index lists %d endpoints", len(eps))
	}

	partners := decodeAs[struct{ Partners []controlapi.PartnerView }](t, call("GET", "/mock/v1/partners", nil, http.StatusOK)).Partners
	if len(partners) != 2 || partners[0].ID != "1" || partners[0].APIKey != e2eKey1 || partners[0].CTA != "Send Pied Piper test" {
		t.Errorf("partners: %+v", partners)
	}
	created := decodeAs[struct {
		Partner    controlapi.PartnerView
		Sandbox    store.Company
		Activation store.Activation
	}](t, call("POST", "/mock/v1/partners", map[string]any{"id": "3", "name": "Initech", "baseUrl": env.partner.srv.URL + "/"}, http.StatusCreated))
	if !strings.HasPrefix(created.Partner.APIKey, "ttpk_") || created.Partner.BaseURL != env.partner.srv.URL || !created.Sandbox.Sandbox || created.Activation.CompanyUUID != created.Sandbox.UUID || !uuidPattern.MatchString(created.Activation.ProviderKey) {
		t.Errorf("created partner: %+v", created)
	}
	if p := decodeAs[controlapi.PartnerView](t, call("GET", "/mock/v1/partners/3", nil, http.StatusOK)); p.Name != "Initech" {
		t.Errorf("partner 3: %+v", p)
	}
	if p := decodeAs[controlapi.PartnerView](t, call("PATCH", "/mock/v1/partners/3", map[string]any{"ctaVerb": "Run", "ctaNoun": "check"}, http.StatusOK)); p.CTA != "Run Initech check" {
		t.Errorf("cta after PATCH = %q", p.CTA)
	}
	form := decodeAs[controlapi.ActivationFormResult](t, call("GET", "/mock/v1/partners/1/activation-form?company="+sb, nil, http.StatusOK))
	if form.Dynamic || len(form.Form.Fields) != 0 {
		t.Errorf("activation form of a partner without one: %+v", form)
	}
	cfg := decodeAs[controlapi.ConfigResult](t, call("GET", "/mock/v1/partners/1/config?company="+sb, nil, http.StatusOK))
	if len(cfg.Form.Fields) != 2 || len(cfg.DeliveryIDs) != 1 || cfg.Static {
		t.Errorf("config: %+v", cfg)
	}

	companies := decodeAs[struct{ Companies []store.Company }](t, call("GET", "/mock/v1/companies", nil, http.StatusOK)).Companies
	if len(companies) != 3 {
		t.Errorf("%d companies, want the 3 sandboxes", len(companies))
	}
	acme := decodeAs[store.Company](t, call("POST", "/mock/v1/companies", map[string]any{"fixture": "acme"}, http.StatusCreated))
	if acme.Name == "" || len(acme.Users) == 0 || len(acme.APITokens) != 1 || acme.Sandbox {
		t.Errorf("acme: %+v", acme)
	}
	if c := decodeAs[store.Company](t, call("GET", "/mock/v1/companies/"+acme.UUID, nil, http.StatusOK)); c.Name != acme.Name {
		t.Errorf("company: %+v", c)
	}

	job := decodeAs[store.Job](t, call("POST", "/mock/v1/jobs", map[string]any{"companyUuid": acme.UUID, "title": "Warehouse lead", "stages": []store.Stage{{Name: "Inbox"}, {Name: "Test"}}}, http.StatusCreated))
	if job.ID == 0 || len(job.Stages) != 2 || job.Stages[0].ID == 0 || job.Stages[1].ID == 0 {
		t.Errorf("job: %+v", job)
	}
	if js := decodeAs[struct{ Jobs []store.Job }](t, call("GET", "/mock/v1/jobs?company="+acme.UUID, nil, http.StatusOK)).Jobs; len(js) != 1 {
		t.Errorf("acme jobs: %d", len(js))
	}
	call("GET", fmt.Sprintf("/mock/v1/jobs/%d", job.ID), nil, http.StatusOK)
	if j := decodeAs[store.Job](t, call("POST", fmt.Sprintf("/mock/v1/jobs/%d/stages", job.ID), map[string]any{"name": "Offer"}, http.StatusCreated)); len(j.Stages) != 3 || j.Stages[2].Name != "Offer" {
		t.Errorf("job after adding a stage: %+v", j)
	}

	cands := decodeAs[struct{ Candidates []store.CandidateRecord }](t, call("POST", "/mock/v1/candidates", map[string]any{"companyUuid": acme.UUID, "fixture": "typical", "jobId": job.ID}, http.StatusCreated)).Candidates
	if len(cands) != 1 || len(cands[0].Applications) != 1 || cands[0].Applications[0].StageID != job.Stages[0].ID {
		t.Fatalf("candidates: %+v", cands)
	}
	cand := cands[0]
	if list := decodeAs[struct{ Total int }](t, call("GET", "/mock/v1/candidates?company="+acme.UUID+"&page=1&size=5", nil, http.StatusOK)); list.Total != 1 {
		t.Errorf("acme candidates: %d", list.Total)
	}
	call("GET", fmt.Sprintf("/mock/v1/candidates/%d", cand.ID), nil, http.StatusOK)

	act := decodeAs[controlapi.ActivateResult](t, call("POST", "/mock/v1/activations", map[string]any{"partnerId": "1", "companyUuid": acme.UUID}, http.StatusCreated))
	if !act.Activated || !uuidPattern.MatchString(act.Activation.ProviderKey) {
		t.Errorf("activation: %+v", act)
	}
	if acts := decodeAs[struct{ Activations []store.Activation }](t, call("GET", "/mock/v1/activations?partner=1", nil, http.StatusOK)).Activations; len(acts) != 2 {
		t.Errorf("partner 1 activations: %d", len(acts))
	}

	trig := decodeAs[store.Trigger](t, call("POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": job.Stages[1].ID, "data": map[string]string{"test_type": "code"}}, http.StatusCreated))
	if ts := decodeAs[struct{ Triggers []store.Trigger }](t, call("GET", "/mock/v1/triggers?partner=1", nil, http.StatusOK)).Triggers; len(ts) != 1 || ts[0].ID != trig.ID {
		t.Errorf("triggers: %+v", ts)
	}
	if mv := decodeAs[controlapi.MoveResult](t, call("POST", fmt.Sprintf("/mock/v1/candidates/%d/move", cand.ID), map[string]any{"jobId": job.ID, "stageId": job.Stages[1].ID}, http.StatusOK)); len(mv.Outcomes) != 1 {
		t.Errorf("move: %+v", mv)
	}
	manual := decodeAs[controlapi.Outcome](t, call("POST", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "candidateId": cand.ID}, http.StatusOK))
	run := decodeAs[controlapi.BulkRun](t, call("POST", "/mock/v1/bulk-triggers", map[string]any{"partnerId": "1", "candidateIds": []int64{cand.ID}, "wait": true}, http.StatusOK))
	if !run.Done || run.Sent != 1 {
		t.Errorf("bulk run: %+v", run)
	}
	call("GET", "/mock/v1/bulk-triggers/"+run.ID, nil, http.StatusOK)
	// Without wait the run goes on in the background: hold the webhook
	// until the 202 is in.
	release := make(chan struct{})
	env.partner.handle("/webhook", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	async := decodeAs[controlapi.BulkRun](t, call("POST", "/mock/v1/bulk-triggers", map[string]any{"partnerId": "1", "candidateIds": []int64{cand.ID}}, http.StatusAccepted))
	if async.Done {
		t.Errorf("a background run is done before its webhook was answered: %+v", async)
	}
	close(release)
	eventually(t, "the background bulk run ends", func() bool {
		return decodeAs[controlapi.BulkRun](t, call("GET", "/mock/v1/bulk-triggers/"+async.ID, nil, http.StatusOK)).Done
	})

	ds := decodeAs[struct{ Deliveries []store.Delivery }](t, call("GET", "/mock/v1/deliveries", nil, http.StatusOK)).Deliveries
	if len(ds) == 0 {
		t.Fatal("empty journal")
	}
	if d := decodeAs[store.Delivery](t, call("GET", fmt.Sprintf("/mock/v1/deliveries/%d", manual.Delivery.ID), nil, http.StatusOK)); d.EventID != manual.Delivery.EventID {
		t.Errorf("delivery: %+v", d)
	}
	if d := decodeAs[store.Delivery](t, call("POST", fmt.Sprintf("/mock/v1/deliveries/%d/replay", manual.Delivery.ID), nil, http.StatusOK)); d.ReplayOf != manual.Delivery.ID {
		t.Errorf("replay: %+v", d)
	}
	if r := call("GET", fmt.Sprintf("/mock/v1/deliveries/%d/curl", manual.Delivery.ID), nil, http.StatusOK); !strings.HasPrefix(string(r.body), "curl ") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Errorf("curl: %s", r.body)
	}

	if rs := decodeAs[struct{ Results []controlapi.Result }](t, call("GET", fmt.Sprintf("/mock/v1/results?candidate=%d", cand.ID), nil, http.StatusOK)).Results; len(rs) != 4 {
		t.Errorf("%d results of the candidate, want 4 (move, manual, two bulk)", len(rs))
	}
	if rv := decodeAs[controlapi.Result](t, call("GET", "/mock/v1/results/"+manual.Result.ID, nil, http.StatusOK)); rv.UpdateURL != env.server.ResultURL(manual.Result.ID) {
		t.Errorf("result view: %+v", rv)
	}
	wantStatus(t, partnerAPI(t, "PATCH", env.server.ResultURL(manual.Result.ID), e2eKey1, `{"data":{"type":"partner-results","attributes":{"actions":[{"buttonText":"Again","endpoint":"again"}]}}}`), http.StatusOK)
	if d := decodeAs[store.Delivery](t, call("POST", "/mock/v1/results/"+manual.Result.ID+"/actions/0", nil, http.StatusOK)); d.Kind != store.KindAction {
		t.Errorf("action: %+v", d)
	}

	if f := decodeAs[controlapi.Faults](t, call("GET", "/mock/v1/faults", nil, http.StatusOK)); f.RateLimit == nil || f.RateLimit.Limit != 50 {
		t.Errorf("faults: %+v", f)
	}
	if f := decodeAs[controlapi.Faults](t, call("PUT", "/mock/v1/faults", map[string]any{"latency": "10ms"}, http.StatusOK)); f.Latency != "10ms" {
		t.Errorf("faults after PUT: %+v", f)
	}
	if f := decodeAs[controlapi.Faults](t, call("DELETE", "/mock/v1/faults", nil, http.StatusOK)); f.Latency != "0s" {
		t.Errorf("faults after DELETE: %+v", f)
	}
	if up := call("POST", "/mock/v1/uploads?name=notes.txt", "hello", http.StatusCreated).doc(t); up["size"] != float64(5) || up["name"] != "notes.txt" {
		t.Errorf("upload: %v", up)
	}
	if ks := decodeAs[struct{ Partners []controlapi.PartnerKeys }](t, call("GET", "/mock/v1/keys", nil, http.StatusOK)).Partners; len(ks) != 3 {
		t.Errorf("keys of %d partners", len(ks))
	}
	call("GET", "/mock/v1/fixtures", nil, http.StatusOK)
	call("DELETE", fmt.Sprintf("/mock/v1/triggers/%d", trig.ID), nil, http.StatusNoContent)
	call("DELETE", "/mock/v1/activations/"+act.Activation.ID, nil, http.StatusNoContent)
	if doc := call("POST", "/mock/v1/reset", nil, http.StatusOK).doc(t); doc["reset"] != true {
		t.Errorf("reset: %v", doc)
	}
}

// eventually polls cond until it holds or 5 seconds pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The delivery stream sends each new journal entry as a server-sent
// event.
func TestControlDeliveryStream(t *testing.T) {
	env := newE2EEnv(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	hr, _ := http.NewRequestWithContext(ctx, "GET", env.srv.URL+"/mock/v1/deliveries/stream", nil)
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := bufio.NewScanner(resp.Body)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), ":") {
		t.Fatalf("first line %q, want a comment", lines.Text())
	}
	wantStatus(t, env.do(t, req{method: "GET", path: "/partner/v1/partners/1"}), http.StatusOK)
	var event, data string
	for lines.Scan() && data == "" {
		if v, ok := strings.CutPrefix(lines.Text(), "event: "); ok {
			event = v
		}
		if v, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
			data = v
		}
	}
	var d store.Delivery
	if event != "delivery" || json.Unmarshal([]byte(data), &d) != nil || d.Kind != store.KindPartnerAPI {
		t.Errorf("event %q data %s", event, data)
	}
}

// Bad input gets a 4xx with an errors document that says what is wrong:
// unknown ids 404, malformed JSON 400, unknown JSON fields 400, wrong
// types 422, bad query parameters 400; never a 5xx.
func TestControlBadInput(t *testing.T) {
	env := newE2EEnv(t)
	sb := env.sandbox.Company.UUID
	job := env.job(t, 0)
	cand := env.candidate(t, "typical")
	out := env.manual(t, cand.ID, nil)
	byPartner := decodeAs[controlapi.Result](t, env.ctl(t, "GET", "/mock/v1/results/"+env.createResult(t, fmt.Sprintf(`{"status":"completed","candidate-id":%d,"actions":[{"buttonText":"B","endpoint":"e"}]}`, cand.ID)), nil))
	huge := `{"name":"` + strings.Repeat("x", 1<<20) + `"}`
	for _, tt := range []struct {
		method, path string
		body         any
		status       int
		detail       string
	}{
		// unknown ids and routes
		{"GET", "/mock/v1/partners/nope", nil, 404, `there is no partner "nope"`},
		{"PATCH", "/mock/v1/partners/nope", `{}`, 404, `there is no partner "nope"`},
		{"GET", "/mock/v1/partners/nope/activation-form?company=" + sb, nil, 404, `there is no partner "nope"`},
		{"GET", "/mock/v1/partners/1/activation-form?company=nope", nil, 404, `there is no company "nope"`},
		{"GET", "/mock/v1/companies/nope", nil, 404, `there is no company "nope"`},
		{"GET", "/mock/v1/jobs/999999", nil, 404, "there is no job 999999"},
		{"GET", "/mock/v1/jobs/abc", nil, 404, `"abc" is not a id`},
		{"POST", "/mock/v1/jobs/999999/stages", `{"name":"x"}`, 404, "there is no job 999999"},
		{"GET", "/mock/v1/candidates/999999", nil, 404, "there is no candidate 999999"},
		{"POST", "/mock/v1/candidates/999999/move", map[string]any{"jobId": job.ID, "stageId": job.Stages[0].ID}, 404, "there is no candidate 999999"},
		{"DELETE", "/mock/v1/activations/nope", nil, 404, `there is no activation "nope"`},
		{"DELETE", "/mock/v1/triggers/999999", nil, 404, "there is no trigger 999999"},
		{"POST", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "candidateId": 999999}, 404, "there is no candidate 999999"},
		{"POST", "/mock/v1/bulk-triggers", map[string]any{"partnerId": "nope", "candidateIds": []int64{cand.ID}}, 404, `there is no partner "nope"`},
		{"GET", "/mock/v1/bulk-triggers/nope", nil, 404, `there is no bulk run "nope"`},
		{"GET", "/mock/v1/deliveries/999999", nil, 404, "there is no delivery 999999"},
		{"POST", "/mock/v1/deliveries/999999/replay", nil, 404, "there is no delivery 999999"},
		{"GET", "/mock/v1/deliveries/999999/curl", nil, 404, "there is no delivery 999999"},
		{"GET", "/mock/v1/results/nope", nil, 404, `there is no partner result "nope"`},
		{"POST", "/mock/v1/results/nope/actions/0", nil, 404, `there is no partner result "nope"`},
		{"POST", "/mock/v1/results/" + out.Result.ID + "/actions/x", nil, 404, `"x" is not a index`},
		{"GET", "/mock/v1/nope", nil, 404, "is not a route of this mock"},
		// malformed JSON, unknown fields, trailing data, too large
		{"POST", "/mock/v1/partners", `{"id":`, 400, "not the JSON this endpoint takes"},
		{"POST", "/mock/v1/partners", `[1]`, 400, "not the JSON this endpoint takes"},
		{"POST", "/mock/v1/companies", `{"name":"A"} {"name":"B"}`, 400, "data after the JSON document"},
		{"POST", "/mock/v1/companies", huge, 413, "larger than 1 MiB"},
		// query parameters
		{"GET", "/mock/v1/partners/1/activation-form", nil, 400, "query parameter company"},
		{"GET", "/mock/v1/partners/1/config", nil, 400, "company (the company uuid) or job is required"},
		{"GET", "/mock/v1/partners/1/config?company=" + sb + "&job=abc", nil, 400, "query parameter job must be a whole number"},
		{"GET", "/mock/v1/candidates?page=x", nil, 400, "query parameter page must be a whole number"},
		{"GET", "/mock/v1/candidates?size=-1", nil, 400, "query parameter size must be a whole number"},
		{"GET", "/mock/v1/deliveries?kind=bogus", nil, 400, `kind "bogus" is not one of`},
		{"GET", "/mock/v1/deliveries?verdict=bogus", nil, 400, `verdict "bogus" is not one of`},
		{"GET", "/mock/v1/deliveries?after=-1", nil, 400, "query parameter after must be a whole number"},
		{"GET", "/mock/v1/deliveries?limit=ten", nil, 400, "query parameter limit must be a whole number"},
		{"GET", "/mock/v1/results?candidate=x", nil, 400, "query parameter candidate must be a whole number"},
		// invalid values
		{"POST", "/mock/v1/partners", `{}`, 422, "id is required"},
		{"POST", "/mock/v1/partners", `{"id":"1"}`, 409, `partner "1" exists already`},
		{"PATCH", "/mock/v1/partners/1", `{"id":"9"}`, 422, "a partner's id cannot change"},
		{"PATCH", "/mock/v1/partners/1", `{"baseUrl":"ftp://example.com"}`, 422, "baseUrl must be an absolute http or https URL"},
		{"PATCH", "/mock/v1/partners/1", `{"name":" "}`, 422, "name must not be empty"},
		{"PATCH", "/mock/v1/partners/1", `{"webhookConfig":{"config":{"fields":[{"type":"slider","id":"x"}]}}}`, 422, ""},
		{"POST", "/mock/v1/companies", `{"fixture":"nope"}`, 422, "nope"},
		{"POST", "/mock/v1/companies", `{}`, 422, "name is required"},
		{"POST", "/mock/v1/companies", map[string]any{"uuid": sb, "name": "Again"}, 409, "exists already"},
		{"POST", "/mock/v1/jobs", `{"companyUuid":"nope","title":"x","stages":[{"name":"a"}]}`, 404, `there is no company "nope"`},
		{"POST", "/mock/v1/jobs", `{"title":"x"}`, 422, "a job needs at least one stage"},
		{"POST", "/mock/v1/jobs", map[string]any{"companyUuid": sb, "title": "x", "stages": []store.Stage{{Name: ""}}}, 422, "every stage needs a name"},
		{"POST", fmt.Sprintf("/mock/v1/jobs/%d/stages", job.ID), `{}`, 422, "name is required"},
		{"POST", "/mock/v1/candidates", `{"companyUuid":"nope","generate":1}`, 422, `there is no company "nope"`},
		{"POST", "/mock/v1/candidates", map[string]any{"companyUuid": sb}, 422, "give exactly one of fixture"},
		{"POST", "/mock/v1/candidates", map[string]any{"companyUuid": sb, "fixture": "typical", "generate": 2}, 422, "give exactly one of fixture"},
		{"POST", "/mock/v1/candidates", map[string]any{"companyUuid": sb, "generate": MaxGenerate + 1}, 422, "at most 10000 candidates"},
		{"POST", "/mock/v1/candidates", map[string]any{"companyUuid": sb, "candidate": map[string]any{"id": 1, "nickname": "x"}}, 422, "nickname"},
		{"POST", "/mock/v1/candidates", map[string]any{"companyUuid": sb, "fixture": "typical", "jobId": 999999}, 422, "has no job 999999"},
		{"POST", fmt.Sprintf("/mock/v1/candidates/%d/move", cand.ID), map[string]any{"jobId": job.ID, "stageId": 999999}, 422, "has no stage 999999"},
		{"POST", "/mock/v1/activations", map[string]any{"partnerId": "nope", "companyUuid": sb}, 404, `there is no partner "nope"`},
		{"POST", "/mock/v1/activations", map[string]any{"partnerId": "1", "companyUuid": sb}, 409, "already activated"},
		{"POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": 999999, "stageId": 1}, 404, "there is no job 999999"},
		{"POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": 999999}, 422, "has no stage 999999"},
		{"POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": job.Stages[0].ID, "data": map[string]string{"test_type": "sales"}}, 422, `"sales" is not one of the options`},
		{"POST", "/mock/v1/triggers", map[string]any{"partnerId": "2", "jobId": job.ID, "stageId": job.Stages[0].ID}, 409, "not activated"},
		{"POST", "/mock/v1/manual-triggers", map[string]any{"partnerId": "1", "candidateId": cand.ID, "data": map[string]string{"pass_mark": "101"}}, 422, "above the maximum"},
		{"POST", "/mock/v1/bulk-triggers", map[string]any{"partnerId": "1", "candidateIds": []int64{}}, 422, "give at least one candidate id"},
		{"POST", "/mock/v1/bulk-triggers", map[string]any{"partnerId": "1", "candidateIds": []int64{cand.ID, cand.ID}}, 422, "is listed twice"},
		{"POST", "/mock/v1/bulk-triggers", map[string]any{"partnerId": "1", "candidateIds": []int64{999999}}, 422, "there is no candidate 999999"},
		{"POST", "/mock/v1/results/" + out.Result.ID + "/actions/0", nil, 422, "has 0 actions"},
		{"POST", "/mock/v1/results/" + byPartner.ID + "/actions/0", nil, 409, "created by the partner through the Partner API"},
		{"PUT", "/mock/v1/faults", `{"latency":"soon"}`, 422, "is not a duration"},
		{"PUT", "/mock/v1/faults", `{"latency":"2m"}`, 422, "latency must be between 0 and 1m"},
		{"PUT", "/mock/v1/faults", `{"status":200,"count":1}`, 422, "status must be a 4xx or 5xx code"},
		{"PUT", "/mock/v1/faults", `{"status":503}`, 422, "say how many requests to fail"},
		{"PUT", "/mock/v1/faults", `{"connection":"explode","count":1}`, 422, "is not one of reset, empty, malformed"},
		{"PUT", "/mock/v1/faults", `{"status":500,"connection":"reset","count":1}`, 422, "either a status or a connection fault"},
		{"PUT", "/mock/v1/faults", `{"status":500,"fraction":1.5}`, 422, "fraction within 0..1"},
		{"PUT", "/mock/v1/faults", `{"rateLimit":{"limit":0,"window":"10s"}}`, 422, "positive limit"},
		{"PUT", "/mock/v1/faults", `{"rateLimit":{"limit":1,"window":"soon"}}`, 422, "is not a duration"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := env.ctl(t, tt.method, tt.path, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d; body %.300s", r.status, tt.status, r.body)
			}
			if d := errorDetails(t, r); !strings.Contains(d, tt.detail) {
				t.Errorf("detail %q does not say %q", d, tt.detail)
			}
		})
	}
}

// Every endpoint that reads a JSON body answers malformed JSON with 400,
// an unknown field with 400 naming it, and a wrongly typed field with 422
// pointing at it.
func TestControlBodyDecoding(t *testing.T) {
	env := newE2EEnv(t)
	job := env.job(t, 0)
	cand := env.candidate(t, "typical")
	for _, tt := range []struct {
		method, path, wrongType, pointer string
	}{
		{"POST", "/mock/v1/partners", `{"id":3}`, "/id"},
		{"PATCH", "/mock/v1/partners/1", `{"allowBulk":"yes"}`, "/allowBulk"},
		{"POST", "/mock/v1/companies", `{"name":5}`, "/name"},
		{"POST", "/mock/v1/jobs", `{"title":["x"]}`, "/title"},
		{"POST", fmt.Sprintf("/mock/v1/jobs/%d/stages", job.ID), `{"name":1}`, "/name"},
		{"POST", "/mock/v1/candidates", `{"generate":"ten"}`, "/generate"},
		{"POST", fmt.Sprintf("/mock/v1/candidates/%d/move", cand.ID), `{"jobId":"x"}`, "/jobId"},
		{"POST", "/mock/v1/activations", `{"values":["a"]}`, "/values"},
		{"POST", "/mock/v1/triggers", `{"jobId":"x"}`, "/jobId"},
		{"POST", "/mock/v1/manual-triggers", `{"candidateId":"1"}`, "/candidateId"},
		{"POST", "/mock/v1/bulk-triggers", `{"candidateIds":"1"}`, "/candidateIds"},
		{"PUT", "/mock/v1/faults", `{"status":"500"}`, "/status"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := env.ctl(t, tt.method, tt.path, `{"id": `)
			wantStatus(t, r, http.StatusBadRequest)
			if d := errorDetails(t, r); !strings.Contains(d, "not the JSON") {
				t.Errorf("malformed JSON: %q", d)
			}
			r = env.ctl(t, tt.method, tt.path, `{"zzz_unknown":1}`)
			wantStatus(t, r, http.StatusBadRequest)
			if d := errorDetails(t, r); !strings.Contains(d, "zzz_unknown") {
				t.Errorf("unknown field: %q does not name it", d)
			}
			r = env.ctl(t, tt.method, tt.path, tt.wrongType)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			errorDetails(t, r)
			if !bytes.Contains(r.body, []byte(`"pointer":"`+tt.pointer+`"`)) {
				t.Errorf("wrong type: no pointer %s in %s", tt.pointer, r.body)
			}
		})
	}
}

// A known control API path with a method it does not serve is a 405,
// not a 404, so a client can tell a typo in the path from a wrong verb.
func TestControlWrongMethodIs405(t *testing.T) {
	env := newE2EEnv(t)
	for _, tt := range []struct{ method, path string }{{"DELETE", "/mock/v1/partners"}, {"PUT", "/mock/v1/companies"}, {"GET", "/mock/v1/reset"}} {
		r := env.ctl(t, tt.method, tt.path, nil)
		wantStatus(t, r, http.StatusMethodNotAllowed)
		if d := errorDetails(t, r); !strings.Contains(d, tt.method+" is not allowed") {
			t.Errorf("%s %s: %q", tt.method, tt.path, d)
		}
	}
}

// A settings change that does not touch the keys is accepted whatever
// keys the partner was given at start-up (flags and the Partner API take
// any length).
func TestControlPatchKeepsStartupKeys(t *testing.T) {
	env := newTestEnv(t) // partner 1's key is "key-one"
	r := env.do(t, req{method: "PATCH", path: "/mock/v1/partners/1", body: `{"allowBulk":false}`, header: map[string]string{"Content-Type": "application/json"}})
	wantStatus(t, r, http.StatusOK)
}

// The deliveries list filters by kind, verdict, partner, event, result,
// after and limit (newest limit entries), alone and combined.
func TestControlDeliveriesFilters(t *testing.T) {
	env := newE2EEnv(t)
	ok := env.manual(t, env.candidate(t, "typical").ID, nil)
	env.partner.handle("/webhook", serveDoc(http.StatusInternalServerError, "down"))
	failed := env.manual(t, env.candidate(t, "minimal").ID, nil)
	wantStatus(t, env.do(t, req{method: "GET", path: "/partner/v1/partners/1"}), http.StatusOK)
	wantStatus(t, partnerAPI(t, "GET", env.srv.URL+"/partner/v1/partners/2", e2eKey2, ""), http.StatusOK)
	wantStatus(t, partnerAPI(t, "GET", env.srv.URL+"/partner/v1/partners/1", e2eKey2, ""), http.StatusForbidden)

	list := func(query string) []int64 {
		t.Helper()
		r := env.ctl(t, "GET", "/mock/v1/deliveries"+query, nil)
		wantStatus(t, r, http.StatusOK)
		var ids []int64
		for _, d := range decodeAs[struct{ Deliveries []store.Delivery }](t, r).Deliveries {
			ids = append(ids, d.ID)
		}
		return ids
	}
	all := decodeAs[struct{ Deliveries []store.Delivery }](t, env.ctl(t, "GET", "/mock/v1/deliveries", nil)).Deliveries
	if len(all) != 7 {
		t.Fatalf("%d entries, want 7 (2 config, 2 webhook, 3 partner-api)", len(all))
	}
	where := func(keep func(store.Delivery) bool) []int64 {
		var ids []int64
		for _, d := range all {
			if keep(d) {
				ids = append(ids, d.ID)
			}
		}
		return ids
	}
	for _, tt := range []struct {
		query string
		want  []int64
	}{
		{"?kind=webhook", where(func(d store.Delivery) bool { return d.Kind == store.KindWebhook })},
		{"?kind=partner-api", where(func(d store.Delivery) bool { return d.Kind == store.KindPartnerAPI })},
		{"?verdict=failed", where(func(d store.Delivery) bool { return d.Verdict == store.VerdictFailed })},
		{"?partner=2", where(func(d store.Delivery) bool { return d.PartnerID == "2" })},
		{"?event=" + ok.Delivery.EventID, []int64{ok.Delivery.ID}},
		{"?result=" + failed.Result.ID, []int64{failed.Delivery.ID}},
		{"?after=" + strconv.FormatInt(all[2].ID, 10), where(func(d store.Delivery) bool { return d.ID > all[2].ID })},
		{"?limit=2", []int64{all[5].ID, all[6].ID}},
		{"?kind=webhook&verdict=ok&partner=1", []int64{ok.Delivery.ID}},
		{"?kind=partner-api&limit=1", []int64{all[6].ID}},
		{"?kind=action", nil},
	} {
		if got := list(tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("%s: ids %v, want %v", tt.query, got, tt.want)
		}
	}
	if n := len(where(func(d store.Delivery) bool { return d.Verdict == store.VerdictFailed })); n != 2 {
		t.Errorf("%d failed entries, want the 500 webhook and the 403", n)
	}
}

// A replayed webhook is the same body, re-signed with a fresh timestamp,
// journaled with replayOf; other calls of the mock replay too, requests
// the partner made do not.
func TestControlReplay(t *testing.T) {
	env := newE2EEnv(t)
	out := env.manual(t, env.candidate(t, "typical").ID, nil)
	env.clock.Advance(10 * time.Minute)
	r := env.ctl(t, "POST", fmt.Sprintf("/mock/v1/deliveries/%d/replay", out.Delivery.ID), nil)
	wantStatus(t, r, http.StatusOK)
	d := decodeAs[store.Delivery](t, r)
	if d.ReplayOf != out.Delivery.ID || d.Kind != store.KindWebhook || d.EventID != out.Delivery.EventID || d.ID <= out.Delivery.ID || !d.Time.Equal(env.clock.Now()) {
		t.Errorf("replay entry: %+v", d)
	}
	hooks := env.partner.requests("/webhook")
	if len(hooks) != 2 {
		t.Fatalf("%d webhooks, want 2", len(hooks))
	}
	if !bytes.Equal(hooks[0].Body, hooks[1].Body) {
		t.Error("the replay sent another body")
	}
	if hooks[0].SignedAt != fixedNow.Unix() || hooks[1].SignedAt != env.clock.Now().Unix() {
		t.Errorf("signature t: %d then %d, want %d then %d", hooks[0].SignedAt, hooks[1].SignedAt, fixedNow.Unix(), env.clock.Now().Unix())
	}
	entries := decodeAs[struct{ Deliveries []store.Delivery }](t, env.ctl(t, "GET", "/mock/v1/deliveries?event="+out.Delivery.EventID, nil)).Deliveries
	if len(entries) != 2 || entries[1].ReplayOf != out.Delivery.ID {
		t.Errorf("journal of the event: %+v", entries)
	}

	cfg := decodeAs[struct{ Deliveries []store.Delivery }](t, env.ctl(t, "GET", "/mock/v1/deliveries?kind=config", nil)).Deliveries[0]
	r = env.ctl(t, "POST", fmt.Sprintf("/mock/v1/deliveries/%d/replay", cfg.ID), nil)
	wantStatus(t, r, http.StatusOK)
	if d := decodeAs[store.Delivery](t, r); d.Kind != store.KindConfig || d.ReplayOf != cfg.ID || d.Request.URL != cfg.Request.URL {
		t.Errorf("config replay: %+v", d)
	}
	if n := len(env.partner.requests("/config")); n != 2 {
		t.Errorf("%d config fetches, want 2", n)
	}

	wantStatus(t, env.do(t, req{method: "GET", path: "/partner/v1/partners/1"}), http.StatusOK)
	api := decodeAs[struct{ Deliveries []store.Delivery }](t, env.ctl(t, "GET", "/mock/v1/deliveries?kind=partner-api", nil)).Deliveries[0]
	r = env.ctl(t, "POST", fmt.Sprintf("/mock/v1/deliveries/%d/replay", api.ID), nil)
	wantStatus(t, r, http.StatusConflict)
	if !strings.Contains(errorDetails(t, r), "only calls the mock made can be replayed") {
		t.Errorf("partner-api replay: %s", r.body)
	}
}

// A replay the partner accepts applies its outcome to the result: a
// result failed by the first delivery becomes sent and loses the stale
// failure message.
func TestControlReplayAfterFailure(t *testing.T) {
	env := newE2EEnv(t)
	env.partner.handle("/webhook", serveDoc(http.StatusServiceUnavailable, "maintenance"))
	out := env.manual(t, env.candidate(t, "typical").ID, nil)
	env.partner.handle("/webhook", serveDoc(http.StatusOK, ""))
	wantStatus(t, env.ctl(t, "POST", fmt.Sprintf("/mock/v1/deliveries/%d/replay", out.Delivery.ID), nil), http.StatusOK)
	res := decodeAs[controlapi.Result](t, env.ctl(t, "GET", "/mock/v1/results/"+out.Result.ID, nil))
	if res.Status != "sent" || res.Message != "" {
		t.Errorf("after an accepted replay: status %q message %q", res.Status, res.Message)
	}
}

// The curl export is a shell command that sends the journaled request
// again byte for byte: run with bash against the partner, it delivers
// the same body with the same headers, whatever quotes the body holds.
func TestControlCurlExport(t *testing.T) {
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	env := newE2EEnv(t)
	env.partner.handle("/config", serveDoc(http.StatusOK, `{"config":{"fields":[{"id":"note","type":"text","label":"Note"}]}}`))
	note := `it's "quoted" $HOME $(echo no) ` + "`echo no`" + ` \n ünïcödé`
	out := env.manual(t, env.candidate(t, "unicode").ID, map[string]string{"note": note})
	r := env.ctl(t, "GET", fmt.Sprintf("/mock/v1/deliveries/%d/curl", out.Delivery.ID), nil)
	wantStatus(t, r, http.StatusOK)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", string(r.body))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	output, err := cmd.Output()
	if err != nil {
		t.Fatalf("the curl command failed: %v\n%s\n%s", err, stderr.String(), r.body)
	}
	if !strings.HasPrefix(string(output), "HTTP/1.1 200") {
		t.Errorf("curl output: %.200s", output)
	}
	hooks := env.partner.requests("/webhook")
	if len(hooks) != 2 {
		t.Fatalf("%d webhooks, want the original and the curl one", len(hooks))
	}
	if !bytes.Equal(hooks[0].Body, hooks[1].Body) {
		t.Errorf("curl sent another body:\n%s\nwant\n%s", hooks[1].Body, hooks[0].Body)
	}
	if got := webhookOf(t, hooks[1].Body).PartnerEvent.WebhookData["note"]; got != note {
		t.Errorf("note = %q, want %q", got, note)
	}
	for _, h := range []string{"Authorization", "Teamtailor-Signature", "Teamtailor-Host", "Content-Type", "User-Agent"} {
		if hooks[0].Header.Get(h) != hooks[1].Header.Get(h) {
			t.Errorf("%s: %q, curl sent %q", h, hooks[0].Header.Get(h), hooks[1].Header.Get(h))
		}
	}
}

// The control API lists every partner's results with filters, and shows
// one with its update-url, whichever partner it belongs to.
func TestControlResults(t *testing.T) {
	env := newE2EEnv(t)
	typical, minimal := env.candidate(t, "typical"), env.candidate(t, "minimal")
	a := env.manual(t, typical.ID, nil)
	env.partner.handle("/webhook", serveDoc(http.StatusBadRequest, "no"))
	b := env.manual(t, minimal.ID, nil)
	own := partnerAPI(t, "POST", env.srv.URL+"/partner/v1/partner-results", e2eKey2, fmt.Sprintf(`{"data":{"type":"partner-results","attributes":{"status":"pending","candidate-id":%d}}}`, typical.ID))
	wantStatus(t, own, http.StatusCreated)
	ownID := decodeAs[struct{ Data struct{ ID string } }](t, own).Data.ID

	list := func(query string) []string {
		t.Helper()
		r := env.ctl(t, "GET", "/mock/v1/results"+query, nil)
		wantStatus(t, r, http.StatusOK)
		var ids []string
		for _, res := range decodeAs[struct{ Results []controlapi.Result }](t, r).Results {
			ids = append(ids, res.ID)
		}
		return ids
	}
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"", []string{a.Result.ID, b.Result.ID, ownID}},
		{"?partner=1", []string{a.Result.ID, b.Result.ID}},
		{"?partner=2", []string{ownID}},
		{fmt.Sprintf("?candidate=%d", typical.ID), []string{a.Result.ID, ownID}},
		{"?status=failed", []string{b.Result.ID}},
		{"?event=" + a.Delivery.EventID, []string{a.Result.ID}},
		{"?partner=3", nil},
	} {
		if got := list(tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("results%s = %v, want %v", tt.query, got, tt.want)
		}
	}
	for _, id := range []string{b.Result.ID, ownID} {
		r := env.ctl(t, "GET", "/mock/v1/results/"+id, nil)
		wantStatus(t, r, http.StatusOK)
		if rv := decodeAs[controlapi.Result](t, r); rv.ID != id || rv.UpdateURL != env.server.ResultURL(id) {
			t.Errorf("result %s: %+v", id, rv)
		}
	}
	if rv := decodeAs[controlapi.Result](t, env.ctl(t, "GET", "/mock/v1/results/"+b.Result.ID, nil)); rv.Status != "failed" || rv.Message != "no" || rv.EventID != b.Delivery.EventID {
		t.Errorf("failed result: %+v", rv.PartnerResult)
	}
}

// partnerClient sends Partner API requests on fresh connections, so a
// connection-level fault is seen as such and not retried.
func partnerClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
}

func (e *e2eEnv) getPartner(t *testing.T, client *http.Client) (*http.Response, []byte, error) {
	t.Helper()
	hr, _ := http.NewRequestWithContext(t.Context(), "GET", e.srv.URL+"/partner/v1/partners/1", nil)
	hr.Header.Set("Authorization", "Token "+e2eKey1)
	hr.Header.Set("X-Api-Version", protocol.APIVersion)
	resp, err := client.Do(hr)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// Faults set through the control API act on the Partner API: latency,
// a forced status for the next N requests then normal again, a forced
// status on a fraction of requests, connection-level faults an
// http.Client sees as errors, and rate limiting with 429.
func TestControlFaults(t *testing.T) {
	env := newE2EEnv(t)
	client := partnerClient()
	status := func() int {
		t.Helper()
		resp, _, err := env.getPartner(t, client)
		if err != nil {
			t.Fatalf("request failed: %v", err)
		}
		return resp.StatusCode
	}
	// setFaults puts doc and returns the function that clears it, for
	// the subtest to defer.
	setFaults := func(t *testing.T, doc string) func() {
		t.Helper()
		wantStatus(t, env.ctl(t, "PUT", "/mock/v1/faults", doc), http.StatusOK)
		return func() { wantStatus(t, env.ctl(t, "DELETE", "/mock/v1/faults", nil), http.StatusOK) }
	}

	t.Run("latency", func(t *testing.T) {
		defer setFaults(t, `{"latency":"150ms"}`)()
		start := time.Now()
		if s := status(); s != http.StatusOK {
			t.Errorf("status %d", s)
		}
		if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
			t.Errorf("answered after %s, want at least 150ms", elapsed)
		}
	})
	t.Run("status for the next 2", func(t *testing.T) {
		defer setFaults(t, `{"status":503,"count":2}`)()
		got := []int{status(), status(), status()}
		if !slices.Equal(got, []int{503, 503, 200}) {
			t.Errorf("statuses %v, want 503, 503 then 200", got)
		}
		if f := decodeAs[controlapi.Faults](t, env.ctl(t, "GET", "/mock/v1/faults", nil)); f.Status != 0 || f.Count != 0 {
			t.Errorf("faults after they ran out: %+v", f)
		}
	})
	t.Run("fraction 1", func(t *testing.T) {
		defer setFaults(t, `{"status":500,"fraction":1}`)()
		if got := []int{status(), status(), status()}; !slices.Equal(got, []int{500, 500, 500}) {
			t.Errorf("statuses %v, want 500 every time", got)
		}
		wantStatus(t, env.ctl(t, "DELETE", "/mock/v1/faults", nil), http.StatusOK)
		if s := status(); s != http.StatusOK {
			t.Errorf("after clearing: %d", s)
		}
	})
	for _, conn := range []string{"reset", "empty"} {
		t.Run("connection "+conn, func(t *testing.T) {
			defer setFaults(t, `{"connection":"`+conn+`","count":1}`)()
			if resp, _, err := env.getPartner(t, client); err == nil {
				t.Errorf("connection fault %s: got a response %d, want an error", conn, resp.StatusCode)
			}
			if s := status(); s != http.StatusOK {
				t.Errorf("next request: %d", s)
			}
		})
	}
	t.Run("connection malformed", func(t *testing.T) {
		defer setFaults(t, `{"connection":"malformed","count":1}`)()
		resp, body, err := env.getPartner(t, client)
		if err != nil {
			t.Fatalf("malformed: %v", err)
		}
		var doc map[string]any
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &doc) == nil {
			t.Errorf("malformed: %d %s, want a 200 whose JSON does not parse", resp.StatusCode, body)
		}
	})
	t.Run("rate limit", func(t *testing.T) {
		defer setFaults(t, `{"rateLimit":{"limit":2,"window":"10s","enforce":true}}`)()
		var remaining []string
		for range 2 {
			resp, _, err := env.getPartner(t, client)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("within the limit: %v %v", resp, err)
			}
			remaining = append(remaining, resp.Header.Get("X-Rate-Limit-Remaining"))
		}
		resp, body, _ := env.getPartner(t, client)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || resp.Header.Get("X-Rate-Limit-Limit") != "2" || !slices.Equal(remaining, []string{"1", "0"}) {
			t.Errorf("over the limit: %d Retry-After %q limit %q remaining %v; %s", resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("X-Rate-Limit-Limit"), remaining, body)
		}
		wantStatus(t, env.ctl(t, "DELETE", "/mock/v1/faults", nil), http.StatusOK)
		if s := status(); s != http.StatusOK {
			t.Errorf("after clearing: %d", s)
		}
	})
}

// Reset keeps the partners with their keys and settings, empties results,
// triggers, companies and the journal, and seeds a fresh sandbox per
// partner with jobs, candidates and an activation.
func TestControlReset(t *testing.T) {
	env := newE2EEnv(t)
	wantStatus(t, env.ctl(t, "POST", "/mock/v1/partners", map[string]any{"id": "3", "name": "Initech", "allowBulk": false}), http.StatusCreated)
	wantStatus(t, env.ctl(t, "POST", "/mock/v1/companies", map[string]any{"fixture": "acme"}), http.StatusCreated)
	job := env.job(t, 0)
	wantStatus(t, env.ctl(t, "POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": job.Stages[1].ID}), http.StatusCreated)
	env.manual(t, env.candidate(t, "typical").ID, nil)
	before := decodeAs[struct{ Partners []controlapi.PartnerKeys }](t, env.ctl(t, "GET", "/mock/v1/keys", nil)).Partners
	settings := decodeAs[struct{ Partners []controlapi.PartnerView }](t, env.ctl(t, "GET", "/mock/v1/partners", nil)).Partners

	wantStatus(t, env.ctl(t, "POST", "/mock/v1/reset", nil), http.StatusOK)

	after := decodeAs[struct{ Partners []controlapi.PartnerKeys }](t, env.ctl(t, "GET", "/mock/v1/keys", nil)).Partners
	if len(after) != 3 {
		t.Fatalf("%d partners after reset, want 3", len(after))
	}
	for i, p := range after {
		if p.APIKey != before[i].APIKey || p.WebhookSecret != before[i].WebhookSecret {
			t.Errorf("partner %s keys changed", p.ID)
		}
		if len(p.Activations) != 1 || p.Activations[0].ProviderKey == before[i].Activations[0].ProviderKey {
			t.Errorf("partner %s activations after reset: %+v", p.ID, p.Activations)
		}
	}
	if again := decodeAs[struct{ Partners []controlapi.PartnerView }](t, env.ctl(t, "GET", "/mock/v1/partners", nil)).Partners; !slices.EqualFunc(again, settings, func(a, b controlapi.PartnerView) bool {
		return a.ID == b.ID && a.Name == b.Name && a.BaseURL == b.BaseURL && a.AllowBulk == b.AllowBulk
	}) {
		t.Errorf("partner settings changed:\n%+v\n%+v", again, settings)
	}
	if rs := decodeAs[struct{ Results []controlapi.Result }](t, env.ctl(t, "GET", "/mock/v1/results", nil)).Results; len(rs) != 0 {
		t.Errorf("%d results after reset", len(rs))
	}
	if ts := decodeAs[struct{ Triggers []store.Trigger }](t, env.ctl(t, "GET", "/mock/v1/triggers", nil)).Triggers; len(ts) != 0 {
		t.Errorf("%d triggers after reset", len(ts))
	}
	companies := decodeAs[struct{ Companies []store.Company }](t, env.ctl(t, "GET", "/mock/v1/companies", nil)).Companies
	if len(companies) != 3 {
		t.Errorf("%d companies after reset, want the 3 fresh sandboxes", len(companies))
	}
	for _, c := range companies {
		if !c.Sandbox || c.UUID == env.sandbox.Company.UUID {
			t.Errorf("company %s (%s) after reset", c.UUID, c.Name)
		}
		jobs := decodeAs[struct{ Jobs []store.Job }](t, env.ctl(t, "GET", "/mock/v1/jobs?company="+c.UUID, nil)).Jobs
		cands := decodeAs[struct{ Total int }](t, env.ctl(t, "GET", "/mock/v1/candidates?company="+c.UUID, nil))
		if len(jobs) != len(fixtures.Names(fixtures.KindJobs)) || cands.Total != len(fixtures.Names(fixtures.KindCandidates)) {
			t.Errorf("sandbox %s: %d jobs, %d candidates", c.Name, len(jobs), cands.Total)
		}
	}
	wantStatus(t, env.do(t, req{method: "GET", path: "/partner/v1/partners/1"}), http.StatusOK)
}

// Keys lists, per partner, the API key, the webhook secret and the
// provider key of each activation.
func TestControlKeys(t *testing.T) {
	env := newE2EEnv(t)
	env.useActivationForm(t, "credentials")
	company := env.activationCompany(t)
	_, act := env.activate(t, map[string]any{"partnerId": "1", "companyUuid": company.UUID, "values": map[string]string{"account_id": "a", "api_key": "k", "region": "eu"}})
	ks := decodeAs[struct{ Partners []controlapi.PartnerKeys }](t, env.ctl(t, "GET", "/mock/v1/keys", nil)).Partners
	if len(ks) != 2 || ks[0].ID != "1" || ks[0].APIKey != e2eKey1 || ks[0].WebhookSecret != e2eSecret1 || ks[1].APIKey != e2eKey2 || ks[1].WebhookSecret != e2eSecret2 {
		t.Fatalf("keys: %+v", ks)
	}
	want := []controlapi.ActivationKeys{
		{ID: env.sandbox.Activation.ID, CompanyUUID: env.sandbox.Company.UUID, CompanyName: env.sandbox.Company.Name, ProviderKey: env.sandbox.Activation.ProviderKey},
		{ID: act.Activation.ID, CompanyUUID: company.UUID, CompanyName: company.Name, ProviderKey: act.Activation.ProviderKey},
	}
	if !slices.Equal(ks[0].Activations, want) {
		t.Errorf("partner 1 activations:\n got %+v\nwant %+v", ks[0].Activations, want)
	}
}

// Fixtures lists the whole catalogue: every kind and name with its
// description.
func TestControlFixtures(t *testing.T) {
	env := newE2EEnv(t)
	r := env.ctl(t, "GET", "/mock/v1/fixtures", nil)
	wantStatus(t, r, http.StatusOK)
	got := decodeAs[struct{ Fixtures []fixtures.Info }](t, r).Fixtures
	if want := fixtures.Catalogue(); !slices.Equal(got, want) || len(got) == 0 {
		t.Errorf("fixtures: %d entries, want the %d of the catalogue", len(got), len(want))
	}
}

// A partner created through the control API has its own keys and sandbox
// and never sees another partner's results or activations through the
// Partner API, nor they its own (docs/protocol.md §2: 403 for another partner's).
func TestControlPartnerCreateIsolation(t *testing.T) {
	env := newE2EEnv(t)
	r := env.ctl(t, "POST", "/mock/v1/partners", map[string]any{"id": "3", "name": "Initech"})
	wantStatus(t, r, http.StatusCreated)
	created := decodeAs[struct {
		Partner    controlapi.PartnerView
		Sandbox    store.Company
		Activation store.Activation
	}](t, r)
	key3 := created.Partner.APIKey
	if key3 == e2eKey1 || created.Partner.WebhookSecret == e2eSecret1 || created.Sandbox.UUID == env.sandbox.Company.UUID {
		t.Fatal("the new partner shares keys or sandbox with partner 1")
	}
	out := env.manual(t, env.candidate(t, "typical").ID, nil)
	base := env.srv.URL + "/partner/v1"

	results := partnerAPI(t, "GET", base+"/partner-results", key3, "")
	wantStatus(t, results, http.StatusOK)
	if doc := results.doc(t); len(doc["data"].([]any)) != 0 {
		t.Errorf("partner 3 lists results: %s", results.body)
	}
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		body := ""
		if m == "PATCH" {
			body = `{"data":{"type":"partner-results","attributes":{"status":"completed"}}}`
		}
		if r := partnerAPI(t, m, base+"/partner-results/"+out.Result.ID, key3, body); r.status != http.StatusForbidden {
			t.Errorf("%s partner 1's result as partner 3: %d", m, r.status)
		}
	}
	acts := partnerAPI(t, "GET", base+"/partner-activations", key3, "")
	wantStatus(t, acts, http.StatusOK)
	var actDoc struct {
		Data []struct {
			ID         string
			Attributes struct {
				CompanyUUID string `json:"company-uuid"`
			}
		}
	}
	json.Unmarshal(acts.body, &actDoc)
	if len(actDoc.Data) != 1 || actDoc.Data[0].Attributes.CompanyUUID != created.Sandbox.UUID {
		t.Errorf("partner 3 activations: %s", acts.body)
	}
	if r := partnerAPI(t, "GET", base+"/partner-activations/"+env.sandbox.Activation.ID, key3, ""); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Errorf("partner 1's activation as partner 3: %d", r.status)
	}
	if r := partnerAPI(t, "GET", base+"/partners/1", key3, ""); r.status != http.StatusForbidden {
		t.Errorf("partner 1 as partner 3: %d", r.status)
	}

	// And the other way round.
	cands := decodeAs[struct{ Candidates []store.CandidateRecord }](t, env.ctl(t, "GET", "/mock/v1/candidates?company="+created.Sandbox.UUID, nil)).Candidates
	own := partnerAPI(t, "POST", base+"/partner-results", key3, fmt.Sprintf(`{"data":{"type":"partner-results","attributes":{"status":"pending","candidate-id":%d}}}`, cands[0].ID))
	wantStatus(t, own, http.StatusCreated)
	ownID := decodeAs[struct{ Data struct{ ID string } }](t, own).Data.ID
	list := env.do(t, req{method: "GET", path: "/partner/v1/partner-results?page[size]=30"})
	wantStatus(t, list, http.StatusOK)
	if bytes.Contains(list.body, []byte(ownID)) {
		t.Error("partner 1 lists partner 3's result")
	}
	if r := env.do(t, req{method: "GET", path: "/partner/v1/partner-results/" + ownID}); r.status != http.StatusForbidden {
		t.Errorf("partner 3's result as partner 1: %d", r.status)
	}
}
