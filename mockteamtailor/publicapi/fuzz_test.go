package publicapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzRequest: whatever path, query and body a client sends with a valid
// key, /v1 answers a JSON document with a status below 500, never a panic.
func FuzzRequest(f *testing.F) {
	for _, s := range [][3]string{
		{"GET", "/v1/candidates?include=job-applications.stage,custom-field-values&page[size]=30&sort=-email", ""},
		{"GET", "/v1/jobs?filter[status]=all&filter[department]=1,2&fields[jobs]=title,stages&include=stages", ""},
		{"GET", "/v1/job-applications?filter[created_at][from]=2020-01-01&filter[stage-type]=inbox&page[number]=2", ""},
		{"GET", "/v1/custom-fields?filter[api-name]=preferred-language&include=custom-field-options.custom-field", ""},
		{"GET", "/v1/jobs/1/relationships/stages", ""},
		{"GET", "/v1/custom-field-values/10011?include=owner,custom-field", ""},
		{"PATCH", "/v1/job-applications/1000001", `{"data":{"id":"1000001","type":"job-applications","relationships":{"stage":{"data":{"type":"stages","id":"2"}}}}}`},
		{"PATCH", "/v1/job-applications/1000001", `{"data":{"id":1000001,"type":"job-applications","attributes":{"rejected-at":null}}}`},
		{"POST", "/v1/custom-field-values", `{"data":{"type":"custom-field-values","attributes":{"value":["1"]},"relationships":{"custom-field":{"data":{"type":"custom-fields","id":"3"}},"owner":{"data":{"type":"candidates","id":2}}}}}`},
		{"POST", "/v1/notes", `{"data":{"type":"notes","attributes":{"note":"x"},"relationships":{"candidate":{"data":{"type":"candidates","id":"1"}},"user":{"data":null}}}}`},
		{"POST", "/v1/notes", `{"data":{"type":"notes","relationships":{"candidate":{"data":[]}}}}`},
		{"GET", "/v1/candidates?filter[id]=&page[size]=-1&sort=,", ""},
		{"GET", "/v1/candidates/2?include=answers.question,uploads.job,questions", ""},
		{"GET", "/v1/answers?sort=-choices&fields[answers]=text,question&include=question", ""},
		{"POST", "/v1/candidates", `{"data":{"type":"candidates","attributes":{"email":"a@example.com","tags":["x"],"merge":true},"relationships":{"locations":{"data":[null]},"role":{"data":{"type":"roles","id":"1"}}}}}`},
		{"PATCH", "/v1/candidates/2", `{"data":{"id":"2","type":"candidates","attributes":{"email":null},"relationships":{"department":{"data":null}}}}`},
		{"POST", "/v1/job-applications", `{"data":{"type":"job-applications","relationships":{"candidate":{"data":{"type":"candidates","id":"3"}},"job":{"data":{"type":"jobs","id":"1"}},"stage":{"data":null}}}}`},
		{"PATCH", "/v1/job-applications/2000001", `{"data":{"id":"2000001","type":"job-applications","attributes":{"rejected-at":"2026-01-01T00:00:00Z"},"relationships":{"reject-reason":{"data":{"type":"reject-reasons","id":1}}}}}`},
		{"POST", "/v1/reject-reasons", `{"data":{"type":"reject-reasons","attributes":{"reason":"x","rejected-by-company":false}}}`},
		{"DELETE", "/v1/reject-reasons/1", ""},
		{"PATCH", "/v1/custom-field-values/10011", `{"data":{"id":"10011","type":"custom-field-values","attributes":{"value":[1,"2"]}}}`},
		{"PATCH", "/v1/notes/1001", `{"data":{"id":"1001","type":"notes","attributes":{"note":"y"}}}`},
		{"DELETE", "/v1/notes/1001", ""},
		{"GET", "/v1/candidates/1/activities?include=user,candidate", ""},
		{"POST", "/v1/uploads", `{"data":{"type":"uploads","attributes":{"url":"https://x.example/","file-name":null},"relationships":{"candidate":{"data":{"type":"candidates","id":"1"}}}}}`},
	} {
		f.Add(s[0], s[1], s[2])
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, method, target, body string) {
		u, err := url.Parse(target)
		if err != nil || !strings.HasPrefix(u.Path, "/v1/") || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") || method == "" {
			return
		}
		r := httptest.NewRequest(http.MethodGet, "/", strings.NewReader(body))
		r.Method, r.URL, r.RequestURI = method, u, target
		r.Header.Set("Authorization", "Token token="+e.admin)
		r.Header.Set("X-Api-Version", CurrentVersion)
		r.Header.Set("Content-Type", MediaType)
		w := httptest.NewRecorder()
		e.api.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %s: %d %s", method, target, w.Code, w.Body)
		}
		if w.Code != http.StatusNoContent && method != http.MethodHead && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s: %d, body is not JSON: %q", method, target, w.Code, w.Body)
		}
	})
}
