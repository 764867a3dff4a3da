package webui

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Rule: every template is parsed (and escaped) when the UI is built, so
// a broken one is an error from New, not a broken page.
func TestTemplatesParseAtStartUp(t *testing.T) {
	u := &UI{}
	if err := u.parseTemplates(assets); err != nil {
		t.Fatalf("the embedded templates do not parse: %v", err)
	}
	for _, name := range pageNames {
		if u.pages[name] == nil {
			t.Errorf("page %s was not parsed", name)
		}
	}
	files, _ := fs.Glob(assets, "templates/pages/*.html")
	if len(files) != len(pageNames) {
		t.Errorf("%d page files, %d known pages", len(files), len(pageNames))
	}

	broken := func(page, layout string) fstest.MapFS {
		m := fstest.MapFS{}
		fs.WalkDir(assets, "templates", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := fs.ReadFile(assets, p)
				m[p] = &fstest.MapFile{Data: b}
			}
			return nil
		})
		if page != "" {
			m["templates/pages/overview.html"] = &fstest.MapFile{Data: []byte(page)}
		}
		if layout != "" {
			m["templates/layout.html"] = &fstest.MapFile{Data: []byte(layout)}
		}
		return m
	}
	for name, fsys := range map[string]fstest.MapFS{
		"syntax error":     broken(`{{define "content"}}{{if}}{{end}}`, ""),
		"unknown function": broken(`{{define "content"}}{{nosuchfunc 1}}{{end}}`, ""),
		"no content":       broken(`{{define "other"}}x{{end}}`, ""),
		"unsafe context":   broken(`{{define "content"}}<a href="{{.Title}}>x</a>{{end}}`, ""),
	} {
		if err := (&UI{}).parseTemplates(fsys); err == nil {
			t.Errorf("%s: parseTemplates accepted a broken template", name)
		} else if !strings.Contains(err.Error(), "overview") {
			t.Errorf("%s: the error %q does not name the page", name, err)
		}
	}
	if _, err := New(nil, nil); err == nil {
		t.Error("New(nil) did not fail")
	}
}

// Rule: every page renders, says what it is about, and is usable with a
// screen reader (labels, button names, landmarks, unique ids).
func TestPagesRenderAccessibly(t *testing.T) {
	e := newEnv(t)
	job := e.sandboxJobs("1")[0]
	cands, _, _ := e.store.Candidates(context.Background(), e.sandbox.Company.UUID, store.Page{})
	// Some activity, so results and deliveries have something to show.
	tr, err := e.srv.CreateTrigger(context.Background(), controlapi.TriggerRequest{PartnerID: "1", JobID: job.ID, StageID: job.Stages[2].ID, Data: map[string]string{"test": "go", "threshold": "60"}})
	if err != nil {
		t.Fatal(err)
	}
	mv, err := e.srv.MoveCandidate(context.Background(), controlapi.MoveRequest{CandidateID: cands[0].ID, JobID: job.ID, StageID: tr.StageID})
	if err != nil || len(mv.Outcomes) != 1 {
		t.Fatalf("move: %v %+v", err, mv)
	}
	waitResult(t, e, cands[0].ID, "completed")
	run, err := e.srv.BulkTrigger(context.Background(), controlapi.BulkRequest{PartnerID: "1", CandidateIDs: []int64{cands[1].ID, cands[2].ID}, Data: map[string]string{"test": "ruby"}, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	webhook := mv.Outcomes[0].Delivery.ID

	for _, tc := range []struct {
		path   string
		status int
		wants  []string
	}{
		{"/", 200, []string{"Example Partner", "Quick start", "Partner API key", "Webhook secret", "/v1 key (Teamtailor-Api-Token)", "Send Example Partner test", "Recent deliveries", "Last call"}},
		{"/marketplace", 200, []string{"Activated in Sandbox: Example Partner", "Provider key", "Deactivate", "Add a company"}},
		{"/jobs", 200, []string{job.Title, "1 trigger"}},
		{fmt.Sprintf("/jobs/%d", job.ID), 200, []string{"Inbox", "Assessment", "test=go", "+ Add trigger", "Move to"}},
		{fmt.Sprintf("/jobs/%d/stages/%d/trigger", job.ID, job.Stages[1].ID), 200, []string{"New Example Partner trigger", `<optgroup label="Programming tests">`, "Pass threshold", "Save trigger"}},
		{"/candidates", 200, []string{candidateName(cands[0]), "Send Example Partner test (bulk)", "Select every candidate"}},
		{fmt.Sprintf("/candidates/%d", cands[0].ID), 200, []string{candidateName(cands[0]), "Send Example Partner test", "Partner results", "Completed", "Full report"}},
		{fmt.Sprintf("/candidates/%d/trigger", cands[0].ID), 200, []string{"Send Example Partner test", "Test"}},
		{"/bulk?" + url.Values{nameCandidate: {fmt.Sprint(cands[3].ID), fmt.Sprint(cands[4].ID)}}.Encode(), 200, []string{"to 2 candidates", "Bulk mode"}},
		{"/bulk/" + run.ID, 200, []string{"Bulk run to Example Partner", "2 of 2 sent"}},
		{"/deliveries", 200, []string{"Deliveries", "Webhook", "Partner API"}},
		{fmt.Sprintf("/deliveries/%d", webhook), 200, []string{"Webhook #", "Signature", "Verifies", "Request", "Response", "Teamtailor-Signature"}},
		{"/no/such/page", 404, []string{"Page not found"}},
	} {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			resp, err := e.client.Get(e.url(tc.path))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b strings.Builder
			bufio.NewReader(resp.Body).WriteTo(&b)
			body := b.String()
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			mustContain(t, body, tc.wants...)
			for _, p := range a11yProblems(body) {
				t.Errorf("accessibility: %s", p)
			}
			// Nothing is loaded from elsewhere.
			if m := regexp.MustCompile(`(?:src|href)="(?:https?:)?//`).FindString(body); m != "" && !strings.Contains(body, "example") {
				t.Errorf("the page loads something from elsewhere: %s", m)
			}
		})
	}
}

// waitResult waits until the candidate's newest result has a status.
func waitResult(t *testing.T, e *env, candidate int64, status string) store.PartnerResult {
	t.Helper()
	var got store.PartnerResult
	eventually(t, "a "+status+" result", func() bool {
		rs, _ := e.store.AllResults(context.Background(), store.ResultFilter{CandidateID: candidate})
		if len(rs) == 0 {
			return false
		}
		got = rs[len(rs)-1]
		return string(got.Status) == status
	})
	return got
}

// Rule: the marketplace form is the partner's activation config;
// submitting it runs Activate, validation endpoint included, and shows
// what it refuses inline.
func TestActivationForm(t *testing.T) {
	e := newEnv(t)
	status, body, _ := e.post("/marketplace/companies", url.Values{"name": {""}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("a company without a name: status %d", status)
	}
	mustContain(t, body, `id="new-company-err"`, "Name is required")

	status, body, where := e.post("/marketplace/companies", url.Values{"name": {"Acme Test"}})
	if status != 200 || !strings.HasPrefix(where, "/marketplace?company=") {
		t.Fatalf("adding a company: %d at %s", status, where)
	}
	company := strings.TrimPrefix(where, "/marketplace?company=")
	mustContain(t, body, "Added the company Acme Test", "Activate in Acme Test", "Example Partner API token", `name="api_token"`, `for="f-api_token"`, "Activate Example Partner")

	form := url.Values{nameCompany: {company}}
	status, body, _ = e.post("/marketplace/activate", form)
	if status != http.StatusUnprocessableEntity {
		t.Errorf("without the required field: status %d", status)
	}
	mustContain(t, body, `id="f-api_token-err"`, "Example Partner API token is required", `aria-invalid="true"`)

	form.Set("api_token", "reject-me")
	status, body, _ = e.post("/marketplace/activate", form)
	if status != http.StatusUnprocessableEntity {
		t.Errorf("refused by the validation endpoint: status %d", status)
	}
	mustContain(t, body, "Example Partner refused the activation", "The API token was rejected by Example Partner", "See the validation call", `value="reject-me"`)
	if _, err := e.store.ActivationFor(context.Background(), "1", company); err == nil {
		t.Fatal("a refused activation was stored")
	}

	form.Set("api_token", "tok-123")
	status, body, where = e.post("/marketplace/activate", form)
	if status != 200 || where != "/marketplace?company="+company {
		t.Fatalf("activating: %d at %s", status, where)
	}
	mustContain(t, body, "Activated Example Partner in Acme Test", "Activated in Acme Test", "Provider key", "tok-123")
	act, err := e.store.ActivationFor(context.Background(), "1", company)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(act.ProviderKey, ".") != 2 {
		t.Errorf("a form with fields gives a JWT provider key, got %q", act.ProviderKey)
	}
	mustContain(t, body, act.ProviderKey) // behind the "Show" button

	// Activating twice is refused the way the control API refuses it.
	status, body, _ = e.post("/marketplace/activate", form)
	if status != http.StatusConflict {
		t.Errorf("a second activation: status %d", status)
	}
	mustContain(t, body, "already activated")

	status, body, _ = e.post("/marketplace/activations/"+act.ID+"/delete", url.Values{"company": {company}})
	if status != 200 {
		t.Errorf("deactivating: %d", status)
	}
	mustContain(t, body, "Deactivated", "Activate in Acme Test")
}

// Rule: adding a trigger renders the partner's /config form and saves
// through CreateTrigger, with its problems shown at the fields.
func TestStageTrigger(t *testing.T) {
	e := newEnv(t)
	job := e.sandboxJobs("1")[0]
	stage := job.Stages[2]
	path := fmt.Sprintf("/jobs/%d/stages/%d/trigger", job.ID, stage.ID)
	_, body := e.get(path)
	mustContain(t, body, `<optgroup label="Logical tests">`, `<option value="go" >Go</option>`, `type="number"`, `min="0"`, `max="100"`, `step="5"`,
		"Example Partner e-mails the candidate a test", "Candidates scoring at least this pass.", `class="req"`)

	status, body, _ := e.post(path, url.Values{"threshold": {"500"}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("bad values: status %d", status)
	}
	mustContain(t, body, `id="f-test-err"`, "Test is required", `id="f-threshold-err"`, "above the maximum 100", `value="500"`)
	trs, _ := e.store.Triggers(context.Background(), "1")
	if len(trs) != 0 {
		t.Fatalf("a refused trigger was stored: %+v", trs)
	}

	status, body, where := e.post(path, url.Values{"test": {"go"}, "threshold": {"70"}})
	if status != 200 || where != fmt.Sprintf("/jobs/%d", job.ID) {
		t.Fatalf("saving: %d at %s", status, where)
	}
	mustContain(t, body, "saved on Assessment", "test=go", "threshold=70")
	trs, _ = e.store.Triggers(context.Background(), "1")
	if len(trs) != 1 || trs[0].WebhookData["test"] != "go" || trs[0].StageID != stage.ID {
		t.Fatalf("stored triggers: %+v", trs)
	}

	// Removing goes through the control API.
	_, body, _ = e.post(fmt.Sprintf("/triggers/%d/delete", trs[0].ID), url.Values{"job": {fmt.Sprint(job.ID)}})
	mustContain(t, body, "removed")
	if trs, _ = e.store.Triggers(context.Background(), "1"); len(trs) != 0 {
		t.Errorf("the trigger is still there")
	}
}

// Rule: a refetch field fetches the form again with the picked values,
// and an error field blocks saving with its message (docs/protocol.md §3).
func TestRefetchAndErrorField(t *testing.T) {
	e := newEnv(t)
	fake, p := e.addFakePartner()
	jobs := e.sandboxJobs(p.ID)
	fake.errorJob.Store(jobs[1].ID)
	if _, body, _ := e.post("/partner", url.Values{"partner": {"fake"}, "next": {"/"}}); !strings.Contains(body, "Fake Assessments") {
		t.Fatal("the partner switch did not switch")
	}
	path := fmt.Sprintf("/jobs/%d/stages/%d/trigger", jobs[0].ID, jobs[0].Stages[1].ID)
	_, body := e.get(path)
	mustContain(t, body, "Test family", "data-refetch", `name="__refetch"`, "Update form")
	mustNotContain(t, body, "Cognitive test")

	_, body = e.get(path + "?" + url.Values{"test_family": {"cognitive"}, "__refetch": {"1"}}.Encode())
	mustContain(t, body, "Cognitive test", "Time limit (minutes)", `<option value="cognitive" selected>`)

	status, body, _ := e.post(path, url.Values{"test_family": {"cognitive"}, "time_limit_minutes": {"5"}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("bad values: %d", status)
	}
	mustContain(t, body, "Cognitive test is required", "below the minimum 10")

	_, body, _ = e.post(path, url.Values{"test_family": {"cognitive"}, "test": {"verbal_reasoning"}, "time_limit_minutes": {"30"}, "language": {"sv"}})
	mustContain(t, body, "saved on")
	trs, _ := e.store.Triggers(context.Background(), "fake")
	if len(trs) != 1 || trs[0].WebhookData["test-family"] != "cognitive" || trs[0].WebhookData["time-limit-minutes"] != "30" {
		t.Fatalf("stored: %+v", trs)
	}

	blocked := fmt.Sprintf("/jobs/%d/stages/%d/trigger", jobs[1].ID, jobs[1].Stages[0].ID)
	_, body = e.get(blocked)
	mustContain(t, body, "Your Example Assessments subscription expired", `role="alert"`, "disabled", "Saving is blocked")
	status, body, _ = e.post(blocked, url.Values{})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("saving a blocked form: %d", status)
	}
	mustContain(t, body, "blocks saving")
}

// Rule: moving a candidate fires the stage's trigger; the candidate card
// then shows the partner's result as Teamtailor does, and its action
// buttons invoke the action.
func TestMoveResultAndAction(t *testing.T) {
	e := newEnv(t)
	job := e.sandboxJobs("1")[0]
	stage := job.Stages[2]
	if _, err := e.srv.CreateTrigger(context.Background(), controlapi.TriggerRequest{PartnerID: "1", JobID: job.ID, StageID: stage.ID, Data: map[string]string{"test": "algorithms", "threshold": "50"}}); err != nil {
		t.Fatal(err)
	}
	cands, _, _ := e.store.Candidates(context.Background(), e.sandbox.Company.UUID, store.Page{})
	c := cands[0]
	_, body, _ := e.post(fmt.Sprintf("/jobs/%d/move", job.ID), url.Values{"candidate": {fmt.Sprint(c.ID)}, "stage": {fmt.Sprint(stage.ID)}})
	mustContain(t, body, "Moved "+candidateName(c)+" to Assessment", "Webhook #", "200", "Inspect the webhook")
	res := waitResult(t, e, c.ID, "completed")

	_, body = e.get(fmt.Sprintf("/candidates/%d", c.ID))
	score := fmt.Sprintf("Score %v out of 100", *res.Assessment.Score)
	mustContain(t, body, "Completed", score, gradeLabels[*res.Assessment.Grade], "Full report", *res.URL+`"`, res.Attachments[0].URL, "Resend invitation", "View details", "Problem solving", "32 min 14 s")
	for _, p := range a11yProblems(body) {
		t.Errorf("accessibility: %s", p)
	}

	_, body, where := e.post(fmt.Sprintf("/results/%s/actions/0", res.ID), url.Values{"back": {fmt.Sprintf("/candidates/%d", c.ID)}})
	if where != fmt.Sprintf("/candidates/%d", c.ID) {
		t.Errorf("the action returned to %s", where)
	}
	mustContain(t, body, "Action sent: the partner answered 200", "accepted with 200")
	ds, _ := e.store.Journal(context.Background(), store.JournalFilter{Kind: store.KindAction})
	if len(ds) != 1 || !strings.HasSuffix(ds[0].Request.URL, "/actions/resend") {
		t.Fatalf("action deliveries: %+v", ds)
	}
	_, body, _ = e.post(fmt.Sprintf("/results/%s/actions/7", res.ID), url.Values{"back": {"/"}})
	mustContain(t, body, "The action was not sent", "there is no action 7")
}

// Rule: the manual trigger button is labelled "<verb> <partner> <noun>"
// and sends one webhook through ManualTrigger.
func TestManualTrigger(t *testing.T) {
	e := newEnv(t)
	cands, _, _ := e.store.Candidates(context.Background(), e.sandbox.Company.UUID, store.Page{})
	c := cands[1]
	_, body := e.get(fmt.Sprintf("/candidates/%d", c.ID))
	mustContain(t, body, fmt.Sprintf(`href="/candidates/%d/trigger">Send Example Partner test</a>`, c.ID))

	p := e.partner
	p.CTAVerb, p.CTANoun = "Invite to", "assessment"
	if err := e.store.PutPartner(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	_, body = e.get(fmt.Sprintf("/candidates/%d/trigger", c.ID))
	mustContain(t, body, "Invite to Example Partner assessment", `name="__job"`)
	status, body, _ := e.post(fmt.Sprintf("/candidates/%d/trigger", c.ID), url.Values{"test": {"nope"}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("a bad option: %d", status)
	}
	mustContain(t, body, "is not one of the options")
	_, body, _ = e.post(fmt.Sprintf("/candidates/%d/trigger", c.ID), url.Values{"test": {"ruby"}})
	mustContain(t, body, "Sent. Webhook #", "Partner results")
	waitResult(t, e, c.ID, "completed")
}

// Rule: a bulk trigger sends one webhook per selected candidate and its
// page shows the progress.
func TestBulkTrigger(t *testing.T) {
	e := newEnv(t)
	cands, _, _ := e.store.Candidates(context.Background(), e.sandbox.Company.UUID, store.Page{})
	ids := url.Values{}
	for _, c := range cands[:3] {
		ids.Add(nameCandidate, fmt.Sprint(c.ID))
	}
	_, body := e.get("/bulk?" + ids.Encode())
	mustContain(t, body, "to 3 candidates", "Test")
	form := url.Values{"test": {"go"}}
	for k, v := range ids {
		form[k] = v
	}
	_, body, where := e.post("/bulk", form)
	if !strings.HasPrefix(where, "/bulk/bulk-") {
		t.Fatalf("the bulk run went to %s", where)
	}
	mustContain(t, body, "Bulk run started")
	eventually(t, "the bulk run to finish", func() bool {
		_, body = e.get(where)
		return strings.Contains(body, "3 of 3 sent") && strings.Contains(body, "data-bulk-done")
	})
	for _, c := range cands[:3] {
		waitResult(t, e, c.ID, "completed")
	}
	_, body = e.get(where + "/progress")
	if strings.Count(body, `badge badge-ok">Completed`) != 3 {
		t.Errorf("the progress does not show 3 completed results:\n%s", body)
	}

	p := e.partner
	p.AllowBulk = false
	e.store.PutPartner(context.Background(), p)
	_, body, _ = e.post("/bulk", form)
	mustContain(t, body, "does not allow bulk mode")
	_, body = e.get("/candidates")
	mustContain(t, body, `disabled aria-describedby="nobulk"`)
}

// Rule: the inspector filters by kind and verdict, explains signatures
// with the partner's webhook secret, and replays.
func TestDeliveriesInspector(t *testing.T) {
	e := newEnv(t)
	cands, _, _ := e.store.Candidates(context.Background(), e.sandbox.Company.UUID, store.Page{})
	out, err := e.srv.ManualTrigger(context.Background(), controlapi.ManualRequest{PartnerID: "1", CandidateID: cands[0].ID, Data: map[string]string{"test": "go"}})
	if err != nil {
		t.Fatal(err)
	}
	waitResult(t, e, cands[0].ID, "completed")
	_, body := e.get("/deliveries?kind=webhook")
	mustContain(t, body, `data-kind="webhook"`, `data-filter-kind="webhook"`)
	mustNotContain(t, body, `data-kind="config"`, `data-kind="partner-api"`)
	// The Partner API journals a request after answering it: the entry
	// may come a moment after the result shows.
	body = eventuallyGet(t, e, "/deliveries?verdict=ok&kind=partner-api", "PATCH /partner/v1/partner-results/")
	mustContain(t, body, `data-kind="partner-api"`, "PATCH /partner/v1/partner-results/")
	// A request with a wrong key belongs to no partner, and shows.
	req, _ := http.NewRequest(http.MethodGet, e.url("/partner/v1/partner-results"), nil)
	req.Header.Set("Authorization", "Token wrong-key")
	req.Header.Set("X-Api-Version", "20180828")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	body = eventuallyGet(t, e, "/deliveries?verdict=failed&kind=partner-api", ">401<")
	mustContain(t, body, `data-verdict="failed"`, "GET /partner/v1/partner-results", ">401<")
	status, body := e.get("/deliveries?kind=bogus")
	if status != http.StatusBadRequest {
		t.Errorf("an unknown kind: %d", status)
	}
	mustContain(t, body, `&#34;bogus&#34; is not a kind of call`)

	id := out.Delivery.ID
	_, body = e.get(fmt.Sprintf("/deliveries/%d", id))
	mustContain(t, body, "Verifies", "the partner&#39;s webhook secret", "t=", "v1=", "Content-Type", "&#34;partner-event&#34;: {", "curl -sS -i -X POST")
	_, body, _ = e.post(fmt.Sprintf("/deliveries/%d/verify", id), url.Values{"secret": {"not-the-secret"}})
	mustContain(t, body, "Does not verify", "the secret you entered")
	_, body, where := e.post(fmt.Sprintf("/deliveries/%d/replay", id), nil)
	mustContain(t, body, fmt.Sprintf("Replayed delivery #%d", id), "Replay of")
	if where == fmt.Sprintf("/deliveries/%d", id) {
		t.Error("the replay did not go to the new delivery")
	}
}

// eventuallyGet gets path until its page holds want, for at most 10
// seconds, and returns the last page.
func eventuallyGet(t *testing.T, e *env, path, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body := e.get(path)
		if strings.Contains(body, want) || time.Now().After(deadline) {
			return body
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Rule: /live streams new journal entries as server-sent events, with a
// rendered row, catching up from ?after=.
func TestLiveStream(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.url("/live?after=0"), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	cands, _, _ := e.store.Candidates(context.Background(), e.sandbox.Company.UUID, store.Page{})
	go e.srv.ManualTrigger(context.Background(), controlapi.ManualRequest{PartnerID: "1", CandidateID: cands[0].ID, Data: map[string]string{"test": "go"}})
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "data: ") && strings.Contains(line, `"kind":"webhook"`) {
			mustContain(t, line, `"row":"\u003ctr data-id=`, fmt.Sprintf(`"candidateId":%d`, cands[0].ID))
			return
		}
	}
	t.Fatalf("no webhook event before the stream ended: %v", sc.Err())
}

// Rule: bad input gets a clear page, never a 5xx or a changed store.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	job := e.sandboxJobs("1")[0]
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/jobs/abc", 404, "not a job id"},
		{"/jobs/99999", 404, "There is no job 99999"},
		{fmt.Sprintf("/jobs/%d/stages/99999/trigger", job.ID), 404, "has no stage"},
		{"/candidates/0", 404, "not a candidate id"},
		{"/candidates/99999", 404, "There is no candidate 99999"},
		{"/deliveries/99999", 404, "There is no delivery 99999"},
		{"/bulk/nope", 404, "There is no bulk run"},
		{"/marketplace?company=nope", 404, "There is no company nope"},
		{"/jobs?company=nope", 404, "There is no company"},
		{"/candidates/99999/trigger", 404, "There is no candidate"},
	} {
		status, body := e.get(tc.path)
		if status != tc.status {
			t.Errorf("GET %s: status %d, want %d", tc.path, status, tc.status)
		}
		if !strings.Contains(body, tc.want) {
			t.Errorf("GET %s does not say %q", tc.path, tc.want)
		}
	}
	_, body, _ := e.post(fmt.Sprintf("/jobs/%d/move", job.ID), url.Values{"candidate": {"x"}, "stage": {"1"}})
	mustContain(t, body, "Pick a candidate and a stage")
	_, body, _ = e.post(fmt.Sprintf("/jobs/%d/move", job.ID), url.Values{"candidate": {"99999"}, "stage": {fmt.Sprint(job.Stages[0].ID)}})
	mustContain(t, body, "The candidate was not moved", "There is no candidate 99999")
	_, body = e.get("/bulk")
	mustContain(t, body, "Select at least one candidate")
	status, body, _ := e.post("/partner", url.Values{"partner": {"nope"}})
	if status != 404 || !strings.Contains(body, "There is no partner integration") {
		t.Errorf("switching to an unknown partner: %d", status)
	}

	req, _ := http.NewRequest(http.MethodPut, e.url("/"), nil)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT /: %d", resp.StatusCode)
	}
	// A form posted from another site is refused: it would send webhooks.
	req, _ = http.NewRequest(http.MethodPost, e.url(fmt.Sprintf("/jobs/%d/move", job.ID)), strings.NewReader("candidate=1&stage=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site post: %d", resp.StatusCode)
	}
	// The mock's own routes are not the UI's.
	status, body = e.get("/mock/v1/nope")
	if status != 404 || !strings.Contains(body, `"errors"`) {
		t.Errorf("/mock/v1/nope: %d %s", status, body)
	}
}

// Rule: every field type of the protocol renders as its HTML control,
// with its attributes, labels and required markers (docs/protocol.md §3).
func TestEveryFieldType(t *testing.T) {
	raw, err := fixtures.Raw(fixtures.KindConfigs, "every-field-type")
	if err != nil {
		t.Fatal(err)
	}
	form, problems := protocol.ParseForm("config", raw)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	u := &UI{}
	if err := u.parseTemplates(assets); err != nil {
		t.Fatal(err)
	}
	v := buildForm(form, map[string]string{"extra_modules": "integrity,english_grammar", "send_reminder": "true"}, map[string]string{"cc_email": `cc_email (Send a copy of the report to): "x" is not an e-mail address`}, nil)
	html, err := u.partialString("fields", v)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Multipart {
		t.Error("a form with a file field is not multipart")
	}
	mustContain(t, html,
		`<select id="f-test" name="test"  required aria-required="true"`,
		`<select id="f-extra_modules" name="extra_modules" multiple`,
		`<option value="integrity" selected>`, `<option value="english_grammar" selected>`,
		`type="radio" id="f-language-o0" name="language" value="sv"`,
		`type="checkbox" id="f-send_reminder" name="send_reminder" value="true" checked`,
		`type="number" id="f-pass_threshold"`, `min="0"`, `max="100"`, `step="5"`,
		`type="range" id="f-difficulty" name="difficulty" value="3"`,
		`type="date"`, `type="datetime-local" id="f-invitation_sent_at"`, `type="datetime-local" id="f-interview_slot"`,
		`type="month"`, `type="week"`, `type="email"`, `type="tel"`, `type="url"`, `type="text"`, `type="search"`, `type="password"`,
		`type="color" id="f-brand_color" name="brand_color" value="#1f6feb"`, `type="file"`,
		`<input type="hidden" name="integration_version" value="2026-05">`,
		`<button type="reset" class="btn ghost">Reset</button>`,
		`class="infobox infobox-info" role="note"`, `<span class="sr-only">Information: </span><p>The candidate receives an e-mail invitation from <b>Example Assessments</b>.`,
		`id="f-cc_email-err"`, `Send a copy of the report to: &#34;x&#34; is not an e-mail address.`,
		`<legend>Test language <span class="req" aria-hidden="true">*</span><span class="sr-only"> (required)</span></legend>`,
		`<p class="hint" id="f-deadline_date-desc">Leave empty for the default of seven days.</p>`)
}

// Rule: infobox HTML keeps simple formatting and http(s) links, nothing
// else, balanced.
func TestSanitizeHTML(t *testing.T) {
	for in, want := range map[string]string{
		`<p>Hello <b>there</b></p>`:                   `<p>Hello <b>there</b></p>`,
		`<script>alert(1)</script>`:                   `&lt;script&gt;alert(1)&lt;/script&gt;`,
		`<a href="https://x.example/a?b=1&c=2">x</a>`: `<a href="https://x.example/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">x</a>`,
		`<a href="javascript:alert(1)">x</a>`:         `&lt;a href=&#34;javascript:alert(1)&#34;&gt;x&lt;/a&gt;`,
		`<b onclick="x()">bold</b>`:                   `&lt;b onclick=&#34;x()&#34;&gt;bold&lt;/b&gt;`,
		`<b>open`:                                     `<b>open</b>`,
		`</i>stray<br/>line`:                          `&lt;/i&gt;stray<br>line`,
		`<ul><li>one<li>two</ul>`:                     `<ul><li>one<li>two</li></li></ul>`,
	} {
		if got := string(sanitizeHTML(in)); got != want {
			t.Errorf("sanitizeHTML(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

// Rule: the summary is cut at 150 characters (not bytes) with "…", and
// the rest is behind "view details" (docs/protocol.md §2.3).
func TestSummaryCut(t *testing.T) {
	long := strings.Repeat("é", 149) + "xyz"
	got, cut := cutText(long, summaryCut)
	if !cut || got != strings.Repeat("é", 149)+"x…" {
		t.Errorf("cutText = %q, %v", got, cut)
	}
	if got, cut := cutText("short", summaryCut); cut || got != "short" {
		t.Errorf("a short summary was cut: %q", got)
	}
	score, grade, summary := 87.0, "top_fit", long
	v := newResultView(store.PartnerResult{ResultAttributes: protocol.ResultAttributes{Status: "completed", Summary: &summary, Assessment: protocol.Assessment{Score: &score, Grade: &grade}}}, store.Partner{Name: "P", Assessment: true}, "C")
	if !v.SummaryCut || !v.HasMore || v.FullSummary != long || !v.ShowVisual || v.GradeLabel != "Top fit" {
		t.Errorf("result view: %+v", v)
	}
}

// Rule: a static activation form with a default_key field, a required
// company API token and custom field mapping activates as docs/protocol.md §4
// says, with each problem shown where it belongs.
func TestActivationDefaultKeyTokenAndMapping(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	doc, _ := fixtures.Raw(fixtures.KindActivationConfigs, "default-key")
	if err := e.control(ctx, http.MethodPatch, "/mock/v1/partners/1", map[string]any{"webhookActivationConfig": json.RawMessage(doc), "dynamicActivationConfig": false, "requireApiToken": true}, nil); err != nil {
		t.Fatal(err)
	}
	var beta store.Company
	if err := e.control(ctx, http.MethodPost, "/mock/v1/companies", map[string]any{"name": "Beta", "uuid": "beta1", "apiTokens": []string{"ttapi_beta_token_1"}}, &beta); err != nil {
		t.Fatal(err)
	}
	_, body := e.get("/marketplace?company=beta1")
	mustContain(t, body, "Integration key", `placeholder="Generated by Teamtailor when you activate"`, `readonly="readonly"`, "Account id", `name="__api_token"`, "ttapi_…(18 chars)")

	status, body, _ := e.post("/marketplace/activate", url.Values{nameCompany: {"beta1"}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("no values: %d", status)
	}
	mustContain(t, body, `id="f-account_id-err"`, "Account id is required", "One field needs a change")
	status, body, _ = e.post("/marketplace/activate", url.Values{nameCompany: {"beta1"}, "account_id": {"acc-1"}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("no token: %d", status)
	}
	mustContain(t, body, `id="api-token-err"`, "requires a company API token", `value="acc-1"`)
	_, body, _ = e.post("/marketplace/activate", url.Values{nameCompany: {"beta1"}, "account_id": {"acc-1"}, nameAPIToken: {"ttapi_beta_token_1"}})
	mustContain(t, body, "Activated Example Partner in Beta", "Copy the generated default key below", "Default key")
	act, err := e.store.ActivationFor(ctx, "1", "beta1")
	if err != nil {
		t.Fatal(err)
	}
	if key := act.Values["default_key"]; len(key) != 36 || !strings.Contains(body, key) {
		t.Errorf("the default key %q is not shown", key)
	}

	doc, _ = fixtures.Raw(fixtures.KindActivationConfigs, "custom-field-mapping")
	if err := e.control(ctx, http.MethodPatch, "/mock/v1/partners/1", map[string]any{"webhookActivationConfig": json.RawMessage(doc), "requireApiToken": false}, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.control(ctx, http.MethodPost, "/mock/v1/companies", map[string]any{"fixture": "sandbox", "uuid": "gamma1", "name": "Gamma"}, nil); err != nil {
		t.Fatal(err)
	}
	_, body = e.get("/marketplace?company=gamma1")
	mustContain(t, body, "Custom fields", "Assessment score", "<code>preferred-language</code>", "Map onto Preferred language (select)", "Create a new custom field")
	mustNotContain(t, body, "Assessment tier", "Candidate signature") // skipped: no options, unknown type
	status, body, _ = e.post("/marketplace/activate", url.Values{nameCompany: {"gamma1"}, nameMapPrefix + "preferred-language": {"no-such-field"}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("a bad mapping: %d", status)
	}
	mustContain(t, body, `-err">`, "has no custom field &#34;no-such-field&#34;")
	_, body, _ = e.post("/marketplace/activate", url.Values{nameCompany: {"gamma1"}, nameMapPrefix + "preferred-language": {"preferred-language"}})
	mustContain(t, body, "Activated Example Partner in Gamma", "Custom field Preferred language", "mapped onto <code>preferred-language</code>", "Custom field Assessment score")
}

// Rule: a file field is uploaded with Server.Upload and reaches the
// trigger's webhook-data as a signed URL (docs/protocol.md §1.1); the form is
// multipart only then.
func TestFileFieldUpload(t *testing.T) {
	e := newEnv(t)
	_, p := e.addFakePartner()
	doc, _ := fixtures.Raw(fixtures.KindConfigs, "every-field-type")
	if err := e.control(context.Background(), http.MethodPatch, "/mock/v1/partners/fake", map[string]any{"webhookConfig": json.RawMessage(doc)}, nil); err != nil {
		t.Fatal(err)
	}
	e.post("/partner", url.Values{"partner": {"fake"}})
	job := e.sandboxJobs(p.ID)[0]
	path := fmt.Sprintf("/jobs/%d/stages/%d/trigger", job.ID, job.Stages[1].ID)
	_, body := e.get(path)
	mustContain(t, body, `enctype="multipart/form-data"`, "the partner's static <code>webhook-config</code>")

	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"test": "verbal_reasoning", "language": "en", "extra_modules": "integrity", "integration_version": "2026-05"} {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("instructions_pdf", "instructions.pdf")
	fw.Write([]byte("%PDF-1.4 tiny"))
	mw.Close()
	resp, err := e.client.Post(e.url(path), mw.FormDataContentType(), strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	trs, _ := e.store.Triggers(context.Background(), "fake")
	if len(trs) != 1 {
		t.Fatalf("triggers: %+v (status %d)", trs, resp.StatusCode)
	}
	u := trs[0].WebhookData["instructions-pdf"]
	if !strings.Contains(u, "/files/") || !strings.Contains(u, "signature=") {
		t.Errorf("the file field's value is %q, want a signed file URL", u)
	}
}
