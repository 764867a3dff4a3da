package mockteamtailor_test

// Benchmarks of a store holding 100,000 results, in memory and with a
// state file, measured in the same run so their ratio means something on
// a shared machine:
//
//	go test -run '^$' -bench 'Stored100k|Startup100k' -count 5 ./mockteamtailor/
//
// Targets: with --state, update and create at least 5,000 req/s with 8
// clients and at least 0.25 x the in-memory figure; start-up under 2 s;
// the state folder under 3 x the data after compaction.

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

const stored100k = 100_000

// fill100k stores 100,000 realistic results through the store (over HTTP
// it would take longer than the measurement), from concurrent writers so
// a durable store groups its commits.
func fill100k(tb testing.TB, st *store.MemStore) {
	tb.Helper()
	ids := mockteamtailor.NewIDs()
	now := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < stored100k; i = int(next.Add(1)) - 1 {
				if _, err := st.CreateResult(context.Background(), storedResult(ids, i, now)); err != nil {
					tb.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if tb.Failed() {
		tb.FailNow()
	}
}

// BenchmarkStored100k updates and creates results over HTTP with 8
// clients (benchParallelism per GOMAXPROCS on 2 cores) while the store
// holds 100,000 results.
func BenchmarkStored100k(b *testing.B) {
	for _, op := range []string{"update", "create"} {
		for _, mode := range []string{"memory", "state"} {
			b.Run(op+"/"+mode, func(b *testing.B) {
				api := newBenchAPI(b, mode == "state")
				fill100k(b, api.store)
				// Start from a compacted store, as a restart leaves it:
				// the compactions of the fill would otherwise still be
				// writing during the measurement.
				if err := api.store.Compact(); err != nil {
					b.Fatal(err)
				}
				switch op {
				case "update":
					paths, bodies := api.createPool(b, benchUpdatePool)
					runClients(b, api.srv.URL, api.apiKey, api.client, func(i int) benchRequest {
						k := i % len(paths)
						return benchRequest{http.MethodPatch, paths[k], bodies[k], http.StatusOK}
					})
				case "create":
					docs := make([][]byte, 64)
					for i := range docs {
						docs[i] = resultDocument("", i, 0)
					}
					runClients(b, api.srv.URL, api.apiKey, api.client, func(i int) benchRequest {
						return benchRequest{http.MethodPost, resultsPath, docs[i%len(docs)], http.StatusCreated}
					})
				}
				b.ReportMetric(float64(runtimeClients()), "clients")
			})
		}
	}
}

// BenchmarkStartup100k opens a state of 100,000 results: a snapshot, and
// 10,000 updates in the log after it. It reports the size of the state
// folder against the size of the data (a fresh snapshot).
func BenchmarkStartup100k(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "state.json")
	st, err := store.OpenMemStore(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := mockteamtailor.SeedSandbox(ctx, st, mockteamtailor.NewIDs(), time.Now, mockteamtailor.PartnerSettings{ID: benchPartnerID}); err != nil {
		b.Fatal(err)
	}
	fill100k(b, st)
	if err := st.Compact(); err != nil {
		b.Fatal(err)
	}
	dataBytes := st.StateStats().SnapshotBytes
	all, _, _ := st.Results(ctx, benchPartnerID, store.Page{})
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 32 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < 10_000; i = int(next.Add(1)) - 1 {
				st.UpdateResult(ctx, benchPartnerID, all[i*7%len(all)].ID, func(r *store.PartnerResult) error {
					r.Status = "sent"
					return nil
				})
			}
		})
	}
	wg.Wait()
	st.Flush()
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		s, err := store.OpenMemStore(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, n, _ := s.Results(ctx, benchPartnerID, store.Page{Number: 1, Size: 1}); n != stored100k {
			b.Fatalf("%d results after start-up, want %d", n, stored100k)
		}
	}
	b.StopTimer()
	// CPU time is what a loaded machine does not inflate, unlike the wall
	// clock.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	if err := st.Compact(); err != nil {
		b.Fatal(err)
	}
	var total int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			total += info.Size()
		}
	}
	b.ReportMetric(float64(dataBytes)/1e6, "data-MB")
	b.ReportMetric(float64(total)/float64(dataBytes), "dir/data")
}

func runtimeClients() int { return benchParallelism * runtime.GOMAXPROCS(0) }
