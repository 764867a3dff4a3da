package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// createResults posts results from several clients until stop is closed
// or each made perClient; it returns the ids acknowledged with 201 and
// counts every other status.
func createResults(t *testing.T, url, key string, clients, perClient int, onAck func(), stop <-chan struct{}) (acked []string, statuses map[int]int) {
	t.Helper()
	var mu sync.Mutex
	statuses = map[int]int{}
	hc := &http.Client{Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for n := range perClient {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"data":{"type":"partner-results","attributes":{"status":"pending","candidate-id":%d,"summary":"client %d write %d"}}}`, 1000*(c+1)+n, c, n)
				resp, data, err := apiCall(hc, http.MethodPost, url+"/partner/v1/partner-results", key, body)
				if err != nil {
					return // the server died: this create was not acknowledged
				}
				var doc struct {
					Data struct{ ID string } `json:"data"`
				}
				mu.Lock()
				statuses[resp.StatusCode]++
				if resp.StatusCode == http.StatusCreated && json.Unmarshal(data, &doc) == nil {
					acked = append(acked, doc.Data.ID)
				}
				mu.Unlock()
				if resp.StatusCode == http.StatusCreated && onAck != nil {
					onAck()
				}
			}
		})
	}
	wg.Wait()
	return acked, statuses
}

// Rule: with --seed and --state, kill -9 in the middle of a load and a
// restart lose no acknowledged create, acknowledge no id twice and answer
// no create with 409; a webhook's partner-event id is never a key.
func TestSeededRestartNeverReusesIDs(t *testing.T) {
	bin := buildBinary(t)
	statePath := filepath.Join(t.TempDir(), "state.json")
	// Results for made-up candidates: the load is about durability.
	args := []string{"serve", "--listen", "127.0.0.1:0", "--state", statePath, "--seed", "3", "--accept-unknown-candidates"}
	first := startChild(t, bin, args...)

	const killAfter = 150
	var n atomic.Int64
	stop := make(chan struct{})
	var once sync.Once
	killed := make(chan struct{})
	onAck := func() {
		if n.Add(1) == killAfter {
			once.Do(func() {
				first.cmd.Process.Kill() // SIGKILL, mid-load
				close(stop)
				close(killed)
			})
		}
	}
	before, st1 := createResults(t, first.URL, first.APIKey, 6, 100, onAck, stop)
	select {
	case <-killed:
	default:
		t.Fatalf("the load ended with %d creates before the kill at %d", n.Load(), killAfter)
	}
	first.wait()
	if st1[http.StatusConflict] != 0 {
		t.Errorf("before the kill: %d creates got 409", st1[http.StatusConflict])
	}

	second := startChild(t, bin, args...)
	after, st2 := createResults(t, second.URL, second.APIKey, 6, 50, nil, nil)
	if st2[http.StatusConflict] != 0 || st2[http.StatusCreated] != 300 {
		t.Errorf("after the restart: statuses %v; want 300 × 201 and no 409", st2)
	}
	seen := map[string]int{}
	for _, id := range append(append([]string{}, before...), after...) {
		seen[id]++
	}
	twice := 0
	for id, k := range seen {
		if k > 1 {
			twice++
			t.Errorf("id %s acknowledged %d times", id, k)
		}
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	lost := 0
	for _, id := range before {
		if resp, _, err := apiCall(hc, http.MethodGet, second.URL+"/partner/v1/partner-results/"+id, second.APIKey, ""); err != nil || resp.StatusCode != http.StatusOK {
			lost++
		}
	}
	if lost != 0 {
		t.Errorf("%d acknowledged creates lost by the kill", lost)
	}
	t.Logf("%d creates acknowledged before kill -9, %d after the restart: %d lost, %d ids acknowledged twice, %d 409s",
		len(before), len(after), lost, twice, st1[http.StatusConflict]+st2[http.StatusConflict])

	// A webhook after the restart: its event id is no key.
	req, _ := http.NewRequest(http.MethodPost, second.URL+"/mock/v1/manual-triggers", strings.NewReader(`{"partnerId":"1","candidateId":1,"data":{"test":"go","threshold":"70"}}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Delivery struct {
			EventID string `json:"eventId"`
		} `json:"delivery"`
		Result struct{ ID string } `json:"result"`
	}
	var raw [1 << 20]byte
	m, _ := io.ReadFull(resp.Body, raw[:])
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw[:m], &out) != nil {
		t.Fatalf("manual trigger: %d %.500s", resp.StatusCode, raw[:m])
	}
	keysResp, err := hc.Get(second.URL + "/mock/v1/keys")
	if err != nil {
		t.Fatal(err)
	}
	var buf [1 << 16]byte
	k, _ := io.ReadFull(keysResp.Body, buf[:])
	keysResp.Body.Close()
	keyDoc := string(buf[:k])
	if out.Delivery.EventID == "" || strings.Contains(keyDoc, out.Delivery.EventID) || seen[out.Result.ID] > 0 {
		t.Errorf("webhook after restart: event id %q, result id %q; keys %s", out.Delivery.EventID, out.Result.ID, keyDoc)
	}
}
