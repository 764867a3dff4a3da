package webui

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// attackerPage is a page on another origin that tries, without and with
// JavaScript, to drive the mock at MOCK and to read its secrets. Its
// script records what each attempt got in window.attempts.
const attackerPage = `<!doctype html><html lang="en"><head><title>cute cats</title></head><body>
<iframe name="sink" title="sink"></iframe>
<form id="hook" method="POST" action="MOCK/mock/v1/manual-triggers" enctype="text/plain" target="sink">
  <input type="hidden" name='{"partnerId":"1","candidateId":CAND,"data":{"test":"go","x":"' value='"}}'>
  <button id="hook-btn">Fire webhook</button>
</form>
<form id="reset" method="POST" action="MOCK/mock/v1/reset" target="sink"><button id="reset-btn">Reset</button></form>
<form id="partner" method="POST" action="MOCK/mock/v1/partners" enctype="text/plain" target="sink">
  <input type="hidden" name='{"id":"evil","baseUrl":"http://attacker.example","x":"' value='"}'>
  <button id="partner-btn">Add partner</button>
</form>
<script>
window.attempts = {};
window.attack = async function () {
  const M = "MOCK";
  const tryFetch = async (name, url, init) => {
    try { const r = await fetch(url, init); window.attempts[name] = r.type + " " + r.status + " " + (await r.text()); }
    catch (e) { window.attempts[name] = "error " + e; }
  };
  await tryFetch("reset", M + "/mock/v1/reset", {method: "POST", mode: "no-cors"});
  await tryFetch("faults", M + "/mock/v1/faults", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: '{"latency":"5s"}'});
  await tryFetch("partner", M + "/mock/v1/partners", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: '{"id":"evil","baseUrl":"http://attacker.example"}'});
  await tryFetch("trigger", M + "/mock/v1/manual-triggers", {method: "POST", mode: "no-cors", body: '{"partnerId":"1","candidateId":CAND,"data":{"test":"go"}}'});
  await tryFetch("json", M + "/mock/v1/faults", {method: "POST", headers: {"Content-Type": "application/json"}, body: '{"latency":"5s"}'});
  await tryFetch("keys", M + "/mock/v1/keys", {});
  await tryFetch("keys-no-cors", M + "/mock/v1/keys", {mode: "no-cors"});
  await tryFetch("ui", M + "/", {});
  window.attacked = true;
};
</script></body></html>`

// Rule: a page on another origin cannot change anything in the mock or
// read a secret, with or without JavaScript; a page whose name was
// re-pointed at the mock (DNS rebinding) gets 403 on every request.
func TestBrowserCrossSiteAttackFails(t *testing.T) {
	// rebind.test resolves to the mock's address, as a rebound name would.
	b, closeBrowser := newBrowser(t, chromedp.Flag("host-resolver-rules", "MAP rebind.test 127.0.0.1, MAP attacker.test 127.0.0.1"))
	e := newEnv(t)
	defer closeBrowser()
	ctx := context.Background()
	cands, _, _ := e.store.Candidates(ctx, e.sandbox.Company.UUID, store.Page{})
	mockURL := e.ts.URL // http://127.0.0.1:port
	page := strings.NewReplacer("MOCK", mockURL, "CAND", fmt.Sprint(cands[0].ID)).Replace(attackerPage)
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	defer attacker.Close()
	_, port, _ := net.SplitHostPort(attacker.Listener.Addr().String())
	before := e.snapshot()

	// Without JavaScript: the forms, clicked by a person.
	b.do("open the attacker page", chromedp.Navigate("http://attacker.test:"+port+"/"), chromedp.WaitVisible(chromedp.CSS("#hook-btn")))
	for _, btn := range []string{"#hook-btn", "#reset-btn", "#partner-btn"} {
		b.do("click "+btn, chromedp.Click(chromedp.CSS(btn), chromedp.NodeVisible))
		b.waitFor("the form post of "+btn+" to be answered", `(() => { try { return frames[0].location.href !== "about:blank"; } catch (e) { return true; } })()`)
	}
	// With JavaScript: no-cors fetches, a preflighted JSON post, reads.
	b.do("run the attack script", chromedp.Evaluate[chromedp.Void](`window.attack()`))
	b.waitFor("the attack script to finish", `window.attacked === true`)
	got := eval[map[string]string](b, `window.attempts`)
	for name, v := range got {
		if strings.Contains(v, e.partner.APIKey) || strings.Contains(v, e.partner.WebhookSecret) || strings.Contains(v, e.sandbox.Activation.ProviderKey) {
			t.Errorf("attempt %s read a secret: %.200s", name, v)
		}
		if strings.HasPrefix(v, "basic") || strings.HasPrefix(v, "cors") {
			t.Errorf("attempt %s read an answer: %.200s", name, v)
		}
	}
	t.Logf("attacker page attempts: %v", got)

	// Rebinding: the page's own origin is the mock's address.
	_, mockPort, _ := net.SplitHostPort(e.ts.Listener.Addr().String())
	rebound := "http://rebind.test:" + mockPort
	status := b.navigate("open the rebound name", chromedp.Navigate(rebound+"/"))
	if status != http.StatusForbidden {
		t.Errorf("GET %s/ answered %d, want 403", rebound, status)
	}
	b.do("fetch from the rebound origin", chromedp.Evaluate[chromedp.Void](`(async () => {
  window.rebound = {};
  for (const [name, url, init] of [["keys", "/mock/v1/keys", {}], ["ui", "/marketplace", {}], ["partner-api", "/partner/v1/partners/1", {}],
      ["reset", "/mock/v1/reset", {method: "POST", headers: {"Content-Type": "application/json"}, body: "{}"}],
      ["patch", "/mock/v1/partners/1", {method: "PATCH", headers: {"Content-Type": "application/json"}, body: '{"baseUrl":"http://attacker.example"}'}]]) {
    try { const r = await fetch(url, init); window.rebound[name] = r.status + " " + (await r.text()); } catch (e) { window.rebound[name] = "error " + e; }
  }
  window.reboundDone = true;
})()`))
	b.waitFor("the rebound fetches", `window.reboundDone === true`)
	for name, v := range eval[map[string]string](b, `window.rebound`) {
		if !strings.HasPrefix(v, "403 ") || strings.Contains(v, e.partner.APIKey) {
			t.Errorf("rebound %s: %.200s; want a 403 without secrets", name, v)
		}
	}

	// Nothing changed.
	after := e.snapshot()
	if after != before {
		t.Errorf("the attack changed the mock:\nbefore %+v\nafter  %+v", before, after)
	}
}

// mockSnapshot is what an attack could change.
type mockSnapshot struct {
	Partners, Companies, Deliveries, Candidates int
	BaseURL                                     string
	Latency                                     string
}

func (e *env) snapshot() mockSnapshot {
	e.t.Helper()
	ctx := context.Background()
	ps, _ := e.store.Partners(ctx)
	cs, _ := e.store.Companies(ctx)
	ds, _ := e.store.Journal(ctx, store.JournalFilter{})
	_, n, _ := e.store.Candidates(ctx, "", store.Page{Number: 1, Size: 1})
	p, _ := e.store.Partner(ctx, "1")
	f, _ := e.srv.Faults(ctx)
	return mockSnapshot{Partners: len(ps), Companies: len(cs), Deliveries: len(ds), Candidates: n, BaseURL: p.BaseURL, Latency: f.Latency}
}
