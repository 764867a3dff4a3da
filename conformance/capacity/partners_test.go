package capacity_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/mockteamtailor/mockteamtailor/conformance/capacity"
	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
)

// The self-tests run capacity runs in this process against partners
// served from it: the example partner, and the example partner made slow,
// lossy, failing or limited by middleware or by the transport it posts
// results with. framework.TestContext is the process's settings, so the
// tests do not run in parallel. Rates are moderate and the budgets' limits
// far from what a healthy partner shows, so a loaded machine does not
// change a verdict, yet each broken partner breaks exactly its figure.

const (
	testAPIKey = "ttpk_capacity_7c1e9a2b4d6f8031"
	testSecret = "ttws_capacity_e5b7c9d1f3a50284"
)

// partner is a partner served for a test.
type partner struct {
	wrap      func(http.Handler) http.Handler
	transport func(http.RoundTripper) http.RoundTripper
}

// serve starts the example partner, changed by p, on 127.0.0.1:0.
func (p partner) serve(t *testing.T) string {
	t.Helper()
	var tr http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()
	if p.transport != nil {
		tr = p.transport(tr)
	}
	ep, err := examplepartner.New(examplepartner.Config{APIKey: testAPIKey, WebhookSecret: testSecret,
		Client: &http.Client{Transport: tr, Timeout: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = ep
	if p.wrap != nil {
		h = p.wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ep.Close(ctx)
	})
	return srv.URL
}

// settings points the suite's settings at baseURL.
func settings(baseURL string) {
	framework.TestContext = framework.Settings{
		BaseURL: baseURL, APIKey: testAPIKey, WebhookSecret: testSecret, ProviderKey: uuid.NewString(),
		MockListen: "127.0.0.1:0", Timeout: 10 * time.Second, Assessment: true,
	}
}

// run makes a capacity run of cfg against baseURL and checks its report
// against capacity-report.schema.json.
func run(t *testing.T, baseURL string, cfg capacity.Config) *capacity.Report {
	t.Helper()
	settings(baseURL)
	cfg.Timeout = framework.TestContext.Timeout
	cfg.ExpectResults = true
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	mock, err := framework.StartMock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer mock.Close(context.Background())
	tgt, err := capacity.NewTarget(ctx, mock, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep := capacity.Run(ctx, cfg, tgt, nil)
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	validateReport(t, raw)
	t.Logf("%s\n%s", rep.Summary(), rep.Line())
	return rep
}

// config is a constant-rate run with a budget far from a healthy partner.
func config(rate float64, webhooks int) capacity.Config {
	cfg := capacity.DefaultConfig()
	cfg.Rate, cfg.Duration, cfg.Webhooks = rate, 0, webhooks
	cfg.Budget.MaxP99 = 3 * time.Second
	cfg.Budget.ResultDeadline = 5 * time.Second
	cfg.Budget.MinRateAchieved = 0.8
	return cfg
}

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

func validateReport(t *testing.T, raw []byte) {
	t.Helper()
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft2020
		c.AssertFormat = true
		schema, schemaErr = c.Compile("../capacity-report.schema.json")
	})
	if schemaErr != nil {
		t.Fatalf("capacity-report.schema.json: %v", schemaErr)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("the report is not valid against capacity-report.schema.json: %#v\n%s", err, raw)
	}
}

func breachNames(r *capacity.Report) []string {
	var out []string
	for _, b := range r.Breaches {
		out = append(out, b.Name)
	}
	return out
}

func breach(r *capacity.Report, name string) (capacity.Breach, bool) {
	for _, b := range r.Breaches {
		if b.Name == name {
			return b, true
		}
	}
	return capacity.Breach{}, false
}

// The example partner at a moderate rate is within the default budget:
// every webhook answered, every result back, the rate reached.
func TestExamplePartnerPasses(t *testing.T) {
	url := partner{}.serve(t)
	rep := run(t, url, config(40, 120))
	if rep.Verdict != capacity.VerdictPass {
		t.Fatalf("verdict %s, breaches %v; want pass", rep.Verdict, breachNames(rep))
	}
	if rep.Webhooks.Sent != 120 || rep.Webhooks.OK != 120 || rep.Webhooks.NotSent != 0 {
		t.Errorf("webhooks %+v, want 120 sent and ok", rep.Webhooks)
	}
	if rep.Results.Received != 120 || rep.Results.Missing != 0 || rep.Results.Duplicates != 0 || rep.Results.Unknown != 0 {
		t.Errorf("results %+v, want 120 received", rep.Results)
	}
	if rep.TimeToResultMS.P50 == nil || *rep.TimeToResultMS.P99 <= 0 {
		t.Errorf("time to result %+v, want figures", rep.TimeToResultMS)
	}
	if rep.Achieved.Rate < 32 || rep.Achieved.Rate > 48 {
		t.Errorf("achieved rate %.2f, want about 40", rep.Achieved.Rate)
	}
}

// A partner 200 ms slower per webhook still gets the target arrival rate
// (arrivals do not wait for answers) and fails a 100 ms p99 budget, named.
func TestSlowPartnerGetsTheRateAndFailsP99(t *testing.T) {
	var inFlight, most atomic.Int64
	url := partner{wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/webhook" {
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(200 * time.Millisecond)
			}
			next.ServeHTTP(w, r)
		})
	}}.serve(t)
	cfg := config(40, 160)
	cfg.Budget.MaxP99 = 100 * time.Millisecond
	rep := run(t, url, cfg)
	if rep.Verdict != capacity.VerdictFail {
		t.Fatalf("verdict %s; want fail", rep.Verdict)
	}
	b, ok := breach(rep, capacity.BreachP99)
	if !ok || b.Limit != 100 || b.Actual < 200 || !strings.Contains(b.Message, "p99") {
		t.Fatalf("breaches %+v; want %s with limit 100 and actual >= 200", rep.Breaches, capacity.BreachP99)
	}
	if _, ok := breach(rep, capacity.BreachRateAchieve); ok {
		t.Errorf("the slow partner did not get the target rate: %+v", rep.Breaches)
	}
	if rep.Achieved.Rate < 32 || rep.Webhooks.Sent != 160 || rep.Webhooks.NotSent != 0 {
		t.Errorf("achieved %.2f/s, sent %d, not sent %d; want about 40/s, 160 sent", rep.Achieved.Rate, rep.Webhooks.Sent, rep.Webhooks.NotSent)
	}
	// 40/s with 200 ms each keeps about 8 in flight: a closed loop
	// waiting for answers would keep one.
	if most.Load() < 4 {
		t.Errorf("at most %d webhooks were in flight at once; an open model at 40/s × 200 ms keeps about 8", most.Load())
	}
}

// A partner that drops one result in 50 fails on results.missing, with
// the number it dropped.
func TestLossyPartnerFailsOnMissingResults(t *testing.T) {
	var posts, dropped atomic.Int64
	url := partner{transport: func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.Contains(r.URL.Path, "/partner-results/") && posts.Add(1)%50 == 0 {
				dropped.Add(1)
				return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("{}")), Header: http.Header{}, Request: r}, nil
			}
			return next.RoundTrip(r)
		})
	}}.serve(t)
	cfg := config(50, 150)
	cfg.Budget.ResultDeadline = 3 * time.Second
	rep := run(t, url, cfg)
	b, ok := breach(rep, capacity.BreachMissing)
	if !ok {
		t.Fatalf("breaches %v; want %s", breachNames(rep), capacity.BreachMissing)
	}
	if int64(b.Actual) != dropped.Load() || dropped.Load() != 3 || rep.Results.Received != 147 {
		t.Errorf("missing %v, received %d; the partner dropped %d of 150", b.Actual, rep.Results.Received, dropped.Load())
	}
	if names := breachNames(rep); len(names) != 1 {
		t.Errorf("breaches %v; want only %s", names, capacity.BreachMissing)
	}
}

// A partner that answers 500 to every 20th webhook fails on the error
// rate, with its figure.
func TestFailingPartnerFailsOnErrorRate(t *testing.T) {
	var hooks atomic.Int64
	url := partner{wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/webhook" && hooks.Add(1)%20 == 0 {
				http.Error(w, "overloaded", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})
	}}.serve(t)
	rep := run(t, url, config(40, 100))
	b, ok := breach(rep, capacity.BreachErrorRate)
	if !ok || b.Actual != 0.05 || b.Limit != 0 {
		t.Fatalf("breaches %+v; want %s 0.05 over limit 0", rep.Breaches, capacity.BreachErrorRate)
	}
	if rep.Webhooks.Failed != 5 || rep.Webhooks.StatusClasses["5xx"] != 5 || rep.Results.Missing != 0 {
		t.Errorf("webhooks %+v, results %+v; want 5 failed with 5xx and no result missing", rep.Webhooks, rep.Results)
	}
}

// --find-max against a partner that works on at most 2 webhooks at once,
// 50 ms each (a ceiling of 40/s), reports a highest rate near it.
func TestFindMaxReportsTheCeilingOfAConcurrencyLimit(t *testing.T) {
	const limit, hold = 2, 50 * time.Millisecond
	ceiling := float64(limit) / hold.Seconds()
	slots := make(chan struct{}, limit)
	url := partner{wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/webhook" {
				slots <- struct{}{}
				defer func() { <-slots }()
				time.Sleep(hold)
			}
			next.ServeHTTP(w, r)
		})
	}}.serve(t)
	cfg := config(8, 0)
	cfg.FindMax, cfg.Step, cfg.StepFactor, cfg.MaxSteps = true, 3*time.Second, 1.5, 10
	cfg.Budget.MaxP99 = 400 * time.Millisecond
	cfg.Budget.MinRateAchieved = 0.9
	rep := run(t, url, cfg)
	if rep.MaxRate == nil {
		t.Fatal("no maxRate in the report")
	}
	if *rep.MaxRate < ceiling*0.4 || *rep.MaxRate > ceiling*1.6 {
		t.Errorf("maxRate %.2f; want near the partner's ceiling %.0f/s", *rep.MaxRate, ceiling)
	}
	last := rep.Steps[len(rep.Steps)-1]
	if last.Held || len(last.Breaches) == 0 || last.Rate < ceiling {
		t.Errorf("last step %+v; want the first rate above the ceiling, broken", last)
	}
	if rep.Verdict != capacity.VerdictPass {
		t.Errorf("verdict %s; want pass (the starting rate held)", rep.Verdict)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
