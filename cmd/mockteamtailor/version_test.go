package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// TestVersion: --version prints the stamped version (here none: "dev"),
// the commit and the Go version.
func TestVersion(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"--version"}, func(string) string { return "" }, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); !strings.HasPrefix(got, "mockteamtailor dev (commit ") || !strings.Contains(got, runtime.Version()) {
		t.Errorf("--version printed %q", got)
	}
}

// TestHealth: health exits 0 for a mock that answers /healthz with 200,
// and fails, naming the mock, for one that does not answer or answers
// otherwise.
func TestHealth(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok\n"))
	}))
	defer ok.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	defer sick.Close()
	for _, tc := range []struct {
		name, mock, wantErr string
	}{
		{"healthy", ok.URL, ""},
		{"not answering", down.URL, "does not answer"},
		{"503", sick.URL, "answered GET /healthz with 503"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout bytes.Buffer
			err := run(context.Background(), []string{"health", "--mock", tc.mock}, func(string) string { return "" }, &stdout, io.Discard)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatal(err)
			case tc.wantErr == "" && !strings.Contains(stdout.String(), "is healthy"):
				t.Errorf("stdout %q", stdout.String())
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("err %v, want %q", err, tc.wantErr)
			}
		})
	}
}
