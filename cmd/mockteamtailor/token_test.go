package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	bannerToken = regexp.MustCompile(`(?m)^  control token +(mtc_[0-9a-f]+) `)
	bannerUI    = regexp.MustCompile(`(?m)^  web UI +(\S+)\n`)
)

// Rule: listening beyond loopback, serve generates a control token, prints
// it and a web UI link carrying it, and the control API refuses requests
// without it; the CLI sends MOCKTT_CONTROL_TOKEN.
func TestServeBeyondLoopbackRequiresTheControlToken(t *testing.T) {
	bin := buildBinary(t)
	c := startChild(t, bin, "serve", "--listen", "0.0.0.0:20961", "--public-url", "http://127.0.0.1:20961")
	out := c.stdout.String()
	m := bannerToken.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the banner shows no control token:\n%s", out)
	}
	token := m[1]
	if ui := bannerUI.FindStringSubmatch(out); ui == nil || ui[1] != c.URL+"/?token="+token {
		t.Errorf("the banner's web UI link is %v, want %s/?token=%s", ui, c.URL, token)
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	get := func(auth string) int {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:20961/mock/v1/keys", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get(""); s != http.StatusUnauthorized {
		t.Errorf("without the token: %d, want 401", s)
	}
	if s := get("Bearer " + token); s != http.StatusOK {
		t.Errorf("with the token: %d, want 200", s)
	}
	var stdout, stderr bytes.Buffer
	env := map[string]string{"MOCKTT_MOCK": "http://127.0.0.1:20961"}
	if err := run(context.Background(), []string{"keys"}, envFunc(env), &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "control token") {
		t.Errorf("keys without MOCKTT_CONTROL_TOKEN: %v, want an error naming the control token", err)
	}
	env["MOCKTT_CONTROL_TOKEN"] = token
	stdout.Reset()
	if err := run(context.Background(), []string{"keys"}, envFunc(env), &stdout, &stderr); err != nil || !strings.Contains(stdout.String(), c.APIKey) {
		t.Errorf("keys with MOCKTT_CONTROL_TOKEN: %v\n%s", err, stdout.String())
	}
}

// Rule: on loopback there is no token unless one is set.
func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:1": true, "[::1]:1": true, "0.0.0.0:1": false, "[::]:1": false, "192.168.1.2:1": false} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := isLoopback(a); got != want {
			t.Errorf("isLoopback(%s) = %v, want %v", addr, got, want)
		}
	}
}

// Rule: slow clients cannot hold connections forever.
func TestServerTimeouts(t *testing.T) {
	hs := newHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 {
		t.Errorf("timeouts %v %v %v, max header bytes %d: want all set", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.IdleTimeout, hs.MaxHeaderBytes)
	}
}
