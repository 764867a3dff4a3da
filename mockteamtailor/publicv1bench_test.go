package mockteamtailor_test

// Benchmarks of Teamtailor's public API (/v1) beside the Partner API's,
// through the whole HTTP stack over loopback with the same clients:
//
//	go test -run '^$' -bench 'BenchmarkReads' ./mockteamtailor/

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// runReaders sends b.N GETs of paths (round-robin) with headers from
// parallel keep-alive clients, and reports req/s.
func runReaders(b *testing.B, api *benchAPI, headers map[string]string, paths []string) {
	b.Helper()
	var seq atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, err := http.NewRequest(http.MethodGet, api.srv.URL+paths[int(seq.Add(1)-1)%len(paths)], nil)
			if err != nil {
				b.Error(err)
				return
			}
			for k, v := range headers {
				req.Header.Set(k, v)
			}
			if _, err := do(api.client, req, http.StatusOK); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// addCandidates gives the sandbox company n more candidates, copies of
// its first, each applied to the same job.
func addCandidates(b *testing.B, st *store.MemStore, n int) {
	b.Helper()
	ctx := context.Background()
	cs, _, err := st.Candidates(ctx, "", store.Page{Number: 1, Size: 1})
	if err != nil || len(cs) == 0 {
		b.Fatalf("no candidate to copy: %v", err)
	}
	for range n {
		c := store.CloneCandidate(cs[0])
		c.ID = 0
		if _, err := st.PutCandidate(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReads: a page of 10 and one record, from the Partner API
// (partner results) and from /v1 (candidates; job applications with two
// includes), over the sandbox (12 candidates) and over 1,000 candidates.
func BenchmarkReads(b *testing.B) {
	for _, size := range []int{12, 1000} {
		api := newBenchAPI(b, false)
		paths, _ := api.createPool(b, 100)
		addCandidates(b, api.store, size-12)
		companies, err := api.store.Companies(context.Background())
		if err != nil || len(companies) != 1 {
			b.Fatalf("companies: %v", err)
		}
		partner := map[string]string{"Authorization": "Token " + api.apiKey, "X-Api-Version": "20180828", "Accept": publicapi.MediaType}
		v1 := map[string]string{"Authorization": "Token token=" + companies[0].APITokens[0], "X-Api-Version": publicapi.CurrentVersion, "Accept": publicapi.MediaType}
		n := strconv.Itoa(size)
		b.Run("partner-api/list/"+n, func(b *testing.B) { runReaders(b, api, partner, []string{resultsPath + "?page%5Bsize%5D=10"}) })
		b.Run("partner-api/show/"+n, func(b *testing.B) { runReaders(b, api, partner, paths) })
		b.Run("v1/list/"+n, func(b *testing.B) { runReaders(b, api, v1, []string{"/v1/candidates"}) })
		b.Run("v1/show/"+n, func(b *testing.B) {
			runReaders(b, api, v1, []string{"/v1/candidates/1", "/v1/candidates/5", "/v1/candidates/9"})
		})
		b.Run("v1/list-include/"+n, func(b *testing.B) {
			runReaders(b, api, v1, []string{"/v1/job-applications?include=candidate,stage"})
		})
	}
}
