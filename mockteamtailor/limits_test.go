package mockteamtailor

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnerapi/partnerapitest"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/uploads"
)

// hostilePartner answers every request with headerBytes bytes of headers
// (in 100 KB fields) and a small config document.
func hostilePartner(t *testing.T, headerBytes int) *httptest.Server {
	t.Helper()
	value := strings.Repeat("x", 100_000)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i*len(value) < headerBytes; i++ {
			w.Header().Set(fmt.Sprintf("X-Junk-%03d", i), value)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"config":{"fields":[]}}`))
	}))
	ts.Config.MaxHeaderBytes = 64 << 20
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

func pointPartnerAt(t *testing.T, env *testEnv, url string) {
	t.Helper()
	p, err := env.store.Partner(context.Background(), "1")
	if err != nil {
		t.Fatal(err)
	}
	p.BaseURL = url
	if err := env.store.PutPartner(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

func heapInUse() uint64 { return partnerapitest.HeapInUse() }

// Rule: a partner answering ~9.5 MB of headers, 100 times, does not make
// the mock hold them: its calls fail with a clear reason, the heap stays
// within 150 MB of where it was, and the journal answers small.
func TestHostilePartnerHeadersKeepMemoryBounded(t *testing.T) {
	env := newTestEnv(t)
	pointPartnerAt(t, env, hostilePartner(t, 9_500_000).URL)
	before := heapInUse()
	for range 100 {
		r := env.do(t, req{method: "GET", path: "/mock/v1/partners/1/config?company=" + env.sandbox.Company.UUID})
		if r.status >= 500 && r.status != http.StatusBadGateway { // 502: the partner failed
			t.Fatalf("config fetch: %d %s", r.status, r.body)
		}
	}
	grew := int64(heapInUse()) - int64(before)
	t.Logf("heap in use grew by %.1f MB after 100 fetches of 9.5 MB headers", float64(grew)/(1<<20))
	if grew > 150<<20 {
		t.Errorf("heap in use grew by %d MB, want under 150 MB", grew>>20)
	}
	r := env.do(t, req{method: "GET", path: "/mock/v1/deliveries?kind=config"})
	var doc struct{ Deliveries []store.Delivery }
	if err := json.Unmarshal(r.body, &doc); err != nil || len(doc.Deliveries) != 100 {
		t.Fatalf("deliveries: %v, %d entries", err, len(doc.Deliveries))
	}
	if len(r.body) > 1<<20 {
		t.Errorf("the journal of 100 fetches answered %d bytes", len(r.body))
	}
	if d := doc.Deliveries[0]; !strings.Contains(d.Reason, "answer headers larger than") {
		t.Errorf("reason %q does not say the headers were too large", d.Reason)
	}
}

// Rule: the journal keeps at most JournalHeaderLimit bytes of a message's
// headers and marks the cut.
func TestJournalCutsLargeHeaders(t *testing.T) {
	env := newTestEnv(t)
	pointPartnerAt(t, env, hostilePartner(t, 600_000).URL)
	env.do(t, req{method: "GET", path: "/mock/v1/partners/1/config?company=" + env.sandbox.Company.UUID})
	ds, _ := env.store.Journal(context.Background(), store.JournalFilter{Kind: store.KindConfig})
	if len(ds) != 1 || ds[0].Response == nil {
		t.Fatalf("journal: %+v", ds)
	}
	resp := ds[0].Response
	if !resp.HeaderTruncated || resp.HeaderSize < 600_000 || store.MessageSize(resp) > store.JournalHeaderLimit+(8<<10) {
		t.Errorf("response headers: truncated %v, size %d, kept %d bytes; want a cut at %d", resp.HeaderTruncated, resp.HeaderSize, store.MessageSize(resp), store.JournalHeaderLimit)
	}
	if resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("the cut dropped Content-Type: %v", resp.Header.Get("Content-Type"))
	}
}

// Rule: the journal as a whole stays within its byte limit, the newest
// entries kept.
func TestJournalByteLimit(t *testing.T) {
	s := store.NewMemStore()
	s.SetJournalByteLimit(1 << 20)
	big := strings.Repeat("b", 60<<10)
	for i := range 100 {
		if _, err := s.AppendJournal(context.Background(), store.Delivery{Kind: store.KindPartnerAPI, Reason: fmt.Sprint(i), Request: store.HTTPMessage{Body: big}}); err != nil {
			t.Fatal(err)
		}
	}
	ds, _ := s.Journal(context.Background(), store.JournalFilter{})
	total := 0
	for i := range ds {
		total += store.DeliverySize(&ds[i])
	}
	if total > 1<<20 || len(ds) < 10 || ds[len(ds)-1].Reason != "99" {
		t.Errorf("journal holds %d entries, %d bytes (newest %q); want at most 1 MiB, the newest kept", len(ds), total, ds[len(ds)-1].Reason)
	}
}

// errorDetail is the detail of the first error of a JSON:API error document.
func errorDetail(t *testing.T, r response) string {
	t.Helper()
	return partnerapitest.ErrorDetail(t, r.body)
}

// Rule: candidates are bounded in bytes: the control API refuses ones
// past the total limit with a 422 naming the limit and its flag, a
// generate call all at once, before adding any.
func TestCandidatesAreBoundedInBytes(t *testing.T) {
	env := newTestEnv(t)
	count := func() int {
		_, n, err := env.store.Candidates(context.Background(), "", store.Page{Number: 1, Size: 1})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	held, _ := env.store.CandidateRoom()
	before := count()
	limit := held + 50_000
	env.store.SetCandidateByteLimit(limit)
	want := func(r response, what string) {
		t.Helper()
		d := errorDetail(t, r)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(d, fmt.Sprint(limit)) || !strings.Contains(d, "--candidate-byte-limit") {
			t.Errorf("%s: %d %q; want 422 naming the limit of %d bytes and --candidate-byte-limit", what, r.status, d, limit)
		}
	}
	body := fmt.Sprintf(`{"companyUuid":%q,"generate":100}`, env.sandbox.Company.UUID)
	want(env.do(t, req{method: "POST", path: "/mock/v1/candidates", body: body}), "generate 100")
	if n := count(); n != before {
		t.Errorf("a refused generate call added %d candidates", n-before)
	}
	body = fmt.Sprintf(`{"companyUuid":%q,"fixture":"typical"}`, env.sandbox.Company.UUID)
	var r response
	for range 100 {
		if r = env.do(t, req{method: "POST", path: "/mock/v1/candidates", body: body}); r.status != http.StatusCreated {
			break
		}
	}
	want(r, "one candidate past the limit")
	if held, _ := env.store.CandidateRoom(); held > limit {
		t.Errorf("candidates hold %d bytes, over their limit of %d", held, limit)
	}
}

// Rule: uploads are bounded in count and bytes with clear 4xx errors, and
// reset clears them (their expiry: package uploads).
func TestUploadLimits(t *testing.T) {
	env := newTestEnv(t)
	upload := func(size int) response {
		return env.do(t, req{method: "POST", path: "/mock/v1/uploads?name=f.bin", body: strings.Repeat("u", size), header: map[string]string{"Content-Type": "application/octet-stream"}})
	}
	for i := range uploads.MaxBytes / uploads.MaxFile {
		if r := upload(uploads.MaxFile); r.status != http.StatusCreated {
			t.Fatalf("upload %d: %d %s", i, r.status, r.body)
		}
	}
	if r := upload(uploads.MaxFile); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.body), "over the limit") {
		t.Errorf("upload past the byte limit: %d %s", r.status, r.body)
	}
	if r := env.do(t, req{method: "POST", path: "/mock/v1/reset"}); r.status != http.StatusOK {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	for i := range uploads.MaxFiles {
		if r := upload(10); r.status != http.StatusCreated {
			t.Fatalf("upload %d after reset: %d %s", i, r.status, r.body)
		}
	}
	if r := upload(10); r.status != http.StatusConflict || !strings.Contains(string(r.body), "its limit") {
		t.Errorf("upload past the count limit: %d %s", r.status, r.body)
	}
}

// Rule: generate is bounded per call and in total, and two calls do not
// repeat the same people.
func TestGenerateLimits(t *testing.T) {
	env := newTestEnv(t)
	gen := func(n int) response {
		return env.do(t, req{method: "POST", path: "/mock/v1/candidates", body: fmt.Sprintf(`{"companyUuid":%q,"generate":%d,"seed":5}`, env.sandbox.Company.UUID, n), header: map[string]string{"Content-Type": "application/json"}})
	}
	type created struct {
		Candidates []store.CandidateRecord `json:"candidates"`
	}
	var a, b created
	json.Unmarshal(gen(3).body, &a)
	json.Unmarshal(gen(3).body, &b)
	if len(a.Candidates) != 3 || len(b.Candidates) != 3 {
		t.Fatalf("generated %d and %d", len(a.Candidates), len(b.Candidates))
	}
	for i := range 3 {
		if a.Candidates[i].Data.UUID == b.Candidates[i].Data.UUID || *a.Candidates[i].Data.Email == *b.Candidates[i].Data.Email {
			t.Errorf("second call repeated candidate %d: %s %s", i, b.Candidates[i].Data.UUID, *b.Candidates[i].Data.Email)
		}
	}
	if r := gen(MaxGenerate + 1); r.status != http.StatusUnprocessableEntity {
		t.Errorf("over the per-call limit: %d %s", r.status, r.body)
	}
	// Fill the store up to just under the total limit with small records.
	_, held, _ := env.store.Candidates(context.Background(), "", store.Page{Number: 1, Size: 1})
	for range MaxGeneratedCandidates - held - 2 {
		if _, err := env.store.PutCandidate(context.Background(), store.CandidateRecord{CompanyUUID: env.sandbox.Company.UUID}); err != nil {
			t.Fatal(err)
		}
	}
	if r := gen(2); r.status != http.StatusCreated {
		t.Errorf("up to the total limit: %d %.300s", r.status, r.body)
	}
	if r := gen(1); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "limit of") {
		t.Errorf("over the total limit: %d %.300s", r.status, r.body)
	}
}

// Rule: an answer over 1 MiB is reported as such, not as broken JSON;
// the journal shows Accept-Encoding as sent and Content-Encoding as
// received.
func TestPartnerAnswerSizeAndEncodingInTheJournal(t *testing.T) {
	env := newTestEnv(t)
	answer := `{"config":{"fields":[],"pad":"` + strings.Repeat("p", 2<<20) + `"}}`
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(answer))
	}))
	defer big.Close()
	pointPartnerAt(t, env, big.URL)
	env.do(t, req{method: "GET", path: "/mock/v1/partners/1/config?company=" + env.sandbox.Company.UUID})
	ds, _ := env.store.Journal(context.Background(), store.JournalFilter{Kind: store.KindConfig})
	if len(ds) == 0 || !strings.Contains(ds[len(ds)-1].Reason, fmt.Sprintf("answer larger than 1 MiB (%d bytes read)", len(answer))) {
		t.Errorf("reason: %+v", ds)
	}

	gz := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write([]byte(`{"config":{"fields":[]}}`))
		zw.Close()
	}))
	defer gz.Close()
	pointPartnerAt(t, env, gz.URL)
	r := env.do(t, req{method: "GET", path: "/mock/v1/partners/1/config?company=" + env.sandbox.Company.UUID})
	if r.status != http.StatusOK {
		t.Fatalf("gzip config: %d %s", r.status, r.body)
	}
	ds, _ = env.store.Journal(context.Background(), store.JournalFilter{Kind: store.KindConfig})
	d := ds[len(ds)-1]
	if d.Request.Header.Get("Accept-Encoding") != "gzip" || d.Response == nil || d.Response.Header.Get("Content-Encoding") != "gzip" || d.Response.Body != `{"config":{"fields":[]}}` || d.Verdict != store.VerdictOK {
		t.Errorf("journal: request headers %v, response %+v, verdict %s %s", d.Request.Header, d.Response, d.Verdict, d.Reason)
	}
}
