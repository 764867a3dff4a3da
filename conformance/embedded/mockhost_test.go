package embedded

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startTestMock starts the embedded mock on a loopback port with
// --mock-public-url http://suite:8081.
func startTestMock(t *testing.T) (*Mock, string) {
	t.Helper()
	return startMockWith(t)
}

// Rule: the embedded mock refuses a foreign Host on every route with a 403
// (DNS rebinding); its --mock-public-url host, IP addresses and localhost
// pass.
func TestEmbeddedMockRefusesForeignHost(t *testing.T) {
	m, base := startTestMock(t)
	get := func(host, path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Host = host
		req.Header.Set("Authorization", "Token suite-api-key")
		req.Header.Set("X-Api-Version", "20180828")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	partner := "/partner/v1/partners/" + m.Partner.ID
	for _, path := range []string{partner, "/partner/v1/partner-results", "/files/x?expires=1&signature=y", "/mock/v1/keys", "/healthz", "/"} {
		if status, body := get("evil.example", path); status != http.StatusForbidden || !strings.Contains(body, "--mock-public-url") || strings.Contains(body, "suite-api-key") {
			t.Errorf("Host evil.example: GET %s: %d %.200s; want 403", path, status, body)
		}
	}
	for _, host := range []string{"suite:8081", "127.0.0.1", "localhost:8081"} {
		if status, body := get(host, partner); status != http.StatusOK {
			t.Errorf("Host %s: GET %s: %d %.200s; want 200", host, partner, status, body)
		}
	}
}

// Rule: in a browser, a page whose name was re-pointed at the embedded
// mock (DNS rebinding) gets nothing from it.
func TestBrowserEmbeddedMockRefusesReboundName(t *testing.T) {
	path := "/usr/bin/chromium"
	if _, err := os.Stat(path); err != nil {
		if path, err = exec.LookPath("chromium"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("chromium is not installed: in CI that is an error, not a skip")
			}
			t.Skip("chromium is not installed (apt-get install -y chromium)")
		}
	}
	m, base := startTestMock(t)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("host-resolver-rules", "MAP rebind.test 127.0.0.1"))
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(bctx, 60*time.Second)
	defer cancelT()
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate("http://rebind.test:"+port+"/healthz"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusForbidden {
		t.Errorf("the rebound page loaded with %d, want 403", resp.Status)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
  const r = await fetch("/partner/v1/partners/`+m.Partner.ID+`", {headers: {"Authorization": "Token suite-api-key", "X-Api-Version": "20180828"}});
  return r.status + " " + (await r.text());
})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "403 ") {
		t.Errorf("fetch from the rebound origin: %.200s; want 403", got)
	}
}
