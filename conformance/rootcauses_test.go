package conformance_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
)

// The root-cause self-tests: one broken partner per common cause, each
// with exactly that cause. Each must give one failure, skip what depends
// on it with "cannot check: … (see <check>)", name the cause in the
// summary with its fix, and exit with the right status.

// rootCause is one such partner and what the run must say.
type rootCause struct {
	name    string
	partner partner
	base    func(url string) string // the --base-url given, from the partner's URL
	args    []string
	exit    int
	fails   []string // the failures (one per cause)
	cause   string   // Cause.ID
	skipSee string   // the check every "cannot check" skip names
	fix     string   // in the cause's fix
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
		partner: partner{wrap: route("POST", "/webhook", hangForever)},
		exit:    1, fails: []string{"webhook/signed-accepted"}, cause: "hang", skipSee: "(see webhook/signed-accepted)",
		fix: "end its response"},
	{name: "the webhook secret differs",
		partner: partner{secret: "ttws_another_secret_5e6f7a8b"},
		exit:    1, fails: []string{"webhook/signed-accepted"}, cause: "webhook-secret", skipSee: "(see webhook/signed-accepted)",
		fix: "--webhook-secret"},
	{name: "the provider key is unknown to the partner",
		// The partner looks keys up in another Teamtailor, which has no
		// activation; the suite sends a UUID key.
		partner: partner{teamtailor: emptyTeamtailor()},
		args:    []string{"--verifies-signatures", "--assessment", "--bulk", "--actions"},
		exit:    1, fails: []string{"config/with-job"}, cause: "provider-key", skipSee: "(see config/with-job)",
		fix: "--mock-public-url"},
	{name: "a wrong path prefix",
		base: func(u string) string { return u + "/teamtailor" },
		exit: 1, fails: []string{"config/with-job"}, cause: "base-url", skipSee: "(see config/with-job)",
		fix: "path prefix"},
	{name: "BASE_URL redirects",
		partner: partner{wrap: func(http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://partner.example"+r.URL.RequestURI(), http.StatusMovedPermanently)
			})
		}},
		exit: 1, fails: []string{"config/with-job"}, cause: "redirect", skipSee: "(see config/with-job)",
		fix: "final URL"},
	{name: "TLS against a plain-http partner",
		base: func(u string) string { return strings.Replace(u, "http://", "https://", 1) },
		exit: 2, cause: "tls", fix: "http://"},
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
				case c.Outcome == framework.OutcomeFail:
					failed = append(failed, c.ID)
				case c.Outcome == framework.OutcomeSkipped && strings.HasPrefix(c.Reason, "cannot check: ") && !strings.Contains(c.Reason, rc.skipSee):
					t.Errorf("%s: skipped %q, want it to name %s", c.ID, c.Reason, rc.skipSee)
				}
			}
			if !slices.Equal(failed, rc.fails) {
				t.Errorf("failed %v, want %v\n%s", failed, rc.fails, r.stdout)
			}
			var found *framework.Cause
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
		if c.Outcome == framework.OutcomeFail && !strings.Contains(c.Reason, "Fix: the partner gave no complete answer") {
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
	base := partner{tolerance: 1000 * time.Hour}.serve(t)
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
			if c := r.check(id); c.Outcome != framework.OutcomeWarning || c.Level != framework.LevelShould {
				t.Errorf("strict=%v: %s: %s %s, want a SHOULD warning", strict, id, c.Level, c.Outcome)
			}
			if !strings.Contains(r.stdout, "WARN  "+id) {
				t.Errorf("strict=%v: stdout has no WARN line for %s", strict, id)
			}
		}
		wantLine := "ttconformance PASS: 36 passed, 0 failed, 2 warnings"
		if strict {
			wantLine = "ttconformance FAIL: 36 passed, 0 failed, 2 warnings"
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
	p := partner{
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
	if c := r.check("results/posted"); c.Outcome != framework.OutcomePass {
		t.Errorf("results/posted: %s %s", c.Outcome, c.Reason)
	}
	for _, id := range []string{"results/status-enum", "results/score-range", "results/details-depth", "results/body-schema"} {
		if c := r.check(id); c.Outcome != framework.OutcomePass {
			t.Errorf("%s: %s %s, want pass (judging the answer's document)", id, c.Outcome, c.Reason)
		}
	}
	if c := r.check("results/authorization"); c.Outcome != framework.OutcomeSkipped || !strings.Contains(c.Reason, "webhook answer") {
		t.Errorf("results/authorization: %s %q, want skipped: the result came in the webhook answer", c.Outcome, c.Reason)
	}
}
