package conformance_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
)

// The reports keep every exchange bounded (conformance/README.md "Bounded
// reports"): these partners answer with more than any report could hold.

// maxReportFile is the size every report file must stay under, whatever
// the partner answers.
const maxReportFile = 10 << 20

// maxRSSBytes is the peak resident set ttconformance must stay under
// against such a partner (without the race detector).
const maxRSSBytes = 200_000_000

// gzipBomb answers with a gzip body that inflates to size bytes of JSON
// whitespace and "A"s: one small gzip member, compressed once, sent again
// and again (a gzip stream may hold many members), so the partner sends
// about a thousandth of what the suite would inflate.
func gzipBomb(size int64) http.HandlerFunc {
	const memberSize = 1 << 20
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(bytes.Repeat([]byte("A"), memberSize))
	zw.Close()
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		for sent := int64(0); sent < size; sent += memberSize {
			if _, err := w.Write(member.Bytes()); err != nil {
				return
			}
		}
	}
}

// endlessBody answers 200 with a plain body that goes on until the
// client hangs up (or size bytes).
func endlessBody(size int64) http.HandlerFunc {
	chunk := bytes.Repeat([]byte("B"), 32<<10)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for sent := int64(0); sent < size; sent += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}

// paddedAnswers pads every answer of the partner with whitespace to just
// under the 1 MiB Teamtailor reads, and with a header field of 12 KB: JSON
// documents stay valid, so the checks run on, and each exchange carries a
// body the reports must cut.
func paddedAnswers(next http.Handler) http.Handler {
	pad := bytes.Repeat([]byte(" "), 1<<20-16<<10)
	padHeader := strings.Repeat("p", 12_000)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("X-Padding", padHeader)
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		if rec.Body.Len() > 0 {
			w.Write(pad)
		}
	})
}

// paddedPosts pads the partner's result posts the same way, under the
// mock's 1 MiB limit on request bodies.
func paddedPosts(base http.RoundTripper) http.RoundTripper {
	pad := bytes.Repeat([]byte(" "), 1<<20-16<<10)
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		if r.Body == nil || r.Method == http.MethodGet {
			return base.RoundTrip(r)
		}
		body, _ := io.ReadAll(r.Body)
		return base.RoundTrip(withBody(r, append(body, pad...)))
	})
}

// boundedRun runs the suite against base with every report and checks
// that each report file stays under maxReportFile.
func boundedRun(t *testing.T, base string) run {
	t.Helper()
	dir := t.TempDir()
	html, junit := filepath.Join(dir, "report.html"), filepath.Join(dir, "junit.xml")
	r := runSuite(t, base, append(allCapabilities, "--activation-field", selfActivation, "--html-report", html, "--junit-report", junit)...)
	for _, p := range []string{filepath.Join(r.dir, "report.json"), html, junit} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%v\n%s", err, r.stderr)
		}
		if fi.Size() >= maxReportFile {
			t.Errorf("%s is %d bytes, want under %d", filepath.Base(p), fi.Size(), maxReportFile)
		}
		t.Logf("%s: %d bytes", filepath.Base(p), fi.Size())
	}
	if raw, err := os.ReadFile(html); err == nil && !bytes.Contains(raw, []byte("[cut: ")) {
		t.Errorf("report.html marks no cut body")
	}
	if r.maxRSS > 0 {
		t.Logf("ttconformance max RSS: %.1f MB (race detector: %v)", float64(r.maxRSS)/1e6, raceEnabled)
	}
	return r
}

// cutExchanges returns the exchanges of the run marked truncated whose
// bodies end in the cut marker, and the total size of the exchanges.
func cutExchanges(r run) (cut []partner.Exchange, total int) {
	for _, c := range r.results.Checks {
		for _, x := range c.Exchanges {
			total += len(x.RequestBody) + len(x.ResponseBody)
			if x.Truncated && strings.Contains(x.ResponseBody, "… [cut: ") {
				cut = append(cut, x)
			}
		}
	}
	return cut, total
}

// Rule: a partner whose answers are gzip bombs (a few MB on the wire, a
// GiB inflated) or endless plain bodies fails for answers larger than
// the 1 MiB Teamtailor reads, and the reports keep a marked 64 KiB of
// each answer.
func TestHugeAnswersKeepReportsBounded(t *testing.T) {
	skipWhenSuiteRequested(t)
	for _, c := range []struct {
		name   string
		answer http.HandlerFunc
	}{
		{"gzip bomb", gzipBomb(1 << 30)},
		{"endless plain body", endlessBody(1 << 30)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// /config answers as it should, so that the checks run on and
			// meet the bomb on every other call.
			huge := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/config" {
						next.ServeHTTP(w, r)
						return
					}
					c.answer(w, r)
				})
			}
			r := boundedRun(t, fakePartner{wrap: huge}.serve(t))
			// The race detector multiplies memory; without it the whole
			// run stays under 200 MB.
			if !raceEnabled && r.maxRSS > maxRSSBytes {
				t.Errorf("ttconformance max RSS %d bytes, want under %d", r.maxRSS, maxRSSBytes)
			}
			if r.exit != 1 {
				t.Errorf("exit = %d, want 1\n%s", r.exit, r.stderr)
			}
			got := r.check("webhook/signed-accepted")
			if got.Outcome != report.OutcomeFail || !strings.Contains(got.Reason, "answer larger than 1 MiB") {
				t.Errorf("webhook/signed-accepted: %s, want fail for an answer larger than 1 MiB: %s", got.Outcome, got.Reason)
			}
			cut, _ := cutExchanges(r)
			if len(cut) == 0 {
				t.Fatal("no exchange is marked truncated with a cut body")
			}
			for _, x := range cut {
				if len(x.ResponseBody) > partner.StoredBodyLimit+64 {
					t.Errorf("%s %s keeps %d bytes of body, want at most %d and the mark", x.Method, x.URL, len(x.ResponseBody), partner.StoredBodyLimit)
				}
				if x.ResponseBodySize <= 1<<20 {
					t.Errorf("%s %s: responseBodySize %d, want the size read past 1 MiB", x.Method, x.URL, x.ResponseBodySize)
				}
			}
		})
	}
}

// Rule: past RunExchangeLimit the run keeps its exchanges without bodies,
// marked, so many large answers under Teamtailor's 1 MiB keep the reports
// bounded too.
func TestManyLargeAnswersSpendTheRunBudget(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	r := boundedRun(t, fakePartner{wrap: paddedAnswers, transport: paddedPosts}.serve(t))
	cut, total := cutExchanges(r)
	if len(cut) == 0 {
		t.Error("no exchange is marked truncated with a cut body")
	}
	if total > partner.RunExchangeLimit {
		t.Errorf("the report keeps %d bytes of bodies, want at most %d", total, partner.RunExchangeLimit)
	}
	omitted := 0
	for _, c := range r.results.Checks {
		for _, x := range c.Exchanges {
			if x.BodiesOmitted {
				omitted++
				if x.RequestBody != "" || x.ResponseBody != "" || !x.Truncated {
					t.Errorf("%s %s: bodiesOmitted but keeps a body, or not marked truncated", x.Method, x.URL)
				}
			}
		}
	}
	if omitted == 0 {
		t.Errorf("no exchange has bodiesOmitted: the run's %d bytes of bodies did not reach the limit", total)
	}
	// Whitespace padding is no defect: the padded partner still passes.
	if r.exit != 0 {
		t.Errorf("exit = %d, want 0: %s", r.exit, r.stdout)
	}
}
