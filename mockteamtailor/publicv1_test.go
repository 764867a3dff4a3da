package mockteamtailor

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/companyevent"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// v1 sends a /v1 request with a company key, as a partner does.
func (e *e2eEnv) v1(t *testing.T, method, path, key, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Authorization", "Token token="+key)
	req.Header.Set("X-Api-Version", publicapi.CurrentVersion)
	if body != "" {
		req.Header.Set("Content-Type", publicapi.MediaType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// One world, end to end over loopback: a stage trigger's webhook carries
// the company key as Teamtailor-Api-Token; with it the partner reads the
// candidate and its application through /v1, writes a custom field value
// and moves the application by PATCH into the next stage, whose trigger
// sends a second signed webhook that carries the value written.
func TestE2EPublicAPIFlow(t *testing.T) {
	env := newE2EEnv(t)
	env.patchPartner(t, "1", map[string]any{"requireApiToken": true})
	job := env.job(t, 0)
	first, next := job.Stages[1], job.Stages[2]
	for _, st := range []store.Stage{first, next} {
		wantStatus(t, env.ctl(t, "POST", "/mock/v1/triggers", map[string]any{"partnerId": "1", "jobId": job.ID, "stageId": st.ID}), http.StatusCreated)
	}
	cand := env.candidate(t, "minimal")
	wantStatus(t, env.ctl(t, "POST", fmt.Sprintf("/mock/v1/candidates/%d/move", cand.ID), map[string]any{"jobId": job.ID, "stageId": first.ID}), http.StatusOK)

	hook := env.partner.onlyHook(t)
	key := hook.Header.Get("Teamtailor-Api-Token")
	if key != env.sandbox.Company.APITokens[0] {
		t.Fatalf("Teamtailor-Api-Token = %q, want the sandbox's admin key", key)
	}
	ev := webhookOf(t, hook.Body)

	// The webhook's ids are /v1's ids.
	status, body := env.v1(t, "GET", fmt.Sprintf("/v1/candidates/%d?include=job-applications,custom-field-values", ev.PartnerEvent.Candidate.ID), key, "")
	if status != http.StatusOK {
		t.Fatalf("read the candidate: %d %s", status, body)
	}
	var doc struct {
		Data struct {
			Attributes map[string]any `json:"attributes"`
		} `json:"data"`
		Included []struct {
			ID            string `json:"id"`
			Type          string `json:"type"`
			Relationships map[string]struct {
				Data json.RawMessage `json:"data"`
			} `json:"relationships"`
		} `json:"included"`
	}
	json.Unmarshal(body, &doc)
	if ev.PartnerEvent.Candidate.Email == nil || doc.Data.Attributes["email"] != *ev.PartnerEvent.Candidate.Email {
		t.Errorf("candidate email %v, webhook %v", doc.Data.Attributes["email"], ev.PartnerEvent.Candidate.Email)
	}
	var appID string
	for _, inc := range doc.Included {
		if inc.Type == "job-applications" {
			appID = inc.ID
		}
	}
	status, body = env.v1(t, "GET", "/v1/job-applications/"+appID+"?include=stage", key, "")
	if status != http.StatusOK || !strings.Contains(string(body), fmt.Sprintf(`"type":"stages","id":"%d"`, *ev.PartnerEvent.Candidate.Job.StageID)) {
		t.Fatalf("the application is not in the webhook's stage %d: %d %s", *ev.PartnerEvent.Candidate.Job.StageID, status, body)
	}

	// A value for the company's custom field, then the move.
	status, body = env.v1(t, "GET", "/v1/custom-fields?filter[api-name]=years-of-experience", key, "")
	var fields struct {
		Data []struct{ ID string } `json:"data"`
	}
	json.Unmarshal(body, &fields)
	if status != http.StatusOK || len(fields.Data) != 1 {
		t.Fatalf("custom field: %d %s", status, body)
	}
	status, body = env.v1(t, "POST", "/v1/custom-field-values", key, fmt.Sprintf(
		`{"data":{"type":"custom-field-values","attributes":{"value":7},"relationships":{"custom-field":{"data":{"type":"custom-fields","id":%q}},"owner":{"data":{"type":"candidates","id":"%d"}}}}}`,
		fields.Data[0].ID, cand.ID))
	if status != http.StatusCreated {
		t.Fatalf("custom field value: %d %s", status, body)
	}
	status, body = env.v1(t, "PATCH", "/v1/job-applications/"+appID, key, fmt.Sprintf(
		`{"data":{"id":%q,"type":"job-applications","relationships":{"stage":{"data":{"type":"stages","id":"%d"}}}}}`, appID, next.ID))
	if status != http.StatusOK {
		t.Fatalf("move: %d %s", status, body)
	}

	hooks := env.partner.requests("/webhook")
	if len(hooks) != 2 {
		t.Fatalf("webhooks after the /v1 move: %d, want 2", len(hooks))
	}
	second := webhookOf(t, hooks[1].Body)
	if hooks[1].SigErr != nil || hooks[1].Header.Get("Teamtailor-Api-Token") != key {
		t.Errorf("second webhook: signature %v, token %q", hooks[1].SigErr, hooks[1].Header.Get("Teamtailor-Api-Token"))
	}
	if j := second.PartnerEvent.Candidate.Job; j == nil || j.StageID == nil || *j.StageID != next.ID {
		t.Errorf("second webhook's stage: %+v", j)
	}
	found := false
	for _, cf := range second.PartnerEvent.Candidate.CustomFields {
		if cf.APIName == "years-of-experience" && string(cf.Value) == "7" {
			found = true
		}
	}
	if !found {
		t.Errorf("the value written through /v1 is not in the next webhook: %+v", second.PartnerEvent.Candidate.CustomFields)
	}

	// Each /v1 call is in the journal, for the partner whose activation
	// carries the key.
	entries, err := env.store.Journal(t.Context(), store.JournalFilter{Kind: publicapi.KindPublicAPI})
	if err != nil || len(entries) != 5 || entries[0].PartnerID != "1" {
		t.Errorf("journal: %d entries (%v)", len(entries), err)
	}
	r := env.ctl(t, "GET", "/mock/v1/deliveries?kind=public-api", nil)
	wantStatus(t, r, http.StatusOK)
}

// /v1 is no web UI path: the control token does not guard it, and the
// Host guard does.
func TestPublicAPIGuards(t *testing.T) {
	env := newE2EEnv(t, func(c *Config) { c.ControlToken = "ctl-secret" })
	key := env.sandbox.Company.APITokens[0]
	if status, body := env.v1(t, "GET", "/v1/company", key, ""); status != http.StatusOK {
		t.Errorf("with a control token set: %d %s", status, body)
	}
	req, _ := http.NewRequest("GET", env.srv.URL+"/v1/company", nil)
	req.Host = "evil.example"
	req.Header.Set("Authorization", "Token token="+key)
	req.Header.Set("X-Api-Version", publicapi.CurrentVersion)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode < 400 || res.StatusCode >= 500 {
		t.Errorf("a foreign Host: %d", res.StatusCode)
	}
	// A company key is no Partner API key.
	req, _ = http.NewRequest("GET", env.srv.URL+"/partner/v1/partner-results", nil)
	req.Header.Set("Authorization", "Token "+key)
	req.Header.Set("X-Api-Version", "20180828")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a company key on the Partner API: %d", res.StatusCode)
	}
}

// The control API's rate limit switches /v1's 429s on and off, with
// Teamtailor's 50 requests per 10 s per key.
func TestPublicAPIRateLimitFollowsControl(t *testing.T) {
	env := newE2EEnv(t)
	key := env.sandbox.Company.APITokens[0]
	wantStatus(t, env.ctl(t, "PUT", "/mock/v1/faults", map[string]any{"rateLimit": map[string]any{"limit": 5, "window": "10s", "enforce": true}}), http.StatusOK)
	statuses := map[int]int{}
	for range 51 {
		status, _ := env.v1(t, "GET", "/v1/company", key, "")
		statuses[status]++
	}
	if statuses[http.StatusOK] != 50 || statuses[http.StatusTooManyRequests] != 1 {
		t.Errorf("51 requests with enforcement on: %v", statuses)
	}
	wantStatus(t, env.ctl(t, "DELETE", "/mock/v1/faults", nil), http.StatusOK)
	if status, _ := env.v1(t, "GET", "/v1/company", key, ""); status != http.StatusOK {
		t.Errorf("after the faults are cleared: %d", status)
	}
}

// Keys are created and revoked through the control API: a new key works
// on /v1 within its scope and permissions; a revoked one is refused, also
// where an activation still sends it.
func TestAPIKeysCreateAndRevoke(t *testing.T) {
	env := newE2EEnv(t)
	uuid := env.sandbox.Company.UUID
	r := env.ctl(t, "POST", "/mock/v1/companies/"+uuid+"/api-keys", map[string]any{"scope": "internal", "permissions": "read"})
	wantStatus(t, r, http.StatusCreated)
	k := decodeAs[store.APIKey](t, r)
	if k.Scope != "internal" || !k.Read || k.Write || !strings.HasPrefix(k.Key, "ttapi_") {
		t.Fatalf("created key: %+v", k)
	}
	if status, body := env.v1(t, "GET", "/v1/jobs", k.Key, ""); status != http.StatusOK {
		t.Errorf("the new key reads jobs: %d %s", status, body)
	}
	if status, _ := env.v1(t, "GET", "/v1/candidates", k.Key, ""); status != http.StatusForbidden {
		t.Errorf("the new internal key reads candidates: %d", status)
	}
	for _, bad := range []map[string]any{{"scope": "root"}, {"scope": "admin", "permissions": "all"}} {
		wantStatus(t, env.ctl(t, "POST", "/mock/v1/companies/"+uuid+"/api-keys", bad), http.StatusUnprocessableEntity)
	}
	wantStatus(t, env.ctl(t, "POST", "/mock/v1/companies/nope/api-keys", map[string]any{"scope": "admin"}), http.StatusNotFound)

	// The sandbox's admin key, which its activation sends, revoked.
	admin := env.sandbox.Company.APITokens[0]
	wantStatus(t, env.ctl(t, "DELETE", "/mock/v1/companies/"+uuid+"/api-keys/"+admin, nil), http.StatusNoContent)
	if status, _ := env.v1(t, "GET", "/v1/company", admin, ""); status != http.StatusUnauthorized {
		t.Errorf("a revoked key: %d", status)
	}
	wantStatus(t, env.ctl(t, "DELETE", "/mock/v1/companies/"+uuid+"/api-keys/"+admin, nil), http.StatusNotFound)
	keys := decodeAs[struct {
		Companies []struct {
			UUID    string
			APIKeys []store.APIKey
		}
	}](t, env.ctl(t, "GET", "/mock/v1/keys", nil))
	for _, c := range keys.Companies {
		if c.UUID != uuid {
			continue
		}
		if len(c.APIKeys) != 3 || c.APIKeys[2].Key != k.Key {
			t.Errorf("keys after a create and a revoke: %+v", c.APIKeys)
		}
		for _, got := range c.APIKeys {
			if got.Key == admin {
				t.Error("the revoked key is still listed")
			}
		}
	}
	// The internal and public keys derived before are kept.
	derived := env.sandbox.Company.APIKeys()
	if status, _ := env.v1(t, "GET", "/v1/jobs", derived[2].Key, ""); status != http.StatusOK {
		t.Errorf("the public key after the admin key was revoked: %d", status)
	}
}

// A rejection with a reason through /v1 is the server's RejectApplication:
// the application the control API shows is rejected with the reason,
// the control API's undo clears both, and the control API refuses a
// reason the company does not have.
func TestPublicAPIRejectIsTheRecruitersReject(t *testing.T) {
	env := newE2EEnv(t)
	key := env.sandbox.Company.APITokens[0]
	job := env.job(t, 0)
	cand := env.candidate(t, "minimal")
	wantStatus(t, env.ctl(t, "POST", fmt.Sprintf("/mock/v1/candidates/%d/move", cand.ID), map[string]any{"jobId": job.ID, "stageId": job.Stages[1].ID}), http.StatusOK)
	if status, body := env.v1(t, "POST", "/v1/reject-reasons", key, `{"data":{"type":"reject-reasons","attributes":{"reason":"Not a fit"}}}`); status != http.StatusCreated {
		t.Fatalf("reason: %d %s", status, body)
	}
	app := fmt.Sprint(cand.ID*1_000_000 + job.ID)
	status, body := env.v1(t, "PATCH", "/v1/job-applications/"+app, key, `{"data":{"id":"`+app+`","type":"job-applications",`+
		`"attributes":{"rejected-at":"2026-03-18T11:00:00+01:00"},"relationships":{"reject-reason":{"data":{"type":"reject-reasons","id":"1"}}}}}`)
	if status != http.StatusOK {
		t.Fatalf("reject: %d %s", status, body)
	}
	got, err := env.server.Store().Candidate(t.Context(), cand.ID)
	if a, _ := got.Application(job.ID); err != nil || !a.Rejected || a.RejectReasonID != 1 {
		t.Fatalf("stored application after the /v1 reject: %+v %v", a, err)
	}
	wantStatus(t, env.ctl(t, "POST", fmt.Sprintf("/mock/v1/candidates/%d/reject", cand.ID), map[string]any{"jobId": job.ID, "undo": true}), http.StatusOK)
	got, _ = env.server.Store().Candidate(t.Context(), cand.ID)
	if a, _ := got.Application(job.ID); a.Rejected || a.RejectReasonID != 0 {
		t.Errorf("after the control API's undo: %+v", a)
	}
	wantStatus(t, env.ctl(t, "POST", fmt.Sprintf("/mock/v1/candidates/%d/reject", cand.ID), map[string]any{"jobId": job.ID, "rejectReasonId": 5}), http.StatusUnprocessableEntity)
}

// A candidate created through /v1 is added as the control API adds one:
// the control API shows it, with a uuid, in the key's company; POST
// /v1/job-applications then applies it through the recruiter's move.
func TestPublicAPICreatesCandidateAndApplication(t *testing.T) {
	env := newE2EEnv(t)
	key := env.sandbox.Company.APITokens[0]
	status, body := env.v1(t, "POST", "/v1/candidates", key, `{"data":{"type":"candidates","attributes":{"first-name":"Grace","email":"grace@example.com"}}}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	var doc struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	json.Unmarshal(body, &doc)
	var id int64
	fmt.Sscan(doc.Data.ID, &id)
	got, err := env.server.Store().Candidate(t.Context(), id)
	if err != nil || got.CompanyUUID != env.sandbox.Company.UUID || got.Data.UUID == "" || got.Data.Email == nil || *got.Data.Email != "grace@example.com" {
		t.Fatalf("stored: %+v %v", got, err)
	}
	wantStatus(t, env.ctl(t, "GET", fmt.Sprintf("/mock/v1/candidates/%d", id), nil), http.StatusOK)
	job := env.job(t, 0)
	status, body = env.v1(t, "POST", "/v1/job-applications", key, fmt.Sprintf(
		`{"data":{"type":"job-applications","relationships":{"candidate":{"data":{"type":"candidates","id":"%d"}},"job":{"data":{"type":"jobs","id":"%d"}}}}}`, id, job.ID))
	if status != http.StatusCreated {
		t.Fatalf("apply: %d %s", status, body)
	}
	got, _ = env.server.Store().Candidate(t.Context(), id)
	if a, ok := got.Application(job.ID); !ok || a.StageID != job.Stages[0].ID {
		t.Errorf("application: %+v", got.Applications)
	}
}

// Every /v1 write that changes a candidate, a job or an application fires
// the company events docs/company-webhooks.md §3 lists, once per write, and
// nothing for an unlisted field, a no-op write, notes, reject reasons or
// uploads (§3 Decision: every path counts).
func TestPublicAPIWritesFireCompanyEvents(t *testing.T) {
	env := newE2EEnv(t)
	key := env.sandbox.Company.APITokens[0]
	job := env.job(t, 0)
	rec := recordEvents(t, env.server)
	var candID int64
	idOf := func(body []byte) string {
		var doc struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		json.Unmarshal(body, &doc)
		return doc.Data.ID
	}
	// field returns the id of a custom field of type ft owned by owner
	// (for a job, one the job has no value of).
	field := func(owner, ft string) string {
		status, body := env.v1(t, "GET", "/v1/custom-fields?page[size]=30", key, "")
		if status != http.StatusOK {
			t.Fatalf("custom fields: %d %s", status, body)
		}
		var doc struct {
			Data []struct {
				ID         string         `json:"id"`
				Attributes map[string]any `json:"attributes"`
			} `json:"data"`
		}
		json.Unmarshal(body, &doc)
		for _, f := range doc.Data {
			taken := owner == "Job" && slices.ContainsFunc(job.CustomFields, func(cf protocol.CustomField) bool { return cf.APIName == f.Attributes["api-name"] })
			if f.Attributes["owner-type"] == owner && f.Attributes["field-type"] == ft && !taken {
				return f.ID
			}
		}
		t.Fatalf("no %s custom field owned by %s: %s", ft, owner, body)
		return ""
	}
	status, body := env.v1(t, "GET", "/v1/locations", key, "")
	var locs struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	json.Unmarshal(body, &locs)
	if status != http.StatusOK || len(locs.Data) == 0 {
		t.Fatalf("locations: %d %s", status, body)
	}
	location := locs.Data[0].ID
	candField, jobField := field("Candidate", "CustomField::Number"), field("Job", "CustomField::Text")
	var candValue string
	app := func() string { return fmt.Sprint(candID*1_000_000 + job.ID) }
	for _, step := range []struct {
		name         string
		method, path func() string
		body         func() string
		want         []string
		after        func(body []byte)
	}{
		{"POST /v1/candidates, a new candidate", fixed("POST"), fixed("/v1/candidates"),
			fixed(`{"data":{"type":"candidates","attributes":{"first-name":"Grace","email":"grace@example.com"}}}`),
			[]string{companyevent.CandidateCreate}, func(b []byte) { fmt.Sscan(idOf(b), &candID) }},
		{"POST /v1/candidates, merged into the same e-mail with a new last name", fixed("POST"), fixed("/v1/candidates"),
			fixed(`{"data":{"type":"candidates","attributes":{"last-name":"Hopper","email":"grace@example.com","merge":true}}}`),
			[]string{companyevent.CandidateUpdate}, nil},
		{"POST /v1/candidates, merged, tags only (not listed)", fixed("POST"), fixed("/v1/candidates"),
			fixed(`{"data":{"type":"candidates","attributes":{"email":"grace@example.com","merge":true,"tags":["vip"]}}}`),
			[]string{}, nil},
		{"PATCH /v1/candidates, the first name", fixed("PATCH"), func() string { return fmt.Sprint("/v1/candidates/", candID) },
			func() string {
				return fmt.Sprintf(`{"data":{"id":"%d","type":"candidates","attributes":{"first-name":"Ada"}}}`, candID)
			}, []string{companyevent.CandidateUpdate}, nil},
		{"PATCH /v1/candidates, the same first name (no-op)", fixed("PATCH"), func() string { return fmt.Sprint("/v1/candidates/", candID) },
			func() string {
				return fmt.Sprintf(`{"data":{"id":"%d","type":"candidates","attributes":{"first-name":"Ada"}}}`, candID)
			}, []string{}, nil},
		{"PATCH /v1/candidates, tags (not listed)", fixed("PATCH"), func() string { return fmt.Sprint("/v1/candidates/", candID) },
			func() string {
				return fmt.Sprintf(`{"data":{"id":"%d","type":"candidates","attributes":{"tags":["a","b"]}}}`, candID)
			}, []string{}, nil},
		{"PATCH /v1/candidates, locations", fixed("PATCH"), func() string { return fmt.Sprint("/v1/candidates/", candID) },
			func() string {
				return fmt.Sprintf(`{"data":{"id":"%d","type":"candidates","relationships":{"locations":{"data":[{"type":"locations","id":"%s"}]}}}}`, candID, location)
			}, []string{companyevent.CandidateUpdate}, nil},
		{"POST /v1/job-applications", fixed("POST"), fixed("/v1/job-applications"),
			func() string {
				return fmt.Sprintf(`{"data":{"type":"job-applications","relationships":{"candidate":{"data":{"type":"candidates","id":"%d"}},"job":{"data":{"type":"jobs","id":"%d"}}}}}`, candID, job.ID)
			}, []string{companyevent.ApplicationCreate}, nil},
		{"PATCH /v1/job-applications, a stage move", fixed("PATCH"), func() string { return "/v1/job-applications/" + app() },
			func() string {
				return fmt.Sprintf(`{"data":{"id":"%s","type":"job-applications","relationships":{"stage":{"data":{"type":"stages","id":"%d"}}}}}`, app(), job.Stages[1].ID)
			}, []string{companyevent.ApplicationUpdate}, nil},
		{"PATCH /v1/job-applications, a rejection", fixed("PATCH"), func() string { return "/v1/job-applications/" + app() },
			func() string {
				return fmt.Sprintf(`{"data":{"id":"%s","type":"job-applications","attributes":{"rejected-at":"2026-03-18T11:00:00+01:00"}}}`, app())
			}, []string{companyevent.ApplicationUpdate}, nil},
		{"POST /v1/custom-field-values, a candidate's", fixed("POST"), fixed("/v1/custom-field-values"),
			func() string {
				return fmt.Sprintf(`{"data":{"type":"custom-field-values","attributes":{"value":3},"relationships":{"custom-field":{"data":{"type":"custom-fields","id":"%s"}},"owner":{"data":{"type":"candidates","id":"%d"}}}}}`, candField, candID)
			}, []string{companyevent.CandidateUpdate}, func(b []byte) { candValue = idOf(b) }},
		{"PATCH /v1/custom-field-values, a candidate's changed", fixed("PATCH"), func() string { return "/v1/custom-field-values/" + candValue },
			func() string {
				return fmt.Sprintf(`{"data":{"id":"%s","type":"custom-field-values","attributes":{"value":4}}}`, candValue)
			}, []string{companyevent.CandidateUpdate}, nil},
		{"PATCH /v1/custom-field-values, a candidate's unchanged (no-op)", fixed("PATCH"), func() string { return "/v1/custom-field-values/" + candValue },
			func() string {
				return fmt.Sprintf(`{"data":{"id":"%s","type":"custom-field-values","attributes":{"value":4}}}`, candValue)
			}, []string{}, nil},
		{"POST /v1/custom-field-values, a job's", fixed("POST"), fixed("/v1/custom-field-values"),
			func() string {
				return fmt.Sprintf(`{"data":{"type":"custom-field-values","attributes":{"value":"remote"},"relationships":{"custom-field":{"data":{"type":"custom-fields","id":"%s"}},"owner":{"data":{"type":"jobs","id":"%d"}}}}}`, jobField, job.ID)
			}, []string{companyevent.JobUpdate}, nil},
		{"POST /v1/notes (no event)", fixed("POST"), fixed("/v1/notes"),
			func() string {
				return fmt.Sprintf(`{"data":{"type":"notes","attributes":{"note":"Strong candidate"},"relationships":{"candidate":{"data":{"type":"candidates","id":"%d"}}}}}`, candID)
			}, []string{}, nil},
		{"POST /v1/reject-reasons (no event)", fixed("POST"), fixed("/v1/reject-reasons"),
			fixed(`{"data":{"type":"reject-reasons","attributes":{"reason":"Not a fit"}}}`), []string{}, nil},
	} {
		status, body := env.v1(t, step.method(), step.path(), key, step.body())
		if status >= 300 {
			t.Fatalf("%s: %d %s", step.name, status, body)
		}
		if got := names(rec.take()); !slices.Equal(got, step.want) {
			t.Errorf("%s: events %v, want %v", step.name, got, step.want)
		}
		if step.after != nil {
			step.after(body)
		}
	}
}

func fixed(s string) func() string { return func() string { return s } }
