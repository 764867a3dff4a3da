package mockteamtailor

// BenchmarkBulkDeliveries measures signed webhook deliveries per second
// of a bulk run over 10,000 generated candidates to a no-op local
// partner (mock), against a bare loop of http.Client POSTs of the same
// bodies and headers with the same concurrency (bare), in the same run.
// Target: mock at least 0.7 of bare. Each iteration is one whole run, so
// use a small -benchtime:
//
//	go test -run '^$' -bench BulkDeliveries -benchtime 2x -count 3 ./mockteamtailor/

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

const (
	benchBulkCandidates  = 10_000
	benchBulkConcurrency = 8
)

// capturedPost is a webhook as the no-op partner got it.
type capturedPost struct {
	header http.Header
	body   []byte
}

// noopPartner answers every request 200 with no body. While capture is
// set it also keeps what it got, for the bare loop to send again.
type noopPartner struct {
	srv     *httptest.Server
	mu      sync.Mutex // guards posts
	posts   []capturedPost
	capture atomic.Bool
}

func newNoopPartner(b *testing.B) *noopPartner {
	b.Helper()
	p := &noopPartner{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.capture.Load() {
			body, _ := io.ReadAll(r.Body)
			h := r.Header.Clone()
			h.Del("Content-Length")
			h.Del("Accept-Encoding")
			p.mu.Lock()
			p.posts = append(p.posts, capturedPost{header: h, body: body})
			p.mu.Unlock()
		}
		w.WriteHeader(http.StatusOK)
	}))
	b.Cleanup(p.srv.Close)
	return p
}

func BenchmarkBulkDeliveries(b *testing.B) {
	ctx := context.Background()
	partner := newNoopPartner(b)
	st := store.NewMemStore()
	ids := idgen.New()
	sb, err := sandbox.Seed(ctx, st, ids, time.Now, sandbox.PartnerSettings{ID: "bench", Name: "Bench", BaseURL: partner.srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	// A static config, so a run is its webhooks only.
	sb.Partner.WebhookConfig = []byte(e2eConfig)
	if err := st.PutPartner(ctx, sb.Partner); err != nil {
		b.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.BulkConcurrency = benchBulkConcurrency
	server, err := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), cfg, st, ids, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	candidateIDs := make([]int64, 0, benchBulkCandidates)
	for _, raw := range fixtures.GenerateCandidates(1, 1, benchBulkCandidates) {
		c, err := protocol.DecodeCandidate(raw)
		if err != nil {
			b.Fatal(err)
		}
		rec, err := st.PutCandidate(ctx, store.CandidateRecord{CompanyUUID: sb.Company.UUID, Data: c})
		if err != nil {
			b.Fatal(err)
		}
		candidateIDs = append(candidateIDs, rec.ID)
	}
	bulk := controlapi.BulkRequest{PartnerID: sb.Partner.ID, CandidateIDs: candidateIDs, Data: map[string]string{"test_type": "code"}, Wait: true}
	runOnce := func(b *testing.B) {
		run, err := server.BulkTrigger(ctx, bulk)
		if err != nil || run.Sent != benchBulkCandidates {
			b.Fatalf("bulk run: sent %d of %d, %v", run.Sent, benchBulkCandidates, err)
		}
		// Drop the run's results so every run starts from the same store.
		b.StopTimer()
		for _, id := range run.ResultIDs {
			st.DeleteResult(ctx, sb.Partner.ID, id)
		}
		b.StartTimer()
	}

	// Warm up, and keep the bodies the bare loop sends.
	partner.capture.Store(true)
	runOnce(b)
	partner.capture.Store(false)
	posts := partner.posts
	if len(posts) != benchBulkCandidates {
		b.Fatalf("captured %d webhooks, want %d", len(posts), benchBulkCandidates)
	}

	b.Run("mock", func(b *testing.B) {
		for range b.N {
			runOnce(b)
		}
		b.ReportMetric(float64(benchBulkCandidates*b.N)/b.Elapsed().Seconds(), "deliveries/s")
	})
	b.Run("bare", func(b *testing.B) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = benchBulkConcurrency * 2
		client := &http.Client{Transport: tr}
		defer client.CloseIdleConnections()
		url := partner.srv.URL + "/webhook"
		for range b.N {
			var next atomic.Int64
			var failed atomic.Int64
			var wg sync.WaitGroup
			for range benchBulkConcurrency {
				wg.Go(func() {
					for {
						i := next.Add(1) - 1
						if i >= int64(len(posts)) {
							return
						}
						req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(posts[i].body))
						if err != nil {
							failed.Add(1)
							return
						}
						req.Header = posts[i].header.Clone()
						resp, err := client.Do(req)
						if err != nil {
							failed.Add(1)
							continue
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							failed.Add(1)
						}
					}
				})
			}
			wg.Wait()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d of the bare POSTs failed", n)
			}
		}
		b.ReportMetric(float64(benchBulkCandidates*b.N)/b.Elapsed().Seconds(), "deliveries/s")
	})
}
