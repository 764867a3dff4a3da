package embedded

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
)

// A body longer than StoredBodyLimit is cut on a rune boundary and ends in
// the mark saying how many bytes were cut; the exchange says it was cut
// and how large the body was.

// The inbox keeps the whole bodies of the newest requests, maxInboxBytes
// of them: the oldest lose their bodies and headers, marked, so a check
// always sees the posts its own webhook just led to.
func TestInboxKeepsTheNewestBodies(t *testing.T) {
	in := &Inbox{}
	h := in.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
	body := strings.Repeat(" ", 1<<20-100)
	posts := maxInboxBytes/len(body) + 5
	for i := range posts {
		r := httptest.NewRequest(http.MethodPut, fmt.Sprintf("/partner/v1/partner-results/r%d", i%3), strings.NewReader(body))
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	var got []partner.Exchange
	for i := range 3 {
		got = append(got, in.to(fmt.Sprintf("r%d", i))...)
	}
	slices.SortFunc(got, func(a, b partner.Exchange) int { return a.Started.Compare(b.Started) })
	if len(got) != posts {
		t.Fatalf("%d posts kept, want %d", len(got), posts)
	}
	whole, omitted := 0, 0
	for i, x := range got {
		switch {
		case x.BodiesOmitted && x.RequestBody == "" && x.Truncated && x.RequestBodySize == int64(len(body)):
			if whole > 0 {
				t.Errorf("post %d lost its body after a newer one kept it", i)
			}
			omitted++
		case len(x.RequestBody) == len(body):
			whole++
		default:
			t.Errorf("post %d with %d body bytes, omitted %v, truncated %v", i, len(x.RequestBody), x.BodiesOmitted, x.Truncated)
		}
	}
	if whole*len(body) > maxInboxBytes || whole < maxInboxBytes/len(body)-1 || omitted == 0 {
		t.Errorf("%d whole posts and %d without body; want the newest %d bytes of bodies whole, the others without", whole, omitted, maxInboxBytes)
	}
	if got[len(got)-1].RequestBody != body {
		t.Error("the newest post lost its body")
	}
}

// A body cut before a 4-byte rune across the limit is cut the same when
// bounded again.
