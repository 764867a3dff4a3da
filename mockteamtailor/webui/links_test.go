package webui

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// Rule: the "Activate it" link of a company the integration is not
// activated in opens the marketplace with that company selected (the
// query is not encoded a second time).
func TestBrowserActivateLinkSelectsTheCompany(t *testing.T) {
	b, closeBrowser := newBrowser(t)
	e := newEnv(t)
	defer closeBrowser()
	if err := e.control(context.Background(), "POST", "/mock/v1/companies", map[string]any{"fixture": "acme", "uuid": "acme-links", "name": "Acme Links", "seedData": true}, nil); err != nil {
		t.Fatal(err)
	}
	b.open(e.ts.URL + "/jobs?company=acme-links")
	b.navigate("follow Activate it", chromedp.Click(chromedp.CSS(`main .flash a[href^="/marketplace"]`), chromedp.NodeVisible))
	if got := eval[string](b, `location.pathname + location.search`); got != "/marketplace?company=acme-links" {
		t.Errorf("the link led to %s, want /marketplace?company=acme-links", got)
	}
	b.sees(`.companylist a[aria-current="true"]`, "Acme Links")
}
