package webui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// layoutWidths are the window widths the layout is checked at: a laptop
// and a small tablet in landscape.
var layoutWidths = []int64{1400, 1024}

// TestBrowserLayout checks, at each layout width, what a person would see
// go wrong: select text cut, headers wrapping, a failed bulk run drawn as
// a success, and the words on the pages.
func TestBrowserLayout(t *testing.T) {
	b, closeBrowser := newBrowser(t)
	e := newEnv(t)
	defer closeBrowser()
	ctx := context.Background()
	job := e.sandboxJobs("1")[0]

	// A partner whose webhook endpoint is down: its bulk run fails for
	// every candidate. Its config form has one field.
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/config":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"config":{"fields":[{"id":"note","type":"text","label":"Note"}]}}`)
		default:
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		}
	}))
	defer down.Close()
	if err := e.control(ctx, http.MethodPost, "/mock/v1/partners", map[string]any{"id": "down", "name": "Down Assessments", "baseUrl": down.URL, "allowBulk": true}, nil); err != nil {
		t.Fatal(err)
	}
	downCands, _, err := e.store.Candidates(ctx, e.ui.sandboxCompany(ctx, "down"), store.Page{Size: 3})
	if err != nil || len(downCands) < 3 {
		t.Fatalf("candidates of the down partner's sandbox: %v %v", downCands, err)
	}
	failed, err := e.srv.BulkTrigger(ctx, controlapi.BulkRequest{PartnerID: "down", CandidateIDs: []int64{downCands[0].ID, downCands[1].ID, downCands[2].ID}, Wait: true})
	if err != nil || failed.Failed != 3 || failed.Sent != 0 {
		t.Fatalf("bulk run to the down partner: %+v, %v; want 3 failed", failed, err)
	}

	// Enough journal entries of partner 1 for two pages of deliveries:
	// config fetches as a trigger form makes them, marked as such.
	for range deliveriesPage + 5 {
		if _, err := e.srv.FetchConfig(ctx, controlapi.ConfigRequest{PartnerID: "1", CompanyUUID: e.sandbox.Company.UUID, JobID: job.ID, StageID: job.Stages[0].ID, Purpose: store.PurposeForm}); err != nil {
			t.Fatal(err)
		}
	}
	total := len(must(e.store.Journal(ctx, store.JournalFilter{PartnerID: "1"})))

	for _, width := range layoutWidths {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b.t = t
			b.do("set the window width", chromedp.EmulateViewport(width, 900))

			// A pipeline's "Move to" selects show their longest stage
			// name whole ("Assessment", not "Assessmer").
			b.open(e.url(fmt.Sprintf("/jobs/%d", job.ID)))
			cut := eval[[]string](b, `(() => {
  const c = document.createElement('canvas').getContext('2d');
  const out = [];
  for (const s of document.querySelectorAll('.move select')) {
    const cs = getComputedStyle(s);
    c.font = cs.fontSize + ' ' + cs.fontFamily;
    const pad = parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight);
    for (const o of s.options) {
      if (c.measureText(o.text).width + pad > s.clientWidth) out.push(o.text + ' in a ' + s.clientWidth + 'px select');
    }
  }
  return out;
})()`)
			for _, c := range cut {
				t.Errorf("a Move to select cuts %s", c)
			}
			if n := eval[int](b, `document.querySelectorAll('.move select').length`); n == 0 {
				t.Fatal("the pipeline has no Move to selects")
			}
			b.sees("main", "Add trigger")
			if label := eval[string](b, `document.querySelector('.add-trigger').getAttribute('aria-label')`); label == "" || !strings.Contains(label, "an Example Partner trigger") {
				t.Errorf("add-trigger label %q, want it to say an Example Partner trigger", label)
			}
			b.open(e.url("/jobs"))
			b.sees("main .lead", "an Example Partner trigger")

			// The candidate list's header, with the bulk button, stays on
			// one line at 1400 px, and nothing overflows the window.
			b.open(e.url("/candidates"))
			if width >= 1400 {
				if same := eval[bool](b, `(() => {
  const h = document.querySelector('#cands-h'), bar = document.querySelector('.bulkbar');
  return Math.abs(h.getBoundingClientRect().top - bar.getBoundingClientRect().top) < 12 && bar.getBoundingClientRect().height < 48;
})()`); !same {
					b.shot(fmt.Sprintf("bulk-header-wraps-%d", width))
					t.Errorf("at %d px the bulk header wraps", width)
				}
			}
			if over := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth + 1`); over {
				b.shot(fmt.Sprintf("candidates-overflow-%d", width))
				t.Errorf("at %d px the candidate list is wider than the window", width)
			}

			// A bulk run where every webhook failed shows an empty sent
			// bar and a full failed one, never a full bar like a success.
			b.open(e.url("/bulk/" + failed.ID))
			b.sees("[data-bulk-count]", "0 of 3 sent", "3 failed")
			if sent := eval[float64](b, `document.querySelector('progress.bulk-sent').value`); sent != 0 {
				t.Errorf("the sent bar of a run with nothing sent is at %v", sent)
			}
			if f := eval[float64](b, `(document.querySelector('progress.bulk-failed') || {value: -1}).value`); f != 3 {
				t.Errorf("the failed bar is at %v, want 3", f)
			}
			// The run's table header stays on one line: each heading's
			// text is one line high.
			for _, h := range eval[[]string](b, `[...document.querySelectorAll('.bulk-table th')].filter(th => {
  const r = document.createRange(); r.selectNodeContents(th);
  return r.getClientRects().length > 1;
}).map(th => th.textContent)`) {
				t.Errorf("at %d px the bulk table heading %q wraps", width, h)
			}
			b.shot(fmt.Sprintf("bulk-failed-%d", width))
			// The run's config fetch: a form of one field is "1 field".
			b.open(e.url(fmt.Sprintf("/deliveries/%d", failed.ConfigID)))
			b.sees("main .lead", "a valid config document with 1 field")
			if lead := b.text("main .lead"); strings.Contains(lead, "1 fields") {
				t.Errorf("the config fetch of a one-field form reads %q", lead)
			}
			b.open(e.url("/bulk/" + failed.ID))
			// The run is the down partner's: the switcher names it, not
			// the partner the other pages show.
			if sel := eval[string](b, `document.querySelector('#partner-switch').selectedOptions[0].textContent`); !strings.Contains(sel, "Down Assessments") {
				t.Errorf("on the down partner's bulk run the partner switcher says %q", sel)
			}

			// Deliveries come in pages, with honest totals; a fetch made
			// to show a form says so.
			b.open(e.url("/deliveries"))
			b.sees("[data-pager-count]", fmt.Sprintf("Showing 1–%d of %d", deliveriesPage, total), "page 1 of 2")
			if n := eval[int](b, `document.querySelectorAll('[data-live-rows] tbody tr').length`); n != deliveriesPage {
				t.Errorf("page 1 lists %d deliveries, want %d", n, deliveriesPage)
			}
			b.sees("[data-live-rows] tbody tr", "Config", "form opened")
			b.navigate("older deliveries", chromedp.Click(chromedp.CSS(`.pager a[rel=next]`), chromedp.NodeVisible))
			b.sees("[data-pager-count]", fmt.Sprintf("Showing %d–%d of %d", deliveriesPage+1, total, total), "page 2 of 2")
			if n := eval[int](b, `document.querySelectorAll('main table tbody tr').length`); n != total-deliveriesPage {
				t.Errorf("page 2 lists %d deliveries, want %d", n, total-deliveriesPage)
			}
			if over := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth + 1`); over {
				t.Errorf("at %d px the deliveries page is wider than the window", width)
			}
			b.shot(fmt.Sprintf("deliveries-page-2-%d", width))
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
