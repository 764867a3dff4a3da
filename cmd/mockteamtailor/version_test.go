package main

import (
	"bytes"
	"context"
	"io"
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
