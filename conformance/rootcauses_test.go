package conformance_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// The root-cause self-tests: one broken partner per common cause, each
// with exactly that cause. Each must give one failure, skip what depends
// on it with "cannot check: … (see <check>)", name the cause in the
// summary with its fix, and exit with the right status.

// rootCause is one such partner and what the run must say.
type rootCause struct {
	name    string
	partner fakePartner
	base    func(url string) string // the --base-url given, from the partner's URL
	args    []string
	exit    int
	fails   []string // the failures (one per cause)
	cause   string   // Cause.ID
	skipSee string   // the check every "cannot check" skip names
	fix     string   // in the cause's fix
	// said are in the failure of fails[0] (its Fix line, the answer's
	// body); unsaid are nowhere in the console report (the fixes of
	// checks the cause makes moot).
	said, unsaid []string
}

// hangForever never answers: it reads the request (so the server notices
// when the client gives up) and waits.
func hangForever(w http.ResponseWriter, r *http.Request, _ http.Handler) {
	readBody(r)
	select {
	case <-r.Context().Done():
	case <-time.After(time.Minute):
	}
}

var rootCauses = []rootCause{
	{name: "the webhook handler never completes",
		partner: fakePartner{wrap: route("POST", "/webhook", hangForever)},
		exit:    1, fails: []string{"webhook/signed-accepted"}, cause: "hang", skipSee: "(see webhook/signed-accepted)",
		fix: "end its response"},
	{name: "the webhook secret differs",
		partner: fakePartner{secret: "ttws_another_secret_5e6f7a8b"},
		exit:    1, fails: []string{"webhook/signed-accepted"}, cause: "webhook-secret", skipSee: "(see webhook/signed-accepted)",
		fix: "--webhook-secret"},
	{name: "the provider key is unknown to the partner",
		// The partner looks keys up in another Teamtailor, which has no
		// activation; the suite sends a UUID key.
		partner: fakePartner{teamtailor: emptyTeamtailor()},
		args:    []string{"--verifies-signatures", "--assessment", "--bulk", "--actions"},
		exit:    1, fails: []string{"config/with-job"}, cause: "provider-key", skipSee: "(see config/with-job)",
		fix: "--mock-public-url"},
	{name: "a wrong path prefix",
		base: func(u string) string { return u + "/teamtailor" },
		exit: 1, fails: []string{"config/with-job"}, cause: "base-url", skipSee: "(see config/with-job)",
		fix: "path prefix"},
	{name: "BASE_URL redirects",
		partner: fakePartner{wrap: func(http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://partner.example"+r.URL.RequestURI(), http.StatusMovedPermanently)
			})
		}},
		exit: 1, fails: []string{"config/with-job"}, cause: "redirect", skipSee: "(see config/with-job)",
		fix: "final URL"},
	// Signatures: one defect of the verifier is one failure whose fix
	// names it, not one failure per probe it lets through.
	{name: "verifies no signature at all",
		partner: fakePartner{wrap: route("POST", "/", verifiesNothing)},
		exit:    1, fails: []string{"signature/tampered-v1"}, cause: "no-verification", skipSee: "(see signature/tampered-v1)",
		fix:  "start verifying",
		said: []string{"verifies no signature", "start verifying"},
		unsaid: []string{"verify with the webhook secret of this integration", "not the body", "verify v1 only",
			"refuse webhooks that carry no Teamtailor-Signature", "WARN "}},
	{name: "checks that a signature is there, never that it verifies",
		partner: fakePartner{wrap: route("POST", "/", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if r.Header.Get(signature.Header) == "" {
				next.ServeHTTP(w, r)
				return
			}
			verifiesNothing(w, r, next)
		})},
		exit: 1, fails: []string{"signature/tampered-v1"}, cause: "no-verification", skipSee: "(see signature/tampered-v1)",
		fix:    "start verifying",
		said:   []string{"refuses a webhook without Teamtailor-Signature, but never checks the signature itself"},
		unsaid: []string{"verify with the webhook secret of this integration", "not the body", "verify v1 only", "WARN "}},
	{name: "the docs' signature line crashes on a header it does not match",
		partner: fakePartner{wrap: route("POST", "/", crashesUnlessDocsHeader)},
		exit:    1, fails: []string{"signature/extra-schemes-accepted"}, cause: "crash", skipSee: "(see signature/extra-schemes-accepted)",
		fix:    "null",
		said:   []string{typeErrorNull, "500 Internal Server Error", "null"},
		unsaid: []string{"ignore schemes you do not know", "verify v1 only", "refuse webhooks that carry no Teamtailor-Signature", "not the body"}},
	{name: "a looser signature line crashes only on headers without v1",
		partner: fakePartner{wrap: route("POST", "/", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if !looseDocsHeader.MatchString(r.Header.Get(signature.Header)) {
				http.Error(w, typeErrorNull, http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})},
		exit: 1, fails: []string{"signature/missing-header"}, cause: "crash", skipSee: "(see signature/missing-header)",
		fix:    "null",
		said:   []string{typeErrorNull, "without Teamtailor-Signature", "on 1 more signature probe"},
		unsaid: []string{"refuse webhooks that carry no Teamtailor-Signature", "verify v1 only"}},
	{name: "crashes on every webhook",
		partner: fakePartner{wrap: route("POST", "/webhook", answer(http.StatusInternalServerError, "text/plain", typeErrorNull))},
		exit:    1, fails: []string{"webhook/signed-accepted"}, cause: "crash", skipSee: "(see webhook/signed-accepted)",
		fix:  "crash",
		said: []string{typeErrorNull, "500 Internal Server Error"}},
	{name: "verifies the pre-2024 body signature",
		partner: fakePartner{wrap: verifiesOnly(func(t int64, body []byte) string { return signature.ComputeLegacy(selfSecret, t, body) })},
		exit:    1, fails: []string{"webhook/signed-accepted"}, cause: "legacy-signature", skipSee: "(see webhook/signed-accepted)",
		fix:    `"<t>.<partner-event id>"`,
		said:   []string{"body", "July 2024"},
		unsaid: []string{"the webhook secret differs"}},
	{name: "copied the docs' sample: signs <t>.undefined",
		partner: fakePartner{wrap: verifiesOnly(func(t int64, _ []byte) string { return signature.ComputeUndefined(selfSecret, t) })},
		exit:    1, fails: []string{"webhook/signed-accepted"}, cause: "docs-sample", skipSee: "(see webhook/signed-accepted)",
		fix:    `["partner-event"].id`,
		said:   []string{`"<t>.undefined"`},
		unsaid: []string{"the webhook secret differs"}},
	{name: "copied the docs' sample: signs the re-serialised body",
		partner: fakePartner{wrap: verifiesOnly(func(t int64, body []byte) string {
			v1, _ := signature.ComputeRestringified(selfSecret, t, body)
			return v1
		})},
		exit: 1, fails: []string{"webhook/signed-accepted"}, cause: "docs-sample", skipSee: "(see webhook/signed-accepted)",
		fix:    "JSON.stringify",
		said:   []string{"JSON.stringify"},
		unsaid: []string{"the webhook secret differs"}},

	// The partner's own call to Teamtailor: a key lookup that fails.
	{name: "the key lookup fails and the partner answers 503",
		partner: fakePartner{teamtailor: failingTeamtailor(), wrap: lookupFailureAs503},
		args:    allCapabilities,
		exit:    1, fails: []string{"config/with-job"}, cause: "key-lookup", skipSee: "(see config/with-job)",
		fix:    "--teamtailor-url",
		said:   []string{"503 Service Unavailable", "--mock-listen"},
		unsaid: []string{"serve GET /config with status 200"}},
	{name: "the key lookup fails and the partner answers 401",
		partner: fakePartner{teamtailor: failingTeamtailor()},
		args:    allCapabilities,
		exit:    1, fails: []string{"config/with-job"}, cause: "provider-key", skipSee: "(see config/with-job)",
		fix:  "--teamtailor-url",
		said: []string{"401 Unauthorized", "cannot be checked"}},
	{name: "the key lookup hangs",
		partner: fakePartner{teamtailor: hangingTeamtailor()},
		args:    allCapabilities,
		exit:    1, fails: []string{"config/with-job"}, cause: "key-lookup", skipSee: "(see config/with-job)",
		fix:    "--mock-listen",
		said:   []string{"--teamtailor-url"},
		unsaid: []string{"never completes"}},
	{name: "TLS against a plain-http partner",
		base: func(u string) string { return strings.Replace(u, "http://", "https://", 1) },
		exit: 2, cause: "tls", fix: "http://"},
}

// typeErrorNull is what Node answers when a regular expression's exec
// found nothing and its result is indexed.
const typeErrorNull = "TypeError: Cannot read properties of null (reading '1')\n    at verifySignature (/app/index.js:12:51)"

// verifiesNothing is a partner that verifies no signature: whatever the
// header, the example partner sees a valid one.
func verifiesNothing(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if id, err := signature.EventID(readBody(r)); err == nil {
		r.Header.Set(signature.Header, signature.Sign(selfSecret, id, time.Now()))
	}
	next.ServeHTTP(w, r)
}

// docsHeader is a signature line copied from a sample: it expects exactly
// t, v1 and v0, and the code indexes exec's result without a null check.
var docsHeader = regexp.MustCompile(`^t=(\d+),v1=([0-9a-f]{64}),v0=([0-9a-f]{64})$`)

// looseDocsHeader is the same line unanchored: only a header without v1
// fails to match.
var looseDocsHeader = regexp.MustCompile(`t=(\d+),v1=([0-9a-f]+)`)

// crashesUnlessDocsHeader answers 500 with Node's TypeError for every
// header docsHeader does not match: a missing one, one without v0, and a
// correctly signed one that has one more scheme.
func crashesUnlessDocsHeader(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if docsHeader.FindStringSubmatch(r.Header.Get(signature.Header)) == nil {
		http.Error(w, typeErrorNull, http.StatusInternalServerError)
		return
	}
	next.ServeHTTP(w, r)
}

// verifiesOnly is a partner whose verifier computes v1 with sign instead
// of over "<t>.<partner-event id>": it accepts (within 5 minutes) what
// sign matches, and refuses everything else, correct signatures too.
func verifiesOnly(sign func(t int64, body []byte) string) func(http.Handler) http.Handler {
	return route("POST", "/", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		body := readBody(r)
		id, err := signature.EventID(body)
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		p, err := signature.Parse(r.Header.Get(signature.Header))
		secret := "not the secret"
		if age := time.Now().Unix() - p.Timestamp; err == nil && age < 300 && age > -300 && first(p.Signatures[signature.SchemeV1]) == sign(p.Timestamp, body) {
			secret = selfSecret
		}
		r.Header.Set(signature.Header, signature.Sign(secret, id, time.Now()))
		next.ServeHTTP(w, r)
	})
}

// failingTeamtailor serves a Partner API that answers 503 to everything,
// as a proxy does in front of a Teamtailor it cannot reach.
func failingTeamtailor() string {
	reply := answer(http.StatusServiceUnavailable, "text/plain", "no healthy upstream")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reply(w, r, nil) }))
	return srv.URL // lives as long as the test binary
}

// hangingTeamtailor serves a Partner API that never answers.
func hangingTeamtailor() string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hangForever(w, r, nil) }))
	return srv.URL
}

// lookupFailureAs503 answers 503 where the example partner answers 401
// because it could not look the key up: the partner passes its own
// call's failure on.
func lookupFailureAs503(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if rec.Code == http.StatusUnauthorized && strings.Contains(rec.Body.String(), "cannot be checked") {
			http.Error(w, "could not reach Teamtailor to check the provider key", http.StatusServiceUnavailable)
			return
		}
		copyResponse(w, rec)
	})
}

// emptyTeamtailor serves a Partner API whose activation list is empty.
func emptyTeamtailor() string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.Write([]byte(`{"data": [], "links": {}, "meta": {"record-count": 0, "page-count": 0}}`))
	}))
	return srv.URL // lives as long as the test binary
}

func TestRootCauseIsOneFailureWithItsFix(t *testing.T) {
	skipWhenSuiteRequested(t)
	for _, rc := range rootCauses {
		t.Run(rc.name, func(t *testing.T) {
			t.Parallel()
			base := rc.partner.serve(t)
			if rc.base != nil {
				listen, _ := mockListen.Load(base)
				base = rc.base(base)
				if listen != nil {
					mockListen.Store(base, listen)
				}
			}
			args := rc.args
			if args == nil {
				args = append(allCapabilities, "--activation-field", selfActivation)
			}
			r := runSuite(t, base, args...)
			if r.exit != rc.exit {
				t.Errorf("exit = %d, want %d\n%s", r.exit, rc.exit, r.stdout)
			}
			var failed []string
			for _, c := range r.results.Checks {
				switch {
				case c.Outcome == report.OutcomeFail:
					failed = append(failed, c.ID)
				case c.Outcome == report.OutcomeSkipped && strings.HasPrefix(c.Reason, "cannot check: ") && !strings.Contains(c.Reason, rc.skipSee):
					t.Errorf("%s: skipped %q, want it to name %s", c.ID, c.Reason, rc.skipSee)
				}
			}
			if !slices.Equal(failed, rc.fails) {
				t.Errorf("failed %v, want %v\n%s", failed, rc.fails, r.stdout)
			}
			// One failure, and no warning or error beside it.
			if s := r.results.Summary; rc.exit == 1 && (s.Failed != len(rc.fails) || s.Warnings != 0 || s.Errors != 0) {
				t.Errorf("summary %+v, want %d failed, no warning, no error", s, len(rc.fails))
			}
			var found *report.Cause
			for i, c := range r.results.Causes {
				if c.ID == rc.cause {
					found = &r.results.Causes[i]
				}
			}
			if found == nil {
				t.Fatalf("causes %+v, want %s\n%s", r.results.Causes, rc.cause, r.stdout)
			}
			if len(r.results.Causes) != 1 {
				t.Errorf("causes %+v, want only %s", r.results.Causes, rc.cause)
			}
			if len(rc.fails) > 0 {
				reason := r.check(rc.fails[0]).Reason
				for _, want := range rc.said {
					if !strings.Contains(reason, want) {
						t.Errorf("the failure of %s does not say %q:\n%s", rc.fails[0], want, reason)
					}
				}
			}
			for _, wrong := range rc.unsaid {
				if strings.Contains(r.stdout, wrong) {
					t.Errorf("stdout says %q, which the cause makes moot:\n%s", wrong, r.stdout)
				}
			}
			if !strings.Contains(found.Fix, rc.fix) {
				t.Errorf("the fix of %s does not say %q: %s", rc.cause, rc.fix, found.Fix)
			}
			for _, want := range []string{"Root causes:", found.Title, "Fix: " + found.Fix} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout does not say %q:\n%s", want, r.stdout)
				}
			}
			if rc.skipSee != "" && !strings.Contains(r.stdout, "SKIP") {
				t.Errorf("stdout shows no skip with its reason:\n%s", r.stdout)
			}
			// A Fix line matches what was observed: a hang never gets a
			// parsing hint.
			for _, id := range rc.fails {
				if c := r.check(id); rc.cause == "hang" && (strings.Contains(c.Reason, "pars") || !strings.Contains(c.Reason, "Fix: the partner gave no complete answer")) {
					t.Errorf("the fix of %s does not speak of the hang:\n%s", id, c.Reason)
				}
			}
		})
	}
}

// TestNeverAnsweringPartnerIsBounded: a partner that accepts connections
// but never answers costs at most 2 × --timeout + 15 s.
func TestNeverAnsweringPartnerIsBounded(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { <-done; conn.Close() }() // read nothing, answer nothing
		}
	}()
	timeout := 2 * time.Second
	start := time.Now()
	r := runSuite(t, "http://"+ln.Addr().String(), append(allCapabilities, "--activation-field", selfActivation, "--timeout", timeout.String())...)
	took := time.Since(start)
	if bound := 2*timeout + 15*time.Second; took > bound {
		t.Errorf("the run took %s, want at most %s", took, bound)
	}
	if r.exit != 1 {
		t.Errorf("exit = %d, want 1\n%s", r.exit, r.stdout)
	}
	for _, c := range r.results.Checks {
		if c.Outcome == report.OutcomeFail && !strings.Contains(c.Reason, "Fix: the partner gave no complete answer") {
			t.Errorf("%s: the fix does not speak of the hang:\n%s", c.ID, c.Reason)
		}
	}
	if len(r.results.Causes) == 0 || r.results.Causes[0].ID != "hang" {
		t.Errorf("causes %+v, want hang", r.results.Causes)
	}
}

// TestNoReplayWindowIsAWarning: a partner that verifies signatures as the
// docs' sample does, without a time window, passes with warnings, and
// fails with --strict.
func TestNoReplayWindowIsAWarning(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	base := fakePartner{tolerance: 1000 * time.Hour}.serve(t)
	args := append(allCapabilities, "--activation-field", selfActivation)
	for _, strict := range []bool{false, true} {
		a := args
		want := 0
		if strict {
			a, want = append(slices.Clone(args), "--strict"), 1
		}
		r := runSuite(t, base, a...)
		if r.exit != want {
			t.Errorf("strict=%v: exit = %d, want %d\n%s", strict, r.exit, want, r.stdout)
		}
		if s := r.results.Summary; s.Warnings != 2 || s.Failed != 0 {
			t.Errorf("strict=%v: summary %+v, want 2 warnings, no failure", strict, s)
		}
		for _, id := range []string{"signature/stale-timestamp", "signature/future-timestamp"} {
			if c := r.check(id); c.Outcome != report.OutcomeWarning || c.Level != settings.LevelShould {
				t.Errorf("strict=%v: %s: %s %s, want a SHOULD warning", strict, id, c.Level, c.Outcome)
			}
			if !strings.Contains(r.stdout, "WARN  "+id) {
				t.Errorf("strict=%v: stdout has no WARN line for %s", strict, id)
			}
		}
		wantLine := "ttconformance PASS: 50 passed, 0 failed, 2 warnings"
		if strict {
			wantLine = "ttconformance FAIL: 50 passed, 0 failed, 2 warnings"
		}
		if !strings.Contains(r.stdout, wantLine) {
			t.Errorf("strict=%v: stdout has no %q:\n%s", strict, wantLine, r.stdout)
		}
	}
}

// TestResultInTheWebhookAnswerCounts: a partner that completes the result
// in partner_result_attributes and posts nothing passes results/posted.
func TestResultInTheWebhookAnswerCounts(t *testing.T) {
	skipWhenSuiteRequested(t)
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
			w.Write([]byte(`{"partner_result_attributes": {"status": "completed", "assessment": {"score": 81}, "details": {"level": "senior"}}}`))
		}),
		transport: func(http.RoundTripper) http.RoundTripper { // posts nothing
			return roundTripper(func(r *http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
			})
		},
	}
	r := runSuite(t, p.serve(t), "--assessment", "--verifies-signatures", "--activation-field", selfActivation)
	if r.exit != 0 {
		t.Errorf("exit = %d, want 0\n%s", r.exit, r.stdout)
	}
	if c := r.check("results/posted"); c.Outcome != report.OutcomePass {
		t.Errorf("results/posted: %s %s", c.Outcome, c.Reason)
	}
	for _, id := range []string{"results/status-enum", "results/score-range", "results/details-depth", "results/body-schema"} {
		if c := r.check(id); c.Outcome != report.OutcomePass {
			t.Errorf("%s: %s %s, want pass (judging the answer's document)", id, c.Outcome, c.Reason)
		}
	}
	if c := r.check("results/authorization"); c.Outcome != report.OutcomeSkipped || !strings.Contains(c.Reason, "webhook answer") {
		t.Errorf("results/authorization: %s %q, want skipped: the result came in the webhook answer", c.Outcome, c.Reason)
	}
}
