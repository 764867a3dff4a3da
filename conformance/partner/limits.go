package partner

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// What the suite keeps of exchanges is bounded in bytes, per exchange and
// per run, so that a partner answering with huge bodies (or gzip bodies
// that inflate to gigabytes) costs neither the suite's memory nor report
// files of gigabytes (docs/security.md, conformance/README.md "Bounded
// reports"). A check judges the whole answer, up to the 1 MiB Teamtailor
// reads (partnercall.MaxResponse); what outlives the check is cut.
const (
	// StoredBodyLimit is how much of each request and response body an
	// exchange keeps once its check ended. A longer body is cut on a rune
	// boundary and ends in "… [cut: N more bytes]".
	StoredBodyLimit = 64 << 10
	// storedHeaderLimit is how many bytes of each header block (request,
	// response) an exchange keeps, counted as on the wire; whole fields
	// beyond it are dropped, in name order.
	storedHeaderLimit = 16 << 10
	// StoredURLLimit is how much of a URL an exchange keeps.
	StoredURLLimit = 4 << 10
	// RunExchangeLimit bounds the exchange bytes (bodies, headers, URLs)
	// a run keeps across every check: past it, exchanges are kept without
	// bodies and headers, marked bodiesOmitted.
	RunExchangeLimit = 8 << 20
	// MaxStoredExchanges is how many exchanges a check keeps; the others
	// are counted (exchangesOmitted).
	MaxStoredExchanges = 100
)

// cutMarker returns the mark ending a body cut with n more bytes.
func cutMarker(n int64) string { return fmt.Sprintf("… [cut: %d more bytes]", n) }

// cutBody keeps at most limit bytes of body, whose full size is size (at
// least len(body)), cut on a rune boundary and marked. It reports whether
// it cut. A body cut and marked already is cut the same again.
func cutBody(body string, size int64, limit int) (string, bool) {
	if len(body) <= limit {
		return body, false
	}
	if i := strings.LastIndex(body, cutMarkStart); i >= 0 && i <= limit && body[i:] == cutMarker(size-int64(i)) {
		// Cut and marked already: kept as it is, not copied.
		return body, true
	}
	size = max(size, int64(len(body)))
	n := limit
	for n > 0 && !utf8.RuneStart(body[n]) {
		n--
	}
	return body[:n] + cutMarker(size-int64(n)), true
}

// cutMarkStart starts every cutMarker.
const cutMarkStart = "… [cut: "

// CutString keeps at most limit bytes of s, marked like a body.
func CutString(s string, limit int) string {
	out, _ := cutBody(s, int64(len(s)), limit)
	return out
}

// headerBytes counts a header block as on the wire.
func headerBytes(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// Bounded returns a copy of x cut to the per-exchange limits: bodies of at
// most StoredBodyLimit bytes, header blocks of at most storedHeaderLimit,
// the URL and error of at most StoredURLLimit. A cut sets Truncated and
// the full size of the body cut.
func Bounded(x Exchange) Exchange {
	var cut bool
	if x.RequestBodySize == 0 {
		x.RequestBodySize = int64(len(x.RequestBody))
	}
	if x.ResponseBodySize == 0 {
		x.ResponseBodySize = int64(len(x.ResponseBody))
	}
	x.RequestBody, cut = cutBody(x.RequestBody, x.RequestBodySize, StoredBodyLimit)
	x.Truncated = x.Truncated || cut
	x.ResponseBody, cut = cutBody(x.ResponseBody, x.ResponseBodySize, StoredBodyLimit)
	x.Truncated = x.Truncated || cut
	if x.RequestHeader != nil {
		x.RequestHeader, _, cut = store.CutHeader(x.RequestHeader, storedHeaderLimit)
		x.Truncated = x.Truncated || cut
	}
	if x.ResponseHeader != nil {
		x.ResponseHeader, _, cut = store.CutHeader(x.ResponseHeader, storedHeaderLimit)
		x.Truncated = x.Truncated || cut
	}
	if len(x.URL) > StoredURLLimit || len(x.Error) > StoredURLLimit || len(x.Step) > StoredURLLimit {
		x.URL, x.Error, x.Step = CutString(x.URL, StoredURLLimit), CutString(x.Error, StoredURLLimit), CutString(x.Step, StoredURLLimit)
		x.Truncated = true
	}
	if !x.Truncated {
		// The sizes say how large a cut body was; uncut, the body says.
		x.RequestBodySize, x.ResponseBodySize = 0, 0
	}
	return x
}

// StoredSize is how many bytes of a bounded exchange count against
// RunExchangeLimit.
func StoredSize(x *Exchange) int {
	return len(x.URL) + len(x.Step) + len(x.Error) + len(x.RequestBody) + len(x.ResponseBody) +
		headerBytes(x.RequestHeader) + headerBytes(x.ResponseHeader)
}

// WithoutBodies leaves out the bodies and headers of x, marked.
func WithoutBodies(x Exchange) Exchange {
	if x.RequestBody == "" && x.ResponseBody == "" && len(x.RequestHeader) == 0 && len(x.ResponseHeader) == 0 {
		return x
	}
	if x.RequestBodySize == 0 {
		x.RequestBodySize = int64(len(x.RequestBody))
	}
	if x.ResponseBodySize == 0 {
		x.ResponseBodySize = int64(len(x.ResponseBody))
	}
	x.RequestBody, x.ResponseBody = "", ""
	x.RequestHeader = http.Header{}
	if x.ResponseHeader != nil {
		x.ResponseHeader = http.Header{}
	}
	x.Truncated, x.BodiesOmitted = true, true
	return x
}

// Budget counts the exchange bytes kept against a limit, safe for
// concurrent use. The zero value has no room; NewBudget gives some.
type Budget struct {
	mu   sync.Mutex // guards left
	left int
}

// NewBudget returns a budget of limit bytes.
func NewBudget(limit int) *Budget { return &Budget{left: limit} }

// Keep bounds x and charges it to b: while the budget lasts x keeps its
// (cut) bodies and headers, and after that none.
func (b *Budget) Keep(x Exchange) Exchange {
	x = Bounded(x)
	n := StoredSize(&x)
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > b.left {
		b.left = 0
		return WithoutBodies(x)
	}
	b.left -= n
	return x
}

// runBudget is this process's budget for the exchanges checks attach to
// their reports; BuildResults applies RunExchangeLimit again to the whole
// run, whichever process ran each check.
var runBudget = NewBudget(RunExchangeLimit)

// KeepForRun is keepExchanges on this process's budget for the exchanges
// checks attach to their reports.
func KeepForRun(xs []Exchange, prepare func(Exchange) Exchange) ([]Exchange, int) {
	return keepExchanges(runBudget, xs, prepare)
}

// keepExchanges bounds the exchanges of one check: each passed through
// prepare (the redaction), cut to the per-exchange limits and charged to
// b, at most MaxStoredExchanges of them. It returns what is kept and how
// many exchanges were left out.
func keepExchanges(b *Budget, xs []Exchange, prepare func(Exchange) Exchange) ([]Exchange, int) {
	omitted := 0
	if len(xs) > MaxStoredExchanges {
		omitted = len(xs) - MaxStoredExchanges
		xs = xs[:MaxStoredExchanges]
	}
	out := make([]Exchange, len(xs))
	for i, x := range xs {
		if prepare != nil {
			x = prepare(precut(x))
		}
		out[i] = b.Keep(x)
	}
	return out, omitted
}

// redactSlack is how much more than StoredBodyLimit of a body is
// redacted before the cut: more than any secret or token is long, so none
// straddling the cut is left in part, and the redaction does not copy a
// whole megabyte to keep 64 KiB of it.
const redactSlack = 8 << 10

// precut shortens the bodies of x to StoredBodyLimit+redactSlack bytes,
// unmarked, keeping their full sizes; Bounded cuts and marks them.
func precut(x Exchange) Exchange {
	const n = StoredBodyLimit + redactSlack
	if len(x.RequestBody) > n {
		x.RequestBodySize = max(x.RequestBodySize, int64(len(x.RequestBody)))
		x.RequestBody = x.RequestBody[:n]
	}
	if len(x.ResponseBody) > n {
		x.ResponseBodySize = max(x.ResponseBodySize, int64(len(x.ResponseBody)))
		x.ResponseBody = x.ResponseBody[:n]
	}
	return x
}
