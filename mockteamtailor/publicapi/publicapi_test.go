package publicapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

var fixedNow = time.Date(2026, 3, 18, 10, 39, 32, 440_000_000, time.UTC)

// env is a /v1 server over a seeded sandbox, with a mover that moves in
// the store and remembers what it was asked.
type env struct {
	srv                     *httptest.Server
	api                     *API
	st                      *store.MemStore
	sb                      sandbox.Seeded
	admin, internal, public string
	mu                      sync.Mutex
	moves                   [][4]int64
	// rejects are the reject operations asked for: candidate, job, 1
	// for undo, and the reject reason.
	rejects [][4]int64
}

func newEnv(t testing.TB, mutate ...func(*Config)) *env {
	t.Helper()
	return newEnvOver(t, store.NewMemStore(), mutate...)
}

// newEnvOver is newEnv over st; a store that holds a sandbox already
// keeps it.
func newEnvOver(t testing.TB, st *store.MemStore, mutate ...func(*Config)) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{st: st}
	sb, err := sandbox.Seed(ctx, e.st, idgen.NewSeeded(7), func() time.Time { return fixedNow }, sandbox.PartnerSettings{ID: "1", APIKey: "ttpk_partner_key"})
	if err != nil {
		t.Fatal(err)
	}
	e.sb = sb
	for _, k := range sb.Company.APIKeys() {
		switch k.Scope {
		case store.ScopeAdmin:
			e.admin = k.Key
		case store.ScopeInternal:
			e.internal = k.Key
		case store.ScopePublic:
			e.public = k.Key
		}
	}
	var h http.Handler
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(e.srv.Close)
	cfg := DefaultConfig()
	cfg.PublicURL = e.srv.URL
	for _, m := range mutate {
		m(&cfg)
	}
	// The server's move applies a candidate to the job when it had not.
	move := func(ctx context.Context, cand, job, stage, user int64) error {
		e.mu.Lock()
		e.moves = append(e.moves, [4]int64{cand, job, stage, user})
		e.mu.Unlock()
		_, err := e.st.UpdateCandidate(ctx, cand, func(c *store.CandidateRecord) error {
			for i := range c.Applications {
				if c.Applications[i].JobID == job {
					c.Applications[i].StageID = stage
					return nil
				}
			}
			c.Applications = append(c.Applications, store.Application{JobID: job, StageID: stage})
			return nil
		})
		return err
	}
	reject := func(ctx context.Context, cand, job int64, undo bool, reason int64) error {
		e.mu.Lock()
		e.rejects = append(e.rejects, [4]int64{cand, job, map[bool]int64{false: 0, true: 1}[undo], reason})
		e.mu.Unlock()
		_, err := e.st.UpdateCandidate(ctx, cand, func(c *store.CandidateRecord) error {
			for i := range c.Applications {
				if c.Applications[i].JobID == job {
					c.Applications[i].Rejected, c.Applications[i].RejectReasonID = !undo, reason
				}
			}
			return nil
		})
		return err
	}
	e.api = New(slog.New(slog.DiscardHandler), cfg, e.st, func() time.Time { return fixedNow }, nil, nil, Operations{Move: move, Reject: reject,
		CreateCandidate: func(ctx context.Context, company string, c protocol.Candidate) (int64, error) {
			rec, err := e.st.PutCandidate(ctx, store.CandidateRecord{CompanyUUID: company, Data: c})
			return rec.ID, err
		}})
	h = e.api
	return e
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

// call sends a request with key (none when ""), X-Api-Version 20240904
// unless headers set it, and the JSON:API media type on a body.
func (e *env) call(t *testing.T, method, path, key, body string, headers ...string) resp {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Token token="+key)
	}
	req.Header.Set("X-Api-Version", "20240904")
	if body != "" {
		req.Header.Set("Content-Type", MediaType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	// Every document the mock answers satisfies the schema partners are
	// given.
	name := "v1-document"
	if res.StatusCode >= 400 {
		name = "v1-errors"
	}
	if res.StatusCode != http.StatusNoContent && method != http.MethodHead && !strings.Contains(path, "/relationships/") {
		if err := schemas.Validate(name, b); err != nil {
			t.Errorf("%s %s: the %d answer does not match %s: %v\n%s", method, path, res.StatusCode, name, err, b)
		}
	}
	if body != "" && res.StatusCode < 300 {
		if err := schemas.Validate("v1-write-request", []byte(body)); err != nil {
			t.Errorf("%s %s: an accepted body does not match v1-write-request: %v", method, path, err)
		}
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// wantBody fails unless the response has status and exactly body (as
// JSON).
func wantBody(t *testing.T, r resp, status int, body string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	var got, want any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatalf("body is not JSON: %s", r.body)
	}
	if err := json.Unmarshal([]byte(body), &want); err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("body =\n%s\nwant\n%s", g, w)
	}
}

type doc struct {
	Data     json.RawMessage   `json:"data"`
	Included []object          `json:"included"`
	Meta     map[string]int    `json:"meta"`
	Links    map[string]string `json:"links"`
}

type object struct {
	ID            string                     `json:"id"`
	Type          string                     `json:"type"`
	Links         map[string]string          `json:"links"`
	Attributes    map[string]json.RawMessage `json:"attributes"`
	Relationships map[string]struct {
		Links map[string]string `json:"links"`
		Data  json.RawMessage   `json:"data"`
	} `json:"relationships"`
}

func decode(t *testing.T, r resp) (doc, []object) {
	t.Helper()
	if r.status >= 300 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var d doc
	if err := json.Unmarshal(r.body, &d); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	var objs []object
	if len(d.Data) > 0 && d.Data[0] == '[' {
		json.Unmarshal(d.Data, &objs)
	} else if string(d.Data) != "null" {
		var o object
		json.Unmarshal(d.Data, &o)
		objs = []object{o}
	}
	return d, objs
}

const versionBody406 = `{"errors":[{"status":406,"title":"Invalid/Missing API Version","detail":"Please provide a correct API version in the X-Api-Version header. Current version is: 20240904"}]}`

// The version is checked first: no version and no key is the documented
// 406 (status a number), not a 401; any real date from 20161108 on is
// accepted and echoed on success only.
func TestVersionCheckedFirst(t *testing.T) {
	e := newEnv(t)
	wantBody(t, e.call(t, "GET", "/v1/jobs", "", "", "X-Api-Version", ""), 406, versionBody406)
	for _, v := range []string{"", "2024-09-04", "20161107", "20230230", "latest", "202409041"} {
		r := e.call(t, "GET", "/v1/jobs", e.admin, "", "X-Api-Version", v)
		wantBody(t, r, 406, versionBody406)
		if r.header.Get("X-Api-Version") != "" {
			t.Errorf("version %q: an error carries X-Api-Version %q", v, r.header.Get("X-Api-Version"))
		}
	}
	for _, v := range []string{"20161108", "20210218", "20240904", "20991231"} {
		r := e.call(t, "GET", "/v1/jobs", e.admin, "", "X-Api-Version", v)
		if r.status != 200 || r.header.Get("X-Api-Version") != v {
			t.Errorf("version %s: status %d, X-Api-Version %q", v, r.status, r.header.Get("X-Api-Version"))
		}
	}
}

const unauthorizedBody = `{"errors":[{"title":"Unauthorized","detail":"Missing or invalid API key.","code":"401","status":"401"}]}`

// A missing, malformed or unknown key, and a partner API key, are 401
// with WWW-Authenticate; the accepted header forms all authenticate.
func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	for name, h := range map[string]string{
		"missing": "", "unknown": "Token token=ttapi_nope", "malformed": "Token", "basic": "Basic dXNlcjpwYXNz",
		"partner API key": "Token token=ttpk_partner_key",
	} {
		r := e.call(t, "GET", "/v1/jobs", "", "", "Authorization", h)
		wantBody(t, r, 401, unauthorizedBody)
		if got := r.header.Get("WWW-Authenticate"); got != `Token realm="Application"` {
			t.Errorf("%s: WWW-Authenticate = %q", name, got)
		}
	}
	for _, h := range []string{"Token token=" + e.admin, `Token token="` + e.admin + `"`, "Token " + e.admin, "Bearer " + e.admin} {
		if r := e.call(t, "GET", "/v1/company", "", "", "Authorization", h); r.status != 200 {
			t.Errorf("%q: status %d", h, r.status)
		}
	}
}

// Scopes and permissions: a type the scope cannot read, or a method the
// permissions forbid, is 403; public and internal keys read jobs, users,
// departments, roles and locations.
func TestScopesAndPermissions(t *testing.T) {
	e := newEnv(t)
	wantBody(t, e.call(t, "GET", "/v1/candidates", e.public, ""), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to read candidates.","code":"403","status":"403"}]}`)
	wantBody(t, e.call(t, "GET", "/v1/job-applications/1", e.internal, ""), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to read job-applications.","code":"403","status":"403"}]}`)
	wantBody(t, e.call(t, "POST", "/v1/custom-field-values", e.internal, `{"data":{}}`), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to create custom-field-values.","code":"403","status":"403"}]}`)
	// The public key reads only: it may not even create a job.
	wantBody(t, e.call(t, "POST", "/v1/jobs", e.public, `{"data":{}}`), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to create jobs.","code":"403","status":"403"}]}`)
	for _, key := range []string{e.public, e.internal, e.admin} {
		for _, path := range []string{"/v1/jobs", "/v1/users", "/v1/departments", "/v1/roles", "/v1/locations"} {
			if r := e.call(t, "GET", path, key, ""); r.status != 200 {
				t.Errorf("GET %s: %d %s", path, r.status, r.body)
			}
		}
	}
	// The public key sees related candidates of a job no more than the list.
	jobs, _ := e.st.Jobs(t.Context(), e.sb.Company.UUID)
	if r := e.call(t, "GET", "/v1/jobs/"+id64(jobs[0].ID)+"/candidates", e.public, ""); r.status != 403 {
		t.Errorf("public key, a job's candidates: %d", r.status)
	}
	// Admin-only attributes are null for other scopes.
	_, users := decode(t, e.call(t, "GET", "/v1/users", e.public, ""))
	if string(users[0].Attributes["login-email"]) != "null" {
		t.Errorf("public key sees login-email %s", users[0].Attributes["login-email"])
	}
	_, jobsSeen := decode(t, e.call(t, "GET", "/v1/jobs", e.public, ""))
	if string(jobsSeen[0].Attributes["tags"]) != "null" {
		t.Errorf("public key sees job tags %s", jobsSeen[0].Attributes["tags"])
	}
}

// A record of another company is 404, as if it did not exist, and does
// not show in lists.
func TestAnotherCompanysRecord(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	other := store.Company{UUID: "other", Name: "Other AB", APITokens: []string{"ttapi_other_admin"}}
	if err := e.st.PutCompany(ctx, other); err != nil {
		t.Fatal(err)
	}
	c, err := e.st.PutCandidate(ctx, store.CandidateRecord{CompanyUUID: "other"})
	if err != nil {
		t.Fatal(err)
	}
	id := id64(c.ID)
	wantBody(t, e.call(t, "GET", "/v1/candidates/"+id, e.admin, ""), 404,
		`{"errors":[{"title":"Record not found","detail":"The record identified by `+id+` could not be found.","code":"404","status":"404"}]}`)
	if r := e.call(t, "GET", "/v1/candidates/"+id, "ttapi_other_admin", ""); r.status != 200 {
		t.Errorf("its own company's key: %d", r.status)
	}
	d, _ := decode(t, e.call(t, "GET", "/v1/candidates?filter[id]="+id, e.admin, ""))
	if d.Meta["record-count"] != 0 {
		t.Errorf("another company's candidate is listed: %v", d.Meta)
	}
}

// Paging: 10 by default, at most 30, meta counts, full-URL links with
// every other parameter kept, keys sorted and brackets encoded; bad page
// values are 400, not clamped.
func TestPaging(t *testing.T) {
	e := newEnv(t)
	d, objs := decode(t, e.call(t, "GET", "/v1/candidates", e.admin, ""))
	if len(objs) != 10 || d.Meta["record-count"] != 12 || d.Meta["page-count"] != 2 {
		t.Fatalf("default page: %d records, meta %v", len(objs), d.Meta)
	}
	base := e.srv.URL + "/v1/candidates?"
	want := map[string]string{"first": base + "page%5Bnumber%5D=1&page%5Bsize%5D=10", "last": base + "page%5Bnumber%5D=2&page%5Bsize%5D=10",
		"next": base + "page%5Bnumber%5D=2&page%5Bsize%5D=10"}
	for k, v := range want {
		if d.Links[k] != v {
			t.Errorf("links.%s = %q, want %q", k, d.Links[k], v)
		}
	}
	if _, ok := d.Links["prev"]; ok {
		t.Error("page 1 has a prev link")
	}
	d, objs = decode(t, e.call(t, "GET", "/v1/candidates?page[number]=2&page[size]=5&sort=-id&include=job-applications", e.admin, ""))
	if len(objs) != 5 || d.Meta["page-count"] != 3 || objs[0].ID != "7" {
		t.Errorf("page 2 of 5, newest first: %d records from %s, meta %v", len(objs), objs[0].ID, d.Meta)
	}
	if w := base + "include=job-applications&page%5Bnumber%5D=1&page%5Bsize%5D=5&sort=-id"; d.Links["prev"] != w {
		t.Errorf("prev = %q, want %q", d.Links["prev"], w)
	}
	d, objs = decode(t, e.call(t, "GET", "/v1/candidates?page[number]=9", e.admin, ""))
	if len(objs) != 0 || string(d.Data) != "[]" || d.Links["last"] != base+"page%5Bnumber%5D=2&page%5Bsize%5D=10" {
		t.Errorf("a page past the end: %s, links %v", d.Data, d.Links)
	}
	if _, objs = decode(t, e.call(t, "GET", "/v1/candidates?page[size]=30", e.admin, "")); len(objs) != 12 {
		t.Errorf("page size 30: %d records", len(objs))
	}
	wantBody(t, e.call(t, "GET", "/v1/candidates?page[size]=31", e.admin, ""), 400,
		`{"errors":[{"title":"Invalid page value","detail":"size exceeds maximum page size of 30.","code":"118","status":"400"}]}`)
	for _, q := range []string{"page[size]=0", "page[number]=0", "page[number]=x", "page[offset]=1", "page=1"} {
		if r := e.call(t, "GET", "/v1/candidates?"+q, e.admin, ""); r.status != 400 {
			t.Errorf("%s: %d", q, r.status)
		}
	}
}

// Filters, sorts and includes a resource does not list are 400; "_" and
// "-" are interchangeable.
func TestUnknownParametersRefused(t *testing.T) {
	e := newEnv(t)
	wantBody(t, e.call(t, "GET", "/v1/candidates?filter[foo]=1", e.admin, ""), 400,
		`{"errors":[{"title":"Filter not allowed","detail":"foo is not allowed.","code":"102","status":"400"}]}`)
	// filter[location] was removed from jobs.
	if r := e.call(t, "GET", "/v1/jobs?filter[location]=1", e.admin, ""); r.status != 400 {
		t.Errorf("filter[location] on jobs: %d", r.status)
	}
	wantBody(t, e.call(t, "GET", "/v1/candidates?sort=shoe-size", e.admin, ""), 400,
		`{"errors":[{"title":"Invalid sort criteria","detail":"shoe-size is not a valid sort criteria for candidates","code":"114","status":"400"}]}`)
	wantBody(t, e.call(t, "GET", "/v1/candidates?include=friends", e.admin, ""), 400,
		`{"errors":[{"title":"Invalid field","detail":"friends is not a valid includable relationship of candidates","code":"112","status":"400"}]}`)
	// stage-type has links but cannot be included.
	if r := e.call(t, "GET", "/v1/stages?include=stage-type", e.admin, ""); r.status != 400 {
		t.Errorf("include=stage-type: %d", r.status)
	}
	if r := e.call(t, "GET", "/v1/jobs?fields[jobs]=title,colour", e.admin, ""); r.status != 400 {
		t.Errorf("unknown sparse field: %d", r.status)
	}
	for _, q := range []string{"filter[created_at][from]=2020-01-01", "filter[created-at][to]=2020-01-01T00:00:00Z", "sort=-first_name", "include=job_applications"} {
		if r := e.call(t, "GET", "/v1/candidates?"+q, e.admin, ""); r.status != 200 {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	if r := e.call(t, "GET", "/v1/candidates?filter[created-at][from]=yesterday", e.admin, ""); r.status != 400 {
		t.Errorf("a bad date: %d", r.status)
	}
}

// Filters select: email case-insensitively, any of a comma list, and a
// job list without filters holds published public jobs.
func TestFilters(t *testing.T) {
	e := newEnv(t)
	cands, _, _ := e.st.Candidates(t.Context(), e.sb.Company.UUID, store.Page{})
	var email string
	for _, c := range cands {
		if c.Data.Email != nil {
			email = *c.Data.Email
			break
		}
	}
	_, objs := decode(t, e.call(t, "GET", "/v1/candidates?filter[email]="+strings.ToUpper(email), e.admin, ""))
	if len(objs) != 1 {
		t.Errorf("filter[email]: %d records", len(objs))
	}
	_, objs = decode(t, e.call(t, "GET", "/v1/candidates?filter[id]=1,3,99", e.admin, ""))
	if len(objs) != 2 {
		t.Errorf("filter[id]=1,3,99: %d records", len(objs))
	}
	d, _ := decode(t, e.call(t, "GET", "/v1/jobs", e.admin, ""))
	all, _ := decode(t, e.call(t, "GET", "/v1/jobs?filter[status]=all", e.admin, ""))
	drafts, _ := decode(t, e.call(t, "GET", "/v1/jobs?filter[status]=draft", e.admin, ""))
	if d.Meta["record-count"] != 3 || all.Meta["record-count"] != 3 || drafts.Meta["record-count"] != 0 {
		t.Errorf("jobs: default %v, all %v, draft %v", d.Meta, all.Meta, drafts.Meta)
	}
	_, objs = decode(t, e.call(t, "GET", "/v1/job-applications?filter[stage-type]=inbox", e.admin, ""))
	hired, _ := decode(t, e.call(t, "GET", "/v1/job-applications?filter[stage-type]=Hired", e.admin, ""))
	if len(objs) != 10 || hired.Meta["record-count"] != 0 {
		t.Errorf("stage-type: inbox %d, hired %v", len(objs), hired.Meta)
	}
}

// Relationships carry links always and data only when included; the
// included records appear once.
func TestIncludes(t *testing.T) {
	e := newEnv(t)
	d, objs := decode(t, e.call(t, "GET", "/v1/job-applications?include=candidate,job.stages", e.admin, ""))
	a := objs[0]
	for name, wantData := range map[string]bool{"candidate": true, "job": true, "stage": false, "reject-reason": false} {
		rel, ok := a.Relationships[name]
		if !ok || rel.Links["self"] != e.srv.URL+"/v1/job-applications/"+a.ID+"/relationships/"+name || rel.Links["related"] != e.srv.URL+"/v1/job-applications/"+a.ID+"/"+name {
			t.Errorf("%s: links %v", name, rel.Links)
		}
		if (len(rel.Data) > 0) != wantData {
			t.Errorf("%s: data %s, want data %v", name, rel.Data, wantData)
		}
	}
	counts := map[string]int{}
	seen := map[string]bool{}
	for _, o := range d.Included {
		counts[o.Type]++
		if seen[o.Type+o.ID] {
			t.Errorf("%s %s included twice", o.Type, o.ID)
		}
		seen[o.Type+o.ID] = true
		if o.Type == "jobs" && len(o.Relationships["stages"].Data) == 0 {
			t.Error("an included job lacks the stages linkage job.stages asked for")
		}
	}
	if counts["candidates"] != 10 || counts["jobs"] != 1 || counts["stages"] == 0 {
		t.Errorf("included: %v", counts)
	}
	// Without include there is no included member and no data.
	r := e.call(t, "GET", "/v1/job-applications", e.admin, "")
	if strings.Contains(string(r.body), `"included"`) || strings.Contains(string(r.body), `"data":{"type"`) {
		t.Error("a document without include carries included records or linkage")
	}
}

// Media types: an Accept without JSON:API is 406, a write without the
// JSON:API Content-Type 415.
func TestMediaTypes(t *testing.T) {
	e := newEnv(t)
	wantBody(t, e.call(t, "GET", "/v1/jobs", e.admin, "", "Accept", "application/json"), 406,
		`{"errors":[{"title":"Not acceptable","detail":"All requests must use the 'application/vnd.api+json' Accept without media type parameters. This request specified 'application/json'.","code":"406","status":"406"}]}`)
	for _, a := range []string{"*/*", MediaType, "text/html, */*;q=0.1"} {
		if r := e.call(t, "GET", "/v1/jobs", e.admin, "", "Accept", a); r.status != 200 {
			t.Errorf("Accept %q: %d", a, r.status)
		}
	}
	wantBody(t, e.call(t, "PATCH", "/v1/job-applications/1000001", e.admin, `{"data":{}}`, "Content-Type", "application/json"), 415,
		`{"errors":[{"title":"Unsupported media type","detail":"All requests that create or update must use the 'application/vnd.api+json' Content-Type. This request specified 'application/json'.","code":"415","status":"415"}]}`)
}

// Unknown routes and undocumented methods are 404 naming the route.
func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t)
	wantBody(t, e.call(t, "GET", "/v1/foo", e.admin, ""), 404,
		`{"errors":[{"title":"Not found","detail":"No route matches GET /v1/foo.","code":"404","status":"404"}]}`)
	for _, c := range [][2]string{{"DELETE", "/v1/candidates/1"}, {"GET", "/v1/companies"}, {"GET", "/v1/jobs/1/questions"}, {"POST", "/v1/stages"}} {
		if r := e.call(t, c[0], c[1], e.admin, ""); r.status != 404 {
			t.Errorf("%s %s: %d", c[0], c[1], r.status)
		}
	}
}

// Rate limits: the three headers on every response, 429 with the
// documented body and no Retry-After when enforced.
func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.RateLimit, c.EnforceRateLimit = 2, true })
	for i := range 2 {
		r := e.call(t, "GET", "/v1/jobs", e.admin, "")
		if r.status != 200 || r.header.Get("X-Rate-Limit-Limit") != "2" || r.header.Get("X-Rate-Limit-Remaining") != strconv.Itoa(1-i) || r.header.Get("X-Rate-Limit-Reset") != "10" {
			t.Fatalf("request %d: %d, headers %v", i, r.status, r.header)
		}
	}
	r := e.call(t, "GET", "/v1/jobs", e.admin, "")
	wantBody(t, r, 429, `{"errors":[{"title":"Too Many Requests","detail":"Rate limit exceeded. Retry in 10 seconds.","code":"429","status":"429"}]}`)
	if r.header.Get("Retry-After") != "" || r.header.Get("X-Rate-Limit-Remaining") != "0" {
		t.Errorf("429 headers: %v", r.header)
	}
	// Another key has a window of its own.
	if r := e.call(t, "GET", "/v1/jobs", e.public, ""); r.status != 200 {
		t.Errorf("another key: %d", r.status)
	}
	// The version is still checked first.
	if r := e.call(t, "GET", "/v1/jobs", e.admin, "", "X-Api-Version", ""); r.status != 406 || r.header.Get("X-Rate-Limit-Limit") == "" {
		t.Errorf("no version: %d, headers %v", r.status, r.header)
	}
}

// The company, its stages and a job's related endpoints.
func TestReadResources(t *testing.T) {
	e := newEnv(t)
	_, objs := decode(t, e.call(t, "GET", "/v1/company", e.admin, ""))
	if objs[0].Type != "companies" || objs[0].ID != e.sb.Company.UUID || objs[0].Links["self"] != e.srv.URL+"/v1/companies/"+e.sb.Company.UUID {
		t.Errorf("company: %+v", objs[0])
	}
	if r := e.call(t, "GET", "/v1/companies/someone-else", e.admin, ""); r.status != 404 {
		t.Errorf("another company: %d", r.status)
	}
	jobs, _ := e.st.Jobs(t.Context(), e.sb.Company.UUID)
	j := jobs[0]
	_, stages := decode(t, e.call(t, "GET", "/v1/jobs/"+id64(j.ID)+"/stages?sort=row-order", e.admin, ""))
	if len(stages) != len(j.Stages) || string(stages[0].Attributes["legacy-stage-type-name"]) != `"Inbox"` || string(stages[0].Attributes["active-job-applications-count"]) != "12" {
		t.Errorf("stages of job %d: %d, first %v", j.ID, len(stages), stages[0].Attributes)
	}
	r := e.call(t, "GET", "/v1/jobs/"+id64(j.ID)+"/relationships/stages", e.admin, "")
	var linkage struct {
		Data []ref `json:"data"`
	}
	json.Unmarshal(r.body, &linkage)
	if len(linkage.Data) != len(j.Stages) || linkage.Data[0].Type != "stages" {
		t.Errorf("relationships/stages: %s", r.body)
	}
	_, objs = decode(t, e.call(t, "GET", "/v1/job-applications/1000001/stage", e.admin, ""))
	if objs[0].Type != "stages" || objs[0].ID != id64(j.Stages[0].ID) {
		t.Errorf("an application's stage: %+v", objs[0])
	}
	_, objs = decode(t, e.call(t, "GET", "/v1/custom-fields?filter[api-name]=preferred-language&include=custom-field-options", e.admin, ""))
	if len(objs) != 1 || objs[0].Type != "custom-field-selects" || string(objs[0].Attributes["field-type"]) != `"CustomField::Select"` {
		t.Errorf("custom field by api-name: %+v", objs)
	}
	// Timestamps carry milliseconds and the company's offset.
	if got := (&world{a: e.api}).timestamp(fixedNow); got != "2026-03-18T11:39:32.440+01:00" {
		t.Errorf("timestamp = %v", got)
	}
}

// Every request is journaled as a public-api entry with the key masked.
func TestJournal(t *testing.T) {
	e := newEnv(t)
	e.call(t, "GET", "/v1/jobs", e.admin, "")
	e.call(t, "GET", "/v1/jobs", "", "")
	entries, err := e.st.Journal(t.Context(), store.JournalFilter{Kind: KindPublicAPI})
	if err != nil || len(entries) != 2 {
		t.Fatalf("journal: %d entries, %v", len(entries), err)
	}
	ok := entries[0]
	if ok.Response.Status != 200 || ok.CompanyUUID != e.sb.Company.UUID || ok.PartnerID != "1" || strings.Contains(ok.Request.Header.Get("Authorization"), e.admin) {
		t.Errorf("entry: status %d, company %q, partner %q, auth %q", ok.Response.Status, ok.CompanyUUID, ok.PartnerID, ok.Request.Header.Get("Authorization"))
	}
	if entries[1].Response.Status != 401 || entries[1].Verdict != store.VerdictFailed {
		t.Errorf("refused entry: %d %s", entries[1].Response.Status, entries[1].Verdict)
	}
}

// An unfiltered candidate list, paged by the store, is the list the
// general path sorts by id.
func TestCandidatePageMatchesSortedList(t *testing.T) {
	e := newEnv(t)
	for _, page := range []string{"1", "2", "3"} {
		fast, a := decode(t, e.call(t, "GET", "/v1/candidates?include=job-applications&page[size]=5&page[number]="+page, e.admin, ""))
		slow, b := decode(t, e.call(t, "GET", "/v1/candidates?include=job-applications&sort=id&page[size]=5&page[number]="+page, e.admin, ""))
		ga, _ := json.Marshal(a)
		gb, _ := json.Marshal(b)
		ia, _ := json.Marshal(fast.Included)
		ib, _ := json.Marshal(slow.Included)
		if string(ga) != string(gb) || string(ia) != string(ib) || fast.Meta["record-count"] != slow.Meta["record-count"] || fast.Meta["page-count"] != slow.Meta["page-count"] {
			t.Errorf("page %s differs:\n%s\n%s", page, ga, gb)
		}
	}
}

// Teamtailor's documented examples, replayed: the paging links of its
// pagination page, its job-application example query, and the requests
// public integration code makes.
func TestDocumentedExamples(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.PublicURL = "https://api.teamtailor.com" })
	d, _ := decode(t, e.call(t, "GET", "/v1/jobs?filter[department]=337", e.admin, ""))
	if want := "https://api.teamtailor.com/v1/jobs?filter%5Bdepartment%5D=337&page%5Bnumber%5D=1&page%5Bsize%5D=10"; d.Links["first"] != want {
		t.Errorf("links.first = %q, want %q", d.Links["first"], want)
	}
	if r := e.call(t, "GET", "/v1/job-applications?include=candidate&filter[stage-type]=hired&sort=-changed_stage_at", e.admin, ""); r.status != 200 {
		t.Errorf("the job-applications example: %d %s", r.status, r.body)
	}
	jobs, _ := e.st.Jobs(t.Context(), e.sb.Company.UUID)
	_, objs := decode(t, e.call(t, "GET", "/v1/jobs/"+id64(jobs[0].ID)+"?include=custom-field-values", e.admin, ""))
	var refs []ref
	json.Unmarshal(objs[0].Relationships["custom-field-values"].Data, &refs)
	if len(refs) != len(jobs[0].CustomFields) {
		t.Errorf("a job's custom field values: %d, want %d", len(refs), len(jobs[0].CustomFields))
	}
	stage := id64(jobs[0].Stages[0].ID)
	d, objs = decode(t, e.call(t, "GET", "/v1/stages/"+stage+"/job-applications?filter[created-at][from]=2020-01-01&page[size]=30", e.admin, ""))
	if d.Links["first"] != "https://api.teamtailor.com/v1/stages/"+stage+"/job-applications?filter%5Bcreated-at%5D%5Bfrom%5D=2020-01-01&page%5Bnumber%5D=1&page%5Bsize%5D=30" || len(objs) != 0 {
		t.Errorf("a stage's applications created since 2020 (the mock keeps no creation times): %d, links %v", len(objs), d.Links)
	}
	_, objs = decode(t, e.call(t, "GET", "/v1/stages/"+stage+"/job-applications?page[size]=30", e.admin, ""))
	if len(objs) != 12 {
		t.Errorf("a stage's applications: %d", len(objs))
	}
}

// A body over the limit is a 413, as on the Partner API.
func TestBodyLimit(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBodyBytes = 512 })
	big := `{"data":{"type":"notes","attributes":{"note":"` + strings.Repeat("x", 1024) + `"},"relationships":{"candidate":{"data":{"type":"candidates","id":"2"}}}}}`
	if r := e.call(t, "POST", "/v1/notes", e.admin, big); r.status != 413 {
		t.Errorf("a 1 KiB note over a 512 B limit: %d %s", r.status, r.body)
	}
}

// A candidate's screening answers, their questions and its uploads are
// the ones its webhook carries (include=answers,answers.question, as
// integrations ask for them).
func TestAnswersQuestionsUploads(t *testing.T) {
	e := newEnv(t)
	cands, _, _ := e.st.Candidates(t.Context(), e.sb.Company.UUID, store.Page{})
	var quiz, files store.CandidateRecord
	for _, c := range cands {
		if len(c.Data.Questions) > len(quiz.Data.Questions) {
			quiz = c
		}
		if c.Data.Uploads != nil && len(*c.Data.Uploads) > 0 {
			files = c
		}
	}
	d, _ := decode(t, e.call(t, "GET", "/v1/candidates/"+id64(quiz.ID)+"?include=answers,answers.question", e.admin, ""))
	kinds := map[string]int{}
	answers := map[string]object{}
	for _, o := range d.Included {
		kinds[o.Type]++
		if o.Type == "answers" {
			answers[o.ID] = o
		}
	}
	if kinds["answers"] != len(quiz.Data.Questions) || kinds["questions"] != len(quiz.Data.Questions) {
		t.Fatalf("included: %v, want %d answers and questions", kinds, len(quiz.Data.Questions))
	}
	for i, q := range quiz.Data.Questions {
		a := answers[itemID(quiz.ID, i)]
		var v any
		json.Unmarshal(q.Answer, &v)
		switch x := v.(type) {
		case []any:
			if len(a.Attributes["choices"]) == 0 || string(a.Attributes["choices"]) == "null" {
				t.Errorf("%q: choices %s", q.Question, a.Attributes["choices"])
			}
		case string:
			if x == "yes" && string(a.Attributes["boolean"]) != "true" {
				t.Errorf("%q: boolean %s", q.Question, a.Attributes["boolean"])
			}
		}
	}
	_, objs := decode(t, e.call(t, "GET", "/v1/candidates/"+id64(files.ID)+"/uploads", e.admin, ""))
	if len(objs) != len(*files.Data.Uploads) || string(objs[0].Attributes["file-name"]) != strconv.Quote((*files.Data.Uploads)[0].FileName) {
		t.Errorf("uploads: %+v", objs)
	}
	if r := e.call(t, "GET", "/v1/uploads", e.internal, ""); r.status != 403 {
		t.Errorf("uploads with an internal key: %d", r.status)
	}
}
