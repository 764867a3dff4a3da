package capacity_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/capacity"
	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// BenchmarkGenerator sends b.N real, distinct, signed webhooks at 6,000/s
// (above the 5,000/s target) to a no-op partner in this process, which
// answers 204 at once, and reports the arrival rate achieved, the webhooks
// that could not be sent, and the process CPU per webhook (generator,
// embedded mock and the no-op partner together). Run it with a fixed
// count, e.g. -bench Generator -benchtime 30000x.
func BenchmarkGenerator(b *testing.B) {
	noop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer noop.Close()
	useSettings(noop.URL)
	settings.TestContext.Assessment = false
	ctx := context.Background()
	mock, err := embedded.StartMock(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer mock.Close(ctx)
	cfg := capacity.DefaultConfig()
	cfg.Rate, cfg.Duration, cfg.Webhooks, cfg.MaxInFlight = 6000, 0, b.N, 1024
	cfg.Timeout = settings.TestContext.Timeout
	key, _ := capacity.GivenKey()
	tgt, err := capacity.NewTarget(ctx, mock, cfg, key)
	if err != nil {
		b.Fatal(err)
	}
	before := cpuTime()
	b.ResetTimer()
	rep := capacity.Run(ctx, cfg, tgt, nil)
	b.StopTimer()
	cpu := cpuTime() - before
	b.ReportMetric(rep.Achieved.Rate, "webhooks/s")
	b.ReportMetric(float64(rep.Webhooks.NotSent), "not-sent")
	b.ReportMetric(float64(rep.Webhooks.Failed), "failed")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/webhook")
	b.ReportMetric(rep.LatencyMS.P99, "p99-ms")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBuildSigned is the generator's own work per webhook, without
// the network: the embedded mock builds a new event and stores its
// partner result, partner.Sign signs it, and the request is built with
// the headers Teamtailor sends.
func BenchmarkBuildSigned(b *testing.B) {
	useSettings("http://127.0.0.1:9")
	ctx := context.Background()
	mock, err := embedded.StartMock(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer mock.Close(ctx)
	client := partner.NewClient(&partner.Transcript{})
	candidates := capacity.LoadCandidates(mock)
	data := map[string]string{"test": "algorithms", "threshold": "70"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		w, err := mock.PrepareWebhook(ctx, candidates[i%len(candidates)], false, data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := client.Request(ctx, partner.Call{Method: http.MethodPost, Path: "webhook", Body: w.Body, Signature: partner.Sign(w.EventID)}); err != nil {
			b.Fatal(err)
		}
	}
}
