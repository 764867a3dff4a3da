package mockteamtailor_test

// Benchmarks of partner-result create and update through the whole HTTP
// stack (router, middleware, validation, store) over real loopback
// connections, with and without a state file, against a bare net/http
// handler measured the same way. Run them with
//
//	go test -run '^$' -bench . ./mockteamtailor/
//
// Targets: update throughput at least half of BenchmarkBaseline's, and
// 100,000 stored results under 200 MB of heap (BenchmarkHeap100kResults).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

const (
	// benchParallelism is the number of clients per GOMAXPROCS.
	benchParallelism = 4
	// benchUpdatePool is how many results the update benchmarks rewrite
	// round-robin, so a state file keeps the same size throughout.
	benchUpdatePool = 1000
	benchPartnerID  = "bench-partner"
	resultsPath     = "/partner/v1/partner-results"
)

// benchAPI is a mock served over loopback with a seeded sandbox partner.
type benchAPI struct {
	srv    *httptest.Server
	client *http.Client
	store  *store.MemStore
	apiKey string
}

// newBenchAPI starts the mock over a fresh store: in memory, or backed by
// a state file in b.TempDir() when durable is set.
func newBenchAPI(b *testing.B, durable bool) *benchAPI {
	b.Helper()
	st := store.NewMemStore()
	if durable {
		var err error
		if st, err = store.OpenMemStore(filepath.Join(b.TempDir(), "state.json")); err != nil {
			b.Fatal(err)
		}
		// Before the folder is removed: a compaction may still be writing.
		b.Cleanup(func() { st.Close() })
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ids := idgen.New()
	sb, err := sandbox.Seed(context.Background(), st, ids, time.Now, sandbox.PartnerSettings{ID: benchPartnerID})
	if err != nil {
		b.Fatal(err)
	}
	server, err := mockteamtailor.NewServer(logger, mockteamtailor.DefaultConfig(), st, ids, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(server)
	client := newBenchClient()
	b.Cleanup(func() {
		client.CloseIdleConnections()
		srv.Close()
	})
	return &benchAPI{srv: srv, client: client, store: st, apiKey: sb.Partner.APIKey}
}

// newBenchClient returns a keep-alive client with an idle connection for
// every parallel client, so no request pays for a new connection.
func newBenchClient() *http.Client {
	conns := benchParallelism*runtime.GOMAXPROCS(0) + 8
	return &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// newRequest builds a Partner API request with the headers a partner sends.
func (a *benchAPI) newRequest(method, path string, body []byte) (*http.Request, error) {
	return newPartnerRequest(a.srv.URL, a.apiKey, method, path, body)
}

func newPartnerRequest(baseURL, apiKey, method, path string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(method, baseURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Token "+apiKey)
	req.Header.Set("X-Api-Version", protocol.APIVersion)
	req.Header.Set("Accept", protocol.MediaType)
	if body != nil {
		req.Header.Set("Content-Type", protocol.MediaType)
	}
	return req, nil
}

// do sends req and reads the whole response body, so the connection goes
// back to the pool. An unexpected status is an error carrying the body.
func do(client *http.Client, req *http.Request, want int) ([]byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the response: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != want {
		return body, fmt.Errorf("%s %s: status %d, want %d: %s", req.Method, req.URL.Path, resp.StatusCode, want, body)
	}
	return body, nil
}

// resultAttributes returns the attributes of a realistic partner result:
// every attribute a typical assessment partner sends, for candidate n;
// version v varies the outcome, as a later update would.
func resultAttributes(n, v int) map[string]any {
	return map[string]any{
		"status":       "completed",
		"candidate-id": 1 + n%12, // a sandbox candidate: the API refuses unknown ones
		"job-id":       2000 + n%50,
		"summary":      fmt.Sprintf("Scored %d%% on the backend assessment; strong on algorithms, average on system design.", 50+(n+v)%50),
		"url":          fmt.Sprintf("https://assessments.example.com/results/%d", 100000+n),
		"assessment": map[string]any{
			"score":    50 + float64((n+v)%500)/10,
			"grade":    "might_be_fit",
			"duration": "0:32:14",
		},
		"details": map[string]any{
			"level":     "senior",
			"language":  "Go",
			"attempts":  1 + v%3,
			"sections":  []any{"algorithms", "system design", "testing"},
			"breakdown": map[string]any{"correctness": 92, "style": 81, "performance": 77},
		},
		"attachments": []any{
			map[string]any{"url": fmt.Sprintf("https://assessments.example.com/reports/%d.pdf", 100000+n), "description": "Full report"},
			map[string]any{"url": fmt.Sprintf("https://assessments.example.com/recordings/%d", 100000+n), "description": "Screen recording"},
		},
	}
}

// resultDocument is a JSON:API request document for a partner result;
// id is left out when empty.
func resultDocument(id string, n, v int) []byte {
	data := map[string]any{"type": "partner-results", "attributes": resultAttributes(n, v)}
	if id != "" {
		data["id"] = id
	}
	body, err := json.Marshal(map[string]any{"data": data})
	if err != nil {
		panic(err)
	}
	return body
}

// createPool creates n results over HTTP, concurrently so a durable store
// can group its commits, and returns a PATCH document for each.
func (a *benchAPI) createPool(b *testing.B, n int) (paths []string, bodies [][]byte) {
	b.Helper()
	paths, bodies = make([]string, n), make([][]byte, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				req, err := a.newRequest(http.MethodPost, resultsPath, resultDocument("", i, 0))
				if err == nil {
					var body []byte
					if body, err = do(a.client, req, http.StatusCreated); err == nil {
						var doc struct {
							Data struct{ ID string } `json:"data"`
						}
						err = json.Unmarshal(body, &doc)
						paths[i] = resultsPath + "/" + doc.Data.ID
						// The update changes score, summary and more; the
						// candidate stays the same, as it must.
						bodies[i] = resultDocument(doc.Data.ID, i, 1)
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	return paths, bodies
}

// benchRequest is what one iteration sends.
type benchRequest struct {
	method, path string
	body         []byte
	want         int
}

// runClients sends b.N requests from parallel keep-alive clients, each
// made by next from a process-wide sequence number, and reports req/s.
func runClients(b *testing.B, baseURL, apiKey string, client *http.Client, next func(i int) benchRequest) {
	b.Helper()
	var seq atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := next(int(seq.Add(1) - 1))
			req, err := newPartnerRequest(baseURL, apiKey, r.method, r.path, r.body)
			if err == nil {
				_, err = do(client, req, r.want)
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkBaseline serves a fixed partner-result response from a bare
// net/http handler, and sends it the update benchmark's requests through
// the same client with the same parallelism: the cost of HTTP alone.
func BenchmarkBaseline(b *testing.B) {
	// A real update response, captured once, is the fixed body.
	api := newBenchAPI(b, false)
	paths, bodies := api.createPool(b, 1)
	req, err := api.newRequest(http.MethodPatch, paths[0], bodies[0])
	if err != nil {
		b.Fatal(err)
	}
	fixed, err := do(api.client, req, http.StatusOK)
	if err != nil {
		b.Fatal(err)
	}
	length := strconv.Itoa(len(fixed))

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", protocol.MediaType)
		w.Header().Set("Content-Length", length)
		w.WriteHeader(http.StatusOK)
		w.Write(fixed)
	}))
	client := newBenchClient()
	b.Cleanup(func() {
		client.CloseIdleConnections()
		srv.Close()
	})
	runClients(b, srv.URL, api.apiKey, client, func(int) benchRequest {
		return benchRequest{http.MethodPatch, paths[0], bodies[0], http.StatusOK}
	})
	b.ReportMetric(float64(len(fixed)), "resp-bytes")
}

// BenchmarkResultCreate POSTs a new partner result per iteration.
func BenchmarkResultCreate(b *testing.B) {
	for _, mode := range []string{"memory", "state"} {
		b.Run(mode, func(b *testing.B) {
			api := newBenchAPI(b, mode == "state")
			// A handful of documents, so building them stays out of the
			// measurement; candidate ids repeat, which the API allows.
			docs := make([][]byte, 64)
			for i := range docs {
				docs[i] = resultDocument("", i, 0)
			}
			runClients(b, api.srv.URL, api.apiKey, api.client, func(i int) benchRequest {
				return benchRequest{http.MethodPost, resultsPath, docs[i%len(docs)], http.StatusCreated}
			})
		})
	}
}

// BenchmarkResultUpdate PATCHes and PUTs (alternately) a fixed pool of
// results round-robin, so the store, and its state file, keep their size.
func BenchmarkResultUpdate(b *testing.B) {
	for _, mode := range []string{"memory", "state"} {
		b.Run(mode, func(b *testing.B) {
			api := newBenchAPI(b, mode == "state")
			paths, bodies := api.createPool(b, benchUpdatePool)
			runClients(b, api.srv.URL, api.apiKey, api.client, func(i int) benchRequest {
				method := http.MethodPatch
				if i%2 == 1 {
					method = http.MethodPut
				}
				k := i % len(paths)
				return benchRequest{method, paths[k], bodies[k], http.StatusOK}
			})
		})
	}
}

// heapResults is how many results the heap measurement stores.
const heapResults = 100_000

// storedResult is a partner result as the create handler stores it: every
// string and slice its own allocation, as decoding a request makes them.
func storedResult(ids *idgen.IDs, n int, now time.Time) store.PartnerResult {
	attrs := resultAttributes(n, 0)
	str := func(s string) *string { return &s }
	jobID := int64(attrs["job-id"].(int))
	score := attrs["assessment"].(map[string]any)["score"].(float64)
	duration, _ := protocol.ParseDuration("0:32:14")
	details, err := json.Marshal(attrs["details"])
	if err != nil {
		panic(err)
	}
	return store.PartnerResult{ID: ids.UUID(), PartnerID: benchPartnerID, CreatedAt: now, UpdatedAt: now, ResultAttributes: protocol.ResultAttributes{Status: "completed", CandidateID: int64(attrs["candidate-id"].(int)), JobID: &jobID, Summary: str(attrs["summary"].(string)), URL: str(attrs["url"].(string)), Assessment: protocol.Assessment{
		Score:    &score,
		Grade:    str(string([]byte("might_be_fit"))),
		Duration: &duration,
	}, Details: details, Attachments: []protocol.Attachment{
		{URL: fmt.Sprintf("https://assessments.example.com/reports/%d.pdf", 100000+n), Description: string([]byte("Full report"))},
		{URL: fmt.Sprintf("https://assessments.example.com/recordings/%d", 100000+n), Description: string([]byte("Screen recording"))},
	}}}
}

// heapStore fills fresh in-memory stores with realistic results and
// measures the live heap each full store of heapResults holds: the growth
// of HeapAlloc between full GCs before the first result and after the last.
type heapStore struct {
	ids   *idgen.IDs
	now   time.Time
	store *store.MemStore
	n     int // results in store
	base  runtime.MemStats
}

func newHeapStore() *heapStore {
	h := &heapStore{ids: idgen.New(), now: time.Now()}
	h.reset()
	return h
}

// reset drops the store and starts an empty one.
func (h *heapStore) reset() {
	h.store, h.n = nil, 0
	runtime.GC()
	runtime.ReadMemStats(&h.base)
	h.store = store.NewMemStore()
	if err := h.store.PutPartner(context.Background(), store.Partner{ID: benchPartnerID, Name: "Bench", APIKey: "bench-key"}); err != nil {
		panic(err)
	}
}

// add stores one more result.
func (h *heapStore) add(tb testing.TB) {
	if _, err := h.store.CreateResult(context.Background(), storedResult(h.ids, h.n, h.now)); err != nil {
		tb.Fatal(err)
	}
	h.n++
}

// full reports whether the store holds heapResults results.
func (h *heapStore) full() bool { return h.n >= heapResults }

// heap returns the live heap the store holds now.
func (h *heapStore) heap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	runtime.KeepAlive(h.store)
	if m.HeapAlloc < h.base.HeapAlloc {
		return 0
	}
	return m.HeapAlloc - h.base.HeapAlloc
}

// BenchmarkHeap100kResults stores results through the Store interface,
// one per op, in stores of 100,000 each, and reports the largest live heap
// a full store held (MB of 10^6 bytes) and bytes per result. ns/op is the
// time to build and store one result. When b.N is short of a full store,
// the rest is filled outside the timer, so the heap figures always come
// from a store of exactly 100,000 results.
func BenchmarkHeap100kResults(b *testing.B) {
	b.StopTimer()
	h := newHeapStore()
	var worst uint64
	measure := func() {
		worst = max(worst, h.heap())
		h.reset()
	}
	b.StartTimer()
	for range b.N {
		h.add(b)
		if h.full() {
			b.StopTimer()
			measure()
			b.StartTimer()
		}
	}
	b.StopTimer()
	if worst == 0 || h.n > 0 {
		for !h.full() {
			h.add(b)
		}
		measure()
	}
	b.ReportMetric(float64(worst)/1e6, "heap-MB")
	b.ReportMetric(float64(worst)/heapResults, "B/result")
}
