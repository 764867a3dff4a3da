package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// durable100k is how many results the large durability test stores.
const durable100k = 100_000

// Rule: with 100,000 results stored (in the snapshot and in the log after
// it), serve --state killed with kill -9 while clients update and create
// results, and then left with a half-written last log record, starts
// again without complaint and has every acknowledged write and all the
// results. The README's test command runs it; -short skips it.
func TestDurability100kResultsTornTail(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 100,000 results; run without -short")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.json")
	// Results for made-up candidates: the load is about durability.
	args := []string{"serve", "--listen", "127.0.0.1:0", "--state", statePath, "--seed", "5", "--accept-unknown-candidates"}

	// The binary makes the sandbox; the 100,000 results go in through the
	// store (over HTTP they would take minutes under -race).
	first := startChild(t, bin, args...)
	if err := first.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	first.wait()
	ctx := context.Background()
	st, err := store.OpenMemStore(statePath)
	if err != nil {
		t.Fatal(err)
	}
	partner, err := st.PartnerByAPIKey(ctx, first.APIKey)
	if err != nil {
		t.Fatal(err)
	}
	bulkID := func(i int) string { return fmt.Sprintf("bulk-%06d", i) }
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < durable100k; i = int(next.Add(1)) - 1 {
				summary := "stored result " + bulkID(i)
				if _, err := st.CreateResult(ctx, store.PartnerResult{ID: bulkID(i), PartnerID: partner.ID, CreatedAt: time.Now(), UpdatedAt: time.Now(), ResultAttributes: protocol.ResultAttributes{Status: "completed", CandidateID: int64(i + 1), Summary: &summary, Details: json.RawMessage(`{"language":"go","tests-passed":"17/20"}`)}}); err != nil {
					t.Error(err)
					return
				}
				if i == durable100k*9/10 {
					// Most results in the snapshot, the rest in the log after it.
					if err := st.Compact(); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if err := st.Flush(); err != nil {
		t.Fatal(err)
	}

	began := time.Now()
	second := startChildWithin(t, 2*time.Minute, bin, args...)
	t.Logf("start-up with %d results (snapshot and log): %v (race detector: %v)", durable100k, time.Since(began), raceEnabled())

	// Eight clients update their own share of the stored results and
	// create new ones; each remembers what was acknowledged.
	const clients = 8
	type known struct {
		acked, pending string // summaries
	}
	updates := make([]map[string]*known, clients)
	created := make([][]string, clients)
	var pendingCreates [clients]string
	var acked atomic.Int64
	stop := make(chan struct{})
	var load sync.WaitGroup
	httpc := &http.Client{Timeout: 30 * time.Second}
	for c := range clients {
		updates[c] = map[string]*known{}
		load.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if n%4 == 3 {
					body := fmt.Sprintf(`{"data":{"type":"partner-results","attributes":{"status":"sent","candidate-id":%d,"summary":"created %d-%d"}}}`, 500000+n, c, n)
					pendingCreates[c] = fmt.Sprintf("created %d-%d", c, n)
					resp, data, err := apiCall(httpc, http.MethodPost, second.URL+"/partner/v1/partner-results", second.APIKey, body)
					if err != nil {
						return // the kill
					}
					if resp.StatusCode != http.StatusCreated {
						t.Errorf("create: %d %s", resp.StatusCode, data)
						return
					}
					var doc struct{ Data struct{ ID string } }
					json.Unmarshal(data, &doc)
					created[c] = append(created[c], doc.Data.ID)
					pendingCreates[c] = ""
					acked.Add(1)
					continue
				}
				id := bulkID((c + n*clients*7) % durable100k)
				k := updates[c][id]
				if k == nil {
					k = &known{acked: "stored result " + id}
					updates[c][id] = k
				}
				k.pending = fmt.Sprintf("update %d-%d", c, n)
				body := fmt.Sprintf(`{"data":{"type":"partner-results","id":%q,"attributes":{"summary":%q}}}`, id, k.pending)
				resp, data, err := apiCall(httpc, http.MethodPatch, second.URL+"/partner/v1/partner-results/"+id, second.APIKey, body)
				if err != nil {
					return
				}
				if resp.StatusCode != http.StatusOK {
					t.Errorf("update %s: %d %s", id, resp.StatusCode, data)
					return
				}
				k.acked, k.pending = k.pending, ""
				acked.Add(1)
			}
		})
	}
	deadline := time.Now().Add(2 * time.Minute)
	for acked.Load() < 400 && time.Now().Before(deadline) && !t.Failed() {
		time.Sleep(10 * time.Millisecond)
	}
	if err := second.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	second.wait()
	close(stop)
	load.Wait()
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("killed after %d acknowledged writes", acked.Load())

	// A half-written record at the end of the newest log generation.
	logs, _ := filepath.Glob(statePath + ".log.*")
	sort.Slice(logs, func(i, j int) bool {
		return len(logs[i]) < len(logs[j]) || len(logs[i]) == len(logs[j]) && logs[i] < logs[j]
	})
	if len(logs) == 0 {
		t.Fatal("no state log beside the state file")
	}
	// The log is extended with zeros ahead of its records, so the
	// half-written record goes where the next one would: after the last
	// whole record (length and checksum, then the payload).
	data, err := os.ReadFile(logs[len(logs)-1])
	if err != nil {
		t.Fatal(err)
	}
	// A 54-byte header, then records: length, checksum, payload and a
	// 4-byte end mark.
	end := len("mockteamtailor-log 4 ") + 32 + 1
	for end+8 <= len(data) {
		n := int(binary.LittleEndian.Uint32(data[end:]))
		if n == 0 || end+8+n+4 > len(data) {
			break
		}
		end += 8 + n + 4
	}
	f, err := os.OpenFile(logs[len(logs)-1], os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	torn := binary.LittleEndian.AppendUint32(nil, 900)
	torn = binary.LittleEndian.AppendUint32(torn, 0xdeadbeef)
	torn = append(torn, `{"put":[{"kind":"result","id":"bulk-000001","value":{"id":"bulk-0`...)
	if _, err := f.WriteAt(torn, int64(end)); err != nil {
		t.Fatal(err)
	}
	f.Close()

	began = time.Now()
	third := startChildWithin(t, 2*time.Minute, bin, args...)
	t.Logf("start-up after the kill with a torn tail: %v", time.Since(began))
	verify := &http.Client{Timeout: 30 * time.Second}
	get := func(id string) (int, string) {
		resp, data, err := apiCall(verify, http.MethodGet, third.URL+"/partner/v1/partner-results/"+id, third.APIKey, "")
		if err != nil {
			t.Fatalf("GET %s: %v", id, err)
		}
		var doc struct {
			Data struct {
				Attributes struct{ Summary string } `json:"attributes"`
			} `json:"data"`
		}
		json.Unmarshal(data, &doc)
		return resp.StatusCode, doc.Data.Attributes.Summary
	}
	for c := range clients {
		for id, k := range updates[c] {
			status, got := get(id)
			if status != http.StatusOK || (got != k.acked && got != k.pending) {
				t.Errorf("result %s: acknowledged summary %q (in flight %q), after restart %d %q", id, k.acked, k.pending, status, got)
			}
		}
		for _, id := range created[c] {
			if status, _ := get(id); status != http.StatusOK {
				t.Errorf("acknowledged create %s: GET gives %d after restart", id, status)
			}
		}
	}
	resp, data, err := apiCall(verify, http.MethodGet, third.URL+"/partner/v1/partner-results?page[size]=1", third.APIKey, "")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("list: %v %s", err, data)
	}
	var list struct {
		Meta struct {
			RecordCount int `json:"record-count"`
		} `json:"meta"`
	}
	json.Unmarshal(data, &list)
	ackedCreates, inFlight := 0, 0
	for c := range clients {
		ackedCreates += len(created[c])
		if pendingCreates[c] != "" {
			inFlight++
		}
	}
	// The sandbox seeds no results; every stored one is ours.
	if n := list.Meta.RecordCount; n < durable100k+ackedCreates || n > durable100k+ackedCreates+inFlight {
		t.Errorf("after restart %d results, want %d stored + %d acknowledged creates (+ up to %d in flight)", n, durable100k, ackedCreates, inFlight)
	}
	if strings.Contains(third.stderr.String(), "corrupt") {
		t.Errorf("the torn tail was reported as corruption:\n%s", third.stderr)
	}
}
