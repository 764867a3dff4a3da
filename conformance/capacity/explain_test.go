package capacity_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/mockteamtailor/mockteamtailor/conformance/capacity"
)

// lookups serves a Teamtailor whose partner-activations list is empty
// and counts the partner's key lookups.
func lookups(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.Write([]byte(`{"data":[],"links":{}}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// With no --provider-key or --activation-field a run activates the
// partner from its own activation form, as Teamtailor does: the example
// partner, which checks the JWT of its form with the API key, takes every
// webhook, and looks no key up in the Teamtailor it points at (a user's
// mock on :8080 is not flooded).
func TestDefaultKeyIsTheJWTOfThePartnersActivationForm(t *testing.T) {
	teamtailor, looked := lookups(t)
	url := fakePartner{teamtailor: teamtailor}.serve(t)
	code, out, doc := mainRun(t, nil, append(keys(url), "--rate", "20", "--webhooks", "20", "--max-p99", "6s", "--min-rate-achieved", "0.5")...)
	if code != capacity.ExitPass || doc["verdict"] != "pass" {
		t.Fatalf("exit %d; want 0 and pass\n%s", code, out)
	}
	if !strings.Contains(out, "provider key: a JWT built from the partner's activation form (api_token=conformance)") {
		t.Errorf("the output does not say how the provider key was made:\n%s", out)
	}
	if n := looked.Load(); n != 0 {
		t.Errorf("the partner looked the key up %d times in its Teamtailor; want none", n)
	}
}

// A partner that refuses the run's provider key stops the run at the
// start (exit 2) with the cause and the flag that fixes it, for each way
// the key is made.
func TestRefusedKeyGetsTheCauseAndTheFix(t *testing.T) {
	teamtailor, _ := lookups(t)
	noForm := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/activation" {
				http.NotFound(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	otherKey := fakePartner{teamtailor: teamtailor}.serve(t)
	for _, tc := range []struct {
		name  string
		url   string
		flags []string
		want  []string
	}{
		{"--provider-key unknown", otherKey, []string{"--provider-key", uuid.NewString()},
			[]string{"GET /config answered 401 Unauthorized: invalid provider key", "cause: the partner does not accept the provider key given with --provider-key, a UUID", "fix: give --provider-key a key of one of the partner's activations, point the partner's Teamtailor URL at the embedded mock"}},
		{"a form without fields: a UUID", fakePartner{teamtailor: teamtailor, wrap: noForm}.serve(t), nil,
			[]string{"cause: the provider key is a random UUID", "/partner/v1", "fix: point the partner's Teamtailor URL at the embedded mock on a fixed address (--mock-listen"}},
		{"--activation-field with another API key", otherKey, []string{"--activation-field", "api_token=s3cret", "--api-key", "ttpk_not_the_partners"},
			[]string{"a JWT built from --activation-field (api_token)", "its API key is not --api-key", "fix: give --api-key the partner's API key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(keys(tc.url), "--webhooks", "5")
			code, out, doc := mainRun(t, nil, append(args, tc.flags...)...)
			if code != capacity.ExitError || doc == nil || doc["verdict"] != "error" {
				t.Fatalf("exit %d; want 2 and a report with verdict error\n%s", code, out)
			}
			for _, want := range tc.want {
				if !strings.Contains(out, want) || !strings.Contains(doc["error"].(string), want) {
					t.Errorf("the output and the report do not say %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "s3cret") {
				t.Errorf("the output shows an activation value given on the command line:\n%s", out)
			}
		})
	}
}

// A partner verifying with another webhook secret accepts /config and
// refuses every webhook: the report's most common failure carries the
// partner's answer, the cause and the flag that fixes it, in JSON, on the
// console and in the HTML report.
func TestMostCommonFailureHasItsAnswerCauseAndFix(t *testing.T) {
	url := fakePartner{secret: "ttws_another_secret_0123456789"}.serve(t)
	rep := run(t, url, config(20, 10))
	f := rep.TopFailure
	if f == nil {
		t.Fatalf("no topFailure; failures %v", rep.Failures)
	}
	if f.Message != "answered 401 Unauthorized" || f.Webhooks != 10 || f.Status != 401 ||
		!strings.Contains(f.Body, "signature mismatch") || !strings.Contains(f.Cause, "another webhook secret") || !strings.Contains(f.Fix, "--webhook-secret") {
		t.Errorf("topFailure %+v; want the 401s with the partner's answer, the secret as cause and --webhook-secret as fix", f)
	}
	for _, want := range []string{"most common failure: answered 401 Unauthorized (10 webhooks)", "signature mismatch", "cause: ", "fix: give --webhook-secret"} {
		if !strings.Contains(rep.Summary(), want) {
			t.Errorf("the summary does not say %q", want)
		}
	}
	page, err := rep.HTML()
	if err != nil {
		t.Fatal(err)
	}
	card := section(t, string(page), `id="top-failure"`)
	for _, want := range []string{"answered 401 Unauthorized", "signature mismatch", "Cause:", "another webhook secret", "Fix:", "--webhook-secret"} {
		if !strings.Contains(card, want) {
			t.Errorf("the HTML report's most common failure lacks %q:\n%s", want, card)
		}
	}
}

// section returns the HTML from the element with attr to the next </div>.
func section(t *testing.T, page, attr string) string {
	t.Helper()
	i := strings.Index(page, attr)
	if i < 0 {
		t.Fatalf("the page has no %s", attr)
	}
	j := strings.Index(page[i:], "</div>")
	return page[i : i+j]
}

// --find-max whose every step held says no ceiling was found up to the
// last rate, not that it is the highest rate within budget.
func TestFindMaxWithoutBreachSaysNoCeiling(t *testing.T) {
	url := fakePartner{}.serve(t)
	cfg := config(10, 0)
	cfg.FindMax, cfg.Step, cfg.StepFactor, cfg.MaxSteps = true, time.Second, 2, 2
	rep := run(t, url, cfg)
	if rep.Verdict != capacity.VerdictPass {
		t.Fatalf("verdict %s, breaches %v; want pass", rep.Verdict, breachNames(rep))
	}
	line := rep.Line()
	if !strings.Contains(line, "no ceiling found up to 20.00/s") || strings.Contains(line, "highest rate within budget") {
		t.Errorf("line %q; want it to say no ceiling was found up to 20.00/s", line)
	}
}

// The in-flight figures are those of the run: with --find-max each step
// has its own cap (rate × --timeout), and the report's cap and peak cover
// the step with the most in flight, never a cap below what was in flight.
func TestInFlightFiguresAreTrue(t *testing.T) {
	var inFlight, most atomic.Int64
	url := fakePartner{wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/webhook" {
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(1500 * time.Millisecond)
			}
			next.ServeHTTP(w, r)
		})
	}}.serve(t)
	// --timeout 4s, far above the partner's 1.5 s. Step 1: 25/s, cap 100;
	// step 2: 100/s, cap 400, with about 150 in flight (100/s × 1.5 s):
	// more than the first step's cap.
	cfg := config(25, 0)
	cfg.FindMax, cfg.Step, cfg.StepFactor, cfg.MaxSteps = true, 3*time.Second, 4, 2
	cfg.Timeout = 4 * time.Second
	rep := run(t, url, cfg)
	if len(rep.Steps) != 2 || rep.Steps[0].MaxInFlight != 100 || rep.Steps[1].MaxInFlight != 400 {
		t.Fatalf("steps %+v; want caps 100 and 400", rep.Steps)
	}
	peak := rep.Achieved.PeakInFlight
	if int64(peak) < most.Load() || peak > rep.Target.MaxInFlight {
		t.Errorf("peak in flight %d, cap %d; the partner had %d at once: want cap >= peak >= %d", peak, rep.Target.MaxInFlight, most.Load(), most.Load())
	}
	if rep.Target.MaxInFlight != 400 || peak != rep.Steps[1].PeakInFlight || peak <= 100 {
		t.Errorf("cap %d, peak %d, steps %+v; want the second step's cap 400 and its peak above the first step's cap 100", rep.Target.MaxInFlight, peak, rep.Steps)
	}
	if !strings.Contains(rep.Summary(), "in flight       at most "+strconv.Itoa(peak)+" at once (cap 400)") {
		t.Errorf("the summary does not give the in-flight figures:\n%s", rep.Summary())
	}
}

// The latency plot is readable at any scale: sub-millisecond latencies
// under a budget of seconds are drawn apart, not flat on zero, and the
// budget is drawn.
func TestLatencyPlotReadableAtAnyScale(t *testing.T) {
	rep := &capacity.Report{Verdict: capacity.VerdictPass, Mode: "rate", Failures: map[string]int{},
		Webhooks: capacity.Webhooks{StatusClasses: map[string]int{}},
		Budget:   capacity.BudgetFigures{MaxP99MS: 2000},
		Timeline: []capacity.Second{{T: 0, Arrivals: 5, P50MS: 0.3, P99MS: 0.6}, {T: 1, Arrivals: 5, P50MS: 3, P99MS: 6}, {T: 2, Arrivals: 5, P50MS: 30, P99MS: 60}},
	}
	page, err := rep.HTML()
	if err != nil {
		t.Fatal(err)
	}
	plot := section(t, string(page), `id="plot-latency"`)
	m := regexp.MustCompile(`points="([^"]*)"><title>p50</title>`).FindStringSubmatch(plot)
	if m == nil {
		t.Fatalf("no p50 line in the latency plot:\n%s", plot)
	}
	var ys []float64
	for _, pt := range strings.Fields(m[1]) {
		_, y, _ := strings.Cut(pt, ",")
		f, err := strconv.ParseFloat(y, 64)
		if err != nil {
			t.Fatal(err)
		}
		ys = append(ys, f)
	}
	// On a linear axis up to 2 s, 0.3 ms and 3 ms are 0.3 px apart.
	if len(ys) != 3 || ys[0]-ys[1] < 20 || ys[1]-ys[2] < 20 {
		t.Errorf("p50 at y %v; want 0.3, 3 and 30 ms each at least 20 px above the one before", ys)
	}
	if !strings.Contains(plot, "<title>budget 2000 ms") || !strings.Contains(plot, "log scale") {
		t.Errorf("the latency plot does not draw the budget on a log scale:\n%s", plot)
	}
	if os.Getenv("CAPACITY_WRITE_PLOT") != "" {
		os.WriteFile(os.Getenv("CAPACITY_WRITE_PLOT"), page, 0o644)
	}
}

// A partner echoing the provider key in a 5xx answer has the crash as its
// cause, and the key redacted from the answer the report keeps.
func TestFailureAnswerIsRedacted(t *testing.T) {
	url := fakePartner{wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/webhook" {
				http.Error(w, "boom, with "+r.Header.Get("Authorization"), http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})
	}}.serve(t)
	rep := run(t, url, config(20, 5))
	f := rep.TopFailure
	if f == nil || f.Status != 500 || !strings.Contains(f.Body, "boom, with Bearer [REDACTED]") || !strings.Contains(f.Cause, "a crash") {
		t.Fatalf("topFailure %+v; want the 500 with the key redacted and a crash as cause", f)
	}
}
