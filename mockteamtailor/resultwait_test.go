package mockteamtailor

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// waiting reports how many waits watch result id now.
func (w *resultWatch) waiting(id string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if slot := w.slots[id]; slot != nil {
		return slot.waiters
	}
	return 0
}

// waitAsync starts GET /mock/v1/results/{id}/wait in the background.
func (e *testEnv) waitAsync(ctx context.Context, t *testing.T, id, timeout string) <-chan response {
	t.Helper()
	out := make(chan response, 1)
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+"/mock/v1/results/"+id+"/wait?timeout="+timeout, nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		resp, err := e.srv.Client().Do(hr)
		if err != nil {
			out <- response{status: -1, body: []byte(err.Error())}
			return
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		out <- response{status: resp.StatusCode, header: resp.Header, body: []byte(b.String())}
	}()
	return out
}

func decodeWait(t *testing.T, r response) controlapi.ResultWait {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("wait: status = %d, want 200; body: %s", r.status, r.body)
	}
	var w controlapi.ResultWait
	if err := json.Unmarshal(r.body, &w); err != nil {
		t.Fatalf("wait: %v\n%s", err, r.body)
	}
	return w
}

// A wait answers as soon as the partner posts the final status, long
// before its timeout: it is woken by the store, not by a timer.
func TestResultWaitWakesOnFinalStatus(t *testing.T) {
	env := newTestEnv(t)
	id := env.createResult(t, `{"status":"pending","candidate-id":1}`)
	start := time.Now()
	got := env.waitAsync(context.Background(), t, id, "50s")
	eventually(t, "the wait watches the result", func() bool { return env.server.watch.waiting(id) == 1 })
	// A change that is not final wakes the wait, which waits on.
	if r := env.do(t, req{method: "PATCH", path: "/partner/v1/partner-results/" + id, body: `{"data":{"type":"partner-results","attributes":{"summary":"half way"}}}`}); r.status != http.StatusOK {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	eventually(t, "the wait watches the result again", func() bool { return env.server.watch.waiting(id) == 1 })
	select {
	case r := <-got:
		t.Fatalf("the wait answered before the result was final: %s", r.body)
	default:
	}
	if r := env.do(t, req{method: "PATCH", path: "/partner/v1/partner-results/" + id, body: `{"data":{"type":"partner-results","attributes":{"status":"completed"}}}`}); r.status != http.StatusOK {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	w := decodeWait(t, <-got)
	if !w.Final || w.Result.Status != "completed" || w.Result.ID != id || w.Result.UpdateURL != env.server.ResultURL(id) {
		t.Errorf("wait = %+v, want final, completed, result %s with its update-url", w, id)
	}
	if d := time.Since(start); d > 25*time.Second {
		t.Errorf("the wait took %s: it did not wake on the change", d)
	}
	if n := env.server.watch.waiting(id); n != 0 || len(env.server.watch.slots) != 0 {
		t.Errorf("after the wait: %d waiters, %d watched results; want none", n, len(env.server.watch.slots))
	}
}

// A final result answers at once; a result still pending when the
// timeout passes answers 200 with final false and the result as it is.
func TestResultWaitFinalAndTimeout(t *testing.T) {
	env := newTestEnv(t)
	done := env.createResult(t, `{"status":"failed","candidate-id":1}`)
	if w := decodeWait(t, env.do(t, req{method: "GET", path: "/mock/v1/results/" + done + "/wait?timeout=60s"})); !w.Final || w.Result.Status != "failed" {
		t.Errorf("a failed result: wait = %+v, want final", w)
	}
	pending := env.createResult(t, `{"status":"pending","candidate-id":1}`)
	start := time.Now()
	w := decodeWait(t, env.do(t, req{method: "GET", path: "/mock/v1/results/" + pending + "/wait?timeout=30ms"}))
	if w.Final || w.Result.Status != "pending" || w.Result.ID != pending {
		t.Errorf("timed out wait = %+v, want not final, pending", w)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("the wait answered after %s, before its 30ms timeout", d)
	}
	if len(env.server.watch.slots) != 0 {
		t.Errorf("a timed-out wait left %d watched results", len(env.server.watch.slots))
	}
}

// Bad input: an unknown result is a 404 at once; a timeout that is not a
// duration, or is out of bounds, is a 400 naming the parameter.
func TestResultWaitBadInput(t *testing.T) {
	env := newTestEnv(t)
	if r := env.do(t, req{method: "GET", path: "/mock/v1/results/no-such-result/wait?timeout=50s"}); r.status != http.StatusNotFound || !strings.Contains(string(r.body), "no-such-result") {
		t.Errorf("unknown id: %d %s, want 404 naming it", r.status, r.body)
	}
	id := env.createResult(t, `{"status":"pending","candidate-id":1}`)
	for _, tt := range []struct{ timeout, want string }{
		{"soon", "must be a duration such as 500ms or 30s"},
		{"5", "must be a duration such as 500ms or 30s"},
		{"0s", "at least 1ms"},
		{"-3s", "at least 1ms"},
		{"61s", "at most 1m0s"},
		{"1h", "at most 1m0s"},
	} {
		r := env.do(t, req{method: "GET", path: "/mock/v1/results/" + id + "/wait?timeout=" + tt.timeout})
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), tt.want) || !strings.Contains(string(r.body), `"parameter":"timeout"`) {
			t.Errorf("timeout=%s: %d %s, want 400 saying %q, naming the parameter", tt.timeout, r.status, r.body, tt.want)
		}
	}
	if len(env.server.watch.slots) != 0 {
		t.Errorf("refused waits left %d watched results", len(env.server.watch.slots))
	}
}

// A client that goes away ends its wait: the handler returns and the
// result is watched no more (no goroutine waits on for nobody).
func TestResultWaitClientGoesAway(t *testing.T) {
	env := newTestEnv(t)
	id := env.createResult(t, `{"status":"pending","candidate-id":1}`)
	ctx, cancel := context.WithCancel(context.Background())
	got := env.waitAsync(ctx, t, id, "60s")
	eventually(t, "the wait watches the result", func() bool { return env.server.watch.waiting(id) == 1 })
	cancel()
	if r := <-got; r.status != -1 {
		t.Errorf("the cancelled request got an answer: %d %s", r.status, r.body)
	}
	eventually(t, "the handler stops watching", func() bool { return env.server.watch.waiting(id) == 0 && len(env.server.watch.slots) == 0 })
}

// A reset removes every result: a wait then answers 404, at once.
func TestResultWaitReset(t *testing.T) {
	env := newTestEnv(t)
	id := env.createResult(t, `{"status":"pending","candidate-id":1}`)
	got := env.waitAsync(context.Background(), t, id, "60s")
	eventually(t, "the wait watches the result", func() bool { return env.server.watch.waiting(id) == 1 })
	if r := env.do(t, req{method: "POST", path: "/mock/v1/reset"}); r.status != http.StatusOK {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if r := <-got; r.status != http.StatusNotFound {
		t.Errorf("wait across a reset: %d %s, want 404", r.status, r.body)
	}
}

// Many waits on one result all wake on one change, and each on its own
// result only.
func TestResultWatchFanOut(t *testing.T) {
	var w resultWatch
	var stops []func()
	var chans []<-chan struct{}
	for range 50 {
		ch, stop := w.watch("a")
		chans, stops = append(chans, ch), append(stops, stop)
	}
	other, stopOther := w.watch("b")
	w.changed("a")
	for i, ch := range chans {
		select {
		case <-ch:
		default:
			t.Fatalf("waiter %d of a was not woken", i)
		}
	}
	select {
	case <-other:
		t.Fatal("a change of a woke the waiter of b")
	default:
	}
	var wg sync.WaitGroup
	for _, stop := range stops {
		wg.Go(func() { stop(); stop() }) // a second stop is harmless
	}
	wg.Wait()
	if w.waiting("b") != 1 || len(w.slots) != 1 {
		t.Errorf("after a's waiters left: %v", w.slots)
	}
	stopOther()
	if len(w.slots) != 0 {
		t.Errorf("no waiter left, yet %d results watched", len(w.slots))
	}
}

// Closing the server ends a wait at once, with the result not final, so
// a long poll does not hold the shutdown up.
func TestResultWaitServerCloses(t *testing.T) {
	env := newTestEnv(t)
	id := env.createResult(t, `{"status":"pending","candidate-id":1}`)
	got := env.waitAsync(context.Background(), t, id, "60s")
	eventually(t, "the wait watches the result", func() bool { return env.server.watch.waiting(id) == 1 })
	if err := env.server.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := decodeWait(t, <-got); w.Final || w.Result.Status != "pending" {
		t.Errorf("wait across Close = %+v, want not final, pending", w)
	}
}
