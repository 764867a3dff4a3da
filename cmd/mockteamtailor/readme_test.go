package main

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// readmeExamples returns the shell block between the readme-examples
// markers of the README.
func readmeExamples(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- readme-examples:start -->\\s*```sh\\n(.*?)```\\s*<!-- readme-examples:end -->").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no readme-examples block")
	}
	return string(m[1])
}

// The README's Partner API examples work, as written, against a fresh
// "serve --seed 1": every curl succeeds and the key they use is the one
// that seed prints.
func TestREADMEExamplesWork(t *testing.T) {
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed; .ci/run installs it", tool)
		}
	}
	script := readmeExamples(t)
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--seed", "1")
	if !strings.Contains(script, "KEY=${KEY:-"+r.APIKey+"}") {
		t.Fatalf("the README's example key is not the one serve --seed 1 prints (%s)", r.APIKey)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Env = append(os.Environ(), "MOCK="+r.URL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README examples failed: %v\n%s", err, out)
	}
	for _, want := range []string{`"type":"partners"`, `"base-url":"http://localhost:3000"`, `"type":"partner-activations"`, `"duration":1934`, `"summary":"Re-scored"`, `"score":90`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("README examples' output lacks %s:\n%s", want, out)
		}
	}
}
