package mockteamtailor

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// resultRuleCases exercise every rule of the attribute table in PROTOCOL
// §2.3. wantPointers lists the pointer of every expected problem, in
// order; wantDetail is a phrase the first problem must contain.
var resultRuleCases = []struct {
	name         string
	create       bool
	attrs        string
	wantPointers []string
	wantDetail   string
}{
	// status
	{"status in enum", true, `{"status":"pending","candidate-id":1}`, nil, ""},
	{"status not in enum", true, `{"status":"done","candidate-id":1}`, []string{"/data/attributes/status"}, "must be one of sending, sent, pending, completed, failed"},
	{"status null", false, `{"status":null}`, []string{"/data/attributes/status"}, "got null"},
	{"status not a string", true, `{"status":1,"candidate-id":1}`, []string{"/data/attributes/status"}, "got 1"},
	{"status required on create", true, `{"candidate-id":1}`, []string{"/data/attributes/status"}, "status is required when creating"},
	// candidate-id
	{"candidate-id required on create", true, `{"status":"sent"}`, []string{"/data/attributes/candidate-id"}, "candidate-id is required when creating"},
	{"candidate-id as string", true, `{"status":"sent","candidate-id":"102"}`, []string{"/data/attributes/candidate-id"}, "must be an integer id, got a string"},
	{"candidate-id fractional", true, `{"status":"sent","candidate-id":1.5}`, []string{"/data/attributes/candidate-id"}, "must be an integer id, got 1.5"},
	{"candidate-id zero", true, `{"status":"sent","candidate-id":0}`, []string{"/data/attributes/candidate-id"}, "must be a positive integer id"},
	{"candidate-id 1e2 is an integer", true, `{"status":"sent","candidate-id":1e2}`, nil, ""},
	{"candidate-id optional on update", false, `{"summary":"x"}`, nil, ""},
	// job-id
	{"job-id integer", true, `{"status":"sent","candidate-id":1,"job-id":444}`, nil, ""},
	{"job-id null", true, `{"status":"sent","candidate-id":1,"job-id":null}`, nil, ""},
	{"job-id string", true, `{"status":"sent","candidate-id":1,"job-id":"444"}`, []string{"/data/attributes/job-id"}, "must be an integer id"},
	// summary
	{"summary long", true, `{"status":"sent","candidate-id":1,"summary":"` + strings.Repeat("é", 5000) + `"}`, nil, ""},
	{"summary number", true, `{"status":"sent","candidate-id":1,"summary":5}`, []string{"/data/attributes/summary"}, "must be a string or null"},
	// url
	{"url https", true, `{"status":"sent","candidate-id":1,"url":"https://a.example/x?y=1"}`, nil, ""},
	{"url http", true, `{"status":"sent","candidate-id":1,"url":"http://a.example"}`, nil, ""},
	{"url ftp", true, `{"status":"sent","candidate-id":1,"url":"ftp://a.example"}`, []string{"/data/attributes/url"}, "absolute http or https URL"},
	{"url relative", true, `{"status":"sent","candidate-id":1,"url":"/r/1"}`, []string{"/data/attributes/url"}, "absolute http or https URL"},
	{"url javascript", true, `{"status":"sent","candidate-id":1,"url":"javascript:alert(1)"}`, []string{"/data/attributes/url"}, "absolute http or https URL"},
	// assessment
	{"score 0 and 100", true, `{"status":"sent","candidate-id":1,"assessment":{"score":0},"assessment-criteria":[{"id":"a","score":100}]}`, nil, ""},
	{"score fractional", true, `{"status":"sent","candidate-id":1,"assessment":{"score":99.5}}`, nil, ""},
	{"score above 100", true, `{"status":"sent","candidate-id":1,"assessment":{"score":101}}`, []string{"/data/attributes/assessment/score"}, "from 0 to 100, got 101"},
	{"score just above 100", true, `{"status":"sent","candidate-id":1,"assessment":{"score":100.5}}`, []string{"/data/attributes/assessment/score"}, "from 0 to 100"},
	{"score negative", true, `{"status":"sent","candidate-id":1,"assessment":{"score":-1}}`, []string{"/data/attributes/assessment/score"}, "from 0 to 100"},
	{"score string", true, `{"status":"sent","candidate-id":1,"assessment":{"score":"82"}}`, []string{"/data/attributes/assessment/score"}, "got a string"},
	{"grade values", true, `{"status":"sent","candidate-id":1,"assessment":{"grade":"might_not_be_fit"}}`, nil, ""},
	{"grade null", true, `{"status":"sent","candidate-id":1,"assessment":{"grade":null}}`, nil, ""},
	{"grade unknown value", true, `{"status":"sent","candidate-id":1,"assessment":{"grade":"great"}}`, []string{"/data/attributes/assessment/grade"}, "top_fit, might_be_fit, might_not_be_fit, unknown, or null"},
	{"duration H:MM:SS", true, `{"status":"sent","candidate-id":1,"assessment":{"duration":"0:32:14"}}`, nil, ""},
	{"duration HH:MM:SS", true, `{"status":"sent","candidate-id":1,"assessment":{"duration":"12:00:59"}}`, nil, ""},
	{"duration seconds", true, `{"status":"sent","candidate-id":1,"assessment":{"duration":1934}}`, nil, ""},
	{"duration minutes over 59", true, `{"status":"sent","candidate-id":1,"assessment":{"duration":"1:60:00"}}`, []string{"/data/attributes/assessment/duration"}, "not H:MM:SS or HH:MM:SS"},
	{"duration MM:SS", true, `{"status":"sent","candidate-id":1,"assessment":{"duration":"32:14"}}`, []string{"/data/attributes/assessment/duration"}, "not H:MM:SS"},
	{"duration HHH", true, `{"status":"sent","candidate-id":1,"assessment":{"duration":"100:00:00"}}`, []string{"/data/attributes/assessment/duration"}, "not H:MM:SS"},
	{"duration negative", true, `{"status":"sent","candidate-id":1,"assessment":{"duration":-5}}`, []string{"/data/attributes/assessment/duration"}, "whole number of seconds"},
	{"duration fractional", true, `{"status":"sent","candidate-id":1,"assessment":{"duration":1.5}}`, []string{"/data/attributes/assessment/duration"}, "whole number of seconds"},
	{"duration words", true, `{"status":"sent","candidate-id":1,"assessment":{"duration":"abc"}}`, []string{"/data/attributes/assessment/duration"}, "not H:MM:SS"},
	{"assessment unknown member", true, `{"status":"sent","candidate-id":1,"assessment":{"score":5,"level":"x"}}`, []string{"/data/attributes/assessment/level"}, "not an assessment member"},
	{"assessment not an object", true, `{"status":"sent","candidate-id":1,"assessment":82}`, []string{"/data/attributes/assessment"}, "must be an object"},
	{"assessment null", true, `{"status":"sent","candidate-id":1,"assessment":null}`, nil, ""},
	// details
	{"details depth 2", true, `{"status":"sent","candidate-id":1,"details":{"a":"1","b":{"c":true,"d":null},"e":[1,"x"]}}`, nil, ""},
	{"details depth 3", true, `{"status":"sent","candidate-id":1,"details":{"a":{"b":{"c":1}}}}`, []string{"/data/attributes/details/a/b"}, "at most 2 levels"},
	{"details list of objects", true, `{"status":"sent","candidate-id":1,"details":{"a":[{"b":1}]}}`, []string{"/data/attributes/details/a/0"}, "at most 2 levels"},
	{"details array in object", true, `{"status":"sent","candidate-id":1,"details":{"a":{"b":[1]}}}`, []string{"/data/attributes/details/a/b"}, "at most 2 levels"},
	{"details not an object", true, `{"status":"sent","candidate-id":1,"details":"great"}`, []string{"/data/attributes/details"}, "must be an object"},
	{"details key needs escaping", true, `{"status":"sent","candidate-id":1,"details":{"a/b":{"c~d":{}}}}`, []string{"/data/attributes/details/a~1b/c~0d"}, "at most 2 levels"},
	// attachments
	{"attachments exact", true, `{"status":"sent","candidate-id":1,"attachments":[{"url":"https://a.example/1","description":"One"},{"description":"","url":"http://a.example/2"}]}`, nil, ""},
	{"attachments extra key", true, `{"status":"sent","candidate-id":1,"attachments":[{"url":"https://a.example","description":"d","name":"x"}]}`, []string{"/data/attributes/attachments/0/name"}, "exactly url and description"},
	{"attachments missing description", true, `{"status":"sent","candidate-id":1,"attachments":[{"url":"https://a.example"}]}`, []string{"/data/attributes/attachments/0/description"}, "description is required"},
	{"attachments missing url", true, `{"status":"sent","candidate-id":1,"attachments":[{"description":"d"}]}`, []string{"/data/attributes/attachments/0/url"}, "url is required"},
	{"attachments bad url", true, `{"status":"sent","candidate-id":1,"attachments":[{"url":"file:///etc/passwd","description":"d"}]}`, []string{"/data/attributes/attachments/0/url"}, "absolute http or https URL"},
	{"attachments not a list", true, `{"status":"sent","candidate-id":1,"attachments":{"url":"https://a.example","description":"d"}}`, []string{"/data/attributes/attachments"}, "must be a list"},
	{"attachments item not an object", true, `{"status":"sent","candidate-id":1,"attachments":["https://a.example"]}`, []string{"/data/attributes/attachments/0"}, "must be an object"},
	// actions
	{"actions both keys", true, `{"status":"sent","candidate-id":1,"actions":[{"buttonText":"Archive","endpoint":"archive/1"}]}`, nil, ""},
	{"actions missing endpoint", true, `{"status":"sent","candidate-id":1,"actions":[{"buttonText":"Archive"}]}`, []string{"/data/attributes/actions/0/endpoint"}, "endpoint is required"},
	{"actions missing buttonText", true, `{"status":"sent","candidate-id":1,"actions":[{"endpoint":"x"}]}`, []string{"/data/attributes/actions/0/buttonText"}, "buttonText is required"},
	{"actions empty text", true, `{"status":"sent","candidate-id":1,"actions":[{"buttonText":"","endpoint":"x"}]}`, []string{"/data/attributes/actions/0/buttonText"}, "non-empty string"},
	// assessment-criteria
	{"criteria ids string and integer", true, `{"status":"sent","candidate-id":1,"assessment-criteria":[{"id":"a","score":10},{"id":2}]}`, nil, ""},
	{"criteria missing id", true, `{"status":"sent","candidate-id":1,"assessment-criteria":[{"score":10}]}`, []string{"/data/attributes/assessment-criteria/0/id"}, "id is required"},
	{"criteria score too high", true, `{"status":"sent","candidate-id":1,"assessment-criteria":[{"id":"a","score":120}]}`, []string{"/data/attributes/assessment-criteria/0/score"}, "from 0 to 100"},
	{"criteria id object", true, `{"status":"sent","candidate-id":1,"assessment-criteria":[{"id":{}}]}`, []string{"/data/attributes/assessment-criteria/0/id"}, "non-empty string or an integer"},
	// unknown attributes and several problems at once
	{"unknown attribute", true, `{"status":"sent","candidate-id":1,"candidate_id":1}`, []string{"/data/attributes/candidate_id"}, `"candidate_id" is not a partner-results attribute`},
	{"every problem reported", true, `{"status":"x","assessment":{"score":300},"url":"nope"}`, []string{"/data/attributes/status", "/data/attributes/candidate-id", "/data/attributes/url", "/data/attributes/assessment/score"}, "status must be one of"},
}

// validateResultAttrs reports exactly the expected problems for every
// rule of PROTOCOL §2.3, and the published schema agrees with it on what
// is valid, so partners validating with the schema see what the API says.
func TestResultAttributeRules(t *testing.T) {
	for _, tt := range resultRuleCases {
		t.Run(tt.name, func(t *testing.T) {
			v, err := decodeValue([]byte(tt.attrs))
			if err != nil {
				t.Fatal(err)
			}
			attrs, _ := v.(map[string]any)
			_, problems := validateResultAttrs(attrs, tt.create)
			var got []string
			for _, p := range problems {
				got = append(got, p.Pointer)
				if p.Status != http.StatusUnprocessableEntity {
					t.Errorf("%s: status %d, want 422", p.Pointer, p.Status)
				}
			}
			if diff := cmp.Diff(tt.wantPointers, got); diff != "" {
				t.Errorf("problem pointers (-want +got):\n%s\nproblems: %v", diff, problems)
			}
			if tt.wantDetail != "" && len(problems) > 0 && !strings.Contains(problems[0].Detail, tt.wantDetail) {
				t.Errorf("first problem %q does not say %q", problems[0].Detail, tt.wantDetail)
			}

			schema, doc := "partner-result-update-request", `{"data":{"type":"partner-results","attributes":`+tt.attrs+`}}`
			if tt.create {
				schema = "partner-result-create-request"
			}
			serr := schemas.Validate(schema, []byte(doc))
			if (serr == nil) != (len(problems) == 0) {
				t.Errorf("schema %s disagrees with the API: schema says %v, API says %v", schema, serr, problems)
			}
		})
	}
}

// The same rules hold through the HTTP stack: a 422 with one JSON:API
// error per problem.
func TestResultAttributeRulesOverHTTP(t *testing.T) {
	env := newTestEnv(t)
	existing := env.createResult(t, `{"status":"sending","candidate-id":1}`)
	for _, tt := range resultRuleCases {
		t.Run(tt.name, func(t *testing.T) {
			rq := req{method: "POST", path: createPath, body: `{"data":{"type":"partner-results","attributes":` + tt.attrs + `}}`}
			wantOK := http.StatusCreated
			if !tt.create {
				rq.method, rq.path, wantOK = "PATCH", createPath+"/"+existing, http.StatusOK
			}
			r := env.do(t, rq)
			if len(tt.wantPointers) == 0 {
				if r.status != wantOK {
					t.Fatalf("status = %d, want %d; body: %s", r.status, wantOK, r.body)
				}
				mustMatchSchema(t, "partner-result", r.body)
				return
			}
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422; body: %s", r.status, r.body)
			}
			var doc errorDocument
			if err := json.Unmarshal(r.body, &doc); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range doc.Errors {
				if e.Status != "422" || e.Source == nil {
					t.Errorf("error %+v: want status 422 and a source pointer", e)
					continue
				}
				got = append(got, e.Source.Pointer)
			}
			if diff := cmp.Diff(tt.wantPointers, got); diff != "" {
				t.Errorf("pointers (-want +got):\n%s", diff)
			}
		})
	}
}

// candidate-id is immutable: the same value is accepted on update, a
// different one is a 422 and changes nothing.
func TestResultCandidateIDImmutable(t *testing.T) {
	env := newTestEnv(t)
	id := env.createResult(t, `{"status":"sending","candidate-id":7}`)
	if r := env.do(t, req{method: "PUT", path: createPath + "/" + id, body: `{"data":{"type":"partner-results","attributes":{"candidate-id":7,"status":"sent"}}}`}); r.status != 200 {
		t.Fatalf("same candidate-id: status = %d; body %s", r.status, r.body)
	}
	r := env.do(t, req{method: "PUT", path: createPath + "/" + id, body: `{"data":{"type":"partner-results","attributes":{"candidate-id":8,"status":"completed"}}}`})
	want := errDoc(errEntry(422, "Invalid attribute", "candidate-id is immutable: this result belongs to candidate 7, got 8", "/data/attributes/candidate-id"))
	if diff := cmp.Diff(jsonValue(t, want), r.doc(t)); r.status != 422 || diff != "" {
		t.Errorf("status %d (-want +got):\n%s", r.status, diff)
	}
	g := env.do(t, req{method: "GET", path: createPath + "/" + id})
	attrs := g.doc(t)["data"].(map[string]any)["attributes"].(map[string]any)
	if attrs["status"] != "sent" || attrs["candidate-id"] != 7.0 {
		t.Errorf("a refused update changed the result: %v", attrs)
	}
}

// ParseDuration turns H:MM:SS and HH:MM:SS into seconds.
func TestParseDuration(t *testing.T) {
	for in, want := range map[string]int64{"0:32:14": 1934, "00:00:00": 0, "1:00:00": 3600, "99:59:59": 359999, "10:01:02": 36062} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1:2:3", "1:60:00", "1:00:60", "100:00:00", "-1:00:00", "1:00:00 ", "1:00", "a:bc:de", "１:00:00"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) succeeded, want an error", in)
		}
	}
}
