package conformance_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
)

// The shapes Teamtailor's docs allow besides the example partner's: a
// static webhook-config instead of /config, a partner that requires
// Teamtailor-Api-Token, a partner that creates its result with POST
// /partner-results. Each passes when built right and fails exactly one
// check when one defect is planted.

// shapeDefects are the checks the partners of this file fail with one
// defect planted, besides the broken partners of brokenpartners_test.go.
var shapeDefects = []string{"config/api-token-missing", "config/api-token-wrong"}

// exampleConfig returns the example partner's /config document, the one a
// static-config partner gives instead.
func exampleConfig(t *testing.T) map[string]any {
	t.Helper()
	ep, err := examplepartner.New(examplepartner.Config{APIKey: selfAPIKey, WebhookSecret: selfSecret})
	if err != nil {
		t.Fatal(err)
	}
	key, err := providerkey.NewJWT(selfAPIKey, map[string]string{"api_token": "selftest-token"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/config", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	ep.ServeHTTP(rec, req)
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("the example partner's /config: %d %s", rec.Code, rec.Body)
	}
	return doc
}

// withField returns doc with one more field in config.fields.
func withField(doc map[string]any, field map[string]any) map[string]any {
	raw, _ := json.Marshal(doc)
	var out map[string]any
	json.Unmarshal(raw, &out)
	config := out["config"].(map[string]any)
	config["fields"] = append(config["fields"].([]any), field)
	return out
}

// noConfig is a partner that does not serve /config: it gives a static
// webhook-config.
func noConfig(next http.Handler) http.Handler {
	return route("GET", "/config", answer(http.StatusNotFound, "text/plain", "404 page not found"))(next)
}

// putsConfig is a partner that serves no /config and PUTs doc as its
// static webhook-config on the Partner API at teamtailor before it
// answers its first call.
func putsConfig(t *testing.T, doc map[string]any, teamtailor *atomic.Pointer[string]) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var once sync.Once
		next = noConfig(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			once.Do(func() {
				body, _ := json.Marshal(map[string]any{"data": map[string]any{"type": "partners", "id": "partner-under-test",
					"attributes": map[string]any{"webhook-config": doc}}})
				req, _ := http.NewRequest("PUT", *teamtailor.Load()+"/partner/v1/partners/partner-under-test", bytes.NewReader(body))
				req.Header.Set("Authorization", "Token "+selfAPIKey)
				req.Header.Set("X-Api-Version", "20180828")
				req.Header.Set("Content-Type", "application/vnd.api+json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Errorf("PUT webhook-config: %v", err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			})
			next.ServeHTTP(w, r)
		})
	}
}

// configChecks are the checks of GET /config itself, which a partner
// with a static webhook-config skips.
var configChecks = []string{"config/with-job", "config/without-job", "config/refetch", "config/provider-key-missing", "config/provider-key-wrong"}

// expectOutcomes checks that the run failed exactly fails and warned
// exactly warns ("" for none), and that every other check passed or was
// skipped as allowed.
func expectOutcomes(t *testing.T, r run, fails, warns string, skipped map[string]string) {
	t.Helper()
	wantExit := 0
	if fails != "" {
		wantExit = 1
	}
	if w := r.check(warns); warns != "" && w.Outcome != report.OutcomeWarning {
		t.Errorf("%s: %s, want warning: %s", warns, w.Outcome, w.Reason)
	}
	if r.exit != wantExit {
		t.Errorf("exit = %d, want %d\n%s", r.exit, wantExit, r.stdout)
	}
	for _, c := range r.results.Checks {
		reason, skip := skipped[c.ID]
		switch {
		case c.ID == warns:
		case c.ID == fails:
			if c.Outcome != report.OutcomeFail {
				t.Errorf("%s: %s, want fail: %s", c.ID, c.Outcome, c.Reason)
			}
		case skip:
			if c.Outcome != report.OutcomeSkipped || c.Reason != reason {
				t.Errorf("%s: %s %q, want skipped %q", c.ID, c.Outcome, c.Reason, reason)
			}
		case unclaimed(c):
		case c.Outcome != report.OutcomePass:
			t.Errorf("%s: %s, want pass: %s", c.ID, c.Outcome, c.Reason)
		}
	}
}

// staticSkips are the skips of a static-config run without
// --requires-api-token.
func staticSkips() map[string]string {
	skips := map[string]string{
		"config/api-token-missing": settings.CapabilityPrefix + string(settings.CapAPIToken),
		"config/api-token-wrong":   settings.CapabilityPrefix + string(settings.CapAPIToken),
	}
	for _, id := range configChecks {
		skips[id] = embedded.StaticConfigSkip
	}
	return skips
}

// TestStaticConfigPartner: a partner that gives a static webhook-config,
// as a file (--webhook-config) or by PUT on the Partner API during the
// run, is judged on that document: the /config checks are skipped for
// that reason, webhook-data is built from it, and a defect in it fails
// the one config rule it breaks.
func TestStaticConfigPartner(t *testing.T) {
	skipWhenSuiteRequested(t)
	good := exampleConfig(t)
	bad := withField(good, map[string]any{"id": "language", "type": "select", "label": "Language"}) // no options
	dup := withField(good, map[string]any{"id": "threshold", "type": "text", "label": "Threshold note"})
	for _, tc := range []struct {
		name  string
		doc   map[string]any
		put   bool
		fails string
	}{
		{"file", good, false, ""},
		{"file with a select without options", bad, false, "config/options"},
		{"PUT", good, true, ""},
		{"PUT with duplicate field ids", dup, true, "config/unique-ids"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append(slices.Clone(allCapabilities), "--activation-field", selfActivation)
			var p fakePartner
			if tc.put {
				var teamtailor atomic.Pointer[string]
				p.wrap = putsConfig(t, tc.doc, &teamtailor)
				base := p.serve(t)
				listen, _ := mockListen.Load(base)
				teamtailor.Store(new("http://" + listen.(string)))
				r := runSuite(t, base, args...)
				checkStatic(t, r, tc.fails, "PUT /partner/v1/partners/partner-under-test")
				return
			}
			file := filepath.Join(t.TempDir(), "webhook-config.json")
			raw, _ := json.Marshal(tc.doc)
			if err := os.WriteFile(file, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			p.wrap = noConfig
			r := runSuite(t, p.serve(t), append(args, "--webhook-config", file)...)
			checkStatic(t, r, tc.fails, "--webhook-config webhook-config.json")
			if strings.Contains(r.stdout, file) {
				t.Errorf("stdout shows the path of the file, not its name:\n%s", r.stdout)
			}
		})
	}
}

func checkStatic(t *testing.T, r run, fails, source string) {
	t.Helper()
	expectOutcomes(t, r, fails, "", staticSkips())
	for _, id := range []string{"config/schema-valid", "config/options", "config/unique-ids"} {
		if c := r.check(id); !strings.Contains(c.Reason, "static webhook-config ("+source) {
			t.Errorf("%s does not say it judged the static webhook-config from %s: %s", id, source, c.Reason)
		}
	}
	// webhook-data comes from the static form: the test picked in it.
	w := r.check("webhook/signed-accepted")
	var sent bool
	for _, x := range w.Exchanges {
		if x.Direction == partner.ToPartner && strings.Contains(x.RequestBody, `"webhook-data":{"test":"algorithms"`) {
			sent = true
		}
		if strings.Contains(x.URL, "/config") {
			t.Errorf("the suite called %s %s: Teamtailor does not fetch /config from a static-config partner", x.Method, x.URL)
		}
	}
	if !sent {
		t.Errorf("the webhook's webhook-data holds no value picked in the static form: %+v", w.Exchanges)
	}
}

// apiTokenPartner refuses every call without the company's
// Teamtailor-Api-Token; with anyToken it takes any token, not only the
// company's; with noToken it takes calls without one too.
func apiTokenPartner(anyToken, noToken bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got := r.Header.Get("Teamtailor-Api-Token")
			if (got == "" && !noToken) || (got != "" && !anyToken && got != selfAPIToken) {
				http.Error(w, "Teamtailor-Api-Token is missing or not the company's", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

const selfAPIToken = "ttapi_selftest_c0mpany_t0ken"

// TestAPITokenPartner: with --api-token every call carries
// Teamtailor-Api-Token, so a partner that requires it passes; with
// --requires-api-token a partner that takes any token fails
// config/api-token-wrong, and nothing else.
func TestAPITokenPartner(t *testing.T) {
	skipWhenSuiteRequested(t)
	for _, tc := range []struct {
		name              string
		anyToken, noToken bool
		fails, warns      string
	}{
		{"checks the token", false, false, "", ""},
		{"takes any token", true, false, "config/api-token-wrong", ""},
		{"takes calls without a token", false, true, "", "config/api-token-missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			junit, html := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.html")
			r := runSuite(t, fakePartner{wrap: apiTokenPartner(tc.anyToken, tc.noToken)}.serve(t), append(slices.Clone(allCapabilities),
				"--activation-field", selfActivation, "--api-token", selfAPIToken, "--requires-api-token", "--junit-report", junit, "--html-report", html)...)
			expectOutcomes(t, r, tc.fails, tc.warns, nil)
			calls := 0
			for _, c := range r.results.Checks {
				for _, x := range c.Exchanges {
					if x.Direction != partner.ToPartner || strings.Contains(x.Step, "without Teamtailor-Api-Token") {
						continue
					}
					calls++
					if x.RequestHeader.Get("Teamtailor-Api-Token") == "" {
						t.Errorf("%s: %s %s carried no Teamtailor-Api-Token", c.ID, x.Method, x.URL)
					}
				}
			}
			if calls == 0 {
				t.Error("the report holds no call to the partner")
			}
			for _, path := range []string{junit, html, filepath.Join(r.dir, "report.json")} {
				if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(selfAPIToken)) {
					t.Errorf("%s shows the API token", filepath.Base(path))
				}
			}
		})
	}
}

// createsResults is a partner that creates its result with POST
// /partner-results, for the event's candidate and job, instead of
// updating update-url; edit changes the create's attributes.
func createsResults(edit func(attrs map[string]any)) fakePartner {
	var mu sync.Mutex
	events := map[string][2]any{} // result id -> candidate id, job id
	return fakePartner{
		wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			var ev struct {
				PartnerEvent struct {
					PartnerResult struct {
						ID string `json:"id"`
					} `json:"partner-result"`
					Candidate struct {
						ID  any `json:"id"`
						Job *struct {
							ID any `json:"id"`
						} `json:"job"`
					} `json:"candidate"`
				} `json:"partner-event"`
			}
			if json.Unmarshal(readBody(r), &ev) == nil {
				var job any
				if ev.PartnerEvent.Candidate.Job != nil {
					job = ev.PartnerEvent.Candidate.Job.ID
				}
				mu.Lock()
				events[ev.PartnerEvent.PartnerResult.ID] = [2]any{ev.PartnerEvent.Candidate.ID, job}
				mu.Unlock()
			}
			next.ServeHTTP(w, r)
		}),
		transport: func(base http.RoundTripper) http.RoundTripper {
			return roundTripper(func(r *http.Request) (*http.Response, error) {
				prefix, id, ok := strings.Cut(r.URL.Path, "/partner-results/")
				if !ok || r.Method != http.MethodPatch {
					return base.RoundTrip(r)
				}
				var doc map[string]any
				json.Unmarshal(readBody(r), &doc)
				mu.Lock()
				ev := events[id]
				mu.Unlock()
				data := doc["data"].(map[string]any)
				delete(data, "id")
				a := data["attributes"].(map[string]any)
				a["candidate-id"], a["job-id"] = ev[0], ev[1]
				if edit != nil {
					edit(a)
				}
				body, _ := json.Marshal(doc)
				post := withBody(r, body)
				post.Method = http.MethodPost
				u := *r.URL
				u.Path = prefix + "/partner-results"
				post.URL = &u
				return base.RoundTrip(post)
			})
		},
	}
}

// TestPostCreatePartner: a result created with POST /partner-results
// counts for results/posted, which names the route, and its body is
// judged by the result rules: one defect in it fails one check.
func TestPostCreatePartner(t *testing.T) {
	skipWhenSuiteRequested(t)
	for _, tc := range []struct {
		name  string
		edit  func(map[string]any)
		fails string
	}{
		{"correct", nil, ""},
		{"a score over 100", func(a map[string]any) { a["assessment"].(map[string]any)["score"] = 140 }, "results/score-range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runSuite(t, createsResults(tc.edit).serve(t), append(slices.Clone(allCapabilities), "--activation-field", selfActivation)...)
			// The 429 is set up on update-url, which this partner does not use.
			expectOutcomes(t, r, tc.fails, "", map[string]string{
				"results/retried-after-429": "not judged for a partner that creates its results with POST /partner-results: the 429 is set up on update-url, which it does not use"})
			posted := r.check("results/posted")
			if !strings.Contains(posted.Reason, "POST /partner-results") {
				t.Errorf("results/posted does not name the route the partner used: %q", posted.Reason)
			}
			var creates int
			for _, x := range posted.Exchanges {
				if x.Direction == partner.FromPartner && x.Method == http.MethodPost && strings.HasSuffix(x.URL, "/partner-results") {
					creates++
				}
			}
			if creates == 0 {
				t.Errorf("results/posted lists no POST /partner-results: %+v", posted.Exchanges)
			}
		})
	}
}

// TestFocusOnACheckThatCannotRunIsNoPass: a run whose selected checks
// were all skipped for a cause on the partner's side, which the check
// that owns it (not selected) would report, is no PASS; a run that ran
// no check at all is no PASS either.
func TestFocusOnACheckThatCannotRunIsNoPass(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Run("the partner refuses the provider key", func(t *testing.T) {
		t.Parallel()
		base := fakePartner{teamtailor: emptyTeamtailor()}.serve(t)
		for _, args := range [][]string{
			{"--focus", "webhook/edge-case"},
			{"--focus", "webhook/signed-accepted", "--strict"},
		} {
			r := runSuite(t, base, args...)
			if r.exit != 1 {
				t.Errorf("%v: exit = %d, want 1\n%s", args, r.exit, r.stdout)
			}
			if !slices.ContainsFunc(r.results.Unjudged, func(u string) bool { return strings.Contains(u, "refused the suite's provider key") }) {
				t.Errorf("%v: unjudged %q, want the refused provider key", args, r.results.Unjudged)
			}
			for _, want := range []string{"ttconformance FAIL", "not judged: ", "NOT JUDGED", "see config/with-job"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("%v: stdout does not say %q:\n%s", args, want, r.stdout)
				}
			}
		}
	})
	t.Run("a basic call fails outside the focus", func(t *testing.T) {
		t.Parallel()
		// The basics run whatever the focus: a /config that refuses the
		// key, or a webhook answered 500, is reported though the checks
		// selected pass.
		for _, tc := range []struct {
			partner fakePartner
			focus   string
			want    string
		}{
			{fakePartner{teamtailor: emptyTeamtailor()}, "activation/config-valid",
				"config/with-job (not selected): GET /config with the suite's provider key answered 401 Unauthorized"},
			{fakePartner{wrap: route("POST", "/webhook", answer(http.StatusInternalServerError, "text/plain", "boom"))}, "config/",
				"webhook/signed-accepted (not selected): the plain signed webhook answered 500 Internal Server Error"},
		} {
			r := runSuite(t, tc.partner.serve(t), "--focus", tc.focus) // a UUID provider key
			if r.exit != 1 || !slices.Contains(r.results.Unjudged, tc.want) {
				t.Errorf("--focus %s: exit %d, unjudged %q; want 1 and %q\n%s", tc.focus, r.exit, r.results.Unjudged, tc.want, r.stdout)
			}
			if r.results.Summary.Passed == 0 || r.results.Summary.Failed != 0 {
				t.Errorf("--focus %s: %+v, want the selected checks to pass", tc.focus, r.results.Summary)
			}
		}
	})
	t.Run("no check selected", func(t *testing.T) {
		t.Parallel()
		r := runSuite(t, fakePartner{}.serve(t), "--focus", "no-such-check")
		if r.exit != 2 {
			t.Errorf("exit = %d, want 2\n%s", r.exit, r.stdout)
		}
		if want := "ttconformance ERROR: no check ran, so nothing was verified"; !strings.Contains(r.stdout, want) {
			t.Errorf("stdout does not say %q:\n%s", want, r.stdout)
		}
	})
	t.Run("the owner runs too", func(t *testing.T) {
		t.Parallel()
		// The cause is reported by config/with-job: a failure, not an
		// unjudged check.
		r := runSuite(t, fakePartner{teamtailor: emptyTeamtailor()}.serve(t), "--focus", "webhook/edge-case|config/with-job")
		if r.exit != 1 || len(r.results.Unjudged) != 0 || r.check("config/with-job").Outcome != report.OutcomeFail {
			t.Errorf("exit %d, unjudged %q, config/with-job %s; want 1, none, fail", r.exit, r.results.Unjudged, r.check("config/with-job").Outcome)
		}
	})
}

// junitCounts reads the counts of a JUnit report.
type junitCounts struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Package string `xml:"package,attr"`
		Tests   int    `xml:"tests,attr"`
		Cases   []struct {
			Name string `xml:"name,attr"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestReportsAgreeAndHoldNoPath: JUnit, JSON, HTML and the console give
// the same counts, errors included, for an unreachable partner and for
// one that passes; no report holds a path of the machine.
func TestReportsAgreeAndHoldNoPath(t *testing.T) {
	skipWhenSuiteRequested(t)
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	unreachable := freeAddr(t)
	for _, tc := range []struct {
		name string
		base func(t *testing.T) string
	}{
		{"unreachable", func(*testing.T) string { return "http://" + unreachable }},
		{"example partner", func(t *testing.T) string { return fakePartner{}.serve(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			junit, html := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.html")
			r := runSuite(t, tc.base(t), append(slices.Clone(allCapabilities), "--activation-field", selfActivation, "--junit-report", junit, "--html-report", html)...)
			s := r.results.Summary
			raw, err := os.ReadFile(junit)
			if err != nil {
				t.Fatal(err)
			}
			var j junitCounts
			if err := xml.Unmarshal(raw, &j); err != nil {
				t.Fatal(err)
			}
			if j.Tests != len(r.results.Checks) || j.Failures != s.Failed || j.Errors != s.Errors || j.Skipped != s.Skipped {
				t.Errorf("junit tests=%d failures=%d errors=%d skipped=%d; json %d checks, %+v", j.Tests, j.Failures, j.Errors, j.Skipped, len(r.results.Checks), s)
			}
			if tc.name == "unreachable" && (j.Errors != len(catalogue(t)) || s.Errors != len(catalogue(t))) {
				t.Errorf("junit errors=%d, json errors=%d, want %d (every check)", j.Errors, s.Errors, len(catalogue(t)))
			}
			h, _ := os.ReadFile(html)
			for _, want := range []string{
				fmt.Sprintf(`<span class="badge error">%d</span>errors`, s.Errors),
				fmt.Sprintf(`<span class="badge pass">%d</span>passed`, s.Passed),
				fmt.Sprintf(`<span class="badge skipped">%d</span>skipped`, s.Skipped),
			} {
				if !strings.Contains(string(h), want) {
					t.Errorf("report.html does not say %s", want)
				}
			}
			if want := fmt.Sprintf("%d passed, %d failed", s.Passed, s.Failed); s.Passed+s.Failed > 0 && !strings.Contains(r.stdout, want) {
				t.Errorf("stdout does not say %q:\n%s", want, r.stdout)
			}
			for _, path := range []string{junit, html, filepath.Join(r.dir, "report.json")} {
				b, _ := os.ReadFile(path)
				for _, machine := range []string{cwd, dir, r.dir, os.TempDir() + string(filepath.Separator)} {
					if bytes.Contains(b, []byte(machine)) {
						t.Errorf("%s holds the path %s of the machine", filepath.Base(path), machine)
					}
				}
			}
		})
	}
}

// TestActionsWaitForTheResultOnce: the result of the plain signed webhook
// is awaited once per run: a partner that never posts one costs one
// --timeout, not one for results/posted and another for
// actions/accepts-event.
func TestActionsWaitForTheResultOnce(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	p := fakePartner{transport: func(http.RoundTripper) http.RoundTripper { // posts nothing
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
		})
	}}
	const timeout = 3 * time.Second
	r := runSuite(t, p.serve(t), "--assessment", "--actions", "--activation-field", selfActivation, "--timeout", timeout.String())
	if c := r.check("results/posted"); c.Outcome != report.OutcomeFail {
		t.Errorf("results/posted: %s, want fail: %s", c.Outcome, c.Reason)
	}
	if c := r.check("actions/accepts-event"); c.Outcome != report.OutcomeSkipped || !strings.Contains(c.Reason, "(see results/posted)") {
		t.Errorf("actions/accepts-event: %s %q, want skipped, pointing at results/posted", c.Outcome, c.Reason)
	}
	// Generous: one timeout plus the rest of the run, well short of two.
	if took := time.Duration(r.results.DurationMS) * time.Millisecond; took >= 2*timeout-500*time.Millisecond {
		t.Errorf("the run took %s: the result was awaited more than once (--timeout %s)", took, timeout)
	}
}

// TestActionsOfAResultInTheWebhookAnswer: a result completed in the
// webhook answer is judged for its actions like a posted one: declared
// actions are clicked, and none declared is a failure that says where
// the result came from, not a skip blaming update-url.
func TestActionsOfAResultInTheWebhookAnswer(t *testing.T) {
	skipWhenSuiteRequested(t)
	for _, tc := range []struct {
		name, attrs string
		fails       string
	}{
		{"declares an action", `{"status": "completed", "actions": [{"buttonText": "Resend", "endpoint": "actions/resend"}]}`, ""},
		{"declares none", `{"status": "completed"}`, "actions/accepts-event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := fakePartner{
				wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
					rec := httptest.NewRecorder()
					next.ServeHTTP(rec, r)
					if rec.Code != http.StatusOK {
						copyResponse(w, rec)
						return
					}
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprintf(w, `{"partner_result_attributes": %s}`, tc.attrs)
				}),
				transport: func(http.RoundTripper) http.RoundTripper { // posts nothing
					return roundTripper(func(r *http.Request) (*http.Response, error) {
						return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
					})
				},
			}
			r := runSuite(t, p.serve(t), "--assessment", "--actions", "--verifies-signatures", "--activation-field", selfActivation)
			c := r.check("actions/accepts-event")
			if tc.fails == "" {
				if c.Outcome != report.OutcomePass || r.exit != 0 {
					t.Errorf("exit %d, actions/accepts-event: %s %s", r.exit, c.Outcome, c.Reason)
				}
				return
			}
			if c.Outcome != report.OutcomeFail || !strings.Contains(c.Reason, "webhook answer") || strings.Contains(c.Reason, "sent nothing to update-url") {
				t.Errorf("actions/accepts-event: %s %q, want a failure naming the webhook answer", c.Outcome, c.Reason)
			}
		})
	}
}
