package partner

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnercall"
)

// A body longer than StoredBodyLimit is cut on a rune boundary and ends in
// the mark saying how many bytes were cut; the exchange says it was cut
// and how large the body was.
func TestBoundedCutsBodiesAndMarksTheCut(t *testing.T) {
	body := strings.Repeat("é", StoredBodyLimit) // 2 bytes a rune
	x := Bounded(Exchange{RequestBody: "{}", ResponseBody: body, ResponseBodySize: 3 << 20})
	kept, mark, ok := strings.Cut(x.ResponseBody, "… [cut: ")
	if !ok {
		t.Fatalf("no cut mark at the end of %d bytes", len(x.ResponseBody))
	}
	if len(kept) > StoredBodyLimit || !utf8.ValidString(kept) {
		t.Errorf("kept %d bytes (valid UTF-8: %v), want at most %d on a rune boundary", len(kept), utf8.ValidString(kept), StoredBodyLimit)
	}
	if want := fmt.Sprintf("%d more bytes]", 3<<20-len(kept)); mark != want {
		t.Errorf("mark %q, want %q", mark, want)
	}
	if !x.Truncated || x.ResponseBodySize != 3<<20 || x.RequestBody != "{}" || x.RequestBodySize != 2 {
		t.Errorf("truncated %v, sizes %d/%d, request body %q; want truncated, 2 and %d, {}", x.Truncated, x.RequestBodySize, x.ResponseBodySize, x.RequestBody, 3<<20)
	}
	if again := Bounded(x); !cmp.Equal(again, x) {
		t.Errorf("bounding twice changes the exchange:\n%s", cmp.Diff(x, again))
	}
}

// An exchange within the limits is kept as it is, with no sizes.
func TestBoundedKeepsSmallExchanges(t *testing.T) {
	x := Exchange{Method: "POST", URL: "http://p/webhook", RequestHeader: http.Header{"A": {"b"}}, RequestBody: "{}", ResponseBody: "ok", ResponseBodySize: 2}
	got := Bounded(x)
	x.ResponseBodySize = 0
	if !cmp.Equal(got, x) {
		t.Errorf("a small exchange changed:\n%s", cmp.Diff(x, got))
	}
}

// Header fields beyond storedHeaderLimit are dropped, and the exchange
// says so.
func TestBoundedCutsHeaders(t *testing.T) {
	h := http.Header{}
	for i := range 40 {
		h.Set(fmt.Sprintf("X-Field-%02d", i), strings.Repeat("v", 1000))
	}
	x := Bounded(Exchange{ResponseHeader: h, RequestHeader: http.Header{"Accept": {"application/json"}}})
	if n := headerBytes(x.ResponseHeader); n > storedHeaderLimit || !x.Truncated {
		t.Errorf("kept %d header bytes (truncated %v), want at most %d, truncated", n, x.Truncated, storedHeaderLimit)
	}
	if x.RequestHeader.Get("Accept") != "application/json" {
		t.Errorf("the request header lost Accept: %v", x.RequestHeader)
	}
}

// Once a budget is spent, exchanges keep no bodies and no headers, marked,
// with the sizes of what was left out.
func TestBudgetLeavesBodiesOutOnceSpent(t *testing.T) {
	b := NewBudget(3 * StoredBodyLimit)
	big := strings.Repeat("x", 200<<10)
	var omitted int
	for i := range 6 {
		x := b.Keep(Exchange{Method: "GET", URL: "http://p/config", ResponseHeader: http.Header{"A": {"b"}}, ResponseBody: big})
		switch {
		case x.BodiesOmitted:
			omitted++
			if x.ResponseBody != "" || len(x.ResponseHeader) != 0 || !x.Truncated || x.ResponseBodySize != 200<<10 {
				t.Errorf("exchange %d: omitted but body %d bytes, %d headers, truncated %v, size %d", i, len(x.ResponseBody), len(x.ResponseHeader), x.Truncated, x.ResponseBodySize)
			}
		case omitted > 0:
			t.Errorf("exchange %d keeps its body after the budget was spent", i)
		case !strings.Contains(x.ResponseBody, "… [cut: "):
			t.Errorf("exchange %d: body not cut", i)
		}
	}
	if omitted != 4 {
		t.Errorf("%d exchanges omitted, want 4 (two fit in three bodies' worth)", omitted)
	}
}

// A check keeps at most MaxStoredExchanges exchanges and counts the rest;
// a secret across the cut is redacted whole before the cut.
func TestKeepExchangesRedactsThenCuts(t *testing.T) {
	secret := "ttws_secret_across_the_cut_0123456789"
	red := Redactor{secrets: []string{secret}}
	body := strings.Repeat("a", StoredBodyLimit-10) + secret + strings.Repeat("b", 1<<20)
	xs := make([]Exchange, MaxStoredExchanges+7)
	for i := range xs {
		xs[i] = Exchange{Method: "POST", URL: "http://p/webhook", RequestBody: body}
	}
	kept, omitted := keepExchanges(NewBudget(RunExchangeLimit), xs, red.Exchange)
	if len(kept) != MaxStoredExchanges || omitted != 7 {
		t.Fatalf("kept %d, omitted %d; want %d and 7", len(kept), omitted, MaxStoredExchanges)
	}
	got := kept[0].RequestBody
	if strings.Contains(got, secret[:8]) {
		t.Errorf("the cut body keeps part of the secret: …%s", got[len(got)-80:])
	}
	if !strings.HasSuffix(got, "more bytes]") || kept[0].RequestBodySize != int64(len(body)) {
		t.Errorf("body ends %q, size %d; want the cut mark and %d", got[len(got)-40:], kept[0].RequestBodySize, len(body))
	}
}

// Send reads a gzip answer that inflates to 1 GiB as the mock does: 1 MiB
// kept, a bounded count past it, an error saying the answer is larger
// than Teamtailor reads, and far less memory allocated than the answer.
func TestSendReadsAGzipBombBounded(t *testing.T) {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(bytes.Repeat([]byte("A"), 1<<20))
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		for range 1024 {
			if _, err := w.Write(member.Bytes()); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c := &Client{base: srv.URL, client: partnercall.Client(partnerTransport(), 30*time.Second), transcript: &Transcript{}}

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	x := c.Send(t.Context(), Call{Step: "bomb", Method: "GET", Path: "config"})
	runtime.ReadMemStats(&after)

	if !x.TooLarge() || x.Status != 200 || len(x.ResponseBody) != partnercall.MaxResponse {
		t.Errorf("status %d, %d bytes kept, error %q; want 200, %d bytes, an answer larger than 1 MiB", x.Status, len(x.ResponseBody), x.Error, partnercall.MaxResponse)
	}
	if x.ResponseBodySize <= partnercall.MaxResponse || x.ResponseBodySize > 32<<20 {
		t.Errorf("responseBodySize %d, want past 1 MiB and bounded", x.ResponseBodySize)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("reading the answer allocated %d bytes, want under 64 MiB", alloc)
	}
	if fix := fixFor(x, "the check's fix"); !strings.Contains(fix, "more than 1 MiB") {
		t.Errorf("fix %q does not speak of the answer's size", fix)
	}
}
func TestBoundedTwiceAcrossARune(t *testing.T) {
	for shift := range 4 {
		body := strings.Repeat("a", StoredBodyLimit-shift) + "😀" + strings.Repeat("b", 100)
		once := Bounded(Exchange{ResponseBody: body})
		if twice := Bounded(once); twice.ResponseBody != once.ResponseBody {
			t.Errorf("shift %d: bounding twice changes the body end %q to %q", shift, once.ResponseBody[len(once.ResponseBody)-40:], twice.ResponseBody[len(twice.ResponseBody)-40:])
		}
		if want := fmt.Sprintf("… [cut: %d more bytes]", len(body)-strings.Index(once.ResponseBody, "…")); !strings.HasSuffix(once.ResponseBody, want) {
			t.Errorf("shift %d: body ends %q, want %q", shift, once.ResponseBody[len(once.ResponseBody)-40:], want)
		}
	}
}

// FuzzBounded: whatever a partner answers, a stored body keeps at most
// StoredBodyLimit bytes and the mark, stays valid UTF-8 when it was, and
// bounding again changes nothing.
func FuzzBounded(f *testing.F) {
	f.Add("{}", 0)
	f.Add(strings.Repeat("é", StoredBodyLimit), 5<<20)
	f.Add(strings.Repeat("a", StoredBodyLimit-2)+"😀… [cut: 3 more bytes]", 0)
	f.Fuzz(func(t *testing.T, body string, extra int) {
		if len(body) < 64 {
			// Small inputs reach the cut when repeated past the limit.
			body = strings.Repeat(body+"x", StoredBodyLimit/(len(body)+1)+1)
		}
		size := int64(len(body)) + int64(max(extra, 0)%(16<<20))
		x := Bounded(Exchange{ResponseBody: body, ResponseBodySize: size})
		kept, _, _ := strings.Cut(x.ResponseBody, cutMarker(size-int64(strings.LastIndex(x.ResponseBody, cutMarkStart))))
		if len(kept) > StoredBodyLimit {
			t.Fatalf("kept %d bytes, want at most %d", len(kept), StoredBodyLimit)
		}
		if utf8.ValidString(body) && !utf8.ValidString(x.ResponseBody) {
			t.Fatal("the cut broke a rune")
		}
		if again := Bounded(x); again.ResponseBody != x.ResponseBody || again.ResponseBodySize != x.ResponseBodySize {
			t.Fatalf("bounding again changed the body or its size")
		}
	})
}
