package conformance_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// brokenPartners are the example partner with one defect each. fails is
// the one check the defect must fail; every other check must pass, or be
// skipped when it builds on what the defect broke (skips: ids, or
// "<area>/*"). The defects
// are narrow on purpose (a hang on one candidate, a 500 only without
// job_id), so that the test shows which check owns which rule.
var brokenPartners = []struct {
	name    string
	fails   string
	skips   []string
	partner fakePartner
}{
	// config
	{"config answers 500 for a job stage", "config/with-job", nil,
		fakePartner{wrap: route("GET", "/config", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			key, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if r.URL.Query().Has("job_id") && providerkey.KindOf(key) == providerkey.KindJWT && providerkey.Check(selfAPIKey, key) == nil {
				http.Error(w, "boom", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})}},
	{"config answers 500 in bulk mode", "config/without-job", nil,
		fakePartner{wrap: route("GET", "/config", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if !r.URL.Query().Has("job_id") {
				http.Error(w, "job_id is required", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})}},
	{"an infobox without content", "config/schema-valid", nil,
		fakePartner{wrap: route("GET", "/config", editConfig(func(fields []any) []any {
			return append(fields, map[string]any{"type": "infobox", "icon": "info"})
		}))}},
	{"an unknown field type", "config/supported-types", nil,
		fakePartner{wrap: route("GET", "/config", editConfig(func(fields []any) []any {
			return append(fields, map[string]any{"id": "level", "type": "slider", "label": "Level"})
		}))}},
	{"a select without options", "config/options", nil,
		fakePartner{wrap: route("GET", "/config", editConfig(func(fields []any) []any {
			return append(fields, map[string]any{"id": "language", "type": "select", "label": "Language"})
		}))}},
	{"duplicate field ids", "config/unique-ids", nil,
		fakePartner{wrap: route("GET", "/config", editConfig(func(fields []any) []any {
			return append(fields, map[string]any{"id": "threshold", "type": "text", "label": "Threshold note"})
		}))}},
	{"a criterion without label", "config/assessment-criteria", nil,
		fakePartner{wrap: route("GET", "/config", editConfigDoc(func(config map[string]any) {
			config["assessment-criteria"] = append(config["assessment-criteria"].([]any), map[string]any{"id": "culture"})
		}))}},
	{"500 on a refetch", "config/refetch", nil,
		fakePartner{wrap: route("GET", "/config", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if r.URL.Query().Has("region") {
				http.Error(w, "boom", http.StatusInternalServerError)
				return
			}
			editConfig(func(fields []any) []any {
				return append(fields, map[string]any{"id": "region", "type": "radio", "label": "Region", "refetch": true,
					"options": []any{map[string]any{"id": "eu", "label": "Europe"}}})
			})(w, r, next)
		})}},
	{"500 without a provider key", "config/provider-key-missing", nil,
		fakePartner{wrap: route("GET", "/config", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if r.Header.Get("Authorization") == "" {
				http.Error(w, "nil pointer dereference", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})}},
	{"accepts any provider key", "config/provider-key-wrong", nil,
		fakePartner{wrap: route("GET", "/config", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if r.Header.Get("Authorization") != "" {
				// any key passes: replaced by one the partner issued itself
				key, _ := providerkey.NewJWT(selfAPIKey, map[string]string{"api_token": "selftest-token"}, time.Now())
				r.Header.Set("Authorization", "Bearer "+key)
			}
			next.ServeHTTP(w, r)
		})}},

	// activation
	{"an unknown field type in the activation config", "activation/config-valid", nil,
		fakePartner{wrap: route("GET", "/activation", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if r.URL.Path != "/activation" {
				next.ServeHTTP(w, r)
				return
			}
			editConfig(func(fields []any) []any {
				return append(fields, map[string]any{"id": "tier", "type": "dropdown", "label": "Tier"})
			})(w, r, next)
		})}},
	{"the validateEndpoint refuses everything", "activation/validate-accepts", nil,
		fakePartner{wrap: route("GET", "/activation/validate", answer(http.StatusUnprocessableEntity, "application/json", `{"errors": ["no"]}`))}},
	{"the validateEndpoint accepts everything", "activation/validate-rejects", nil,
		fakePartner{wrap: route("GET", "/activation/validate", answer(http.StatusOK, "application/json", `{}`))}},

	// webhook
	{"hangs on the typical candidate", "webhook/signed-accepted",
		[]string{"results/*", "signature/*", "webhook/*", "actions/accepts-event", "security/*", "capabilities/criteria-scored"},
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if candidateIs(readBody(r), "typical") {
				select {
				case <-r.Context().Done():
				case <-time.After(30 * time.Second):
				}
				return
			}
			next.ServeHTTP(w, r)
		})}},
	{"500 on a unicode name", "webhook/edge-case-candidates", nil,
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if candidateIs(readBody(r), "unicode") {
				http.Error(w, "invalid byte sequence for encoding", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})}},
	{"500 on the bulk payload", "webhook/bulk-payload", nil,
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			var ev struct {
				PartnerEvent struct {
					Candidate map[string]json.RawMessage `json:"candidate"`
				} `json:"partner-event"`
			}
			if json.Unmarshal(readBody(r), &ev) == nil && ev.PartnerEvent.Candidate != nil && ev.PartnerEvent.Candidate["job"] == nil {
				http.Error(w, "undefined method 'id' for nil", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})}},
	{"invalid partner_result_attributes", "webhook/response-body", nil,
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			if rec.Code == http.StatusOK {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"partner_result_attributes": {"status": "queued"}}`))
				return
			}
			copyResponse(w, rec)
		})}},
	{"JSON error bodies", "webhook/error-plain-string", nil,
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			if rec.Code >= 400 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(rec.Code)
				json.NewEncoder(w).Encode(map[string]string{"error": strings.TrimSpace(rec.Body.String())})
				return
			}
			copyResponse(w, rec)
		})}},

	// signature: each defect lets one kind of bad signature through by
	// replacing it with a good one before the example partner verifies.
	{"accepts a tampered signature", "signature/tampered-v1", nil,
		fakePartner{wrap: resign(func(p signature.Parsed, id string, _ []byte) bool {
			v1 := first(p.Signatures[signature.SchemeV1])
			good := signature.Compute(selfSecret, p.Timestamp, id)
			diff := 0
			for i := range min(len(v1), len(good)) {
				if v1[i] != good[i] {
					diff++
				}
			}
			return len(v1) == len(good) && diff == 1
		})}},
	{"accepts another secret", "signature/wrong-secret", nil,
		fakePartner{wrap: resign(func(p signature.Parsed, id string, _ []byte) bool {
			return first(p.Signatures[signature.SchemeV1]) == signature.Compute(partner.WrongWebhookSecret, p.Timestamp, id)
		})}},
	{"accepts a stale timestamp", "signature/stale-timestamp", nil,
		fakePartner{wrap: resign(func(p signature.Parsed, id string, _ []byte) bool {
			return first(p.Signatures[signature.SchemeV1]) == signature.Compute(selfSecret, p.Timestamp, id) && p.Timestamp < time.Now().Unix()-300
		})}},
	{"accepts a future timestamp", "signature/future-timestamp", nil,
		fakePartner{wrap: resign(func(p signature.Parsed, id string, _ []byte) bool {
			return first(p.Signatures[signature.SchemeV1]) == signature.Compute(selfSecret, p.Timestamp, id) && p.Timestamp > time.Now().Unix()+300
		})}},
	{"accepts a missing signature", "signature/missing-header", nil,
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if r.Header.Get(signature.Header) == "" {
				if id, err := signature.EventID(readBody(r)); err == nil {
					r.Header.Set(signature.Header, signature.Sign(selfSecret, id, time.Now()))
				}
			}
			next.ServeHTTP(w, r)
		})}},
	{"accepts a body-signed legacy signature", "signature/legacy-body-signed", nil,
		fakePartner{wrap: resign(func(p signature.Parsed, _ string, body []byte) bool {
			return first(p.Signatures[signature.SchemeV1]) == signature.ComputeLegacy(selfSecret, p.Timestamp, body)
		})}},
	{"accepts a v0 signature", "signature/v0-only", nil,
		fakePartner{wrap: resign(func(p signature.Parsed, id string, _ []byte) bool {
			return slices.Contains(p.Signatures[signature.SchemeV0], signature.Compute(selfSecret, p.Timestamp, id))
		})}},
	{"rejects an extra scheme", "signature/extra-schemes-accepted", nil,
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if p, err := signature.Parse(r.Header.Get(signature.Header)); err == nil && len(without(p.Schemes, signature.SchemeV1, signature.SchemeV0)) > 0 {
				http.Error(w, "unexpected signature scheme", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})}},

	// results: the example partner's result posts, altered on the way out.
	{"never posts a result", "results/posted",
		[]string{"results/*", "actions/accepts-event", "capabilities/criteria-scored"},
		fakePartner{transport: func(http.RoundTripper) http.RoundTripper {
			return roundTripper(func(r *http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
			})
		}}},
	{"posts with Basic auth", "results/authorization", nil,
		fakePartner{transport: editPost(func(h http.Header, _ map[string]any) { h.Set("Authorization", "Basic dXNlcjpwYXNz") })}},
	{"posts without X-Api-Version", "results/api-version", nil,
		fakePartner{transport: editPost(func(h http.Header, _ map[string]any) { h.Del("X-Api-Version") })}},
	{"posts text/plain", "results/media-type", nil,
		fakePartner{transport: editPost(func(h http.Header, _ map[string]any) { h.Set("Content-Type", "text/plain") })}},
	{"posts the wrong resource type", "results/body-schema", nil,
		fakePartner{transport: editPost(func(_ http.Header, doc map[string]any) { doc["data"].(map[string]any)["type"] = "results" })}},
	{"posts an unknown status", "results/status-enum", nil,
		fakePartner{transport: editPost(func(_ http.Header, doc map[string]any) { attrs(doc)["status"] = "done" })}},
	{"posts score 150", "results/score-range", nil,
		fakePartner{transport: editPost(func(_ http.Header, doc map[string]any) {
			attrs(doc)["assessment"].(map[string]any)["score"] = 150
		})}},
	{"posts details three levels deep", "results/details-depth", nil,
		fakePartner{transport: editPost(func(_ http.Header, doc map[string]any) {
			attrs(doc)["details"] = map[string]any{"sections": map[string]any{"logic": map[string]any{"score": 80}}}
		})}},
	{"posts an attachment with an extra key", "results/attachments-shape", nil,
		fakePartner{transport: editPost(func(_ http.Header, doc map[string]any) {
			attrs(doc)["attachments"] = []any{map[string]any{"url": "https://example.com/r.pdf", "description": "Report", "size": 1024}}
		})}},
	{"scores an undeclared criterion", "results/criteria-declared", nil,
		fakePartner{transport: editPost(func(_ http.Header, doc map[string]any) {
			attrs(doc)["assessment-criteria"] = []any{map[string]any{"id": "charisma", "score": 70}}
		})}},
	{"moves a result from completed back to sending", "results/status-forward", nil,
		fakePartner{transport: func(base http.RoundTripper) http.RoundTripper {
			return roundTripper(func(r *http.Request) (*http.Response, error) {
				body, _ := io.ReadAll(r.Body)
				resp, err := base.RoundTrip(withBody(r, body))
				if err != nil {
					return resp, err
				}
				var doc map[string]any
				json.Unmarshal(body, &doc)
				attrs(doc)["status"] = "sending"
				again, _ := json.Marshal(doc)
				if second, err := base.RoundTrip(withBody(r, again)); err == nil {
					second.Body.Close()
				}
				return resp, nil
			})
		}}},

	// actions
	{"an action endpoint that 404s", "actions/accepts-event", nil,
		fakePartner{wrap: route("POST", "/actions/", answer(http.StatusNotFound, "text/plain", "404 page not found"))}},

	// capabilities
	{"declares criteria but scores none", "capabilities/criteria-scored", nil,
		fakePartner{transport: editPost(func(h http.Header, doc map[string]any) {
			delete(attrs(doc), "assessment-criteria")
		})}},

	// security
	{"posts to any update-url host", "security/forged-update-url", nil, fakePartner{anyUpdateHost: true}},
	{"acts on a second delivery of an event", "security/changed-body-replay", nil, fakePartner{wrap: forgetEvents()}},
	{"accepts a 5 MB webhook", "security/oversized-body", nil,
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if body := readBody(r); len(body) > 1<<20 {
				answer(http.StatusOK, "application/json", `{}`)(w, r, next)
				return
			}
			next.ServeHTTP(w, r)
		})}},
	{"answers 200 to a body that is not JSON", "security/malformed-json", nil,
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if !json.Valid(readBody(r)) {
				answer(http.StatusOK, "application/json", `{}`)(w, r, next)
				return
			}
			next.ServeHTTP(w, r)
		})}},
	{"a stack trace in an error answer", "security/no-leaks", nil,
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if bytes.HasPrefix(readBody(r), []byte("[")) {
				answer(http.StatusBadRequest, "text/plain", "panic: interface conversion\n\ngoroutine 7 [running]:\nmain.webhook()\n\t/app/webhook.go:42 +0x1d")(w, r, next)
				return
			}
			next.ServeHTTP(w, r)
		})}},
	{"takes webhooks without a provider key", "security/credentials-required", nil,
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if r.Header.Get("Authorization") == "" {
				key, _ := providerkey.NewJWT(selfAPIKey, map[string]string{"api_token": "selftest-token"}, time.Now())
				r.Header.Set("Authorization", "Bearer "+key)
			}
			next.ServeHTTP(w, r)
		})}},
}

// TestBrokenPartnerFailsExactlyItsCheck: each broken partner fails the
// one check whose rule it breaks, and no other.
func TestBrokenPartnerFailsExactlyItsCheck(t *testing.T) {
	skipWhenSuiteRequested(t)
	covered := map[string]bool{}
	for _, bp := range brokenPartners {
		covered[bp.fails] = true
	}
	for _, id := range shapeDefects {
		covered[id] = true
	}
	for _, sp := range situationPartners { // situations_test.go
		covered[sp.fails] = true
	}
	for _, id := range testedElsewhere {
		covered[id] = true
	}
	t.Run("every check has a broken partner", func(t *testing.T) {
		for _, c := range catalogue(t) {
			if !covered[c.ID] {
				t.Errorf("no broken partner fails %s", c.ID)
			}
		}
	})
	for _, bp := range brokenPartners {
		t.Run(bp.name, func(t *testing.T) {
			t.Parallel()
			r := runSuite(t, bp.partner.serve(t), append(allCapabilities, "--activation-field", selfActivation)...)
			// A broken MUST fails the run; a broken SHOULD is a warning.
			wantExit, wantOutcome := 1, report.OutcomeFail
			if level(t, bp.fails) == settings.LevelShould {
				wantExit, wantOutcome = 0, report.OutcomeWarning
			}
			if r.exit != wantExit {
				t.Errorf("exit = %d, want %d", r.exit, wantExit)
			}
			got := r.check(bp.fails)
			if got.Outcome != wantOutcome {
				t.Errorf("%s: %s, want %s: %s", bp.fails, got.Outcome, wantOutcome, got.Reason)
			}
			for _, c := range r.results.Checks {
				if c.Outcome == report.OutcomeSkipped && strings.HasPrefix(c.Reason, "cannot check: ") && !strings.Contains(c.Reason, "(see ") {
					t.Errorf("%s: skipped without naming the check to see: %s", c.ID, c.Reason)
				}
			}
			for _, c := range r.results.Checks {
				switch {
				case c.ID == bp.fails:
				case c.Outcome == report.OutcomePass:
				case c.Outcome == report.OutcomeSkipped && matches(bp.skips, c.ID):
				case unclaimed(c):
				default:
					t.Errorf("%s: %s, want pass: %s", c.ID, c.Outcome, c.Reason)
				}
			}
			// The failure message says the rule, what was sent and what
			// came back, how to fix it; calls to the partner come with curl.
			for _, want := range []string{"Rule: " + bp.fails, "docs/protocol.md §", "Fix: ", "Problem"} {
				if !strings.Contains(got.Reason, want) {
					t.Errorf("the failure of %s does not say %q:\n%s", bp.fails, want, got.Reason)
				}
			}
			if !strings.Contains(got.Reason, "curl -sS -i -X ") {
				t.Errorf("the failure of %s has no curl command:\n%s", bp.fails, got.Reason)
			}
		})
	}
}

// level returns the level of check id in the catalogue.
func level(t *testing.T, id string) string {
	t.Helper()
	for _, c := range catalogue(t) {
		if c.ID == id {
			return c.Level
		}
	}
	t.Fatalf("no check %s in the catalogue", id)
	return ""
}

// route applies h to requests with method whose path starts with path.
func route(method, path string, h func(http.ResponseWriter, *http.Request, http.Handler)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == method && strings.HasPrefix(r.URL.Path, path) {
				h(w, r, next)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// answer always answers status with body.
func answer(status int, contentType, body string) func(http.ResponseWriter, *http.Request, http.Handler) {
	return func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

// editConfigDoc edits the config object of the partner's answer.
func editConfigDoc(edit func(config map[string]any)) func(http.ResponseWriter, *http.Request, http.Handler) {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var doc map[string]any
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &doc) != nil {
			copyResponse(w, rec)
			return
		}
		edit(doc["config"].(map[string]any))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(doc)
	}
}

// editConfig edits the fields of the partner's config answer.
func editConfig(edit func(fields []any) []any) func(http.ResponseWriter, *http.Request, http.Handler) {
	return editConfigDoc(func(config map[string]any) {
		fields, _ := config["fields"].([]any)
		config["fields"] = edit(fields)
	})
}

// resign replaces the signature of a webhook with a valid one when
// accept says so: the partner then accepts what it should refuse.
func resign(accept func(p signature.Parsed, eventID string, body []byte) bool) func(http.Handler) http.Handler {
	return route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		body := readBody(r)
		id, err := signature.EventID(body)
		p, perr := signature.Parse(r.Header.Get(signature.Header))
		if err == nil && perr == nil && accept(p, id, body) {
			r.Header.Set(signature.Header, signature.Sign(selfSecret, id, time.Now()))
		}
		next.ServeHTTP(w, r)
	})
}

// forgetEvents makes the partner take a second delivery of an event id as
// a new event: the id is renamed, and signed again, before the partner
// sees it.
func forgetEvents() func(http.Handler) http.Handler {
	var mu sync.Mutex
	seen := map[string]int{}
	return route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		body := readBody(r)
		id, err := signature.EventID(body)
		if err == nil && signature.Verify(r.Header.Get(signature.Header), selfSecret, id, time.Now(), signature.DefaultTolerance) == nil {
			mu.Lock()
			n := seen[id]
			seen[id]++
			mu.Unlock()
			if n > 0 {
				again := fmt.Sprintf("%s-delivery-%d", id, n+1)
				body = bytes.Replace(body, []byte(`"`+id+`"`), []byte(`"`+again+`"`), 1)
				r = withBody(r, body)
				r.Header.Set(signature.Header, signature.Sign(selfSecret, again, time.Now()))
			}
		}
		next.ServeHTTP(w, r)
	})
}

func readBody(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// candidateIs reports whether a webhook body is about the candidate of a
// fixture.
func candidateIs(body []byte, fixture string) bool {
	c, err := sandbox.CandidateFixture(fixture)
	if err != nil {
		panic(err)
	}
	var ev struct {
		PartnerEvent struct {
			Candidate struct {
				UUID string `json:"uuid"`
			} `json:"candidate"`
		} `json:"partner-event"`
	}
	return json.Unmarshal(body, &ev) == nil && ev.PartnerEvent.Candidate.UUID == c.UUID
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// editPost alters the example partner's result posts: headers and the
// decoded JSON:API document.
func editPost(edit func(h http.Header, doc map[string]any)) func(http.RoundTripper) http.RoundTripper {
	return func(base http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			body, _ := io.ReadAll(r.Body)
			var doc map[string]any
			if err := json.Unmarshal(body, &doc); err != nil {
				panic(err)
			}
			r = withBody(r, nil)
			edit(r.Header, doc)
			body, _ = json.Marshal(doc)
			return base.RoundTrip(withBody(r, body))
		})
	}
}

func withBody(r *http.Request, body []byte) *http.Request {
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return r
}

func attrs(doc map[string]any) map[string]any {
	return doc["data"].(map[string]any)["attributes"].(map[string]any)
}

func first(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}

// matches reports whether id is one of patterns: ids, or "<area>/*".
func matches(patterns []string, id string) bool {
	for _, p := range patterns {
		if p == id || (strings.HasSuffix(p, "/*") && strings.HasPrefix(id, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}

// without returns ss without the values given.
func without(ss []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(ss), func(s string) bool { return slices.Contains(drop, s) })
}
