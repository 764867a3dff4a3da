package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Rule: MOCKTT_RESULT_BYTE_LIMIT bounds the results serve keeps: past it
// a new result is a 422 naming the limit and the flag; the flag wins
// over the variable.
func TestResultByteLimitFlag(t *testing.T) {
	doc := `{"data":{"type":"partner-results","attributes":{"status":"completed","candidate-id":1,"summary":"` + strings.Repeat("s", 4000) + `"}}}`
	fill := func(t *testing.T, r *running) (created int, detail string) {
		t.Helper()
		client := &http.Client{Timeout: 10 * time.Second}
		for range 50 {
			resp, body, err := apiCall(client, http.MethodPost, r.URL+"/partner/v1/partner-results", r.APIKey, doc)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusCreated {
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
				return created, string(body)
			}
			created++
		}
		return created, ""
	}
	r := startRun(t, map[string]string{"MOCKTT_RESULT_BYTE_LIMIT": "20KiB"}, "serve", "--listen", "127.0.0.1:0", "--seed", "7")
	created, detail := fill(t, r)
	if created != 4 || !strings.Contains(detail, "20480 bytes") || !strings.Contains(detail, "--result-byte-limit") {
		t.Errorf("MOCKTT_RESULT_BYTE_LIMIT=20KiB: %d results of 4 KB created, then %s; want 4, then a 422 naming the limit and the flag", created, detail)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	r = startRun(t, map[string]string{"MOCKTT_RESULT_BYTE_LIMIT": "20KiB"}, "serve", "--listen", "127.0.0.1:0", "--seed", "7", "--result-byte-limit", "40KB")
	if created, _ := fill(t, r); created != 9 {
		t.Errorf("--result-byte-limit 40KB: %d results of 4 KB created, want 9", created)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
}
