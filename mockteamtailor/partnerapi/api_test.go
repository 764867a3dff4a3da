package partnerapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

const createPath = "/partner/v1/partner-results"
const minimalCreate = `{"data":{"type":"partner-results","attributes":{"status":"sending","candidate-id":1}}}`

// Every error class of docs/protocol.md §2 answers its status with a whole,
// specific JSON:API error document, and never a 5xx.
func TestPartnerAPIErrors(t *testing.T) {
	env := newTestEnv(t)
	otherID := func() string {
		o := *env
		o.key = env.otherKey
		return o.createResult(t, `{"status":"sent","candidate-id":9}`)
	}()
	const forms = `send "Authorization: Token <partner API key>" (also accepted: "Token token=<key>", "Bearer <key>")`
	unauth := func(detail string) string { return errDoc(errEntry(401, "Unauthorized", detail, "")) }
	invalid := func(pointer, detail string) string { return errEntry(422, "Invalid attribute", detail, pointer) }

	tests := []struct {
		name       string
		req        req
		wantStatus int
		wantDoc    string
	}{
		{"no Authorization", req{Method: "GET", Path: createPath, Header: map[string]string{"Authorization": ""}}, 401,
			unauth(`the Authorization header is missing; ` + forms)},
		{"Basic scheme", req{Method: "GET", Path: createPath, Header: map[string]string{"Authorization": "Basic a2V5LW9uZQ=="}}, 401,
			unauth(`the Authorization scheme "Basic" is not accepted; ` + forms)},
		{"scheme without key", req{Method: "GET", Path: createPath, Header: map[string]string{"Authorization": "Token"}}, 401,
			unauth(`the Authorization header has no single key after the scheme; ` + forms)},
		{"unknown key", req{Method: "GET", Path: createPath, Header: map[string]string{"Authorization": "Token nope"}}, 401,
			unauth("the API key is not the key of any partner; use the partner API key the mock printed at start-up (mockteamtailor keys)")},
		{"missing version", req{Method: "GET", Path: createPath, Header: map[string]string{"X-Api-Version": ""}}, 406,
			errDoc(errEntry(406, "Not acceptable", "the X-Api-Version header is required; this API supports X-Api-Version: 20180828", ""))},
		{"unknown version", req{Method: "GET", Path: createPath, Header: map[string]string{"X-Api-Version": "2020-01-01"}}, 406,
			errDoc(errEntry(406, "Not acceptable", `X-Api-Version "2020-01-01" is not supported; this API supports X-Api-Version: 20180828`, ""))},
		{"missing content type", req{Method: "POST", Path: createPath, Body: minimalCreate, Header: map[string]string{"Content-Type": ""}}, 415,
			errDoc(errEntry(415, "Unsupported media type", "Content-Type is missing; send Content-Type: application/vnd.api+json", ""))},
		{"plain JSON content type", req{Method: "POST", Path: createPath, Body: minimalCreate, Header: map[string]string{"Content-Type": "application/json"}}, 415,
			errDoc(errEntry(415, "Unsupported media type", `Content-Type "application/json" is not supported; send Content-Type: application/vnd.api+json`, ""))},
		{"malformed JSON", req{Method: "POST", Path: createPath, Body: `{"data": {`}, 400,
			errDoc(errEntry(400, "Bad request", "the request body is not valid JSON: it ends too early", ""))},
		{"syntax error", req{Method: "POST", Path: createPath, Body: `{"data": nope}`}, 400,
			errDoc(errEntry(400, "Bad request", "the request body is not valid JSON: invalid character 'o' in literal null (expecting 'u') (at byte 11)", ""))},
		{"trailing data", req{Method: "POST", Path: createPath, Body: minimalCreate + `{}`}, 400,
			errDoc(errEntry(400, "Bad request", "the request body has data after the JSON document", ""))},
		{"array body", req{Method: "POST", Path: createPath, Body: `[1]`}, 400,
			errDoc(errEntry(400, "Bad request", "the request body must be a JSON object (a JSON:API document), got an array", ""))},
		{"empty body", req{Method: "POST", Path: createPath, Body: " ", Header: map[string]string{"Content-Type": protocol.MediaType}}, 400,
			errDoc(errEntry(400, "Bad request", `the request body is empty; send a JSON:API document such as {"data": {"type": "partner-results", "attributes": {...}}}`, ""))},
		{"no data", req{Method: "POST", Path: createPath, Body: `{"meta":{}}`}, 422,
			errDoc(invalid("/data", `the document has no data member; send {"data": {"type": "partner-results", "attributes": {...}}}`))},
		{"wrong type", req{Method: "POST", Path: createPath, Body: `{"data":{"type":"partners","attributes":{"status":"sent","candidate-id":1}}}`}, 422,
			errDoc(invalid("/data/type", `type must be "partner-results", got "partners"`))},
		{"attributes not an object", req{Method: "POST", Path: createPath, Body: `{"data":{"type":"partner-results","attributes":[]}}`}, 422,
			errDoc(invalid("/data/attributes", "attributes must be an object, got an array"))},
		{"unknown id", req{Method: "GET", Path: createPath + "/no-such-id"}, 404,
			errDoc(errEntry(404, "Not found", "no such resource", ""))},
		{"another partner's result", req{Method: "GET", Path: createPath + "/" + otherID}, 403,
			errDoc(errEntry(403, "Forbidden", "the resource belongs to another partner", ""))},
		{"update another partner's result", req{Method: "PATCH", Path: createPath + "/" + otherID, Body: `{"data":{"type":"partner-results","attributes":{"status":"completed"}}}`}, 403,
			errDoc(errEntry(403, "Forbidden", "the resource belongs to another partner", ""))},
		{"delete another partner's result", req{Method: "DELETE", Path: createPath + "/" + otherID}, 403,
			errDoc(errEntry(403, "Forbidden", "the resource belongs to another partner", ""))},
		{"unknown route", req{Method: "GET", Path: "/partner/v1/candidates"}, 404,
			errDoc(errEntry(404, "Not found", "GET /partner/v1/candidates is not a route of this mock; the Partner API lives under /partner/v1 (partners, partner-activations, partner-results), the mock's control API under /mock/v1", ""))},
		{"wrong method", req{Method: "DELETE", Path: createPath}, 405,
			errDoc(errEntry(405, "Method not allowed", "DELETE is not allowed on /partner/v1/partner-results", ""))},
		{"bad page number", req{Method: "GET", Path: createPath + "?page[number]=0"}, 400,
			`{"errors":[{"status":"400","title":"Bad request","detail":"page[number] must be a whole number of at least 1, got \"0\"","source":{"parameter":"page[number]"}}]}`},
		// docs/protocol.md §2.3 Decision: Teamtailor's cap of 30.
		{"page size over the maximum", req{Method: "GET", Path: createPath + "?page[size]=31"}, 400,
			`{"errors":[{"status":"400","title":"Bad request","detail":"page[size] must be at most 30, got 31","source":{"parameter":"page[size]"}}]}`},
		// docs/protocol.md §2 Decision: parameters the Partner API does
		// not take are a 400 naming each, not silently ignored.
		{"filter on a list", req{Method: "GET", Path: createPath + "?filter[status]=completed&page[size]=5"}, 400,
			`{"errors":[{"status":"400","title":"Param not allowed","detail":"query parameter \"filter[status]\" is not allowed: this list takes page[number] and page[size] only (no filter, include, sort or fields)","source":{"parameter":"filter[status]"}}]}`},
		{"include and sort on a list", req{Method: "GET", Path: "/partner/v1/partner-activations?sort=-id&include=company"}, 400,
			`{"errors":[{"status":"400","title":"Param not allowed","detail":"query parameter \"include\" is not allowed: this list takes page[number] and page[size] only (no filter, include, sort or fields)","source":{"parameter":"include"}},{"status":"400","title":"Param not allowed","detail":"query parameter \"sort\" is not allowed: this list takes page[number] and page[size] only (no filter, include, sort or fields)","source":{"parameter":"sort"}}]}`},
		{"page on one result", req{Method: "GET", Path: createPath + "/some-id?page[size]=5"}, 400,
			`{"errors":[{"status":"400","title":"Param not allowed","detail":"query parameter \"page[size]\" is not allowed: this endpoint takes no query parameters","source":{"parameter":"page[size]"}}]}`},
		{"include on a create", req{Method: "POST", Path: createPath + "?include=candidate", Body: `{"data":{"type":"partner-results","attributes":{"status":"sent","candidate-id":9}}}`}, 400,
			`{"errors":[{"status":"400","title":"Param not allowed","detail":"query parameter \"include\" is not allowed: this endpoint takes no query parameters","source":{"parameter":"include"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := env.do(t, tt.req)
			if r.Status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body: %s", r.Status, tt.wantStatus, r.Body)
			}
			if diff := cmp.Diff(jsonValue(t, tt.wantDoc), doc(t, r)); diff != "" {
				t.Errorf("error document (-want +got):\n%s", diff)
			}
			if ct := r.Header.Get("Content-Type"); ct != protocol.MediaType {
				t.Errorf("Content-Type = %q, want %q", ct, protocol.MediaType)
			}
			mustMatchSchema(t, "jsonapi-errors", r.Body)
			for _, h := range []string{"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"} {
				if r.Header.Get(h) == "" {
					t.Errorf("%s missing on a %d response", h, r.Status)
				}
			}
		})
	}
}

// Every accepted Authorization form authenticates (docs/protocol.md §2 Decision).
func TestPartnerAPIAuthForms(t *testing.T) {
	env := newTestEnv(t)
	for _, h := range []string{"Token key-one", "token key-one", "Token token=key-one", `Token token="key-one"`, "Bearer key-one", "bearer key-one"} {
		r := env.do(t, req{Method: "GET", Path: createPath, Header: map[string]string{"Authorization": h}})
		if r.Status != http.StatusOK {
			t.Errorf("Authorization %q: status = %d, want 200; body: %s", h, r.Status, r.Body)
		}
	}
}

// Bodies over the configured limit get a 413 before anything is decoded.
func TestPartnerAPIBodyTooLarge(t *testing.T) {
	env := newTestEnv(t)
	big := `{"data":{"type":"partner-results","attributes":{"status":"sent","candidate-id":1,"summary":"` + strings.Repeat("x", 1<<20) + `"}}}`
	r := env.do(t, req{Method: "POST", Path: createPath, Body: big})
	want := errDoc(errEntry(413, "Request entity too large", "the request body is larger than 1048576 bytes", ""))
	if r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413", r.Status)
	}
	if diff := cmp.Diff(jsonValue(t, want), doc(t, r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// A body just under the limit is accepted.
	ok := `{"data":{"type":"partner-results","attributes":{"status":"sent","candidate-id":1,"summary":"` + strings.Repeat("x", 1<<20-200) + `"}}}`
	if r := env.do(t, req{Method: "POST", Path: createPath, Body: ok}); r.Status != http.StatusCreated {
		t.Errorf("body under the limit: status = %d, want 201", r.Status)
	}
}

// Rate-limit headers count down on every response; with enforcement on,
// the request past the limit gets a 429 with Retry-After.
func TestPartnerAPIRateLimit(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.RateLimit, c.RateWindow, c.EnforceRateLimit = 3, time.Minute, true })
	for i := range 3 {
		r := env.do(t, req{Method: "GET", Path: createPath})
		if r.Status != 200 || r.Header.Get("X-Rate-Limit-Limit") != "3" || r.Header.Get("X-Rate-Limit-Remaining") != fmt.Sprint(2-i) || r.Header.Get("X-Rate-Limit-Reset") != "60" {
			t.Fatalf("request %d: status %d, headers %v", i+1, r.Status, r.Header)
		}
	}
	r := env.do(t, req{Method: "GET", Path: createPath})
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "60" {
		t.Fatalf("4th request: status = %d, Retry-After %q; want 429 and 60", r.Status, r.Header.Get("Retry-After"))
	}
	want := errDoc(errEntry(429, "Too many requests", "rate limit of 3 requests per 1m0s exceeded; retry after 60 seconds", ""))
	if diff := cmp.Diff(jsonValue(t, want), doc(t, r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Another partner has its own budget.
	o := *env
	o.key = env.otherKey
	if r := o.do(t, req{Method: "GET", Path: createPath}); r.Status != http.StatusOK {
		t.Errorf("other partner: status = %d, want 200", r.Status)
	}
	// Turning enforcement off at run time lets requests through again.
	env.api.SetRateLimit(3, time.Minute, false)
	if r := env.do(t, req{Method: "GET", Path: createPath}); r.Status != http.StatusOK {
		t.Errorf("after SetRateLimit(enforce=false): status = %d, want 200", r.Status)
	}
}

// A Partner API request refused before its body was read still shows the
// body it sent in the journal, with the key masked.
func TestPartnerAPIJournalKeepsRefusedBodies(t *testing.T) {
	env := newTestEnv(t)
	env.do(t, req{Method: "POST", Path: createPath, Body: minimalCreate, Header: map[string]string{"X-Api-Version": ""}})
	ds, err := env.store.Journal(t.Context(), store.JournalFilter{Kind: store.KindPartnerAPI})
	if err != nil || len(ds) != 1 {
		t.Fatalf("journal: %v, %v", ds, err)
	}
	d := ds[0]
	if d.Request.Body != minimalCreate || d.Response == nil || d.Response.Status != 406 || d.Verdict != store.VerdictFailed {
		t.Errorf("entry: body %q, response %+v, verdict %q", d.Request.Body, d.Response, d.Verdict)
	}
	if auth := d.Request.Header.Get("Authorization"); strings.Contains(auth, "key-one") || !strings.HasPrefix(auth, "Token ") {
		t.Errorf("Authorization in the journal = %q, want the scheme with the key masked", auth)
	}
}
