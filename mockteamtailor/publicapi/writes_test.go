package publicapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// A PATCH of an application's stage moves it through the mover (the
// recruiter's move, which fires triggers) and answers the record; the
// JSON:API rules of writes hold.
func TestPatchApplicationStage(t *testing.T) {
	e := newEnv(t)
	jobs, _ := e.st.Jobs(t.Context(), e.sb.Company.UUID)
	j, other := jobs[0], jobs[1]
	stage := j.Stages[2]
	path := "/v1/job-applications/" + applicationID(1, j.ID)
	body := func(id, typ, rest string) string {
		return fmt.Sprintf(`{"data":{"id":%s,"type":%q%s}}`, id, typ, rest)
	}
	move := fmt.Sprintf(`,"relationships":{"stage":{"data":{"type":"stages","id":"%d"}}}`, stage.ID)
	// The id may be a number or a string.
	r := e.call(t, "PATCH", path, e.admin, body(applicationID(1, j.ID), "job-applications", move))
	_, objs := decode(t, r)
	if len(e.moves) != 1 || e.moves[0] != [4]int64{1, j.ID, stage.ID, 0} {
		t.Fatalf("moves = %v", e.moves)
	}
	if objs[0].ID != applicationID(1, j.ID) || r.header.Get("X-Api-Version") != "20240904" {
		t.Errorf("answer: %s", r.body)
	}
	_, objs = decode(t, e.call(t, "GET", path+"/stage", e.admin, ""))
	if objs[0].ID != id64(stage.ID) {
		t.Errorf("stage after the move = %s", objs[0].ID)
	}
	// A stage of another job is 422 on the stage relationship.
	wrong := fmt.Sprintf(`,"relationships":{"stage":{"data":{"type":"stages","id":"%d"}}}`, other.Stages[1].ID)
	wantBody(t, e.call(t, "PUT", path, e.admin, body(`"`+applicationID(1, j.ID)+`"`, "job-applications", wrong)), 422,
		`{"errors":[{"title":"is invalid","detail":"stage - is invalid","code":"100","source":{"pointer":"/data/relationships/stage"},"status":"422"}]}`)
	wantBody(t, e.call(t, "PATCH", path, e.admin, body(`"1"`, "job-applications", move)), 400,
		`{"errors":[{"title":"Key is not included in URL","detail":"The URL does not support the key 1","code":"110","status":"400"}]}`)
	wantBody(t, e.call(t, "PATCH", path, e.admin, body(`"`+applicationID(1, j.ID)+`"`, "candidates", move)), 400,
		`{"errors":[{"title":"Type Mismatch","detail":"candidates is not a valid type for this operation.","code":"116","status":"400"}]}`)
	wantBody(t, e.call(t, "PATCH", path, e.admin, body(`"`+applicationID(1, j.ID)+`"`, "job-applications", `,"attributes":{"changed-stage-at":"2020-01-01T00:00:00Z"}`)), 400,
		`{"errors":[{"title":"Param not allowed","detail":"changed-stage-at is not allowed.","code":"105","status":"400"}]}`)
	wantBody(t, e.call(t, "PATCH", path, e.admin, `{"meta":{}}`), 400,
		`{"errors":[{"title":"Missing Parameter","detail":"The required parameter, data, is missing.","code":"106","status":"400"}]}`)
	if r := e.call(t, "PATCH", path, e.admin, `{"data":`); r.status != 400 {
		t.Errorf("malformed JSON: %d", r.status)
	}
	if r := e.call(t, "PATCH", "/v1/job-applications/99000001", e.admin, body("99000001", "job-applications", move)); r.status != 404 {
		t.Errorf("an unknown application: %d", r.status)
	}
	// The internal key may not update applications.
	if r := e.call(t, "PATCH", path, e.internal, body(applicationID(1, j.ID), "job-applications", move)); r.status != 403 {
		t.Errorf("internal key: %d", r.status)
	}
	if len(e.moves) != 1 {
		t.Errorf("refused writes moved: %v", e.moves)
	}
}

// rejected-at rejects and null un-rejects; the stage counts follow.
func TestPatchApplicationReject(t *testing.T) {
	e := newEnv(t)
	jobs, _ := e.st.Jobs(t.Context(), e.sb.Company.UUID)
	id := applicationID(2, jobs[0].ID)
	patch := func(v string) resp {
		return e.call(t, "PATCH", "/v1/job-applications/"+id, e.admin, `{"data":{"id":"`+id+`","type":"job-applications","attributes":{"rejected-at":`+v+`}}}`)
	}
	_, objs := decode(t, patch(`"2026-03-18T11:00:00+01:00"`))
	if string(objs[0].Attributes["rejected-at"]) == "null" {
		t.Error("rejected-at is null after a rejection")
	}
	c, _ := e.st.Candidate(t.Context(), 2)
	if a, _ := c.Application(jobs[0].ID); !a.Rejected {
		t.Error("the store's application is not rejected")
	}
	_, stages := decode(t, e.call(t, "GET", "/v1/stages/"+id64(jobs[0].Stages[0].ID), e.admin, ""))
	if string(stages[0].Attributes["rejected-job-applications-count"]) != "1" {
		t.Errorf("stage counts: %v", stages[0].Attributes)
	}
	_, objs = decode(t, patch("null"))
	if string(objs[0].Attributes["rejected-at"]) != "null" {
		t.Error("rejected-at is set after rejected-at: null")
	}
	if r := patch(`"yesterday"`); r.status != 422 {
		t.Errorf("a bad rejected-at: %d", r.status)
	}
	// Both went through the reject operation (the web UI's), the refused
	// one did not.
	want := [][4]int64{{2, jobs[0].ID, 0, 0}, {2, jobs[0].ID, 1, 0}}
	if fmt.Sprint(e.rejects) != fmt.Sprint(want) {
		t.Errorf("reject operations = %v, want %v", e.rejects, want)
	}
}

// A custom field value written through /v1 is stored as webhooks carry
// it, reads back in /v1's form, and is one per field and owner.
func TestCreateCustomFieldValue(t *testing.T) {
	e := newEnv(t)
	// Candidate 1 ("every custom field type"?) may already carry values:
	// use one without preferred-language.
	var cand store.CandidateRecord
	cands, _, _ := e.st.Candidates(t.Context(), e.sb.Company.UUID, store.Page{})
	for _, c := range cands {
		if !strings.Contains(fmt.Sprint(c.Data.CustomFields), "preferred-language") {
			cand = c
			break
		}
	}
	_, fields := decode(t, e.call(t, "GET", "/v1/custom-fields?filter[api-name]=preferred-language&include=custom-field-options", e.admin, ""))
	var options []ref
	json.Unmarshal(fields[0].Relationships["custom-field-options"].Data, &options)
	post := func(field, owner, value string) resp {
		return e.call(t, "POST", "/v1/custom-field-values", e.admin, fmt.Sprintf(
			`{"data":{"type":"custom-field-values","attributes":{"value":%s},"relationships":{"custom-field":{"data":{"type":"custom-fields","id":%s}},"owner":{"data":{"type":"candidates","id":%s}}}}}`,
			value, field, owner))
	}
	r := post(`"`+fields[0].ID+`"`, id64(cand.ID), `"`+options[1].ID+`"`)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	_, objs := decode(t, r)
	if string(objs[0].Attributes["value"]) != `"`+options[1].ID+`"` || string(objs[0].Attributes["field-type"]) != `"CustomField::Select"` {
		t.Errorf("created value: %v", objs[0].Attributes)
	}
	c, _ := e.st.Candidate(t.Context(), cand.ID)
	last := c.Data.CustomFields[len(c.Data.CustomFields)-1]
	if last.APIName != "preferred-language" || string(last.Value) != `["English"]` || last.Type != "select" {
		t.Errorf("stored for the webhook: %+v %s", last, last.Value)
	}
	wantBody(t, post(`"`+fields[0].ID+`"`, id64(cand.ID), `"`+options[0].ID+`"`), 422,
		`{"errors":[{"title":"has already been taken","detail":"custom-field - has already been taken","code":"100","source":{"pointer":"/data/relationships/custom-field"},"status":"422"}]}`)
	// years-of-experience is a number: a word is invalid.
	_, num := decode(t, e.call(t, "GET", "/v1/custom-fields?filter[api-name]=years-of-experience", e.admin, ""))
	var fresh store.CandidateRecord
	for _, c := range cands {
		if !strings.Contains(fmt.Sprint(c.Data.CustomFields), "years-of-experience") {
			fresh = c
		}
	}
	wantBody(t, post(num[0].ID, id64(fresh.ID), `"many"`), 422,
		`{"errors":[{"title":"is invalid","detail":"value - is invalid","code":"100","source":{"pointer":"/data/attributes/value"},"status":"422"}]}`)
	if r := post(num[0].ID, id64(fresh.ID), `"12"`); r.status != 201 {
		t.Errorf("a number as a string: %d %s", r.status, r.body)
	}
	r = e.call(t, "POST", "/v1/custom-field-values", e.admin, `{"data":{"type":"custom-field-values","attributes":{}}}`)
	if r.status != 422 || !strings.Contains(string(r.body), "can't be blank") || !strings.Contains(string(r.body), "/data/relationships/owner") {
		t.Errorf("empty create: %d %s", r.status, r.body)
	}
}

// A note is created on a candidate, by the manager unless a user is
// given, and listed.
func TestCreateNote(t *testing.T) {
	e := newEnv(t)
	r := e.call(t, "POST", "/v1/notes", e.admin, `{"data":{"type":"notes","attributes":{"note":"Checked references."},"relationships":{"candidate":{"data":{"type":"candidates","id":3}}}}}`)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	_, objs := decode(t, r)
	if objs[0].ID != "3001" || string(objs[0].Attributes["note"]) != `"Checked references."` || string(objs[0].Attributes["user-id"]) != id64(e.sb.Company.Users[0].ID) ||
		string(objs[0].Attributes["created-at"]) != `"2026-03-18T11:39:32.440+01:00"` {
		t.Errorf("note: %s", r.body)
	}
	d, _ := decode(t, e.call(t, "GET", "/v1/notes", e.admin, ""))
	if d.Meta["record-count"] != 1 {
		t.Errorf("notes listed: %v", d.Meta)
	}
	r = e.call(t, "POST", "/v1/notes", e.admin, `{"data":{"type":"notes","attributes":{"note":" "},"relationships":{"candidate":{"data":{"type":"candidates","id":"999"}}}}}`)
	if r.status != 422 || strings.Count(string(r.body), `"status":"422"`) != 2 {
		t.Errorf("blank note on no candidate: %d %s", r.status, r.body)
	}
	if r := e.call(t, "POST", "/v1/notes", e.admin, `{"data":{"type":"notes","attributes":{"note":"x","user-id":1}}}`); r.status != 400 {
		t.Errorf("a read-only attribute: %d", r.status)
	}
}

// Notes and values written through /v1 are kept by a durable store, and
// the keys of a company come back with it.
func TestWritesSurviveRestart(t *testing.T) {
	path := t.TempDir() + "/state.json"
	st, err := store.OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvOver(t, st)
	r := e.call(t, "POST", "/v1/notes", e.admin, `{"data":{"type":"notes","attributes":{"note":"kept"},"relationships":{"candidate":{"data":{"type":"candidates","id":"2"}}}}}`)
	if r.status != 201 {
		t.Fatalf("note: %d %s", r.status, r.body)
	}
	if r := e.call(t, "POST", "/v1/reject-reasons", e.admin, `{"data":{"type":"reject-reasons","attributes":{"reason":"kept too"}}}`); r.status != 201 {
		t.Fatalf("reject reason: %d %s", r.status, r.body)
	}
	// A key created through the control API is kept too.
	created := store.APIKey{Key: "ttapi_created_0001", Scope: store.ScopeInternal, Read: true}
	if _, err := st.UpdateCompany(t.Context(), e.sb.Company.UUID, func(c *store.Company) error { c.AddAPIKey(created); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st2, err := store.OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	e2 := newEnvOver(t, st2)
	if e2.admin != e.admin || e2.public != e.public {
		t.Errorf("keys after a restart: %s %s, want %s %s", e2.admin, e2.public, e.admin, e.public)
	}
	if r := e2.call(t, "GET", "/v1/jobs", created.Key, ""); r.status != 200 {
		t.Errorf("the created key after a restart: %d", r.status)
	}
	_, objs := decode(t, e2.call(t, "GET", "/v1/notes/2001", e2.admin, ""))
	if string(objs[0].Attributes["note"]) != `"kept"` {
		t.Errorf("note after a restart: %v", objs[0].Attributes)
	}
	_, objs = decode(t, e2.call(t, "GET", "/v1/reject-reasons/1", e2.admin, ""))
	if string(objs[0].Attributes["reason"]) != `"kept too"` {
		t.Errorf("reject reason after a restart: %v", objs[0].Attributes)
	}
}
