package main

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The example partner serve runs in-process takes the provider keys of
// the partner's activations and refuses any other UUID, as the
// standalone one does with --teamtailor-url.
func TestBundledPartnerChecksProviderKeys(t *testing.T) {
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0")
	_, body := mustCall(t, http.MethodGet, r.URL+"/mock/v1/partners/"+r.PartnerID, "", "", http.StatusOK)
	var p struct {
		BaseURL string `json:"baseUrl"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.BaseURL == "" {
		t.Fatalf("partner %s has no base URL (%v): %s", r.PartnerID, err, body)
	}
	config := func(key string) int {
		req, err := http.NewRequest(http.MethodGet, p.BaseURL+"/config", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := config(r.ProviderKey); got != http.StatusOK {
		t.Errorf("GET /config with the sandbox provider key: %d, want 200", got)
	}
	if got := config(uuid.NewString()); got != http.StatusUnauthorized {
		t.Errorf("GET /config with a UUID no activation holds: %d, want 401", got)
	}

}
