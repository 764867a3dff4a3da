package publicapi

import (
	"fmt"
	"testing"
)

// Reject reasons are created, changed, listed and deleted through /v1,
// kept with the company; an application rejected with one links to it,
// and a deleted reason leaves the application rejected without one.
func TestRejectReasons(t *testing.T) {
	e := newEnv(t)
	d, _ := decode(t, e.call(t, "GET", "/v1/reject-reasons", e.admin, ""))
	if d.Meta["record-count"] != 0 {
		t.Fatalf("a new company has reject reasons: %s", d.Data)
	}
	post := func(body string) resp { return e.call(t, "POST", "/v1/reject-reasons", e.admin, body) }
	r := post(`{"data":{"type":"reject-reasons","attributes":{"reason":"Not enough experience"}}}`)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	_, objs := decode(t, r)
	if objs[0].ID != "1" || string(objs[0].Attributes["reason"]) != `"Not enough experience"` || string(objs[0].Attributes["rejected-by-company"]) != "true" {
		t.Errorf("created: %s", r.body)
	}
	_, objs = decode(t, post(`{"data":{"type":"reject-reasons","attributes":{"reason":"Took another offer","rejected-by-company":false}}}`))
	if objs[0].ID != "2" || string(objs[0].Attributes["rejected-by-company"]) != "false" {
		t.Errorf("second: %+v", objs[0].Attributes)
	}
	wantBody(t, post(`{"data":{"type":"reject-reasons","attributes":{"reason":" ","rejected-by-company":"no"}}}`), 422,
		`{"errors":[{"title":"can't be blank","detail":"reason - can't be blank","code":"100","source":{"pointer":"/data/attributes/reason"},"status":"422"},`+
			`{"title":"is invalid","detail":"rejected-by-company - is invalid","code":"100","source":{"pointer":"/data/attributes/rejected-by-company"},"status":"422"}]}`)
	wantBody(t, post(`{"data":{"type":"reject-reasons","attributes":{"reason":"x","code":"1"}}}`), 400,
		`{"errors":[{"title":"Param not allowed","detail":"code is not allowed.","code":"105","status":"400"}]}`)
	wantBody(t, post(`{"data":{"type":"reject-reasons","attributes":{"reason":"x"},"relationships":{"job-applications":{"data":[]}}}}`), 400,
		`{"errors":[{"title":"Param not allowed","detail":"job-applications is not allowed.","code":"105","status":"400"}]}`)
	// Only admin keys with read and write.
	wantBody(t, e.call(t, "POST", "/v1/reject-reasons", e.internal, `{"data":{"type":"reject-reasons","attributes":{"reason":"x"}}}`), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to create reject-reasons.","code":"403","status":"403"}]}`)
	wantBody(t, e.call(t, "GET", "/v1/reject-reasons", e.public, ""), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to read reject-reasons.","code":"403","status":"403"}]}`)
	wantBody(t, e.call(t, "GET", "/v1/reject-reasons?filter[reason]=x", e.admin, ""), 400,
		`{"errors":[{"title":"Filter not allowed","detail":"reason is not allowed.","code":"102","status":"400"}]}`)
	// PATCH changes what it names.
	_, objs = decode(t, e.call(t, "PATCH", "/v1/reject-reasons/2", e.admin, `{"data":{"id":2,"type":"reject-reasons","attributes":{"reason":"Withdrew"}}}`))
	if string(objs[0].Attributes["reason"]) != `"Withdrew"` || string(objs[0].Attributes["rejected-by-company"]) != "false" {
		t.Errorf("patched: %+v", objs[0].Attributes)
	}
	wantBody(t, e.call(t, "PATCH", "/v1/reject-reasons/9", e.admin, `{"data":{"id":"9","type":"reject-reasons","attributes":{"reason":"x"}}}`), 404,
		`{"errors":[{"title":"Record not found","detail":"The record identified by 9 could not be found.","code":"404","status":"404"}]}`)

	// An application rejected with reason 1.
	jobs, _ := e.st.Jobs(t.Context(), e.sb.Company.UUID)
	app := applicationID(2, jobs[0].ID)
	patch := func(rest string) resp {
		return e.call(t, "PATCH", "/v1/job-applications/"+app, e.admin, fmt.Sprintf(`{"data":{"id":%q,"type":"job-applications"%s}}`, app, rest))
	}
	withReason := func(at, reason string) string {
		return fmt.Sprintf(`,"attributes":{"rejected-at":%s},"relationships":{"reject-reason":{"data":%s}}`, at, reason)
	}
	wantBody(t, patch(withReason(`"2026-03-18T11:00:00+01:00"`, `{"type":"reject-reasons","id":"7"}`)), 422,
		`{"errors":[{"title":"must exist","detail":"reject-reason - must exist","code":"100","source":{"pointer":"/data/relationships/reject-reason"},"status":"422"}]}`)
	wantBody(t, patch(withReason("null", `{"type":"reject-reasons","id":"1"}`)), 422,
		`{"errors":[{"title":"is invalid","detail":"reject-reason - is invalid","code":"100","source":{"pointer":"/data/relationships/reject-reason"},"status":"422"}]}`)
	d, _ = decode(t, patch(withReason(`"2026-03-18T11:00:00+01:00"`, `{"type":"reject-reasons","id":1}`)))
	_, objs = decode(t, e.call(t, "GET", "/v1/job-applications/"+app+"?include=reject-reason", e.admin, ""))
	if string(objs[0].Relationships["reject-reason"].Data) != `{"type":"reject-reasons","id":"1"}` {
		t.Errorf("the application's reason: %s", objs[0].Relationships["reject-reason"].Data)
	}
	if got := fmt.Sprint(e.rejects); got != fmt.Sprintf("[[2 %d 0 1]]", jobs[0].ID) {
		t.Errorf("reject operations = %s", got)
	}
	d, _ = decode(t, e.call(t, "GET", "/v1/reject-reasons/1/job-applications", e.admin, ""))
	if d.Meta["record-count"] != 1 {
		t.Errorf("the reason's applications: %s", d.Data)
	}
	// Deleted: 204 and gone; the application stays rejected without a
	// reason; the id is not handed out again.
	if r := e.call(t, "DELETE", "/v1/reject-reasons/1", e.admin, ""); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("delete: %d %q", r.status, r.body)
	}
	wantBody(t, e.call(t, "GET", "/v1/reject-reasons/1", e.admin, ""), 404,
		`{"errors":[{"title":"Record not found","detail":"The record identified by 1 could not be found.","code":"404","status":"404"}]}`)
	_, objs = decode(t, e.call(t, "GET", "/v1/job-applications/"+app+"?include=reject-reason", e.admin, ""))
	if string(objs[0].Relationships["reject-reason"].Data) != "null" || string(objs[0].Attributes["rejected-at"]) == "null" {
		t.Errorf("after the reason's deletion: %s", e.call(t, "GET", "/v1/job-applications/"+app+"?include=reject-reason", e.admin, "").body)
	}
	if r := e.call(t, "DELETE", "/v1/reject-reasons/1", e.admin, ""); r.status != 404 {
		t.Errorf("second delete: %d", r.status)
	}
	if r := e.call(t, "DELETE", "/v1/reject-reasons/2", e.internal, ""); r.status != 403 {
		t.Errorf("delete with the internal key: %d", r.status)
	}
	_, objs = decode(t, post(`{"data":{"type":"reject-reasons","attributes":{"reason":"Overqualified"}}}`))
	if objs[0].ID != "3" {
		t.Errorf("a reason after a deletion has id %s, want 3", objs[0].ID)
	}
	c, _ := e.st.Company(t.Context(), e.sb.Company.UUID)
	if len(c.RejectReasons) != 2 || c.LastRejectReasonID != 3 {
		t.Errorf("stored: %+v last %d", c.RejectReasons, c.LastRejectReasonID)
	}
}
