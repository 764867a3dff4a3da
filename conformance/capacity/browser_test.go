package capacity_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mockteamtailor/mockteamtailor/conformance/capacity"
)

// updateScreenshot rewrites the README's picture of the HTML report.
var updateScreenshot = flag.Bool("update-screenshot", false, "write the HTML report's screenshot to conformance/capacity-report.png, for the README")

// externalRef finds anything the page would fetch.
var externalRef = regexp.MustCompile(`(?i)<(script|link|img|iframe|object|embed)\b|\b(src|href)\s*=|url\(|@import`)

// The HTML report of a real --find-max run is one self-contained page:
// nothing to fetch, the budget and verdict in words, the plots drawn.
// Headless Chromium renders it and takes the README's screenshot, saved
// into $MOCKTT_UI_ARTIFACTS (default: a temporary folder).
func TestHTMLReportInBrowser(t *testing.T) {
	path := chromium()
	if path == "" {
		const msg = "chromium is not installed: the browser tests need Debian's chromium (.ci/run installs it: apt-get install -y chromium)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + "; in CI that is an error, not a skip")
		}
		t.Skip(msg)
	}
	url, _ := limitedPartner(t)
	cfg := findMaxConfig()
	rep := run(t, url, cfg)
	rep.BaseURL = "http://localhost:3000" // as a reader's own run would show it
	page, err := rep.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if m := externalRef.Find(page); m != nil {
		t.Fatalf("the HTML report refers to something outside itself: %q", m)
	}
	dir := os.Getenv("MOCKTT_UI_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "capacity-report.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true), chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(960, 900))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, time.Minute)
	defer cancelTimeout()

	if _, err := chromedp.Run(ctx, chromedp.Navigate("file://"+file)); err != nil {
		t.Fatalf("chromium %s: %v", path, err)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	verdict, budget, steps := text("#verdict"), text("#budget"), text("#steps")
	plots, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`["#plot-latency svg", "#plot-flow svg", "#plot-histogram svg"].map(s => {
		const el = document.querySelector(s); if (!el) return 0;
		const r = el.getBoundingClientRect(); return el.querySelectorAll("polyline, rect").length > 0 ? r.width * r.height : 0; })`))
	if err != nil {
		t.Fatal(err)
	}
	fetched, err := chromedp.Run(ctx, chromedp.Evaluate[int](`performance.getEntriesByType("resource").length`))
	if err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if strings.ToLower(strings.TrimSpace(verdict)) != rep.Verdict {
		t.Errorf("the page shows the verdict %q, the run's is %q", verdict, rep.Verdict)
	}
	for _, want := range []string{capacity.BreachP99, capacity.BreachErrorRate, capacity.BreachMissing, capacity.BreachRateAchieve} {
		if !strings.Contains(budget, want) {
			t.Errorf("the budget table does not show %s:\n%s", want, budget)
		}
	}
	if !strings.Contains(steps, "held") || !strings.Contains(steps, "broke") {
		t.Errorf("the steps table does not show held and broken steps:\n%s", steps)
	}
	for i, area := range plots {
		if area < 10000 {
			t.Errorf("plot %d is not drawn (area %.0f px²)", i+1, area)
		}
	}
	if len(plots) != 3 {
		t.Errorf("%d plots, want 3", len(plots))
	}
	if fetched != 0 {
		t.Errorf("the page fetched %d resources; it must be self-contained", fetched)
	}
	shot := filepath.Join(dir, "capacity-report.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the HTML report: %s", shot)
	if *updateScreenshot {
		if err := os.WriteFile(filepath.Join("..", "capacity-report.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// chromium returns the browser to drive, or "".
func chromium() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
