package mockteamtailor_test

// Benchmarks of a store holding 100,000 results, in memory and with a
// state file, measured in the same run so their ratio means something on
// a shared machine:
//
//	go test -run '^$' -bench 'Stored100k|Startup100k' -benchtime 3s ./mockteamtailor/
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

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

const stored100k = 100_000

// fill100k stores 100,000 realistic results through the store (over HTTP
// it would take longer than the measurement), from concurrent writers so
// a durable store groups its commits.
func fill100k(tb testing.TB, st *store.MemStore) {
	tb.Helper()
	ids := idgen.New()
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
// holds 100,000 results, in memory and with a state file: each iteration
// of a run sends b.N requests to the in-memory mock, then b.N to the
// durable one, so both figures, and their ratio, come from the same
// minute of a shared machine. Created results add to the 100,000.
func BenchmarkStored100k(b *testing.B) {
	mem, dur := newBenchAPI(b, false), newBenchAPI(b, true)
	fill100k(b, mem.store)
	fill100k(b, dur.store)
	// Start from a compacted store, as a restart leaves it: the
	// compactions of the fill would otherwise still be writing during the
	// measurement.
	if err := dur.store.Compact(); err != nil {
		b.Fatal(err)
	}
	apis := [2]*benchAPI{mem, dur}
	var paths [2][]string
	var bodies [2][][]byte
	for k, api := range apis {
		paths[k], bodies[k] = api.createPool(b, benchUpdatePool)
	}
	docs := make([][]byte, 64)
	for i := range docs {
		docs[i] = resultDocument("", i, 0)
	}
	b.Run("update", func(b *testing.B) {
		runPair(b, apis, func(k, i int) benchRequest {
			j := i % benchUpdatePool
			return benchRequest{http.MethodPatch, paths[k][j], bodies[k][j], http.StatusOK}
		})
	})
	b.Run("create", func(b *testing.B) {
		runPair(b, apis, func(_, i int) benchRequest {
			return benchRequest{http.MethodPost, resultsPath, docs[i%len(docs)], http.StatusCreated}
		})
	})
}

// runPair sends b.N requests from parallel keep-alive clients to the
// in-memory mock (apis[0]), then b.N to the durable one (apis[1]), and
// reports each one's req/s and their ratio.
func runPair(b *testing.B, apis [2]*benchAPI, next func(k, i int) benchRequest) {
	var rate, cpu [2]float64
	b.ReportAllocs()
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	before := apis[1].store.StateStats()
	var lat atomic.Int64
	for k, api := range apis {
		var seq atomic.Int64
		start, cpu0 := time.Now(), cpuTime()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				r := next(k, int(seq.Add(1)-1))
				t0 := time.Now()
				req, err := newPartnerRequest(api.srv.URL, api.apiKey, r.method, r.path, r.body)
				if err == nil {
					_, err = do(api.client, req, r.want)
				}
				if k == 1 {
					lat.Add(int64(time.Since(t0)))
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
		rate[k] = float64(b.N) / time.Since(start).Seconds()
		cpu[k] = float64((cpuTime() - cpu0).Microseconds()) / float64(b.N)
	}
	b.StopTimer()
	after := apis[1].store.StateStats()
	if commits := after.Commits - before.Commits; commits > 0 {
		// What bounds the durable rate: the clients' requests share a
		// commit (write + fsync) of the log.
		b.ReportMetric(float64(b.N)/float64(commits), "req/commit")
		b.ReportMetric(float64((after.CommitTime-before.CommitTime).Microseconds())/float64(commits), "µs/commit")
	}
	// A compaction that falls in the measurement (the log outgrew the
	// snapshot) costs the durable figure a copy and an encoding of the
	// whole store.
	b.ReportMetric(float64(after.Compactions-before.Compactions), "compactions")
	// A durable request's time from send to answer, commit wait included.
	b.ReportMetric(float64(lat.Load())/float64(b.N)/1e3, "state-latency-µs")
	// The process's CPU time (clients and server) per request.
	b.ReportMetric(cpu[0], "memory-cpu-µs/req")
	b.ReportMetric(cpu[1], "state-cpu-µs/req")
	b.ReportMetric(rate[0], "memory-req/s")
	b.ReportMetric(rate[1], "state-req/s")
	b.ReportMetric(rate[1]/rate[0], "state/memory")
	b.ReportMetric(float64(runtimeClients()), "clients")
}

// BenchmarkStartup100k starts on a state of 100,000 results, a snapshot
// and 10,000 updates in the log after it, as serve --seed --state does:
// it opens the store and moves the seeded ids past what it holds. It
// reports the size of the state folder against the size of the data (a
// fresh snapshot).
func BenchmarkStartup100k(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "state.json")
	st, err := store.OpenMemStore(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := sandbox.Seed(ctx, st, idgen.New(), time.Now, sandbox.PartnerSettings{ID: benchPartnerID}); err != nil {
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
		if err := idgen.ContinueAfter(ctx, s, idgen.NewSeeded(7)); err != nil {
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
