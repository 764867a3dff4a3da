package publicapi

import (
	"fmt"
	"strconv"
	"testing"
)

// POST /v1/candidates adds a candidate with what the store keeps; the
// email is required, valid and unique unless merge asks to update the
// candidate who has it.
func TestCreateCandidate(t *testing.T) {
	e := newEnv(t)
	_, deps := decode(t, e.call(t, "GET", "/v1/departments", e.admin, ""))
	post := func(body string) resp { return e.call(t, "POST", "/v1/candidates", e.admin, body) }
	r := post(fmt.Sprintf(`{"data":{"type":"candidates","attributes":{"first-name":"Ada","last-name":"Lovelace","email":"ada@example.com",`+
		`"tags":["math"],"resume":"https://files.example.com/cv/ada.pdf","send-welcome-message":false},`+
		`"relationships":{"department":{"data":{"type":"departments","id":%q}}}}}`, deps[0].ID))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	_, objs := decode(t, r)
	id := objs[0].ID
	if string(objs[0].Attributes["email"]) != `"ada@example.com"` || string(objs[0].Attributes["tags"]) != `["math"]` ||
		string(objs[0].Attributes["resume"]) != `"https://files.example.com/cv/ada.pdf"` {
		t.Errorf("created: %s", r.body)
	}
	_, objs = decode(t, e.call(t, "GET", "/v1/candidates/"+id+"?include=department", e.admin, ""))
	if string(objs[0].Relationships["department"].Data) != `{"type":"departments","id":"`+deps[0].ID+`"}` {
		t.Errorf("department: %s", objs[0].Relationships["department"].Data)
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	c, err := e.st.Candidate(t.Context(), n)
	if err != nil || c.CompanyUUID != e.sb.Company.UUID || *c.Data.FirstName != "Ada" || c.Data.Resume.FileName != "ada.pdf" {
		t.Errorf("stored: %+v %v", c, err)
	}
	wantBody(t, post(`{"data":{"type":"candidates","attributes":{"email":"ADA@example.com"}}}`), 422,
		`{"errors":[{"title":"has already been taken","detail":"email - has already been taken","code":"100","source":{"pointer":"/data/attributes/email"},"status":"422"}]}`)
	wantBody(t, post(`{"data":{"type":"candidates","attributes":{"first-name":"No mail"}}}`), 422,
		`{"errors":[{"title":"can't be blank","detail":"email - can't be blank","code":"100","source":{"pointer":"/data/attributes/email"},"status":"422"}]}`)
	wantBody(t, post(`{"data":{"type":"candidates","attributes":{"email":"not an address","tags":"x"}}}`), 422,
		`{"errors":[{"title":"is invalid","detail":"email - is invalid","code":"100","source":{"pointer":"/data/attributes/email"},"status":"422"},`+
			`{"title":"is invalid","detail":"tags - is invalid","code":"100","source":{"pointer":"/data/attributes/tags"},"status":"422"}]}`)
	wantBody(t, post(`{"data":{"type":"candidates","attributes":{"email":"b@example.com","sourced":true}}}`), 400,
		`{"errors":[{"title":"Param not allowed","detail":"sourced is not allowed.","code":"105","status":"400"}]}`)
	wantBody(t, post(`{"data":{"type":"candidates","attributes":{"email":"b@example.com"},"relationships":{"role":{"data":{"type":"roles","id":"1"}}}}}`), 422,
		`{"errors":[{"title":"must exist","detail":"role - must exist","code":"100","source":{"pointer":"/data/relationships/role"},"status":"422"}]}`)
	wantBody(t, e.call(t, "POST", "/v1/candidates", e.internal, `{"data":{"type":"candidates","attributes":{"email":"b@example.com"}}}`), 403,
		`{"errors":[{"title":"Forbidden","detail":"This API key is not allowed to create candidates.","code":"403","status":"403"}]}`)
	// merge: the candidate with the email is updated, tags added.
	r = post(`{"data":{"type":"candidates","attributes":{"email":"ada@example.com","phone":"+44 20 7946 0000","tags":["poetry"],"merge":true}}}`)
	if r.status != 201 {
		t.Fatalf("merge: %d %s", r.status, r.body)
	}
	_, objs = decode(t, r)
	if objs[0].ID != id || string(objs[0].Attributes["tags"]) != `["math","poetry"]` || string(objs[0].Attributes["phone"]) != `"+44 20 7946 0000"` ||
		string(objs[0].Attributes["first-name"]) != `"Ada"` {
		t.Errorf("merged: %s", r.body)
	}
}

// PATCH /v1/candidates/{id} changes what it names; the email stays
// required and unique; create-only attributes are refused.
func TestUpdateCandidate(t *testing.T) {
	e := newEnv(t)
	c1, _ := e.st.Candidate(t.Context(), 1)
	patch := func(id, rest string) resp {
		return e.call(t, "PATCH", "/v1/candidates/"+id, e.admin, fmt.Sprintf(`{"data":{"id":%q,"type":"candidates"%s}}`, id, rest))
	}
	_, locs := decode(t, e.call(t, "GET", "/v1/locations", e.admin, ""))
	r := patch("2", fmt.Sprintf(`,"attributes":{"last-name":"Changed","tags":[]},"relationships":{"department":{"data":null},"locations":{"data":[{"type":"locations","id":%q}]}}`, locs[0].ID))
	_, objs := decode(t, r)
	if string(objs[0].Attributes["last-name"]) != `"Changed"` || string(objs[0].Attributes["tags"]) != `[]` {
		t.Errorf("patched: %s", r.body)
	}
	_, objs = decode(t, e.call(t, "GET", "/v1/candidates/2?include=department,locations", e.admin, ""))
	if string(objs[0].Relationships["department"].Data) != "null" || string(objs[0].Relationships["locations"].Data) != `[{"type":"locations","id":"`+locs[0].ID+`"}]` {
		t.Errorf("relationships: %s %s", objs[0].Relationships["department"].Data, objs[0].Relationships["locations"].Data)
	}
	c2, _ := e.st.Candidate(t.Context(), 2)
	if *c2.Data.LastName != "Changed" || len(c2.Data.Locations) != 1 || *c2.Data.Locations[0].Name != string(locs[0].Attributes["name"][1:len(locs[0].Attributes["name"])-1]) {
		t.Errorf("stored: %+v", c2.Data)
	}
	wantBody(t, patch("2", `,"attributes":{"email":`+fmt.Sprintf("%q", *c1.Data.Email)+`}`), 422,
		`{"errors":[{"title":"has already been taken","detail":"email - has already been taken","code":"100","source":{"pointer":"/data/attributes/email"},"status":"422"}]}`)
	wantBody(t, patch("2", `,"attributes":{"email":null}`), 422,
		`{"errors":[{"title":"can't be blank","detail":"email - can't be blank","code":"100","source":{"pointer":"/data/attributes/email"},"status":"422"}]}`)
	wantBody(t, patch("2", `,"attributes":{"merge":true}`), 400,
		`{"errors":[{"title":"Param not allowed","detail":"merge is not allowed.","code":"105","status":"400"}]}`)
	wantBody(t, patch("2", `,"attributes":{"created-at":"2020-01-01"}`), 400,
		`{"errors":[{"title":"Param not allowed","detail":"created-at is not allowed.","code":"105","status":"400"}]}`)
	wantBody(t, patch("2", `,"relationships":{"locations":{"data":{"type":"locations","id":"1"}}}`), 400,
		`{"errors":[{"title":"Invalid relationship","detail":"The relationship data is not a list of resource identifiers.","code":"123","status":"400"}]}`)
	wantBody(t, patch("999999", `,"attributes":{"last-name":"x"}`), 404,
		`{"errors":[{"title":"Record not found","detail":"The record identified by 999999 could not be found.","code":"404","status":"404"}]}`)
	// Own email, other case: no conflict with itself.
	if r := patch("1", `,"attributes":{"email":`+fmt.Sprintf("%q", *c1.Data.Email)+`}`); r.status != 200 {
		t.Errorf("own email: %d %s", r.status, r.body)
	}
}
