package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/syncbuf"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

var listening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)\n`)

// run serves on the address it prints, with keys from flags or the
// environment, until its context ends.
func TestRunServesUntilCancelled(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"flags", []string{"--listen", "127.0.0.1:0", "--api-key", "k", "--webhook-secret", "s", "--log-format", "json"}, nil},
		{"environment", nil, map[string]string{"EXAMPLEPARTNER_LISTEN": "127.0.0.1:0", "EXAMPLEPARTNER_API_KEY": "k", "EXAMPLEPARTNER_WEBHOOK_SECRET": "s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stdout syncbuf.Buffer
			done := make(chan error, 1)
			go func() { done <- run(ctx, tt.args, env(tt.env), &stdout, io.Discard) }()

			var base string
			deadline := time.Now().Add(5 * time.Second)
			for base == "" {
				if m := listening.FindStringSubmatch(stdout.String()); m != nil {
					base = m[1]
				} else if time.Now().After(deadline) {
					t.Fatalf("after 5s stdout is %q, want the address", stdout.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			if want := "mockteamtailor serve --partner-base-url " + base + " --api-key <same> --webhook-secret <same>"; !strings.Contains(stdout.String(), want) {
				t.Errorf("stdout = %q, want the hint %q", stdout.String(), want)
			}
			resp, err := http.Get(base + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("GET /healthz = %d, want 200", resp.StatusCode)
			}

			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("run = %v, want nil after cancel", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("run did not return after cancel")
			}
		})
	}
}

// Bad flags and environment values are errors that name the flag or
// variable, before anything listens.
func TestRunRefusesBadInput(t *testing.T) {
	keys := []string{"--api-key", "k", "--webhook-secret", "s"}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"missing api key", []string{"--webhook-secret", "s"}, nil, []string{"--api-key (or EXAMPLEPARTNER_API_KEY) is required"}},
		{"missing both keys", nil, nil, []string{"--api-key (or EXAMPLEPARTNER_API_KEY)", "--webhook-secret (or EXAMPLEPARTNER_WEBHOOK_SECRET)"}},
		{"unknown flag", append([]string{"--nope"}, keys...), nil, []string{"not defined: -nope", "--help"}},
		{"bad duration", append([]string{"--result-delay", "soon"}, keys...), nil, []string{"result-delay", "soon"}},
		{"negative delay", append([]string{"--result-delay", "-1s"}, keys...), nil, []string{"--result-delay -1s must not be negative"}},
		{"bad log format", append([]string{"--log-format", "xml"}, keys...), nil, []string{`--log-format "xml" must be text or json`}},
		{"extra argument", append([]string{"serve"}, keys...), nil, []string{"unexpected arguments", "serve"}},
		{"bad environment value", keys, map[string]string{"EXAMPLEPARTNER_RESULT_DELAY": "soon"}, []string{`EXAMPLEPARTNER_RESULT_DELAY="soon"`}},
		{"bad listen address", append([]string{"--listen", "nowhere"}, keys...), nil, []string{"--listen nowhere"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout bytes.Buffer
			err := run(context.Background(), tt.args, env(tt.env), &stdout, io.Discard)
			if err == nil {
				t.Fatalf("run(%q) = nil, want an error", tt.args)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("run(%q) = %q, want it to contain %q", tt.args, err, w)
				}
			}
			if strings.Contains(stdout.String(), "listening") {
				t.Errorf("stdout = %q; nothing should listen", stdout.String())
			}
		})
	}
}

// --help explains every flag and the environment variables, on stdout.
func TestHelp(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, env(nil), &stdout, io.Discard); err != nil {
		t.Fatalf("run(--help) = %v", err)
	}
	for _, want := range []string{"-listen", "-api-key", "-webhook-secret", "-result-delay", "-log-format", "EXAMPLEPARTNER_<FLAG>", "reject-me", "127.0.0.1:3000"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--help does not mention %q:\n%s", want, stdout.String())
		}
	}
}

// TestVersion: --version prints the version, commit and Go version and
// starts nothing (no --api-key needed).
func TestVersion(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"--version"}, env(nil), &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); !strings.HasPrefix(got, "examplepartner dev (commit ") || !strings.Contains(got, runtime.Version()) {
		t.Errorf("--version printed %q", got)
	}
}
