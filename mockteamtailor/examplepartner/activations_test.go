package examplepartner_test

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
)

// fakeActivations is the partner-activations list of a Teamtailor that
// activates companies while the partner runs.
type fakeActivations struct {
	mu       sync.Mutex
	keys     []string
	inflight int // reads being answered
	most     int // the most reads answered at once
	reads    atomic.Int64
}

func (f *fakeActivations) add(t *testing.T) string {
	t.Helper()
	key := uuid.NewString()
	f.mu.Lock()
	f.keys = append(f.keys, key)
	f.mu.Unlock()
	return key
}

func (f *fakeActivations) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/partner/v1/partner-activations" || r.Header.Get("Authorization") != "Token "+apiKey {
		http.Error(w, "no", http.StatusNotFound)
		return
	}
	f.reads.Add(1)
	f.mu.Lock()
	keys := append([]string(nil), f.keys...)
	f.inflight++
	f.most = max(f.most, f.inflight)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight--
		f.mu.Unlock()
	}()
	type attrs struct {
		ProviderKey string `json:"provider-key"`
	}
	var doc struct {
		Data []struct {
			Attributes attrs `json:"attributes"`
		} `json:"data"`
	}
	for _, k := range keys {
		jwe, err := providerkey.Encrypt(webhookSecret, k, rand.Reader)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		doc.Data = append(doc.Data, struct {
			Attributes attrs `json:"attributes"`
		}{attrs{jwe}})
	}
	w.Header().Set("Content-Type", "application/vnd.api+json")
	json.NewEncoder(w).Encode(doc)
}

// A provider key issued after the partner last read the activations is
// looked up, not refused from the old list: back-to-back runs, each with
// a company activated a moment before, all pass.
func TestNewProviderKeyIsLookedUp(t *testing.T) {
	tt := &fakeActivations{}
	srv := httptest.NewServer(tt)
	defer srv.Close()
	p := newPartner(t, func(c *examplepartner.Config) { c.TeamtailorURL = srv.URL })
	for run := range 5 {
		key := tt.add(t)
		for range 3 {
			if w := call(p, "GET", "/config", nil, bearer(key)); w.Code != http.StatusOK {
				t.Fatalf("run %d: GET /config with a key activated just before = %d %q, want 200", run, w.Code, w.Body)
			}
		}
	}
	if w := call(p, "GET", "/config", nil, bearer(uuid.NewString())); w.Code != http.StatusUnauthorized {
		t.Errorf("GET /config with a UUID no activation holds = %d, want 401", w.Code)
	}
}

// Unknown keys cost at most one read each, reads are one at a time, and
// a key repeated at once is answered from the read it missed in.
func TestUnknownKeysAreBounded(t *testing.T) {
	tt := &fakeActivations{}
	tt.add(t)
	srv := httptest.NewServer(tt)
	defer srv.Close()
	p := newPartner(t, func(c *examplepartner.Config) { c.TeamtailorURL = srv.URL })

	unknown := uuid.NewString()
	if w := call(p, "GET", "/config", nil, bearer(unknown)); w.Code != http.StatusUnauthorized {
		t.Fatalf("unknown key = %d, want 401", w.Code)
	}
	before := tt.reads.Load()
	for range 50 {
		call(p, "GET", "/config", nil, bearer(unknown))
	}
	// 50 repeats run well within repeatMiss (100 ms) on any machine this
	// runs on; a slow one may read once more, never once per request.
	if got := tt.reads.Load() - before; got > 1 {
		t.Errorf("50 repeats of one unknown key read the list %d times, want at most 1", got)
	}

	// 40 new keys at once share reads: fewer reads than keys.
	before = tt.reads.Load()
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() { call(p, "GET", "/config", nil, bearer(uuid.NewString())) })
	}
	wg.Wait()
	if got := tt.reads.Load() - before; got < 1 || got > 40 {
		t.Errorf("40 new unknown keys read the list %d times, want 1 to 40", got)
	}
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if tt.most != 1 {
		t.Errorf("the partner read the list %d times at once, want one read at a time", tt.most)
	}
}
