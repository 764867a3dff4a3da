package publicapi

import (
	"testing"
)

// Activities are listed per candidate, job or user, not at the top
// level; a note added through /v1 is a "note" activity of its candidate
// and its user, with the note in data.
func TestActivities(t *testing.T) {
	e := newEnv(t)
	user := id64(e.sb.Company.Users[0].ID)
	// The top-level list was removed from Teamtailor's API.
	wantBody(t, e.call(t, "GET", "/v1/activities", e.admin, ""), 404,
		`{"errors":[{"title":"Not found","detail":"No route matches GET /v1/activities.","code":"404","status":"404"}]}`)
	d, objs := decode(t, e.call(t, "GET", "/v1/candidates/3/activities", e.admin, ""))
	if d.Meta["record-count"] != 1 || objs[0].ID != "31" || string(objs[0].Attributes["code"]) != `"created"` ||
		string(objs[0].Attributes["data"]) != `"{}"` || string(objs[0].Attributes["created-at"]) != "null" {
		t.Fatalf("a candidate's activities before any note: %s", d.Data)
	}
	if r := e.call(t, "POST", "/v1/notes", e.admin, `{"data":{"type":"notes","attributes":{"note":"Called them."},"relationships":{"candidate":{"data":{"type":"candidates","id":"3"}}}}}`); r.status != 201 {
		t.Fatalf("note: %d %s", r.status, r.body)
	}
	d, objs = decode(t, e.call(t, "GET", "/v1/candidates/3/activities?sort=-id&include=user", e.admin, ""))
	if d.Meta["record-count"] != 2 || objs[0].ID != "30013" || string(objs[0].Attributes["code"]) != `"note"` ||
		string(objs[0].Attributes["data"]) != `"{\"note\":\"Called them.\"}"` ||
		string(objs[0].Attributes["created-at"]) != `"2026-03-18T11:39:32.440+01:00"` ||
		string(objs[0].Relationships["user"].Data) != `{"type":"users","id":"`+user+`"}` || len(d.Included) != 1 || d.Included[0].ID != user {
		t.Errorf("after a note: %s %v", d.Data, d.Included)
	}
	// The user's activities are the notes they wrote.
	d, objs = decode(t, e.call(t, "GET", "/v1/users/"+user+"/activities", e.admin, ""))
	if d.Meta["record-count"] != 1 || objs[0].ID != "30013" {
		t.Errorf("the user's activities: %s", d.Data)
	}
	_, objs = decode(t, e.call(t, "GET", "/v1/activities/30013?include=candidate", e.admin, ""))
	if objs[0].Relationships["candidate"].Links["related"] != e.srv.URL+"/v1/activities/30013/candidate" ||
		string(objs[0].Relationships["candidate"].Data) != `{"type":"candidates","id":"3"}` {
		t.Errorf("show: %+v", objs[0].Relationships)
	}
	jobs, _ := e.st.Jobs(t.Context(), e.sb.Company.UUID)
	job := id64(jobs[0].ID)
	d, objs = decode(t, e.call(t, "GET", "/v1/jobs/"+job+"/activities", e.admin, ""))
	if d.Meta["record-count"] != 1 || objs[0].ID != job+"2" || string(objs[0].Attributes["code"]) != `"created"` {
		t.Errorf("a job's activities: %s", d.Data)
	}
	// Admin scope only; unknown filters refused; unknown ids 404.
	wantBody(t, e.call(t, "GET", "/v1/jobs/"+job+"/activities", e.internal, ""), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to read activities.","code":"403","status":"403"}]}`)
	wantBody(t, e.call(t, "GET", "/v1/activities/30013", e.public, ""), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to read activities.","code":"403","status":"403"}]}`)
	wantBody(t, e.call(t, "GET", "/v1/candidates/3/activities?filter[code]=note", e.admin, ""), 400,
		`{"errors":[{"title":"Filter not allowed","detail":"code is not allowed.","code":"102","status":"400"}]}`)
	wantBody(t, e.call(t, "GET", "/v1/activities/99", e.admin, ""), 404,
		`{"errors":[{"title":"Record not found","detail":"The record identified by 99 could not be found.","code":"404","status":"404"}]}`)
	wantBody(t, e.call(t, "GET", "/v1/candidates/3/activities?page[size]=31", e.admin, ""), 400,
		`{"errors":[{"title":"Invalid page value","detail":"size exceeds maximum page size of 30.","code":"118","status":"400"}]}`)
	// Read-only: no writes.
	if r := e.call(t, "POST", "/v1/activities", e.admin, `{"data":{"type":"activities"}}`); r.status != 404 {
		t.Errorf("POST /v1/activities: %d", r.status)
	}
}
