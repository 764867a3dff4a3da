package partnerapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnerapi/partnerapitest"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// errorDetail is the detail of the first error of a JSON:API error document.
func errorDetail(t *testing.T, r response) string {
	t.Helper()
	return partnerapitest.ErrorDetail(t, r.Body)
}

// Rule: unauthenticated Partner API requests keep only RefusedBodyLimit
// bytes of body in the journal.
func TestUnauthenticatedBodiesAreSmallInTheJournal(t *testing.T) {
	env := newTestEnv(t)
	body := `{"data":"` + strings.Repeat("z", 60<<10) + `"}`
	r := env.do(t, req{Method: "POST", Path: "/partner/v1/partner-results", Body: body, Header: map[string]string{"Authorization": "Token nope-nope-nope"}})
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("status %d", r.Status)
	}
	ds, _ := env.store.Journal(context.Background(), store.JournalFilter{Kind: store.KindPartnerAPI})
	d := ds[len(ds)-1]
	if len(d.Request.Body) > RefusedBodyLimit || !d.Request.BodyTruncated {
		t.Errorf("journal kept %d bytes of an unauthenticated body (truncated %v); want at most %d", len(d.Request.Body), d.Request.BodyTruncated, RefusedBodyLimit)
	}
}

// Rule: what the journal keeps of requests refused before authentication
// is small in what it holds, not only in what it shows: 300 of them with
// 100 KB of headers and 100 KB of body each hold under 16 MB of heap (the
// journal keeps RefusedHeaderLimit of headers, RefusedBodyLimit of body;
// it held 43 MB when it kept 64 KiB buffers for them).
func TestUnauthenticatedRequestsHoldLittle(t *testing.T) {
	env := newTestEnv(t)
	header := map[string]string{"Authorization": "Token nope-nope-nope"}
	for i := range 100 {
		header[fmt.Sprintf("X-Junk-%03d", i)] = strings.Repeat("h", 1000)
	}
	body := strings.Repeat("b", 100_000)
	before := partnerapitest.HeapInUse()
	for range 300 {
		if r := env.do(t, req{Method: "POST", Path: "/partner/v1/partner-results", Body: body, Header: header}); r.Status != http.StatusUnauthorized {
			t.Fatalf("status %d", r.Status)
		}
	}
	grew := int64(partnerapitest.HeapInUse()) - int64(before)
	t.Logf("heap in use grew by %.1f MB after 300 refused requests", float64(grew)/(1<<20))
	ds, _ := env.store.Journal(context.Background(), store.JournalFilter{Kind: store.KindPartnerAPI})
	if len(ds) != 300 {
		t.Fatalf("journal holds %d entries, want 300", len(ds))
	}
	d := ds[len(ds)-1]
	if !d.Request.HeaderTruncated || d.Request.HeaderSize < 100_000 || store.MessageSize(&d.Request) > RefusedHeaderLimit+RefusedBodyLimit+1<<10 {
		t.Errorf("journal kept %d bytes of a refused request (headers cut %v, %d bytes sent); want at most %d of headers and %d of body",
			store.MessageSize(&d.Request), d.Request.HeaderTruncated, d.Request.HeaderSize, RefusedHeaderLimit, RefusedBodyLimit)
	}
	if grew > 16<<20 {
		t.Errorf("heap in use grew by %d MB, want under 16 MB", grew>>20)
	}
}

// Rule: partner results are bounded in bytes: a document over the body
// limit is a 413 naming it, and once the results of all partners hold
// their total limit a new one is a 422 naming that limit and its flag,
// with everything stored before still there.
func TestResultsAreBoundedInBytes(t *testing.T) {
	env := newTestEnv(t)
	const limit = 2 << 20
	env.store.SetResultByteLimit(limit)
	doc := func(size int) string {
		return `{"data":{"type":"partner-results","attributes":{"status":"completed","candidate-id":1,"details":{"x":"` + strings.Repeat("d", size) + `"}}}}`
	}
	r := env.do(t, req{Method: "POST", Path: "/partner/v1/partner-results", Body: doc(1 << 20)})
	if d := errorDetail(t, r); r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(d, "1048576 bytes") {
		t.Errorf("a 1 MiB document: %d %q; want 413 naming the limit", r.Status, d)
	}
	created := 0
	for range 20 { // 14 MB offered
		r = env.do(t, req{Method: "POST", Path: "/partner/v1/partner-results", Body: doc(700 << 10)})
		if r.Status != http.StatusCreated {
			break
		}
		created++
	}
	d := errorDetail(t, r)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(d, "2097152 bytes") || !strings.Contains(d, "--result-byte-limit") || !strings.Contains(d, "MOCKTT_RESULT_BYTE_LIMIT") {
		t.Errorf("past the limit: %d %q; want 422 naming the limit of 2097152 bytes and --result-byte-limit", r.Status, d)
	}
	list := env.do(t, req{Method: "GET", Path: "/partner/v1/partner-results"})
	var page struct {
		Meta struct {
			RecordCount int `json:"record-count"`
		}
	}
	json.Unmarshal(list.Body, &page)
	if created != 2 || page.Meta.RecordCount != 2 {
		t.Errorf("created %d results of 700 KiB, the list counts %d; want 2 of each", created, page.Meta.RecordCount)
	}
}
