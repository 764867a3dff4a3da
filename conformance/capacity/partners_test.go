package capacity_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
)

// The self-tests run capacity runs in this process against partners
// served from it: the example partner, and the example partner made slow,
// lossy, failing or limited by middleware or by the transport it posts
// results with. settings.TestContext is the process's settings, so the
// tests do not run in parallel. Rates are moderate and the budgets' limits
// far from what a healthy partner shows, so a loaded machine does not
// change a verdict, yet each broken partner breaks exactly its figure.

const (
	testAPIKey = "ttpk_capacity_7c1e9a2b4d6f8031"
	testSecret = "ttws_capacity_e5b7c9d1f3a50284"
)

// fakePartner is a partner served for a test.
type fakePartner struct {
	wrap      func(http.Handler) http.Handler
	transport func(http.RoundTripper) http.RoundTripper
	// teamtailor is where the partner looks UUID provider keys up; ""
	// accepts any UUID.
	teamtailor string
	// secret is the webhook secret it verifies with; "" is testSecret.
	secret string
}

// serve starts the example partner, changed by p, on 127.0.0.1:0.
func (p fakePartner) serve(t *testing.T) string {
	t.Helper()
	var tr http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()
	if p.transport != nil {
		tr = p.transport(tr)
	}
	secret := testSecret
	if p.secret != "" {
		secret = p.secret
	}
	// The run's mock listens on a port not known in advance, and
	// TeamtailorURL may be a stand-in for key lookups only: results go
	// wherever update-url says.
	ep, err := examplepartner.New(examplepartner.Config{APIKey: testAPIKey, WebhookSecret: secret, TeamtailorURL: p.teamtailor, AnyUpdateHost: true,
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

// useSettings points the suite's settings at baseURL.
func useSettings(baseURL string) {
	settings.TestContext = settings.Settings{
		BaseURL: baseURL, APIKey: testAPIKey, WebhookSecret: testSecret, ProviderKey: uuid.NewString(),
		MockListen: "127.0.0.1:0", Timeout: 10 * time.Second, Assessment: true,
	}
}

// run makes a capacity run of cfg against baseURL and checks its report
// against capacity-report.schema.json.
func run(t *testing.T, baseURL string, cfg capacity.Config) *capacity.Report {
	t.Helper()
	useSettings(baseURL)
	if cfg.Timeout != 0 {
		settings.TestContext.Timeout = cfg.Timeout
	}
	cfg.Timeout = settings.TestContext.Timeout
	cfg.ExpectResults = true
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	mock, err := embedded.StartMock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer mock.Close(context.Background())
	key, _ := capacity.GivenKey()
	tgt, err := capacity.NewTarget(ctx, mock, cfg, key)
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

// config is a constant-rate run with a budget far from a healthy
// partner: under -race on a loaded 2-core machine the example partner's
// p99 reaches a second or two, and the sends themselves run late.
func config(rate float64, webhooks int) capacity.Config {
	cfg := capacity.DefaultConfig()
	cfg.Rate, cfg.Duration, cfg.Webhooks = rate, 0, webhooks
	cfg.Budget.MaxP99 = 6 * time.Second
	cfg.Budget.ResultDeadline = 8 * time.Second
	cfg.Budget.MinRateAchieved = 0.5
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
	url := fakePartner{}.serve(t)
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
	if rep.Achieved.Rate < 20 || rep.Achieved.Rate > 48 {
		t.Errorf("achieved rate %.2f, want about 40", rep.Achieved.Rate)
	}
}

// A partner 200 ms slower per webhook still gets the target arrival rate
// (arrivals do not wait for answers) and fails a 100 ms p99 budget, named.
func TestSlowPartnerGetsTheRateAndFailsP99(t *testing.T) {
	var inFlight, most atomic.Int64
	url := fakePartner{wrap: func(next http.Handler) http.Handler {
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
	// A closed loop waiting for each answer would get 5/s.
	if rep.Achieved.Rate < 20 || rep.Webhooks.Sent != 160 || rep.Webhooks.NotSent != 0 {
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
	url := fakePartner{transport: func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.Contains(r.URL.Path, "/partner-results/") && posts.Add(1)%50 == 0 {
				dropped.Add(1)
				return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("{}")), Header: http.Header{}, Request: r}, nil
			}
			return next.RoundTrip(r)
		})
	}}.serve(t)
	rep := run(t, url, config(50, 150))
	b, ok := breach(rep, capacity.BreachMissing)
	if !ok {
		t.Fatalf("breaches %v; want %s", breachNames(rep), capacity.BreachMissing)
	}
	// A result later than the deadline also counts as missing (late).
	if dropped.Load() != 3 || int(b.Actual) != 3+rep.Results.Late || rep.Results.Received+rep.Results.Missing != 150 {
		t.Errorf("missing %v (late %d), received %d; the partner dropped %d of 150", b.Actual, rep.Results.Late, rep.Results.Received, dropped.Load())
	}
	if names := breachNames(rep); len(names) != 1 {
		t.Errorf("breaches %v; want only %s", names, capacity.BreachMissing)
	}
}

// A partner that answers 500 to every 20th webhook fails on the error
// rate, with its figure.
func TestFailingPartnerFailsOnErrorRate(t *testing.T) {
	var hooks atomic.Int64
	url := fakePartner{wrap: func(next http.Handler) http.Handler {
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

// limitedPartner serves a partner with a hard concurrency limit: it works
// on one webhook at a time, 100 ms each, so it answers at most 10 a
// second and queues the rest. It returns its URL and that ceiling.
func limitedPartner(t *testing.T) (string, float64) {
	const limit, hold = 1, 100 * time.Millisecond
	slots := make(chan struct{}, limit)
	url := fakePartner{wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/webhook" {
				slots <- struct{}{}
				defer func() { <-slots }()
				time.Sleep(hold)
			}
			next.ServeHTTP(w, r)
		})
	}}.serve(t)
	return url, float64(limit) / hold.Seconds()
}

// findMaxConfig steps from 3/s by ×1.5 every 4 s: 3, 4.5, 6.75, 10.1,
// 15.2/s. Beyond a ceiling of 10/s the queue grows by 5 webhooks a second,
// so the p99 of the 15.2/s step is about 2 s, well above the 1 s budget and
// above what load alone does to latency at these rates.
func findMaxConfig() capacity.Config {
	cfg := config(3, 0)
	cfg.FindMax, cfg.Step, cfg.StepFactor, cfg.MaxSteps = true, 4*time.Second, 1.5, 8
	cfg.Budget.MaxP99 = time.Second
	return cfg
}

// --find-max against a partner with a hard concurrency limit reports a
// highest rate near its ceiling.
func TestFindMaxReportsTheCeilingOfAConcurrencyLimit(t *testing.T) {
	url, ceiling := limitedPartner(t)
	rep := run(t, url, findMaxConfig())
	if rep.MaxRate == nil {
		t.Fatal("no maxRate in the report")
	}
	if *rep.MaxRate < ceiling*0.4 || *rep.MaxRate > ceiling*1.6 {
		t.Errorf("maxRate %.2f; want near the partner's ceiling %.0f/s", *rep.MaxRate, ceiling)
	}
	last := rep.Steps[len(rep.Steps)-1]
	if last.Held || len(last.Breaches) == 0 {
		t.Errorf("last step %+v; want the step that broke the budget", last)
	}
	if rep.Verdict != capacity.VerdictPass {
		t.Errorf("verdict %s; want pass (the starting rate held)", rep.Verdict)
	}
	// The verdict line says where it broke and on which figure.
	want := fmt.Sprintf("ceiling %.2f/s: broke at %.2f/s on latencyMs.p99 ", *rep.MaxRate, last.Rate)
	if line := rep.Line(); !strings.Contains(line, want) {
		t.Errorf("line %q; want it to say %q", line, want)
	}
}

// A burst sends every webhook at once, as a bulk send does: all arrive,
// and no arrival rate is judged.
func TestBurst(t *testing.T) {
	var inFlight, most atomic.Int64
	url := fakePartner{wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/webhook" {
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(100 * time.Millisecond)
			}
			next.ServeHTTP(w, r)
		})
	}}.serve(t)
	cfg := config(1, 0)
	cfg.Burst = 40
	rep := run(t, url, cfg)
	if rep.Verdict != capacity.VerdictPass || rep.Mode != "burst" || rep.Target.Burst != 40 || rep.Target.Rate != 0 {
		t.Fatalf("verdict %s, mode %s, target %+v; want a passing burst of 40", rep.Verdict, rep.Mode, rep.Target)
	}
	if rep.Webhooks.OK != 40 || rep.Results.Received != 40 {
		t.Errorf("webhooks %+v, results %+v; want 40 answered with results", rep.Webhooks, rep.Results)
	}
	if most.Load() < 10 {
		t.Errorf("at most %d webhooks were at the partner at once; a burst of 40 taking 100 ms each overlaps", most.Load())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// everyFifthWebhook answers every fifth webhook with answer instead of
// the example partner's answer, after the partner has taken it (so that
// its result still comes back), and returns how many it changed.
func everyFifthWebhook(answer http.HandlerFunc) (func(http.Handler) http.Handler, *atomic.Int64) {
	var hooks, changed atomic.Int64
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/webhook" || hooks.Add(1)%5 != 0 {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			if rec.Code/100 != 2 {
				copyAnswer(w, rec)
				return
			}
			changed.Add(1)
			answer(w, r)
		})
	}, &changed
}

func copyAnswer(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// A 2xx answer whose partner_result_attributes Teamtailor would ignore
// (the suite's webhook/response-body check fails it) is a failed webhook
// in a capacity run too, with the mock's reason.
func TestInvalidAnswerAttributesFail(t *testing.T) {
	wrap, changed := everyFifthWebhook(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"partner_result_attributes": {"status": "finished", "assessment": {"score": 150}}}`))
	})
	rep := run(t, fakePartner{wrap: wrap}.serve(t), config(40, 100))
	n := int(changed.Load())
	if n == 0 {
		t.Fatal("no answer was changed")
	}
	if rep.Webhooks.Failed != n || rep.Webhooks.StatusClasses["2xx"] != rep.Webhooks.Sent {
		t.Errorf("webhooks %+v; want the %d invalid 2xx answers failed", rep.Webhooks, n)
	}
	if _, ok := breach(rep, capacity.BreachErrorRate); !ok {
		t.Errorf("breaches %+v; want %s", rep.Breaches, capacity.BreachErrorRate)
	}
	if !hasFailure(rep, "answered 200, but its partner_result_attributes were ignored: ") {
		t.Errorf("failures %v; want the mock's reason for ignored partner_result_attributes", rep.Failures)
	}
}

// An answer larger than the 1 MiB Teamtailor reads (a plain 2 MiB body,
// or a gzip body inflating to 1 GiB) is a failed webhook, read no further
// than the mock reads it.
func TestOversizedAnswersFail(t *testing.T) {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(bytes.Repeat([]byte(" "), 1<<20))
	zw.Close()
	plain := bytes.Repeat([]byte(" "), 2<<20)
	var n atomic.Int64
	wrap, changed := everyFifthWebhook(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if n.Add(1)%2 == 0 {
			w.Write(plain)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		for range 1024 { // 1 GiB inflated
			if _, err := w.Write(member.Bytes()); err != nil {
				return
			}
		}
	})
	rep := run(t, fakePartner{wrap: wrap}.serve(t), config(40, 100))
	if c := int(changed.Load()); c == 0 || rep.Webhooks.Failed != c {
		t.Errorf("webhooks %+v; want the %d oversized answers failed", rep.Webhooks, c)
	}
	if !hasFailure(rep, "answer larger than 1 MiB") {
		t.Errorf("failures %v; want answers larger than 1 MiB", rep.Failures)
	}
}

func hasFailure(rep *capacity.Report, prefix string) bool {
	for k := range rep.Failures {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
