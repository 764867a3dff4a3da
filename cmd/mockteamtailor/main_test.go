package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mockteamtailor/mockteamtailor/internal/syncbuf"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const apiVersion = "20180828"

// envFunc returns a getenv backed by m.
func envFunc(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// banner is what the serve banner tells the user.
type banner struct {
	URL, PartnerID, PartnerName, APIKey, WebhookSecret, ProviderKey, State string
}

var (
	bannerURL      = regexp.MustCompile(`(?m)^  listening on +(\S+)\n`)
	bannerState    = regexp.MustCompile(`(?m)^  state +(.+)\n`)
	bannerPartner  = regexp.MustCompile(`(?m)^partner (\S+) (".*")\n`)
	bannerAPIKey   = regexp.MustCompile(`(?m)^  API key +(\S+)\n`)
	bannerSecret   = regexp.MustCompile(`(?m)^  webhook secret +(\S+)\n`)
	bannerProvider = regexp.MustCompile(`(?m)^  provider key +(\S+)\n`)
)

// parseBanner reports whether out holds a whole banner, and what it says.
func parseBanner(out string) (banner, bool) {
	var b banner
	for _, f := range []struct {
		re  *regexp.Regexp
		dst *string
	}{
		{bannerURL, &b.URL}, {bannerState, &b.State}, {bannerAPIKey, &b.APIKey},
		{bannerSecret, &b.WebhookSecret}, {bannerProvider, &b.ProviderKey},
	} {
		m := f.re.FindStringSubmatch(out)
		if m == nil {
			return banner{}, false
		}
		*f.dst = m[1]
	}
	m := bannerPartner.FindStringSubmatch(out)
	if m == nil {
		return banner{}, false
	}
	name, err := strconv.Unquote(m[2])
	if err != nil {
		return banner{}, false
	}
	b.PartnerID, b.PartnerName = m[1], name
	return b, true
}

// running is one in-process run of the program.
type running struct {
	banner
	stdout, stderr *syncbuf.Buffer
	cancel         context.CancelFunc
	done           chan error
	stopped        bool
}

// startRun runs the program with args and env in a goroutine and waits
// for its banner. The run is stopped when the test ends.
func startRun(t *testing.T, env map[string]string, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: &syncbuf.Buffer{}, stderr: &syncbuf.Buffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- run(ctx, args, envFunc(env), r.stdout, r.stderr) }()
	t.Cleanup(func() {
		if !r.stopped {
			cancel()
			select {
			case <-r.done:
			case <-time.After(10 * time.Second):
				t.Errorf("run %q did not stop within 10s of its context ending", args)
			}
		}
	})
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if b, ok := parseBanner(r.stdout.String()); ok {
			r.banner = b
			return r
		}
		select {
		case err := <-r.done:
			r.stopped = true
			t.Fatalf("run %q ended before printing its banner: %v\nstdout:\n%s\nstderr:\n%s", args, err, r.stdout, r.stderr)
		case <-deadline:
			t.Fatalf("run %q printed no banner within 10s\nstdout:\n%s\nstderr:\n%s", args, r.stdout, r.stderr)
		case <-tick.C:
		}
	}
}

// stop cancels the run and returns what run returned; it fails the test
// if run takes more than 5s to shut down.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	r.stopped = true
	select {
	case err := <-r.done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("run did not return within 5s of its context being cancelled")
		return nil
	}
}

// runErr runs the program to completion (it must end within 5s) and
// returns its error and output; a panic is reported as a test failure.
func runErr(t *testing.T, env map[string]string, args ...string) (err error, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var out, errOut syncbuf.Buffer
	func() {
		defer func() {
			if v := recover(); v != nil {
				t.Fatalf("run %q panicked: %v", args, v)
			}
		}()
		err = run(ctx, args, envFunc(env), &out, &errOut)
	}()
	if ctx.Err() != nil {
		t.Fatalf("run %q kept running until its 5s context ended (returned %v)", args, err)
	}
	return err, out.String(), errOut.String()
}

// apiCall sends a Partner API request with the key and the API version;
// a non-empty body goes as application/vnd.api+json.
func apiCall(client *http.Client, method, url, key, body string) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Token "+key)
	req.Header.Set("X-Api-Version", apiVersion)
	if body != "" {
		req.Header.Set("Content-Type", "application/vnd.api+json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, nil, err
	}
	return resp, data, nil
}

// mustCall is apiCall that fails the test on a transport error or an
// unexpected status.
func mustCall(t *testing.T, method, url, key, body string, want int) (*http.Response, []byte) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, data, err := apiCall(client, method, url, key, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body: %s", method, url, resp.StatusCode, want, data)
	}
	return resp, data
}

func decodeJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, data)
	}
	return v
}

// createResult creates a partner result and returns its id.
func createResult(t *testing.T, base, key, status string, candidate int, summary string) string {
	t.Helper()
	body := fmt.Sprintf(`{"data":{"type":"partner-results","attributes":{"status":%q,"candidate-id":%d,"summary":%q}}}`, status, candidate, summary)
	_, data := mustCall(t, http.MethodPost, base+"/partner/v1/partner-results", key, body, http.StatusCreated)
	var doc struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || doc.Data.ID == "" {
		t.Fatalf("create result: no id in %s (%v)", data, err)
	}
	return doc.Data.ID
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Rule: serve starts in-process, prints a banner with a working URL and
// key, answers /healthz and the Partner API, and shuts down cleanly when
// its context ends.
func TestRunServeEndToEnd(t *testing.T) {
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--seed", "7")
	if !strings.HasPrefix(r.URL, "http://127.0.0.1:") || strings.HasSuffix(r.URL, ":0") {
		t.Fatalf("banner URL %q is not the address actually listened on", r.URL)
	}
	if !strings.HasPrefix(r.APIKey, "ttpk_") || !strings.HasPrefix(r.WebhookSecret, "ttws_") || r.ProviderKey == "" {
		t.Fatalf("banner keys look wrong: %+v", r.banner)
	}
	if r.State != "in memory (use --state FILE to keep it)" {
		t.Errorf("banner state = %q, want in memory", r.State)
	}

	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(r.URL + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 \"ok\\n\"", resp.StatusCode, body)
	}

	resp, data := mustCall(t, http.MethodGet, r.URL+"/partner/v1/partners/1", r.APIKey, "", http.StatusOK)
	gotHeaders := map[string]string{}
	for _, h := range []string{"Content-Type", "X-Api-Version", "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining"} {
		gotHeaders[h] = resp.Header.Get(h)
	}
	wantHeaders := map[string]string{
		"Content-Type":           "application/vnd.api+json",
		"X-Api-Version":          apiVersion,
		"X-Rate-Limit-Limit":     "50",
		"X-Rate-Limit-Remaining": "49",
	}
	if diff := cmp.Diff(wantHeaders, gotHeaders); diff != "" {
		t.Errorf("GET /partner/v1/partners/1 headers (-want +got):\n%s", diff)
	}
	if reset, err := strconv.Atoi(resp.Header.Get("X-Rate-Limit-Reset")); err != nil || reset < 1 || reset > 10 {
		t.Errorf("X-Rate-Limit-Reset = %q, want 1..10 seconds", resp.Header.Get("X-Rate-Limit-Reset"))
	}
	// With no --partner-base-url the partner points at the bundled
	// example partner, running in-process and answering.
	got := decodeJSON(t, data)
	baseURL, _ := got.(map[string]any)["data"].(map[string]any)["attributes"].(map[string]any)["base-url"].(string)
	if !strings.HasPrefix(baseURL, "http://127.0.0.1:") {
		t.Fatalf("base-url = %q, want the bundled example partner on loopback", baseURL)
	}
	if resp, body, err := apiCall(http.DefaultClient, "GET", baseURL+"/healthz", "", ""); err != nil || resp.StatusCode != 200 {
		t.Errorf("bundled example partner /healthz: %v %s", err, body)
	}
	if !strings.Contains(r.stdout.String(), "bundled example partner") {
		t.Errorf("the banner does not say the bundled example partner runs:\n%s", r.stdout)
	}
	want := map[string]any{"data": map[string]any{
		"id":    "1",
		"type":  "partners",
		"links": map[string]any{"self": r.URL + "/partner/v1/partners/1"},
		"attributes": map[string]any{
			"name":                      "Example Partner",
			"base-url":                  baseURL,
			"webhook-config":            nil,
			"webhook-activation-config": nil,
			"dynamic-activation-config": true, // the bundled partner serves /activation
		},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET /partner/v1/partners/1 body (-want +got):\n%s", diff)
	}

	if err := r.stop(t); err != nil {
		t.Errorf("run returned %v after its context was cancelled, want nil", err)
	}
	logs := r.stderr.String()
	if !strings.Contains(logs, "path=/partner/v1/partners/1") || !strings.Contains(logs, "shutting down") {
		t.Errorf("stderr lacks the request log or the shutdown line:\n%s", logs)
	}
	for _, secret := range []string{r.APIKey, r.WebhookSecret, r.ProviderKey} {
		if strings.Contains(logs, secret) {
			t.Errorf("stderr logs carry the key %q:\n%s", secret, logs)
		}
	}
	if _, err := client.Get(r.URL + "/healthz"); err == nil {
		t.Errorf("the listener still answers after run returned")
	}
}

// Rule: --seed makes the generated keys reproducible; another seed or no
// seed gives other keys.
func TestSeedDeterminism(t *testing.T) {
	keys := func(args ...string) [3]string {
		t.Helper()
		r := startRun(t, map[string]string{}, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
		if err := r.stop(t); err != nil {
			t.Fatalf("run %q: %v", args, err)
		}
		return [3]string{r.APIKey, r.WebhookSecret, r.ProviderKey}
	}
	seven, sevenAgain := keys("--seed", "7"), keys("--seed", "7")
	if seven != sevenAgain {
		t.Errorf("--seed 7 twice gave different keys:\n%q\n%q", seven, sevenAgain)
	}
	eight := keys("--seed", "8")
	random1, random2 := keys(), keys()
	for i, name := range []string{"API key", "webhook secret", "provider key"} {
		if seven[i] == eight[i] {
			t.Errorf("--seed 7 and --seed 8 gave the same %s %q", name, seven[i])
		}
		if random1[i] == random2[i] {
			t.Errorf("two runs without --seed gave the same %s %q", name, random1[i])
		}
		if random1[i] == seven[i] {
			t.Errorf("a run without --seed gave the %s of --seed 7", name)
		}
	}
}

// Rule: every flag can be set with MOCKTT_<FLAG>, a command-line flag wins
// over its variable, and a bad value names the variable.
func TestEnvironmentVariables(t *testing.T) {
	t.Run("honoured", func(t *testing.T) {
		port := freePort(t)
		r := startRun(t, map[string]string{
			"MOCKTT_LISTEN":       fmt.Sprintf("127.0.0.1:%d", port),
			"MOCKTT_PARTNER_NAME": "Acme Assessments",
			"MOCKTT_API_KEY":      "ttpk_from_env",
		}, "serve")
		if want := fmt.Sprintf("http://127.0.0.1:%d", port); r.URL != want {
			t.Errorf("listening on %q, want %q from MOCKTT_LISTEN", r.URL, want)
		}
		if r.APIKey != "ttpk_from_env" || r.PartnerName != "Acme Assessments" {
			t.Errorf("banner has key %q and name %q, want the ones from the environment", r.APIKey, r.PartnerName)
		}
		_, data := mustCall(t, http.MethodGet, r.URL+"/partner/v1/partners/1", "ttpk_from_env", "", http.StatusOK)
		var doc struct {
			Data struct {
				Attributes struct {
					Name string `json:"name"`
				} `json:"attributes"`
			} `json:"data"`
		}
		if err := json.Unmarshal(data, &doc); err != nil || doc.Data.Attributes.Name != "Acme Assessments" {
			t.Errorf("partner name = %q (%v), want MOCKTT_PARTNER_NAME", doc.Data.Attributes.Name, err)
		}
	})
	t.Run("Teamtailor-Host and page size", func(t *testing.T) {
		r := startRun(t, map[string]string{"MOCKTT_TEAMTAILOR_HOST": "mock.localhost:9", "MOCKTT_MAX_PAGE_SIZE": "50"}, "serve", "--listen", "127.0.0.1:0", "--api-key", "ttpk_env_host")
		if !strings.Contains(r.stdout.String(), "Teamtailor-Host mock.localhost:9)") {
			t.Errorf("banner does not announce MOCKTT_TEAMTAILOR_HOST:\n%s", r.stdout.String())
		}
		mustCall(t, http.MethodGet, r.URL+"/partner/v1/partner-results?page%5Bsize%5D=50", "ttpk_env_host", "", http.StatusOK)
		mustCall(t, http.MethodGet, r.URL+"/partner/v1/partner-results?page%5Bsize%5D=51", "ttpk_env_host", "", http.StatusBadRequest)
	})
	t.Run("flag wins", func(t *testing.T) {
		r := startRun(t, map[string]string{
			"MOCKTT_LISTEN":       "nonsense-from-env",
			"MOCKTT_PARTNER_NAME": "Env Name",
			"MOCKTT_API_KEY":      "ttpk_from_env",
		}, "serve", "--listen", "127.0.0.1:0", "--api-key", "ttpk_from_flag", "--partner-name", "Flag Name")
		if r.APIKey != "ttpk_from_flag" || r.PartnerName != "Flag Name" {
			t.Errorf("banner has key %q and name %q, want the flags'", r.APIKey, r.PartnerName)
		}
		mustCall(t, http.MethodGet, r.URL+"/partner/v1/partners/1", "ttpk_from_flag", "", http.StatusOK)
		mustCall(t, http.MethodGet, r.URL+"/partner/v1/partners/1", "ttpk_from_env", "", http.StatusUnauthorized)
	})
	t.Run("invalid value", func(t *testing.T) {
		err, stdout, _ := runErr(t, map[string]string{"MOCKTT_RATE_LIMIT": "abc"}, "serve", "--listen", "127.0.0.1:0")
		if err == nil || !strings.Contains(err.Error(), "MOCKTT_RATE_LIMIT") || !strings.Contains(err.Error(), "abc") {
			t.Errorf("MOCKTT_RATE_LIMIT=abc: error %v, want one naming the variable and the value", err)
		}
		if strings.Contains(stdout, "listening on") {
			t.Errorf("a banner was printed despite the bad variable:\n%s", stdout)
		}
	})
}

// Rule: bad flags and arguments fail with an error saying what is wrong,
// never a panic and never a started server.
func TestBadFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"stack", []string{"serve", "--listen", "127.0.0.1:0", "--stack", "xx"}, []string{`--stack "xx"`, "eu, na or ap"}},
		{"partner base URL without scheme", []string{"serve", "--listen", "127.0.0.1:0", "--partner-base-url", "localhost:3000"}, []string{"--partner-base-url", `"localhost:3000"`, "absolute http"}},
		{"misspelt flag", []string{"serve", "--listen", "127.0.0.1:0", "--partner-baseurl", "http://x"}, []string{"unknown flag --partner-baseurl", "did you mean --partner-base-url?"}},
		{"log format", []string{"serve", "--listen", "127.0.0.1:0", "--log-format", "yaml"}, []string{`--log-format "yaml"`, "text or json"}},
		{"seed", []string{"serve", "--listen", "127.0.0.1:0", "--seed", "abc"}, []string{`--seed "abc"`, "whole number"}},
		{"public URL", []string{"serve", "--listen", "127.0.0.1:0", "--public-url", "ftp://x"}, []string{`"ftp://x"`, "http(s) URL"}},
		{"listen", []string{"serve", "--listen", "nonsense"}, []string{"--listen nonsense", "missing port"}},
		{"unknown flag", []string{"serve", "--listen", "127.0.0.1:0", "--no-such-flag"}, []string{"unknown flag", "--no-such-flag"}},
		{"extra argument", []string{"serve", "extra-arg"}, []string{"unknown command", `"extra-arg"`}},
		{"byte limit", []string{"serve", "--listen", "127.0.0.1:0", "--result-byte-limit", "12XB"}, []string{"--result-byte-limit", `"12XB"`, "a size such as 64MiB"}},
		{"allowed host with a port", []string{"serve", "--listen", "127.0.0.1:0", "--allowed-host", "mock.test:8080"}, []string{`--allowed-host "mock.test:8080"`, "has a port", `give "mock.test"`}},
		{"allowed host in Unicode", []string{"serve", "--listen", "127.0.0.1:0", "--allowed-host", "bücher.example"}, []string{`--allowed-host "bücher.example"`, "not ASCII", "xn--"}},
		{"allowed host as a URL", []string{"serve", "--listen", "127.0.0.1:0", "--allowed-host", "http://mock.test"}, []string{`--allowed-host "http://mock.test"`, "not a host name"}},
		{"allowed host with a wildcard inside", []string{"serve", "--listen", "127.0.0.1:0", "--allowed-host", "mock.*.test"}, []string{`--allowed-host "mock.*.test"`, "wildcard"}},
		{"Teamtailor-Host with a scheme", []string{"serve", "--listen", "127.0.0.1:0", "--teamtailor-host", "http://127.0.0.1:8080"}, []string{`--teamtailor-host "http://127.0.0.1:8080"`, "no scheme or path"}},
		{"max page size below the default", []string{"serve", "--listen", "127.0.0.1:0", "--max-page-size", "5"}, []string{"--max-page-size", "max (5)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err, stdout, _ := runErr(t, map[string]string{}, tc.args...)
			if err == nil {
				t.Fatalf("run %q succeeded, want an error", tc.args)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("run %q: error %q does not contain %q", tc.args, err, w)
				}
			}
			if strings.Contains(stdout, "listening on") {
				t.Errorf("run %q printed a banner before failing:\n%s", tc.args, stdout)
			}
			// One problem, one flag: never a list of unrelated flags.
			if n := strings.Count(strings.ReplaceAll(err.Error(), " --help", ""), " --"); n > 1 && tc.name != "misspelt flag" {
				t.Errorf("run %q: error %q names %d flags", tc.args, err, n)
			}
		})
	}
}

// Rule: the help texts are stable (golden files), name the MOCKTT_
// variables and state the Partner API decisions.
func TestHelpGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
		want   []string
	}{
		{"help.golden", []string{"--help"}, []string{"MOCKTT_<FLAG>", "MOCKTT_LISTEN", "serve"}},
		{"serve-help.golden", []string{"serve", "--help"}, []string{
			`"Token <key>"`, `"Bearer <key>"`, "X-Api-Version: 20180828", "406",
			"PUT and PATCH", "JWE", `"enc":"A128GCM"`, "--state", "--seed",
		}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			err, got, stderr := runErr(t, map[string]string{}, tc.args...)
			if err != nil {
				t.Fatalf("run %q: %v", tc.args, err)
			}
			if stderr != "" {
				t.Errorf("run %q wrote to stderr: %q", tc.args, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q output does not mention %q", tc.args, w)
				}
			}
			path := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%q output differs from %s (-want +got; go test -update rewrites it):\n%s", tc.args, path, diff)
			}
		})
	}
}

// Rule: a state file that is corrupt, of an unknown version or of another
// format stops start-up with an error naming the file and the problem, and
// is left byte for byte as it was.
func TestStateFileRefused(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		want          string
	}{
		{"corrupt", `{not json`, "is corrupt"},
		{"unknown version", `{"format":"mockteamtailor-state","version":99}`, "format version 99"},
		{"other format", `{"format":"someone-elses-state","version":1}`, "is not a mockteamtailor state file"},
		{"unknown field", `{"format":"mockteamtailor-state","version":1,"surprise":true}`, "is corrupt"},
		{"inconsistent", `{"format":"mockteamtailor-state","version":1,"partners":[{"id":"1"}]}`, "apiKey are required"},
		{"not an object", `[1,2]`, "not an object"},
		{"wrong type", `{"format":"mockteamtailor-state","version":1,"partners":7}`, "partners is a JSON number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			err, stdout, _ := runErr(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--state", path)
			if err == nil {
				t.Fatalf("serve --state with a %s file succeeded", tc.name)
			}
			for _, w := range []string{path, tc.want, "untouched"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			// Messages are for people: no Go types.
			for _, w := range []string{"Go value", "struct", "cannot unmarshal"} {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q speaks of %q", err, w)
				}
			}
			if strings.Contains(stdout, "listening on") {
				t.Errorf("a banner was printed despite the bad state file:\n%s", stdout)
			}
			got, rerr := os.ReadFile(path)
			if rerr != nil || string(got) != tc.content {
				t.Errorf("state file now holds %q (%v), want it untouched: %q", got, rerr, tc.content)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("the state folder holds %q, want only state.json", names)
			}
		})
	}
}

// An empty state file holds no state: serve starts afresh with it and
// keeps what changes from then on.
func TestStateFileEmptyStartsFresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--state", path)
	id := createResult(t, r.URL, r.APIKey, "completed", 1, "after an empty state file")
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	r = startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--state", path)
	_, body := mustCall(t, http.MethodGet, r.URL+"/partner/v1/partner-results/"+id, r.APIKey, "", http.StatusOK)
	if !strings.Contains(string(body), "after an empty state file") {
		t.Errorf("after a restart the result reads %s", body)
	}
}

// Rule: with --state, results and keys survive a restart; flags given on
// the next run override the stored keys.
func TestStateRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--state", path)
	if first.State != path {
		t.Errorf("banner state = %q, want %q", first.State, path)
	}
	id := createResult(t, first.URL, first.APIKey, "completed", 2, "kept across restarts")
	_, before := mustCall(t, http.MethodGet, first.URL+"/partner/v1/partner-results/"+id, first.APIKey, "", http.StatusOK)
	if err := first.stop(t); err != nil {
		t.Fatalf("first run: %v", err)
	}
	attributes := func(data []byte) any {
		t.Helper()
		return decodeJSON(t, data).(map[string]any)["data"].(map[string]any)["attributes"]
	}

	second := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--state", path)
	if diff := cmp.Diff(first.banner, second.banner, cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().String() == ".URL"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("restart changed the banner's partner and keys (-first +second):\n%s", diff)
	}
	_, after := mustCall(t, http.MethodGet, second.URL+"/partner/v1/partner-results/"+id, second.APIKey, "", http.StatusOK)
	if diff := cmp.Diff(attributes(before), attributes(after)); diff != "" {
		t.Errorf("result changed across the restart (-before +after):\n%s", diff)
	}
	if err := second.stop(t); err != nil {
		t.Fatalf("second run: %v", err)
	}

	third := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--state", path, "--api-key", "ttpk_new")
	if third.APIKey != "ttpk_new" {
		t.Errorf("banner API key = %q, want --api-key ttpk_new", third.APIKey)
	}
	if third.WebhookSecret != first.WebhookSecret || third.ProviderKey != first.ProviderKey {
		t.Errorf("--api-key changed the other keys: %+v, was %+v", third.banner, first.banner)
	}
	mustCall(t, http.MethodGet, third.URL+"/partner/v1/partner-results/"+id, "ttpk_new", "", http.StatusOK)
	mustCall(t, http.MethodGet, third.URL+"/partner/v1/partner-results/"+id, first.APIKey, "", http.StatusUnauthorized)
	if err := third.stop(t); err != nil {
		t.Fatalf("third run: %v", err)
	}

	fourth := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--state", path)
	if fourth.APIKey != "ttpk_new" {
		t.Errorf("after --api-key, the next plain run uses key %q, want the stored ttpk_new", fourth.APIKey)
	}
	if err := fourth.stop(t); err != nil {
		t.Fatalf("fourth run: %v", err)
	}
}

// Rule: --allowed-host '*' starts, and says on stderr that the Host check
// is off.
func TestAllowedHostAnyWarns(t *testing.T) {
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--allowed-host", "*")
	// The log is written out every 100 ms.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(r.stderr.String(), "the Host check is off") {
		if time.Now().After(deadline) {
			t.Fatalf("no warning that the Host check is off within 5s; stderr:\n%s", r.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
