package webui

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Rule: the pages that call the partner to show its form do not open from
// another site's link, image or frame, so a page elsewhere cannot make
// the mock call the partner (and push real calls out of the journal);
// the mock's own links and typed addresses open them.
func TestFormPagesRefuseCrossSiteGETs(t *testing.T) {
	e := newEnv(t)
	f, fake := e.addFakePartner()
	ctx := context.Background()
	jobs := e.sandboxJobs(fake.ID)
	cands, _, err := e.store.Candidates(ctx, e.ui.sandboxCompany(ctx, fake.ID), store.Page{})
	if err != nil || len(cands) == 0 {
		t.Fatalf("no candidates: %v", err)
	}
	job, stage := strconv.FormatInt(jobs[0].ID, 10), strconv.FormatInt(jobs[0].Stages[0].ID, 10)
	cand := strconv.FormatInt(cands[0].ID, 10)
	// The UI's pages of the fake partner, which serves /config.
	selectFake := &http.Cookie{Name: partnerCookie, Value: fake.ID}
	pages := []string{
		"/jobs/" + job + "/stages/" + stage + "/trigger",
		"/candidates/" + cand + "/trigger",
		"/bulk?candidate=" + cand,
	}
	get := func(path string, header map[string]string) int {
		req, err := http.NewRequest(http.MethodGet, e.url(path), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.AddCookie(selectFake)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	journal := func() int {
		d, err := e.store.Journal(ctx, store.JournalFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(d)
	}
	before, calls := journal(), f.configs.Load()
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:3000"},
		{"Origin": "http://evil.example"}, // a browser without Sec-Fetch-Site
	} {
		for _, path := range append(pages, "/marketplace") {
			if got := get(path, h); got != http.StatusForbidden {
				t.Errorf("GET %s with %v: %d, want 403", path, h, got)
			}
		}
	}
	if got := f.configs.Load() - calls; got != 0 {
		t.Errorf("cross-site GETs made the mock call the partner's /config %d times", got)
	}
	if got := journal() - before; got != 0 {
		t.Errorf("cross-site GETs added %d journal entries", got)
	}
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {}} {
		for _, path := range pages {
			if got := get(path, h); got != http.StatusOK {
				t.Errorf("GET %s with %v: %d, want 200", path, h, got)
			}
		}
	}
	if f.configs.Load() == calls {
		t.Error("the form pages opened from the mock itself did not call the partner: the test proves nothing")
	}
}
