package examplepartner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

const (
	apiKey        = "ttpk_test_api_key"
	webhookSecret = "ttws_test_webhook_secret"
	uuidKey       = "0b6c1f4e-8f0a-4c0e-9d43-6a2f1f5d7e21"
)

// now is the partner's clock in every test, so signatures are reproducible.
var now = time.Unix(1_750_000_000, 0)

// newPartner returns a partner with the test keys and clock; edit changes
// the config first. The partner is closed when the test ends.
func newPartner(t *testing.T, edit func(*examplepartner.Config)) *examplepartner.Partner {
	t.Helper()
	cfg := examplepartner.Config{APIKey: apiKey, WebhookSecret: webhookSecret, Clock: func() time.Time { return now }}
	if edit != nil {
		edit(&cfg)
	}
	p, err := examplepartner.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.Close(ctx)
	})
	return p
}

// call sends one request to h and returns the recorded answer.
func call(h http.Handler, method, path string, body []byte, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func bearer(key string) http.Header {
	return http.Header{"Authorization": {"Bearer " + key}}
}

// signed returns the headers Teamtailor sends with a webhook for eventID,
// signed at t.
func signed(eventID string, t time.Time) http.Header {
	h := bearer(uuidKey)
	h.Set("Content-Type", "application/json")
	h.Set(signature.Header, signature.Sign(webhookSecret, eventID, t))
	return h
}

// eventFixture returns a webhook body from the fixtures with its update-url
// pointed at updateURL, and lets edit change the decoded partner-event.
func eventFixture(t *testing.T, name, updateURL string, edit func(ev map[string]any)) (body []byte, eventID, resultID string) {
	t.Helper()
	raw, err := fixtures.Raw(fixtures.KindEvents, name)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	ev := doc["partner-event"].(map[string]any)
	res := ev["partner-result"].(map[string]any)
	resultID = res["id"].(string)
	res["update-url"] = updateURL + "/partner/v1/partner-results/" + resultID
	if edit != nil {
		edit(ev)
	}
	body, err = json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	eventID, _ = ev["id"].(string)
	return body, eventID, resultID
}

// recorded is one request the fake Partner API received.
type recorded struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// fakeAPI is a Partner API that records every request and answers 200, or
// blocks first while block is open.
type fakeAPI struct {
	*httptest.Server
	block chan struct{} // nil: never block
	mu    sync.Mutex    // guards got
	got   []recorded
}

func newFakeAPI(t *testing.T, block chan struct{}) *fakeAPI {
	f := &fakeAPI{block: block}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.got = append(f.got, recorded{r.Method, r.URL.Path, r.Header.Clone(), body})
		f.mu.Unlock()
		if f.block != nil {
			<-f.block
		}
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.Write([]byte(`{"data":{}}`))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.got...)
}

// eventually fails the test unless cond holds within the deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 5s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func closeNow(t *testing.T, p *examplepartner.Partner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	err := examplepartner.Config{ResultDelay: -time.Second}.Validate()
	if err == nil {
		t.Fatal("Validate() = nil for an empty config")
	}
	for _, want := range []string{"APIKey", "WebhookSecret", "ResultDelay"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %q, want it to mention %s", err, want)
		}
	}
	if _, err := examplepartner.New(examplepartner.Config{}); err == nil {
		t.Error("New(empty config) succeeded")
	}
}

func TestHealthzNeedsNoKey(t *testing.T) {
	w := call(newPartner(t, nil), "GET", "/healthz", nil, nil)
	if w.Code != 200 || w.Body.String() != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 \"ok\\n\"", w.Code, w.Body)
	}
}

// /config is a valid config document with unique field ids, with or without
// the job parameters (bulk mode sends none).
func TestConfigIsValid(t *testing.T) {
	p := newPartner(t, nil)
	for _, path := range []string{"/config?job_id=1204331&stage_id=7&user_id=3", "/config"} {
		w := call(p, "GET", path, nil, bearer(uuidKey))
		if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("GET %s = %d %s %s", path, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
		if err := schemas.Validate("config", w.Body.Bytes()); err != nil {
			t.Errorf("GET %s: %v", path, err)
		}
		var doc struct {
			Config struct {
				Fields []struct {
					ID, Type  string
					Optgroups []struct{ Label string }
					Min, Max  *int
					Step      *int
				}
				Criteria []struct{ ID string } `json:"assessment-criteria"`
			}
		}
		if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		var got []string
		seen := map[string]bool{}
		for _, f := range doc.Config.Fields {
			got = append(got, f.Type+":"+f.ID)
			if f.ID != "" && seen[f.ID] {
				t.Errorf("GET %s: field id %q is not unique", path, f.ID)
			}
			seen[f.ID] = true
			switch f.ID {
			case "test":
				if len(f.Optgroups) < 2 {
					t.Errorf("GET %s: the test select has %d optgroups, want 2", path, len(f.Optgroups))
				}
			case "threshold":
				if f.Min == nil || *f.Min != 0 || f.Max == nil || *f.Max != 100 || f.Step == nil || *f.Step != 5 {
					t.Errorf("GET %s: threshold min/max/step = %v/%v/%v, want 0/100/5", path, f.Min, f.Max, f.Step)
				}
			}
		}
		if diff := cmp.Diff([]string{"infobox:", "select:test", "number:threshold"}, got); diff != "" {
			t.Errorf("GET %s fields (-want +got):\n%s", path, diff)
		}
		if n := len(doc.Config.Criteria); n < 2 || n > 3 {
			t.Errorf("GET %s: %d assessment criteria, want 2 or 3", path, n)
		}
	}
}

// Every route but /healthz and /activation needs a valid provider key: a
// UUID, or an HS256 JWT signed with the partner API key.
func TestProviderKey(t *testing.T) {
	p := newPartner(t, nil)
	good, err := providerkey.NewJWT(apiKey, map[string]string{"api_token": "abc"}, now)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := providerkey.NewJWT("another partner's key", map[string]string{"api_token": "abc"}, now)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		header     http.Header
		wantStatus int
		wantBody   string
	}{
		{"uuid", bearer(uuidKey), 200, ""},
		{"jwt signed with the API key", bearer(good), 200, ""},
		{"no header", nil, 401, "missing Authorization"},
		{"token scheme", http.Header{"Authorization": {"Token " + uuidKey}}, 401, "Bearer"},
		{"empty key", bearer(""), 401, "empty"},
		{"garbage", bearer("not-a-key"), 401, "neither a UUID nor"},
		{"jwt signed with another key", bearer(foreign), 401, "does not verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := call(p, "GET", "/config", nil, tt.header)
			if w.Code != tt.wantStatus || !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Errorf("GET /config = %d %q, want %d containing %q", w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
			if w.Code == 401 && !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
				t.Errorf("401 Content-Type = %q, want text/plain", w.Header().Get("Content-Type"))
			}
			if strings.Contains(w.Body.String(), good) || strings.Contains(w.Body.String(), foreign) {
				t.Error("the answer quotes the provider key")
			}
		})
	}
}

// The activation form is valid and names the validate endpoint.
func TestActivationForm(t *testing.T) {
	w := call(newPartner(t, nil), "GET", "/activation?company_id=acme", nil, nil)
	if w.Code != 200 {
		t.Fatalf("GET /activation = %d %s", w.Code, w.Body)
	}
	if err := schemas.Validate("activation-config", w.Body.Bytes()); err != nil {
		t.Error(err)
	}
	if !strings.Contains(w.Body.String(), `"validateEndpoint":"activation/validate"`) {
		t.Errorf("GET /activation = %s, want validateEndpoint activation/validate", w.Body)
	}
}

// The validation endpoint accepts a good new provider key, refuses a bad one
// with 401 and the api_token "reject-me" with 422 (docs/protocol.md §1.3).
func TestActivationValidate(t *testing.T) {
	p := newPartner(t, nil)
	jwtWith := func(token string) string {
		k, err := providerkey.NewJWT(apiKey, map[string]string{"api_token": token}, now)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	tests := []struct {
		name       string
		header     http.Header
		wantStatus int
		wantBody   string
	}{
		{"uuid", bearer(uuidKey), 200, `{}`},
		{"jwt", bearer(jwtWith("abc")), 200, `{}`},
		{"rejected token", bearer(jwtWith("reject-me")), 422, `{"errors":["The API token was rejected by Example Partner"]}`},
		{"no key", nil, 401, ""},
		{"bad key", bearer("nope"), 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := call(p, "GET", "/activation/validate", nil, tt.header)
			if w.Code != tt.wantStatus || w.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("GET /activation/validate = %d %s %s, want %d JSON", w.Code, w.Header().Get("Content-Type"), w.Body, tt.wantStatus)
			}
			if tt.wantBody != "" && w.Body.String() != tt.wantBody {
				t.Errorf("body = %s, want %s", w.Body, tt.wantBody)
			}
			if w.Code >= 400 {
				if err := schemas.Validate("validation-error", w.Body.Bytes()); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// A signed webhook is answered at once with a valid webhook response; the
// completed result then reaches the update-url with the Partner API headers.
func TestWebhookPostsResult(t *testing.T) {
	api := newFakeAPI(t, nil)
	p := newPartner(t, nil)
	body, eventID, resultID := eventFixture(t, "stage-trigger", api.URL, func(ev map[string]any) {
		ev["webhook-data"] = map[string]any{"test": "algorithms", "threshold": "60"}
	})

	start := time.Now()
	w := call(p, "POST", "/webhook", body, signed(eventID, now))
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("the webhook took %s to answer", elapsed)
	}
	if w.Code != 200 {
		t.Fatalf("POST /webhook = %d %s", w.Code, w.Body)
	}
	if err := schemas.Validate("webhook-response", w.Body.Bytes()); err != nil {
		t.Error(err)
	}
	if want := `{"partner_result_attributes":{"status":"pending"}}`; w.Body.String() != want {
		t.Errorf("POST /webhook body = %s, want %s", w.Body, want)
	}

	eventually(t, "the result is posted", func() bool { return len(api.requests()) == 1 })
	got := api.requests()[0]
	if got.Method != "PATCH" || got.Path != "/partner/v1/partner-results/"+resultID {
		t.Errorf("request = %s %s, want PATCH /partner/v1/partner-results/%s", got.Method, got.Path, resultID)
	}
	wantHeader := map[string]string{
		"Authorization": "Token " + apiKey,
		"X-Api-Version": "20180828",
		"Content-Type":  "application/vnd.api+json",
	}
	gotHeader := map[string]string{}
	for k := range wantHeader {
		gotHeader[k] = got.Header.Get(k)
	}
	if diff := cmp.Diff(wantHeader, gotHeader); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	if err := schemas.Validate("partner-result-update-request", got.Body); err != nil {
		t.Errorf("%v\nbody: %s", err, got.Body)
	}

	var doc struct {
		Data struct {
			Type, ID   string
			Attributes map[string]any
		}
	}
	if err := json.Unmarshal(got.Body, &doc); err != nil {
		t.Fatal(err)
	}
	attrs := doc.Data.Attributes
	assessment, _ := attrs["assessment"].(map[string]any)
	score, _ := assessment["score"].(float64)
	if score < 0 || score > 100 || score != float64(int(score)) {
		t.Fatalf("assessment.score = %v, want a whole number 0..100", assessment["score"])
	}
	grade := "might_not_be_fit"
	switch {
	case score >= 80:
		grade = "top_fit"
	case score >= 60:
		grade = "might_be_fit"
	}
	// The rest of the document follows from the event; criteria scores
	// are checked for range only.
	criteria, _ := attrs["assessment-criteria"].([]any)
	var criterionIDs []string
	for _, c := range criteria {
		c := c.(map[string]any)
		criterionIDs = append(criterionIDs, c["id"].(string))
		if s, _ := c["score"].(float64); s < 0 || s > 100 {
			t.Errorf("criterion %v score %v out of 0..100", c["id"], c["score"])
		}
	}
	delete(attrs, "assessment-criteria")
	details, _ := attrs["details"].(map[string]any)
	delete(details, "sections")
	want := map[string]any{
		"status":      "completed",
		"summary":     "Elin completed the Algorithms test and scored " + jsonNumber(score) + "/100.",
		"url":         "https://example-partner.example/reports/" + resultID,
		"assessment":  map[string]any{"score": score, "grade": grade, "duration": "0:32:14"},
		"details":     map[string]any{"test": "algorithms", "threshold": "60", "passed": score >= 60},
		"attachments": []any{map[string]any{"url": "https://example-partner.example/reports/" + resultID + ".pdf", "description": "Full report"}},
		"actions":     []any{map[string]any{"buttonText": "Resend invitation", "endpoint": "actions/resend"}},
	}
	if doc.Data.Type != "partner-results" || doc.Data.ID != resultID {
		t.Errorf("data type/id = %s/%s, want partner-results/%s", doc.Data.Type, doc.Data.ID, resultID)
	}
	if diff := cmp.Diff(want, attrs); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"problem_solving", "code_quality", "speed"}, criterionIDs); diff != "" {
		t.Errorf("assessment-criteria ids (-want +got):\n%s", diff)
	}

	eventually(t, "the post is recorded", func() bool { return len(p.Posted()) == 1 })
	rec := p.Posted()[0]
	if rec.ResultID != resultID || rec.EventID != eventID || rec.StatusCode != 200 || rec.Error != "" {
		t.Errorf("Posted() = %+v, want result %s, event %s, status 200, no error", rec, resultID, eventID)
	}
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// The same event always gets the same score.
func TestScoreIsDeterministic(t *testing.T) {
	scores := map[string]bool{}
	for range 2 {
		api := newFakeAPI(t, nil)
		p := newPartner(t, nil)
		body, eventID, _ := eventFixture(t, "manual-trigger", api.URL, nil)
		if w := call(p, "POST", "/webhook", body, signed(eventID, now)); w.Code != 200 {
			t.Fatalf("POST /webhook = %d %s", w.Code, w.Body)
		}
		closeNow(t, p)
		var doc struct {
			Data struct {
				Attributes struct {
					Assessment struct{ Score int }
				}
			}
		}
		if err := json.Unmarshal(api.requests()[0].Body, &doc); err != nil {
			t.Fatal(err)
		}
		scores[jsonNumber(float64(doc.Data.Attributes.Assessment.Score))] = true
	}
	if len(scores) != 1 {
		t.Errorf("scores for the same event = %v, want one", scores)
	}
}

// A webhook whose signature does not verify is refused with 401 and a
// plain-text reason, and nothing is posted.
func TestWebhookSignatureRefused(t *testing.T) {
	api := newFakeAPI(t, nil)
	p := newPartner(t, nil)
	body, eventID, _ := eventFixture(t, "stage-trigger", api.URL, nil)
	with := func(sig string) http.Header {
		h := signed(eventID, now)
		if sig == "" {
			h.Del(signature.Header)
		} else {
			h.Set(signature.Header, sig)
		}
		return h
	}
	tests := []struct {
		name   string
		header http.Header
		want   string
	}{
		{"missing", with(""), "missing"},
		{"other secret", with(signature.Sign("another secret", eventID, now)), "mismatch"},
		{"other event", with(signature.Sign(webhookSecret, "another-event", now)), "mismatch"},
		{"tampered", with(tamper(signature.Sign(webhookSecret, eventID, now))), "mismatch"},
		{"only the decoy", with(onlyDecoy(signature.Sign(webhookSecret, eventID, now))), "no v1"},
		{"stale", with(signature.Sign(webhookSecret, eventID, now.Add(-6*time.Minute))), "stale"},
		{"future", with(signature.Sign(webhookSecret, eventID, now.Add(6*time.Minute))), "future"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := call(p, "POST", "/webhook", body, tt.header)
			if w.Code != 401 || !strings.Contains(w.Body.String(), tt.want) {
				t.Errorf("POST /webhook = %d %q, want 401 containing %q", w.Code, w.Body, tt.want)
			}
			if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
				t.Errorf("Content-Type = %q, want text/plain", w.Header().Get("Content-Type"))
			}
		})
	}
	closeNow(t, p)
	if n := len(api.requests()); n != 0 {
		t.Errorf("the Partner API got %d requests after refused webhooks, want none", n)
	}
	if got := p.Posted(); len(got) != 0 {
		t.Errorf("Posted() = %+v after refused webhooks, want none", got)
	}
}

// Signatures up to five minutes old or ahead are good (docs/protocol.md §1.2).
func TestSignatureWindow(t *testing.T) {
	api := newFakeAPI(t, nil)
	p := newPartner(t, nil)
	body, eventID, _ := eventFixture(t, "stage-trigger", api.URL, nil)
	for _, skew := range []time.Duration{-5 * time.Minute, -4 * time.Minute, 4 * time.Minute, 5 * time.Minute} {
		if w := call(p, "POST", "/webhook", body, signed(eventID, now.Add(skew))); w.Code != 200 {
			t.Errorf("signed %s from now: POST /webhook = %d %s, want 200", skew, w.Code, w.Body)
		}
	}
}

// tamper flips the first hex digit of the v1 value.
func tamper(header string) string {
	i := strings.Index(header, "v1=") + 3
	c := byte('0')
	if header[i] == '0' {
		c = '1'
	}
	return header[:i] + string(c) + header[i+1:]
}

// onlyDecoy drops v1, keeping t and the v0 decoy.
func onlyDecoy(header string) string {
	var parts []string
	for _, part := range strings.Split(header, ",") {
		if !strings.HasPrefix(part, "v1=") {
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, ",")
}

// Bulk-mode webhooks have no job, and scalars the candidate lacks are null
// (docs/protocol.md §1.1, §5); the partner still answers 200 and posts a result.
func TestWebhookBulkWithNulls(t *testing.T) {
	api := newFakeAPI(t, nil)
	p := newPartner(t, nil)
	body, eventID, _ := eventFixture(t, "bulk", api.URL, func(ev map[string]any) {
		c := ev["candidate"].(map[string]any)
		if _, ok := c["job"]; ok {
			t.Fatal("the bulk fixture has a job")
		}
		for _, k := range []string{"first-name", "last-name", "phone", "recruiter", "locations", "questions", "custom-fields", "tags"} {
			c[k] = nil
		}
		ev["webhook-data"] = nil
	})
	if w := call(p, "POST", "/webhook", body, signed(eventID, now)); w.Code != 200 {
		t.Fatalf("POST /webhook = %d %s", w.Code, w.Body)
	}
	eventually(t, "the result is posted", func() bool { return len(api.requests()) == 1 })
	got := api.requests()[0].Body
	if err := schemas.Validate("partner-result-update-request", got); err != nil {
		t.Errorf("%v\nbody: %s", err, got)
	}
	if !bytes.Contains(got, []byte(`"summary":"The candidate completed the assessment and scored `)) {
		t.Errorf("body = %s, want a summary about the candidate and the assessment", got)
	}
}

// Bad input gets a 4xx with a plain-text reason, never a 5xx.
func TestBadInput(t *testing.T) {
	p := newPartner(t, nil)
	body, eventID, _ := eventFixture(t, "stage-trigger", "https://api.teamtailor.com", nil)
	noUpdateURL, _, _ := eventFixture(t, "stage-trigger", "", func(ev map[string]any) {
		delete(ev["partner-result"].(map[string]any), "update-url")
	})
	tests := []struct {
		name, method, path string
		body               []byte
		header             http.Header
		wantStatus         int
		wantBody           string
	}{
		{"malformed JSON", "POST", "/webhook", []byte(`{"partner-event":`), signed(eventID, now), 400, "not a partner event"},
		{"trailing data", "POST", "/webhook", append(append([]byte{}, body...), " {}"...), signed(eventID, now), 400, "not a partner event"},
		{"not an object", "POST", "/webhook", []byte(`[]`), signed(eventID, now), 400, "not a partner event"},
		{"no event id", "POST", "/webhook", []byte(`{"partner-event":{}}`), signed("", now), 400, "partner-event.id is missing"},
		{"no update-url", "POST", "/webhook", noUpdateURL, signed(eventID, now), 400, "update-url"},
		{"too large", "POST", "/webhook", bytes.Repeat([]byte(" "), 1<<20+1), signed(eventID, now), 413, "larger than"},
		{"unknown route", "GET", "/nope", nil, bearer(uuidKey), 404, "not found"},
		{"wrong method", "GET", "/webhook", nil, bearer(uuidKey), 405, "Method Not Allowed"},
		{"wrong method on config", "POST", "/config", nil, bearer(uuidKey), 405, "Method Not Allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := call(p, tt.method, tt.path, tt.body, tt.header)
			if w.Code != tt.wantStatus || !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Errorf("%s %s = %d %q, want %d containing %q", tt.method, tt.path, w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
			if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
				t.Errorf("Content-Type = %q, want text/plain", w.Header().Get("Content-Type"))
			}
		})
	}
	closeNow(t, p)
	if got := p.Posted(); len(got) != 0 {
		t.Errorf("Posted() = %+v after bad input, want none", got)
	}
}

// Close waits for a post in flight, and refuses webhooks afterwards.
func TestCloseWaitsForPendingPost(t *testing.T) {
	release := make(chan struct{})
	api := newFakeAPI(t, release)
	p := newPartner(t, nil)
	body, eventID, _ := eventFixture(t, "stage-trigger", api.URL, nil)
	if w := call(p, "POST", "/webhook", body, signed(eventID, now)); w.Code != 200 {
		t.Fatalf("POST /webhook = %d %s", w.Code, w.Body)
	}
	eventually(t, "the post reaches the Partner API", func() bool { return len(api.requests()) == 1 })

	closed := make(chan error, 1)
	go func() { closed <- p.Close(context.Background()) }()
	// An unsigned probe gets 401 until Close has begun, then 503.
	probe := bearer(uuidKey)
	eventually(t, "webhooks are refused while closing", func() bool {
		return call(p, "POST", "/webhook", body, probe).Code == 503
	})
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v while a post was in flight", err)
	default:
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := p.Posted(); len(got) != 1 || got[0].StatusCode != 200 {
		t.Errorf("Posted() = %+v, want one post with status 200", got)
	}
}

// Close posts results still waiting out ResultDelay at once instead of
// dropping them, and the webhook answer never waits for the result.
func TestCloseSkipsResultDelay(t *testing.T) {
	api := newFakeAPI(t, nil)
	p := newPartner(t, func(c *examplepartner.Config) { c.ResultDelay = time.Hour })
	body, eventID, _ := eventFixture(t, "stage-trigger", api.URL, nil)
	if w := call(p, "POST", "/webhook", body, signed(eventID, now)); w.Code != 200 {
		t.Fatalf("POST /webhook = %d %s", w.Code, w.Body)
	}
	if n := len(api.requests()); n != 0 {
		t.Fatalf("posted %d results before the hour passed", n)
	}
	closeNow(t, p)
	if n := len(api.requests()); n != 1 {
		t.Errorf("the Partner API got %d requests after Close, want 1", n)
	}
}

// Close gives up when its context ends, and cancels the post in flight.
func TestCloseGivesUpWithContext(t *testing.T) {
	release := make(chan struct{})
	api := newFakeAPI(t, release)
	t.Cleanup(func() { close(release) }) // runs before the server closes
	p := newPartner(t, nil)
	body, eventID, _ := eventFixture(t, "stage-trigger", api.URL, nil)
	if w := call(p, "POST", "/webhook", body, signed(eventID, now)); w.Code != 200 {
		t.Fatalf("POST /webhook = %d %s", w.Code, w.Body)
	}
	eventually(t, "the post reaches the Partner API", func() bool { return len(api.requests()) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := p.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close = %v, want context.DeadlineExceeded", err)
	}
	eventually(t, "the cancelled post is recorded", func() bool { return len(p.Posted()) == 1 })
	if got := p.Posted()[0]; got.Error == "" || got.StatusCode != 0 {
		t.Errorf("Posted() = %+v, want an error and no status", got)
	}
}

// A Partner API error is recorded with its status and message.
func TestPostFailureIsRecorded(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(422)
		w.Write([]byte(`{"errors":[{"status":"422","title":"Invalid attribute"}]}`))
	}))
	t.Cleanup(api.Close)
	p := newPartner(t, nil)
	body, eventID, _ := eventFixture(t, "stage-trigger", api.URL, nil)
	if w := call(p, "POST", "/webhook", body, signed(eventID, now)); w.Code != 200 {
		t.Fatalf("POST /webhook = %d %s", w.Code, w.Body)
	}
	closeNow(t, p)
	got := p.Posted()
	if len(got) != 1 || got[0].StatusCode != 422 || !strings.Contains(got[0].Error, "Invalid attribute") {
		t.Errorf("Posted() = %+v, want one post with status 422 quoting the error", got)
	}
}

// Action buttons POST the original event, signed anew (docs/protocol.md §2.3).
func TestActions(t *testing.T) {
	p := newPartner(t, nil)
	body, eventID, _ := eventFixture(t, "stage-trigger", "https://api.teamtailor.com", nil)
	unsigned := signed(eventID, now)
	unsigned.Del(signature.Header)
	tests := []struct {
		name, path string
		header     http.Header
		wantStatus int
		wantBody   string
	}{
		{"known", "/actions/resend", signed(eventID, now), 200, `{"ok":true}`},
		{"unsigned", "/actions/resend", unsigned, 401, "signature header missing"},
		{"no provider key", "/actions/resend", http.Header{signature.Header: {signature.Sign(webhookSecret, eventID, now)}}, 401, "missing Authorization"},
		{"unknown", "/actions/explode", signed(eventID, now), 404, `unknown action "explode"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := call(p, "POST", tt.path, body, tt.header)
			if w.Code != tt.wantStatus || !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Errorf("POST %s = %d %q, want %d containing %q", tt.path, w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
		})
	}
	if w := call(p, "GET", "/actions/resend", nil, bearer(uuidKey)); w.Code != 405 {
		t.Errorf("GET /actions/resend = %d, want 405", w.Code)
	}
}

// A second copy of an event (same partner-event id, docs/protocol.md §1.3,
// Duplicate delivery) is answered 200 and starts nothing: one result post.
func TestDuplicateEventStartsNothing(t *testing.T) {
	api := newFakeAPI(t, nil)
	p := newPartner(t, nil)
	body, eventID, _ := eventFixture(t, "stage-trigger", api.URL, nil)
	first := call(p, "POST", "/webhook", body, signed(eventID, now))
	second := call(p, "POST", "/webhook", body, signed(eventID, now.Add(time.Second)))
	if first.Code != 200 || second.Code != 200 {
		t.Fatalf("POST /webhook twice = %d, %d; want 200 both times", first.Code, second.Code)
	}
	if strings.Contains(second.Body.String(), "partner_result_attributes") {
		t.Errorf("the second copy's answer %s sets the result again", second.Body)
	}
	closeNow(t, p)
	if got := api.requests(); len(got) != 1 {
		t.Errorf("the Partner API got %d result posts, want 1", len(got))
	}
}

// A result post refused with 429 is sent again after Retry-After, and
// recorded as posted (docs/protocol.md §2).
func TestResultRetriedAfter429(t *testing.T) {
	var mu sync.Mutex
	var at []time.Time
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		at = append(at, time.Now())
		n := len(at)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/vnd.api+json")
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"errors":[{"status":"429","title":"Too many requests"}]}`))
			return
		}
		w.Write([]byte(`{"data":{}}`))
	}))
	t.Cleanup(api.Close)
	p := newPartner(t, nil)
	body, eventID, _ := eventFixture(t, "stage-trigger", api.URL, nil)
	if w := call(p, "POST", "/webhook", body, signed(eventID, now)); w.Code != 200 {
		t.Fatalf("POST /webhook = %d %s", w.Code, w.Body)
	}
	closeNow(t, p)
	mu.Lock()
	defer mu.Unlock()
	if len(at) != 2 {
		t.Fatalf("the Partner API got %d result posts, want 2 (the 429, then the retry)", len(at))
	}
	if wait := at[1].Sub(at[0]); wait < time.Second {
		t.Errorf("the retry came %s after the 429, before Retry-After: 1", wait)
	}
	if got := p.Posted(); len(got) != 1 || got[0].StatusCode != 200 || got[0].Error != "" {
		t.Errorf("Posted() = %+v, want one post with status 200", got)
	}
}
