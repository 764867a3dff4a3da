package webui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/skipreport"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// The browser tests drive the UI in real headless Chromium: a developer
// who never saw Teamtailor activates the integration, configures a
// trigger, fires it and reads the result. Each step saves a screenshot
// into $MOCKTT_UI_ARTIFACTS (default: a temporary folder) and asserts on
// what the page shows.

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

// browser is one headless Chromium with a tab, and where screenshots go.
type browser struct {
	t         *testing.T
	ctx       context.Context
	artifacts string
	shots     int
}

func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) (*browser, func()) {
	t.Helper()
	path := chromium()
	if path == "" {
		const msg = "chromium is not installed: the browser tests need Debian's chromium (.ci/run installs it: apt-get install -y chromium)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + "; in CI that is an error, not a skip")
		}
		skipreport.Skip(t, "browser tests", msg)
	}
	dir := os.Getenv("MOCKTT_UI_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots of the browser tests: %s", dir)
	// This machine's network is closed: without the background-networking
	// flags Chromium keeps trying to reach Google and floods refused
	// connections.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1000),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, extra...)...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		cancelCtx()
		cancelAlloc()
		t.Fatalf("chromium %s does not start: %v", path, err)
	}
	return &browser{t: t, ctx: ctx, artifacts: dir}, func() { cancelCtx(); cancelAlloc() }
}

// tab opens another tab of the same browser.
func (b *browser) tab() (*browser, func()) {
	ctx, cancel := chromedp.NewContext(b.ctx)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatal(err)
	}
	return &browser{t: b.t, ctx: ctx, artifacts: b.artifacts, shots: 100}, cancel
}

// do runs actions with a deadline, failing the test on an error.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
}

// submit clicks a button that navigates and waits for the new page.
func (b *browser) submit(what, sel string) int64 {
	b.t.Helper()
	return b.navigate(what, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// navigate runs an action that loads a new page and waits for it.
func (b *browser) navigate(what string, a chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, a)
	if err != nil {
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
	return resp.Status
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(path), chromedp.WaitVisible(chromedp.CSS("main h1")))
}

// text is what a person sees in the element (innerText).
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.shot("failed-text")
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *browser) sees(sel string, wants ...string) {
	b.t.Helper()
	got := b.text(sel)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			b.shot("failed-sees")
			b.t.Errorf("%s shows %q, want it to show %q", sel, got, w)
		}
	}
}

func eval[T any](b *browser, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition.
func (b *browser) waitFor(what, js string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(12*time.Second))); err != nil {
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// shot saves a full-page screenshot as a PNG.
func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	b.shots++
	file := filepath.Join(b.artifacts, fmt.Sprintf("%03d-%s.png", b.shots, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
	}
}

// a11yScript lists, on the rendered page, what a keyboard or screen
// reader user would miss besides names (checked on the accessibility
// tree): landmarks, the language, positive tabindex, the skip link.
const a11yScript = `(() => {
  const p = [];
  if (document.querySelectorAll('main').length !== 1) p.push('want one <main>');
  if (!document.querySelector('nav[aria-label]')) p.push('no labelled <nav>');
  if (!document.querySelector('header')) p.push('no <header>');
  if (!document.documentElement.lang) p.push('no lang');
  if (!document.title) p.push('no title');
  if (!document.querySelector('a.skip[href="#main"]')) p.push('no skip link');
  for (const el of document.querySelectorAll('[tabindex]')) if (el.tabIndex > 0) p.push('positive tabindex on ' + el.tagName);
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const labelled = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!labelled) p.push('no label: ' + el.outerHTML.slice(0, 120));
  }
  return p;
})()`

// namedRoles must have an accessible name: form controls and buttons.
var namedRoles = map[string]bool{"button": true, "textbox": true, "combobox": true, "listbox": true, "checkbox": true, "radio": true,
	"spinbutton": true, "slider": true, "searchbox": true, "link": true, "switch": true, "menuitem": true, "tab": true}

// accessible checks the page as assistive technology sees it: Chromium's
// own accessibility tree gives every control and button a name.
func (b *browser) accessible(page string) {
	b.t.Helper()
	for _, p := range eval[[]string](b, a11yScript) {
		b.t.Errorf("%s: %s", page, p)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	tree, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		b.t.Fatalf("accessibility tree: %v", err)
	}
	controls := 0
	for _, n := range tree.Nodes {
		if n.Ignored || n.Role == nil {
			continue
		}
		role := strings.Trim(string(n.Role.Value), `"`)
		if !namedRoles[role] {
			continue
		}
		controls++
		name := ""
		if n.Name != nil {
			name = strings.Trim(string(n.Name.Value), `" `)
		}
		if name == "" {
			b.t.Errorf("%s: a %s has no accessible name", page, role)
		}
	}
	if controls == 0 {
		b.t.Errorf("%s: the accessibility tree has no controls at all", page)
	}
}

func TestBrowser(t *testing.T) {
	started := time.Now()
	b, closeBrowser := newBrowser(t)
	e := newEnv(t)
	defer closeBrowser() // before the servers close: open streams end with it
	defer func() { t.Logf("browser tests took %s", time.Since(started).Round(time.Millisecond)) }()
	ctx := context.Background()
	jobs := e.sandboxJobs("1")
	job := jobs[0]
	assessment := job.Stages[2]
	cands, _, _ := e.store.Candidates(ctx, e.sandbox.Company.UUID, store.Page{})
	// Collect what the pages write to the console: no page may throw, or
	// break a rule of its Content-Security-Policy.
	var consoleMu sync.Mutex
	var consoleErrors []string
	messages := chromedp.Console(b.ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// Pages answered with a 4xx on purpose (inline errors) are
			// logged by the browser as failed loads: not errors here.
			if strings.Contains(m.String(), "Failed to load resource: the server responded with a status of 4") {
				continue
			}
			if m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleError {
				consoleMu.Lock()
				consoleErrors = append(consoleErrors, m.String())
				consoleMu.Unlock()
			}
		}
	}()

	t.Run("overview", func(t *testing.T) {
		b.t = t
		b.open(e.url("/"))
		b.sees("main h1", "Example Partner")
		b.sees("#start-h", "Quick start")
		b.sees("#partner-h + .facts", "Partner API key", "Webhook secret", "Send Example Partner test", e.partner.BaseURL)
		// Keys are masked until revealed.
		if got := b.text("#partner-h + .facts [data-secret] [data-secret-mask]"); strings.Contains(got, e.partner.APIKey) {
			t.Errorf("the API key shows unmasked: %q", got)
		}
		b.do("reveal the API key", chromedp.Click(chromedp.CSS(`#partner-h + .facts [data-reveal]`)))
		b.sees("#partner-h + .facts [data-secret-value]", e.partner.APIKey)
		b.accessible("overview")
		b.shot("overview")
	})

	t.Run("activation", func(t *testing.T) {
		b.t = t
		b.open(e.url("/marketplace"))
		b.sees("#activation-h", "Activated in Sandbox")
		b.do("name a company", chromedp.SendKeys(chromedp.ID("new-company"), "Acme Test"))
		b.submit("add a company", `form[action="/marketplace/companies"] button`)
		b.sees("#activation-h", "Activate in Acme Test")
		b.sees(`label[for="f-api_token"]`, "Example Partner API token")
		b.accessible("activation form")
		b.shot("activation-form")

		b.do("type a token the partner refuses", chromedp.SendKeys(chromedp.ID("f-api_token"), "reject-me"))
		if st := b.submit("activate", `form[action="/marketplace/activate"] button[type=submit]`); st != 422 {
			t.Errorf("a refused activation answered %d", st)
		}
		b.sees("[data-refused]", "Example Partner refused the activation", "The API token was rejected by Example Partner")
		b.shot("activation-refused")

		b.do("type a good token", chromedp.Clear(chromedp.ID("f-api_token")), chromedp.SendKeys(chromedp.ID("f-api_token"), "my-token"))
		b.submit("activate again", `form[action="/marketplace/activate"] button[type=submit]`)
		b.sees(".flash-ok", "Activated Example Partner in Acme Test")
		b.sees("#activation-h", "Activated in Acme Test")
		b.sees(".facts", "Provider key")
		b.accessible("activated")
		b.shot("activation-done")
	})

	t.Run("trigger", func(t *testing.T) {
		b.t = t
		b.open(e.url(fmt.Sprintf("/jobs/%d", job.ID)))
		b.sees("main h1", job.Title)
		b.accessible("pipeline")
		b.submit("open the trigger dialog", fmt.Sprintf(`a[href="/jobs/%d/stages/%d/trigger"]`, job.ID, assessment.ID))
		b.sees("main h1", "New Example Partner trigger")
		b.sees(".infobox", "Example Partner e-mails the candidate a test")
		if got := eval[[]string](b, `Array.from(document.querySelectorAll('#f-test optgroup')).map(g => g.label)`); strings.Join(got, ",") != "Logical tests,Programming tests" {
			t.Errorf("the test select's groups are %q", got)
		}
		b.accessible("trigger form")
		b.shot("trigger-form")
		// Bad input first: the partner's number field allows 0..100.
		b.do("fill in a bad threshold", chromedp.SendKeys(chromedp.ID("f-threshold"), "500"))
		b.submit("save", "button[data-submit]")
		b.sees("#f-test-err", "Test is required")
		b.sees("#f-threshold-err", "above the maximum 100")
		b.shot("trigger-form-errors")
		b.do("fill in the form", chromedp.SetValue(chromedp.ID("f-test"), "go"), chromedp.SetValue(chromedp.ID("f-threshold"), "70"))
		b.submit("save", "button[data-submit]")
		b.sees(".flash-ok", "saved on Assessment")
		b.sees(fmt.Sprintf(`section[data-stage="%d"] .trigger`, assessment.ID), "Example Partner", "test=go", "threshold=70")
		b.shot("pipeline-with-trigger")
	})

	var moved store.CandidateRecord
	t.Run("move-live", func(t *testing.T) {
		b.t = t
		// A second tab watches the inspector while the first moves a
		// candidate: the webhook appears there without a reload.
		inspector, closeTab := b.tab()
		defer closeTab()
		inspector.t = t
		inspector.open(e.url("/deliveries"))
		inspector.waitFor("live updates", `document.querySelector('[data-live-status]').classList.contains('on')`)
		inspector.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))
		before := eval[int](inspector, `document.querySelectorAll('tr[data-kind="webhook"]').length`)

		// The partner has a webhook setup (docs/company-webhooks.md §6):
		// each move below reaches its receiver as job_application.update.
		sink := newCompanySink(t)
		if _, err := e.srv.SetWebhookSetup(ctx, e.partner.ID, controlapi.WebhookSetup{URL: sink.srv.URL + "/teamtailor/events", Events: []string{"job_application.update"}}); err != nil {
			t.Fatal(err)
		}
		defer e.srv.DeleteWebhookSetup(ctx, e.partner.ID)

		moved = cands[0]
		b.open(e.url(fmt.Sprintf("/jobs/%d", job.ID)))
		// Drag the card onto the Assessment column, as a recruiter does.
		b.navigate("drag a candidate", chromedp.DragAndDrop(chromedp.CSS(fmt.Sprintf(`li[data-candidate="%d"] .avatar`, moved.ID)), chromedp.CSS(fmt.Sprintf(`section[data-stage="%d"] .column-head`, assessment.ID))))
		b.sees(".flash", "Moved "+candidateName(moved)+" to Assessment", "Webhook #")
		b.sees(fmt.Sprintf(`section[data-stage="%d"] .cards`, assessment.ID), candidateName(moved))

		inspector.waitFor("the webhook row", fmt.Sprintf(`document.querySelectorAll('tr[data-kind="webhook"]').length > %d`, before))
		if !eval[bool](inspector, `window.notReloaded === true`) {
			t.Error("the inspector reloaded instead of updating live")
		}
		inspector.sees(`tr[data-kind="webhook"]`, "POST /webhook", "200", "ok")
		inspector.shot("deliveries-live")

		// The keyboard way: the card's own "Move to" menu and button.
		other := cands[1]
		b.do("pick a stage", chromedp.SetValue(chromedp.ID(fmt.Sprintf("move-%d", other.ID)), fmt.Sprint(job.Stages[1].ID)))
		b.submit("move with the button", fmt.Sprintf(`li[data-candidate="%d"] form.move button`, other.ID))
		b.sees(".flash", "Moved "+candidateName(other)+" to Phone screen", "No trigger on this stage")
		b.shot("pipeline-after-moves")

		// A rejection and its undo from the candidate's page, as a
		// recruiter clicks them: rejected-at set, then cleared.
		b.open(e.url(fmt.Sprintf("/candidates/%d", other.ID)))
		b.submit("reject", fmt.Sprintf(`form[action="/candidates/%d/reject"] button[aria-label^="Reject"]`, other.ID))
		b.sees(".flash", "Rejected "+candidateName(other))
		b.submit("un-reject", fmt.Sprintf(`form[action="/candidates/%d/reject"] button[aria-label^="Un-reject"]`, other.ID))
		b.sees(".flash", "Took back the rejection of "+candidateName(other))

		// Exactly the documented events, in order, each verifying.
		evs := sink.wait(t, 4)
		apps := []string{fmt.Sprint(moved.ID*1_000_000 + job.ID), fmt.Sprint(other.ID*1_000_000 + job.ID), fmt.Sprint(other.ID*1_000_000 + job.ID), fmt.Sprint(other.ID*1_000_000 + job.ID)}
		stages := []string{"Assessment", "Phone screen", "Phone screen", "Phone screen"}
		rejected := []bool{false, false, true, false}
		for i, ev := range evs {
			if ev.name != "job_application.update" || ev.id != apps[i] || ev.attrs["stage-name"] != stages[i] || (ev.attrs["rejected-at"] != nil) != rejected[i] {
				t.Errorf("event %d: %s of %s, stage %v, rejected-at %v; want job_application.update of %s in %s, rejected %v",
					i, ev.name, ev.id, ev.attrs["stage-name"], ev.attrs["rejected-at"], apps[i], stages[i], rejected[i])
			}
			ev.verify(t, e.partner.WebhookSecret, e.sandbox.Activation.ProviderKey)
		}
	})

	t.Run("result", func(t *testing.T) {
		b.t = t
		b.open(e.url(fmt.Sprintf("/candidates/%d", moved.ID)))
		// The result completes when the partner posts it: the card
		// updates live.
		b.waitFor("the completed result", `!!document.querySelector('[data-result] [data-status="completed"]')`)
		res := waitResult(t, e, moved.ID, "completed")
		b.sees("[data-result] .result-head", "Example Partner", "Completed", gradeLabels[*res.Assessment.Grade])
		label := eval[string](b, `document.querySelector('[data-result] .score svg').getAttribute('aria-label')`)
		if want := fmt.Sprintf("Score %v out of 100", *res.Assessment.Score); label != want {
			t.Errorf("the score visual says %q, want %q", label, want)
		}
		b.sees("[data-result] .attachments", "Full report")
		if href := eval[string](b, `document.querySelector('[data-result] .attachments a[href$=".pdf"]').href`); href != res.Attachments[0].URL {
			t.Errorf("the attachment links to %q, want %q", href, res.Attachments[0].URL)
		}
		b.do("view details", chromedp.Click(chromedp.CSS("[data-result] details summary")))
		b.sees("[data-result] details", "Problem solving", "Code quality", "32 min 14 s")
		b.accessible("candidate card")
		b.shot("candidate-result")

		b.submit("click the action", `[data-result] .actions button`)
		b.sees(".flash-ok", "Action sent: the partner answered 200")
		b.shot("candidate-action")

		// A card left open updates by itself when a webhook goes out and
		// the partner posts its result.
		quiet := cands[5]
		b.open(e.url(fmt.Sprintf("/candidates/%d", quiet.ID)))
		b.sees("#results", "No partner results yet")
		b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))
		b.waitFor("live updates", `document.querySelector('[data-live-status]').classList.contains('on')`)
		if _, err := e.srv.ManualTrigger(ctx, controlapi.ManualRequest{PartnerID: "1", CandidateID: quiet.ID, Data: map[string]string{"test": "algorithms"}}); err != nil {
			t.Fatal(err)
		}
		b.waitFor("the result to arrive and complete", `!!document.querySelector('[data-result] [data-status="completed"]')`)
		if !eval[bool](b, `window.notReloaded === true`) {
			t.Error("the candidate card reloaded instead of updating live")
		}
		b.sees("#results", "Example Partner", "Completed", "Full report")
	})

	t.Run("bulk", func(t *testing.T) {
		b.t = t
		b.open(e.url("/candidates"))
		picked := cands[2:5]
		for _, c := range picked {
			// With the keyboard: focus the checkbox, press space.
			b.do("select "+candidateName(c), chromedp.Focus(chromedp.ID(fmt.Sprintf("sel-%d", c.ID))), chromedp.KeyEvent(" "))
		}
		b.sees("[data-selected-count]", "3 selected")
		b.accessible("candidate list")
		b.shot("bulk-selection")
		b.submit("bulk", "[data-bulk-button]")
		b.sees("main h1", "Send Example Partner test to 3 candidates")
		b.do("pick a test", chromedp.SetValue(chromedp.ID("f-test"), "ruby"))
		b.submit("send", "button[data-submit]")
		b.sees("main h1", "Bulk run to Example Partner")
		b.waitFor("the run to finish", `!!document.querySelector('[data-bulk-done]') && document.querySelectorAll('#bulk-progress .badge-ok').length === 3`)
		b.sees("[data-bulk-count]", "3 of 3 sent")
		b.accessible("bulk run")
		b.shot("bulk-run")
	})

	t.Run("refetch-and-error-field", func(t *testing.T) {
		b.t = t
		fake, p := e.addFakePartner()
		fjobs := e.sandboxJobs(p.ID)
		fake.errorJob.Store(fjobs[1].ID)
		b.open(e.url("/"))
		b.do("pick the partner", chromedp.SetValue(chromedp.ID("partner-switch"), "fake"))
		b.submit("switch", `form[action="/partner"] button`)
		b.sees("main h1", "Fake Assessments")

		b.open(e.url(fmt.Sprintf("/jobs/%d/stages/%d/trigger", fjobs[0].ID, fjobs[0].Stages[1].ID)))
		if eval[bool](b, `!!document.getElementById('f-test')`) {
			t.Fatal("the follow-up field shows before a test family is picked")
		}
		// Picking a test family refetches the form with it.
		b.navigate("pick a test family", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById('f-test_family'); s.value = 'cognitive'; s.dispatchEvent(new Event('change', {bubbles: true})); })()`))
		b.do("the refetched form", chromedp.WaitVisible(chromedp.ID("f-test")))
		b.sees(`label[for="f-test"]`, "Cognitive test")
		b.sees(`label[for="f-time_limit_minutes"]`, "Time limit (minutes)")
		if v := eval[string](b, `document.getElementById('f-test_family').value`); v != "cognitive" {
			t.Errorf("the refetched form lost the picked family: %q", v)
		}
		b.accessible("refetched form")
		b.shot("refetched-form")
		b.do("fill in the new fields", chromedp.SetValue(chromedp.ID("f-test"), "logical_reasoning"), chromedp.SendKeys(chromedp.ID("f-time_limit_minutes"), "45"))
		b.submit("save", "button[data-submit]")
		b.sees(".flash-ok", "saved on")

		b.open(e.url(fmt.Sprintf("/jobs/%d/stages/%d/trigger", fjobs[1].ID, fjobs[1].Stages[0].ID)))
		b.sees(".field-blocker", "The partner reports a problem", "subscription expired")
		if !eval[bool](b, `document.querySelector('.form-actions button.btn:not(.ghost)').disabled`) {
			t.Error("the save button is enabled despite the error field")
		}
		b.sees("#blocked-note", "Saving is blocked")
		b.accessible("blocked form")
		b.shot("error-field")
	})

	t.Run("delivery-inspector", func(t *testing.T) {
		b.t = t
		b.open(e.url("/"))
		b.do("back to the example partner", chromedp.SetValue(chromedp.ID("partner-switch"), "1"))
		b.submit("switch", `form[action="/partner"] button`)
		ds, _ := e.store.Journal(ctx, store.JournalFilter{Kind: store.KindWebhook, PartnerID: "1", Limit: 1})
		if len(ds) == 0 {
			t.Fatal("no webhook in the journal")
		}
		b.open(e.url(fmt.Sprintf("/deliveries/%d", ds[0].ID)))
		b.sees("[data-verify-result]", "Verifies", "the partner's webhook secret")
		b.sees("#req-h + p", "POST", "/webhook")
		b.sees(".exchange", "Teamtailor-Signature", `"partner-event"`, "Content-Type")
		b.accessible("delivery")
		b.shot("delivery")
		b.do("type another secret", chromedp.SendKeys(chromedp.ID("verify-secret"), "not-the-secret"))
		b.submit("verify", `form[action$="/verify"] button`)
		b.sees("[data-verify-result]", "Does not verify", "the secret you entered")

		b.open(e.url("/deliveries?kind=webhook"))
		kinds := eval[[]string](b, `Array.from(document.querySelectorAll('tbody tr[data-kind]')).map(r => r.dataset.kind)`)
		if len(kinds) == 0 {
			t.Error("the webhook filter shows nothing")
		}
		for _, k := range kinds {
			if k != "webhook" {
				t.Errorf("the webhook filter shows a %s", k)
			}
		}
		b.accessible("deliveries")
		b.shot("deliveries-filtered")
	})

	consoleMu.Lock()
	defer consoleMu.Unlock()
	for _, m := range consoleErrors {
		t.Errorf("the browser console: %s", m)
	}
}
