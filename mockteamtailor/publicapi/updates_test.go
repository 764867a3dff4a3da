package publicapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// PATCH of a custom field value replaces the owner's value as webhooks
// carry it (no second entry), checked by type; only value is writable.
func TestUpdateCustomFieldValue(t *testing.T) {
	e := newEnv(t)
	_, num := decode(t, e.call(t, "GET", "/v1/custom-fields?filter[api-name]=years-of-experience", e.admin, ""))
	cands, _, _ := e.st.Candidates(t.Context(), e.sb.Company.UUID, store.Page{})
	var cand store.CandidateRecord
	for _, c := range cands {
		if !strings.Contains(fmt.Sprint(c.Data.CustomFields), "years-of-experience") {
			cand = c
		}
	}
	r := e.call(t, "POST", "/v1/custom-field-values", e.admin, fmt.Sprintf(
		`{"data":{"type":"custom-field-values","attributes":{"value":3},"relationships":{"custom-field":{"data":{"type":"custom-fields","id":%q}},"owner":{"data":{"type":"candidates","id":"%d"}}}}}`,
		num[0].ID, cand.ID))
	_, objs := decode(t, r)
	id := objs[0].ID
	patch := func(attrs string) resp {
		return e.call(t, "PATCH", "/v1/custom-field-values/"+id, e.admin, fmt.Sprintf(`{"data":{"id":%q,"type":"custom-field-values","attributes":%s}}`, id, attrs))
	}
	_, objs = decode(t, patch(`{"value":"7.5"}`))
	if objs[0].ID != id || string(objs[0].Attributes["value"]) != "7.5" {
		t.Errorf("patched: %s %v", objs[0].ID, objs[0].Attributes)
	}
	c, _ := e.st.Candidate(t.Context(), cand.ID)
	n := 0
	for _, f := range c.Data.CustomFields {
		if f.APIName == "years-of-experience" {
			n++
			if string(f.Value) != "7.5" {
				t.Errorf("stored for the webhook: %s", f.Value)
			}
		}
	}
	if n != 1 {
		t.Errorf("the candidate carries %d values of the field, want 1", n)
	}
	wantBody(t, patch(`{"value":"many"}`), 422,
		`{"errors":[{"title":"is invalid","detail":"value - is invalid","code":"100","source":{"pointer":"/data/attributes/value"},"status":"422"}]}`)
	wantBody(t, patch(`{"value":null}`), 422,
		`{"errors":[{"title":"can't be blank","detail":"value - can't be blank","code":"100","source":{"pointer":"/data/attributes/value"},"status":"422"}]}`)
	wantBody(t, patch(`{"field-type":"CustomField::Text"}`), 400,
		`{"errors":[{"title":"Param not allowed","detail":"field-type is not allowed.","code":"105","status":"400"}]}`)
	wantBody(t, e.call(t, "PATCH", "/v1/custom-field-values/"+id, e.admin, fmt.Sprintf(
		`{"data":{"id":%q,"type":"custom-field-values","relationships":{"owner":{"data":{"type":"candidates","id":"1"}}}}}`, id)), 400,
		`{"errors":[{"title":"Param not allowed","detail":"owner is not allowed.","code":"105","status":"400"}]}`)
	wantBody(t, e.call(t, "PATCH", "/v1/custom-field-values/9", e.admin, `{"data":{"id":"9","type":"custom-field-values","attributes":{"value":"1"}}}`), 404,
		`{"errors":[{"title":"Record not found","detail":"The record identified by 9 could not be found.","code":"404","status":"404"}]}`)
	wantBody(t, e.call(t, "PATCH", "/v1/custom-field-values/"+id, e.internal, fmt.Sprintf(`{"data":{"id":%q,"type":"custom-field-values","attributes":{"value":1}}}`, id)), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to update custom-field-values.","code":"403","status":"403"}]}`)
	// No delete in Teamtailor's API: 404 as a route that does not exist.
	wantBody(t, e.call(t, "DELETE", "/v1/custom-field-values/"+id, e.admin, ""), 404,
		`{"errors":[{"title":"Not found","detail":"No route matches DELETE /v1/custom-field-values/`+id+`.","code":"404","status":"404"}]}`)
}

// A note's text can be changed and the note deleted; a deleted note's
// id is not handed out again.
func TestUpdateAndDeleteNote(t *testing.T) {
	e := newEnv(t)
	post := func(text string) string {
		r := e.call(t, "POST", "/v1/notes", e.admin, `{"data":{"type":"notes","attributes":{"note":"`+text+`"},"relationships":{"candidate":{"data":{"type":"candidates","id":"4"}}}}}`)
		_, objs := decode(t, r)
		return objs[0].ID
	}
	first, second := post("one"), post("two")
	if first != "4001" || second != "4002" {
		t.Fatalf("ids %s %s", first, second)
	}
	r := e.call(t, "PATCH", "/v1/notes/"+first, e.admin, `{"data":{"id":"4001","type":"notes","attributes":{"note":"one, revised"}}}`)
	_, objs := decode(t, r)
	if string(objs[0].Attributes["note"]) != `"one, revised"` || string(objs[0].Attributes["updated-at"]) != `"2026-03-18T11:39:32.440+01:00"` {
		t.Errorf("patched: %v", objs[0].Attributes)
	}
	wantBody(t, e.call(t, "PATCH", "/v1/notes/4001", e.admin, `{"data":{"id":"4001","type":"notes","attributes":{"private-note":true}}}`), 400,
		`{"errors":[{"title":"Param not allowed","detail":"private-note is not allowed.","code":"105","status":"400"}]}`)
	wantBody(t, e.call(t, "PATCH", "/v1/notes/4001", e.admin, `{"data":{"id":"4001","type":"notes","attributes":{"note":""}}}`), 422,
		`{"errors":[{"title":"can't be blank","detail":"note - can't be blank","code":"100","source":{"pointer":"/data/attributes/note"},"status":"422"}]}`)
	wantBody(t, e.call(t, "DELETE", "/v1/notes/4002", e.internal, ""), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to delete notes.","code":"403","status":"403"}]}`)
	if r := e.call(t, "DELETE", "/v1/notes/4002", e.admin, ""); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("delete: %d %q", r.status, r.body)
	}
	wantBody(t, e.call(t, "DELETE", "/v1/notes/4002", e.admin, ""), 404,
		`{"errors":[{"title":"Record not found","detail":"The record identified by 4002 could not be found.","code":"404","status":"404"}]}`)
	if third := post("three"); third != "4003" {
		t.Errorf("a note after a deletion has id %s, want 4003", third)
	}
	c, _ := e.st.Candidate(t.Context(), 4)
	if len(c.Notes) != 2 || c.Notes[0].Note != "one, revised" || c.Notes[1].ID != 4003 {
		t.Errorf("stored notes: %+v", c.Notes)
	}
}

// POST /v1/job-applications applies a candidate to a job through the
// recruiter's move, into the job's first stage unless a stage of the job
// is given; a second application to the same job is 422.
func TestCreateApplication(t *testing.T) {
	e := newEnv(t)
	jobs, _ := e.st.Jobs(t.Context(), e.sb.Company.UUID)
	var cand store.CandidateRecord
	var job store.Job
	cands, _, _ := e.st.Candidates(t.Context(), e.sb.Company.UUID, store.Page{})
	for _, c := range cands {
		for _, j := range jobs {
			if _, ok := c.Application(j.ID); !ok && cand.ID == 0 {
				cand, job = c, j
			}
		}
	}
	if cand.ID == 0 {
		t.Fatal("every sandbox candidate applied to every job")
	}
	other := jobs[0]
	if other.ID == job.ID {
		other = jobs[1]
	}
	body := func(c, j int64, rest string) string {
		return fmt.Sprintf(`{"data":{"type":"job-applications","relationships":{"candidate":{"data":{"type":"candidates","id":"%d"}},"job":{"data":{"type":"jobs","id":%d}}%s}}}`, c, j, rest)
	}
	post := func(b string) resp { return e.call(t, "POST", "/v1/job-applications", e.admin, b) }
	wantBody(t, post(body(cand.ID, job.ID, `,"stage":{"data":{"type":"stages","id":"`+id64(other.Stages[1].ID)+`"}}`)), 422,
		`{"errors":[{"title":"is invalid","detail":"stage - is invalid","code":"100","source":{"pointer":"/data/relationships/stage"},"status":"422"}]}`)
	wantBody(t, post(`{"data":{"type":"job-applications","attributes":{"send-default-reply":"yes"}}}`), 422,
		`{"errors":[{"title":"is invalid","detail":"send-default-reply - is invalid","code":"100","source":{"pointer":"/data/attributes/send-default-reply"},"status":"422"},`+
			`{"title":"must exist","detail":"candidate - must exist","code":"100","source":{"pointer":"/data/relationships/candidate"},"status":"422"},`+
			`{"title":"must exist","detail":"job - must exist","code":"100","source":{"pointer":"/data/relationships/job"},"status":"422"}]}`)
	wantBody(t, post(`{"data":{"type":"job-applications","attributes":{"cover-letter":"Hello"}}}`), 400,
		`{"errors":[{"title":"Param not allowed","detail":"cover-letter is not allowed.","code":"105","status":"400"}]}`)
	wantBody(t, e.call(t, "POST", "/v1/job-applications", e.internal, body(cand.ID, job.ID, "")), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to create job-applications.","code":"403","status":"403"}]}`)
	if len(e.moves) != 0 {
		t.Fatalf("refused creates moved: %v", e.moves)
	}
	r := e.call(t, "POST", "/v1/job-applications", e.admin, `{"data":{"type":"job-applications","attributes":{"send-default-reply":true},`+
		fmt.Sprintf(`"relationships":{"candidate":{"data":{"type":"candidates","id":%d}},"job":{"data":{"type":"jobs","id":"%d"}}}}}`, cand.ID, job.ID))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	_, objs := decode(t, r)
	if objs[0].ID != applicationID(cand.ID, job.ID) || len(e.moves) != 1 || e.moves[0] != [4]int64{cand.ID, job.ID, job.Stages[0].ID, 0} {
		t.Errorf("created %s; moves %v", objs[0].ID, e.moves)
	}
	_, objs = decode(t, e.call(t, "GET", "/v1/job-applications/"+applicationID(cand.ID, job.ID)+"?include=stage", e.admin, ""))
	if string(objs[0].Relationships["stage"].Data) != `{"type":"stages","id":"`+id64(job.Stages[0].ID)+`"}` {
		t.Errorf("stage of the new application: %s", objs[0].Relationships["stage"].Data)
	}
	wantBody(t, post(body(cand.ID, job.ID, "")), 422,
		`{"errors":[{"title":"has already been taken","detail":"candidate - has already been taken","code":"100","source":{"pointer":"/data/relationships/candidate"},"status":"422"}]}`)
	// No delete in Teamtailor's API.
	if r := e.call(t, "DELETE", "/v1/job-applications/"+applicationID(cand.ID, job.ID), e.admin, ""); r.status != 404 {
		t.Errorf("DELETE: %d", r.status)
	}
}

// POST /v1/uploads adds a file to the candidate's uploads, as the
// partner webhook carries them; the URL is required and must be http(s).
func TestCreateUpload(t *testing.T) {
	e := newEnv(t)
	before, _ := e.st.Candidate(t.Context(), 3)
	n := 0
	if before.Data.Uploads != nil {
		n = len(*before.Data.Uploads)
	}
	post := func(body string) resp { return e.call(t, "POST", "/v1/uploads", e.admin, body) }
	r := post(`{"data":{"type":"uploads","attributes":{"url":"https://files.example.com/docs/contract.pdf"},"relationships":{"candidate":{"data":{"type":"candidates","id":3}}}}}`)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	_, objs := decode(t, r)
	if objs[0].ID != itemID(3, n) || string(objs[0].Attributes["file-name"]) != `"contract.pdf"` || string(objs[0].Attributes["url"]) != `"https://files.example.com/docs/contract.pdf"` {
		t.Errorf("created: %s", r.body)
	}
	after, _ := e.st.Candidate(t.Context(), 3)
	if after.Data.Uploads == nil || len(*after.Data.Uploads) != n+1 || (*after.Data.Uploads)[n].FileName != "contract.pdf" {
		t.Errorf("stored: %+v", after.Data.Uploads)
	}
	d, _ := decode(t, e.call(t, "GET", "/v1/candidates/3/uploads", e.admin, ""))
	if d.Meta["record-count"] != n+1 {
		t.Errorf("the candidate's uploads: %d", d.Meta["record-count"])
	}
	wantBody(t, post(`{"data":{"type":"uploads","attributes":{"url":"ftp://files.example.com/x","file-name":""}}}`), 422,
		`{"errors":[{"title":"is invalid","detail":"url - is invalid","code":"100","source":{"pointer":"/data/attributes/url"},"status":"422"},`+
			`{"title":"is invalid","detail":"file-name - is invalid","code":"100","source":{"pointer":"/data/attributes/file-name"},"status":"422"},`+
			`{"title":"must exist","detail":"candidate - must exist","code":"100","source":{"pointer":"/data/relationships/candidate"},"status":"422"}]}`)
	wantBody(t, post(`{"data":{"type":"uploads","relationships":{"candidate":{"data":{"type":"candidates","id":"3"}}}}}`), 422,
		`{"errors":[{"title":"can't be blank","detail":"url - can't be blank","code":"100","source":{"pointer":"/data/attributes/url"},"status":"422"}]}`)
	wantBody(t, post(`{"data":{"type":"uploads","attributes":{"url":"https://x.example/a","internal":true}}}`), 400,
		`{"errors":[{"title":"Param not allowed","detail":"internal is not allowed.","code":"105","status":"400"}]}`)
	wantBody(t, post(`{"data":{"type":"uploads","attributes":{"url":"https://x.example/a"},"relationships":{"job":{"data":{"type":"jobs","id":"1"}}}}}`), 400,
		`{"errors":[{"title":"Param not allowed","detail":"job is not allowed.","code":"105","status":"400"}]}`)
	wantBody(t, e.call(t, "POST", "/v1/uploads", e.internal, `{"data":{"type":"uploads","attributes":{"url":"https://x.example/a"}}}`), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to create uploads.","code":"403","status":"403"}]}`)
}
