package mockteamtailor

import (
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/syncbuf"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
)

// Up to requestLogPerSecond answered requests a second get a line each;
// the rest of that second are counted, and the count is logged by the
// first request of a later second.
func TestRequestLogLimitCountsTheRest(t *testing.T) {
	var out syncbuf.Buffer
	l := requestLogLimit{logger: slog.New(slog.NewTextHandler(&out, nil))}
	second := time.Unix(1_800_000_000, 0)
	allowed := 0
	for i := range requestLogPerSecond + 50 {
		if l.allow(second.Add(time.Duration(i) * time.Millisecond)) {
			allowed++
		}
	}
	if allowed != requestLogPerSecond || out.String() != "" {
		t.Fatalf("%d requests in one second allowed a line, log %q; want %d and nothing yet", allowed, out.String(), requestLogPerSecond)
	}
	if !l.allow(second.Add(time.Second)) {
		t.Fatal("the first request of the next second got no line")
	}
	if got := out.String(); !strings.Contains(got, "more requests answered, not logged one by one") || !strings.Contains(got, "count=50") {
		t.Fatalf("log after the next second's first request = %q, want the count of 50", got)
	}
}

// Through the server: every failed request is logged, and every answered
// one is either logged or counted, once the server closes.
func TestRequestLogKeepsFailuresAndCountsEveryRequest(t *testing.T) {
	env := newTestEnv(t)
	var out syncbuf.Buffer
	srv, err := NewServer(slog.New(slog.NewTextHandler(&out, nil)), env.server.Config(), env.store, idgen.NewSeeded(7), func() time.Time { return fixedNow })
	if err != nil {
		t.Fatal(err)
	}
	env.srv.Config.Handler = srv
	const answered, failed = 3 * requestLogPerSecond, 30
	began := time.Now()
	for range answered {
		if got := env.do(t, req{method: http.MethodGet, path: "/partner/v1/partners/1"}); got.status != http.StatusOK {
			t.Fatalf("GET partner: %d %s", got.status, got.body)
		}
	}
	took := time.Since(began)
	for range failed {
		if got := env.do(t, req{method: http.MethodGet, path: "/partner/v1/partners/1", header: map[string]string{"Authorization": "Token wrong"}}); got.status != http.StatusUnauthorized {
			t.Fatalf("GET partner with a wrong key: %d", got.status)
		}
	}
	if err := srv.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	log := out.String()
	okLines := strings.Count(log, "status=200")
	if n := strings.Count(log, "status=401"); n != failed {
		t.Errorf("%d of %d failed requests logged, want every one", n, failed)
	}
	counted := 0
	for _, m := range regexp.MustCompile(`not logged one by one" count=(\d+)`).FindAllStringSubmatch(log, -1) {
		n, _ := strconv.Atoi(m[1])
		counted += n
	}
	if okLines+counted != answered {
		t.Errorf("%d answered requests logged and %d counted, want %d in all:\n%s", okLines, counted, answered, log)
	}
	// Sent within two seconds, they spanned at most two seconds of the
	// clock: at most twice the limit were logged one by one.
	if took < 2*time.Second && okLines > 2*requestLogPerSecond {
		t.Errorf("%d answered requests in %v logged one by one, want at most %d", okLines, took, 2*requestLogPerSecond)
	}
}
