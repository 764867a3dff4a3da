package capacity_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/capacity"
)

// mainRun runs ttconformance capacity with args and the environment env,
// and returns its exit status, its output and its JSON report (nil when
// none was written).
func mainRun(t *testing.T, env map[string]string, args ...string) (int, string, map[string]any) {
	t.Helper()
	report := filepath.Join(t.TempDir(), "capacity.json")
	args = append([]string{"--json-report", report}, args...)
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code := capacity.Main(ctx, args, func(k string) string { return env[k] }, &stdout, &stderr, false)
	out := stdout.String() + stderr.String()
	raw, err := os.ReadFile(report)
	if err != nil {
		return code, out, nil
	}
	validateReport(t, raw)
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return code, out, doc
}

func keys(url string) []string {
	return []string{"--base-url", url, "--api-key", testAPIKey, "--webhook-secret", testSecret}
}

// Bad settings are named, every one at once, with exit status 2 and no run.
func TestBadSettingsExit2(t *testing.T) {
	code, out, doc := mainRun(t, map[string]string{"TTCONF_MAX_P99": "soon"},
		"--base-url", "http://127.0.0.1:1", "--api-key", "k", "--rate", "-3", "--max-error-rate", "2")
	if code != capacity.ExitError {
		t.Fatalf("exit %d, want 2\n%s", code, out)
	}
	for _, want := range []string{"--webhook-secret", "--rate must be a positive number", "--max-error-rate must be between 0 and 1", `TTCONF_MAX_P99="soon"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the output does not name %q:\n%s", want, out)
		}
	}
	if doc != nil {
		t.Errorf("a report was written for a run that could not start: %v", doc)
	}
}

// A partner unreachable at the start is exit status 2, verdict error, with
// a report saying why.
func TestUnreachablePartnerExit2(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	code, out, doc := mainRun(t, nil, append(keys(url), "--webhooks", "5")...)
	if code != capacity.ExitError {
		t.Fatalf("exit %d, want 2\n%s", code, out)
	}
	if doc == nil || doc["verdict"] != "error" || !strings.Contains(doc["error"].(string), "connection refused") {
		t.Fatalf("report %v; want verdict error saying the connection was refused", doc)
	}
	if !strings.Contains(out, "capacity: ERROR") {
		t.Errorf("the output does not end with the error:\n%s", out)
	}
}

// Through the command, a passing run exits 0 and a breached budget exits 1
// with the JSON contract's keys, the breach named with its figure.
func TestExitStatusFollowsTheVerdict(t *testing.T) {
	url := fakePartner{}.serve(t)
	code, out, doc := mainRun(t, map[string]string{"TTCONF_ASSESSMENT": "true"},
		append(keys(url), "--rate", "30", "--webhooks", "30", "--result-deadline", "8s", "--max-p99", "6s", "--min-rate-achieved", "0.5")...)
	if code != capacity.ExitPass || doc["verdict"] != "pass" {
		t.Fatalf("exit %d, verdict %v; want 0 and pass\n%s", code, doc["verdict"], out)
	}
	for _, key := range []string{"target.rate", "achieved.rate", "webhooks.sent", "webhooks.ok", "webhooks.failed", "webhooks.notSent",
		"latencyMs.p50", "latencyMs.p90", "latencyMs.p99", "latencyMs.max", "results.received", "results.missing", "results.duplicates",
		"timeToResultMs.p50", "timeToResultMs.p99", "budget.maxP99Ms", "budget.maxErrorRate", "budget.resultDeadlineMs", "budget.minRateAchieved"} {
		if _, ok := lookup(doc, key); !ok {
			t.Errorf("the report has no %s", key)
		}
	}
	if v, _ := lookup(doc, "webhooks.sent"); v != 30.0 {
		t.Errorf("webhooks.sent %v, want 30", v)
	}
	if !strings.Contains(out, "capacity: PASS") || !strings.Contains(out, "results back") {
		t.Errorf("console output:\n%s", out)
	}

	var hooks atomic.Int64
	failing := fakePartner{wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/webhook" && hooks.Add(1)%10 == 0 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}}.serve(t)
	code, out, doc = mainRun(t, nil, append(keys(failing), "--rate", "30", "--webhooks", "30", "--max-error-rate", "0.05", "--max-p99", "6s", "--min-rate-achieved", "0.5")...)
	if code != capacity.ExitFail || doc["verdict"] != "fail" {
		t.Fatalf("exit %d, verdict %v; want 1 and fail\n%s", code, doc["verdict"], out)
	}
	breaches := doc["breaches"].([]any)
	if len(breaches) != 1 {
		t.Fatalf("breaches %v; want errorRate only", breaches)
	}
	b := breaches[0].(map[string]any)
	if b["name"] != "errorRate" || b["limit"] != 0.05 || b["actual"] != 0.1 {
		t.Errorf("breach %v; want errorRate limit 0.05 actual 0.1", b)
	}
	if !strings.Contains(out, "FAIL — budget breached: errorRate") || !strings.Contains(out, "3 × answered 503 Service Unavailable") {
		t.Errorf("console output does not name the breach and the failures:\n%s", out)
	}
}

// lookup reads a dotted key of a JSON document.
func lookup(doc map[string]any, key string) (any, bool) {
	var cur any = doc
	for _, part := range strings.Split(key, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// On a terminal the progress is one line rewritten in place.
func TestProgressOnATerminal(t *testing.T) {
	url := fakePartner{}.serve(t)
	settingsEnv := map[string]string{"TTCONF_ASSESSMENT": "true"}
	var stdout, stderr bytes.Buffer
	args := append(keys(url), "--rate", "20", "--duration", "1500ms", "--max-p99", "6s", "--min-rate-achieved", "0.5")
	code := capacity.Main(context.Background(), args, func(k string) string { return settingsEnv[k] }, &stdout, &stderr, true)
	out := stdout.String()
	if code != capacity.ExitPass {
		t.Fatalf("exit %d\n%s%s", code, out, stderr.String())
	}
	if !strings.Contains(out, "\r\x1b[K") || !strings.Contains(out, "in flight") || !strings.Contains(out, "results back") {
		t.Errorf("no progress line rewritten in place:\n%q", out)
	}
}

// An interrupted run reports what it measured with the verdict error and
// exit status 2.
func TestInterruptedRunExit2(t *testing.T) {
	url := fakePartner{}.serve(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(time.Second, cancel)
	report := filepath.Join(t.TempDir(), "capacity.json")
	var stdout, stderr bytes.Buffer
	args := append(keys(url), "--rate", "20", "--duration", "60s", "--json-report", report)
	began := time.Now()
	code := capacity.Main(ctx, args, func(string) string { return "" }, &stdout, &stderr, false)
	if code != capacity.ExitError {
		t.Fatalf("exit %d, want 2\n%s%s", code, stdout.String(), stderr.String())
	}
	if time.Since(began) > 30*time.Second {
		t.Errorf("the run went on for %s after the interrupt", time.Since(began))
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	validateReport(t, raw)
	var doc map[string]any
	json.Unmarshal(raw, &doc)
	if sent, _ := lookup(doc, "webhooks.sent"); doc["verdict"] != "error" || !strings.Contains(fmt.Sprint(doc["error"]), "interrupted") || sent.(float64) < 1 {
		t.Errorf("verdict %v, error %v, sent %v; want error, interrupted, the webhooks sent so far", doc["verdict"], doc["error"], sent)
	}
}

// A partner with a static webhook-config serves no /config: with
// --webhook-config the run takes the form from the file, as Teamtailor
// does, and never calls /config.
func TestStaticWebhookConfig(t *testing.T) {
	var configCalls atomic.Int64
	url := fakePartner{wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/config" {
				configCalls.Add(1)
				http.NotFound(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}}.serve(t)
	file := filepath.Join(t.TempDir(), "webhook-config.json")
	if err := os.WriteFile(file, []byte(`{"config": {"fields": [{"id": "level", "type": "text", "label": "Level"}]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, doc := mainRun(t, nil, append(keys(url), "--webhook-config", file, "--rate", "20", "--webhooks", "10", "--max-p99", "6s", "--min-rate-achieved", "0.5")...)
	if code != capacity.ExitPass || doc["verdict"] != "pass" {
		t.Fatalf("exit %d, verdict %v; want 0 and pass\n%s", code, doc["verdict"], out)
	}
	if n := configCalls.Load(); n != 0 {
		t.Errorf("the run called /config %d times; a static webhook-config replaces it", n)
	}
}

// --baseline and --write-baseline are the suite's: a capacity run refuses
// them (exit 2) rather than ignore them.
func TestRefusesBaseline(t *testing.T) {
	for _, flag := range []string{"--baseline", "--write-baseline"} {
		var stdout, stderr bytes.Buffer
		args := append(keys("http://127.0.0.1:9"), "--webhooks", "1", flag, filepath.Join(t.TempDir(), "baseline.json"))
		if flag == "--baseline" {
			os.WriteFile(args[len(args)-1], []byte(`{"version":1,"knownFailures":[]}`), 0o644)
		}
		code := capacity.Main(context.Background(), args, func(string) string { return "" }, &stdout, &stderr, false)
		if code != capacity.ExitError || !strings.Contains(stderr.String()+stdout.String(), "--baseline and --write-baseline are the suite's") {
			t.Errorf("%s: exit %d\n%s%s", flag, code, stdout.String(), stderr.String())
		}
	}
}
