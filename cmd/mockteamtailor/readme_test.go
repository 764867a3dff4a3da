package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/skipreport"
)

// readmeBlock returns the shell block between the <name>:start and
// <name>:end markers of the README or of one of the documents in docs/.
func readmeBlock(t *testing.T, name string) string {
	t.Helper()
	re := regexp.MustCompile("(?s)<!-- " + name + ":start -->\\s*```sh\\n(.*?)```\\s*<!-- " + name + ":end -->")
	for _, doc := range sessionDocs {
		b, err := os.ReadFile(filepath.Join("../..", doc))
		if err != nil {
			t.Fatal(err)
		}
		if m := re.FindSubmatch(b); m != nil {
			return string(m[1])
		}
	}
	t.Fatalf("neither README.md nor docs/ has a %s block", name)
	return ""
}

// runScript runs a README shell block with MOCK set, failing the test
// with its output if any command fails.
func runScript(t *testing.T, script, mock string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Env = append(os.Environ(), "MOCK="+mock)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README examples failed: %v\n%s", err, out)
	}
	return string(out)
}

func needTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			skipreport.Skip(t, "README examples", tool+" is not installed (.ci/run installs it)")
		}
	}
}

// The README's Partner API examples work, as written, against a fresh
// "serve --seed 1": every curl succeeds and the key they use is the one
// that seed prints.
func TestREADMEExamplesWork(t *testing.T) {
	needTools(t)
	script := readmeBlock(t, "readme-examples")
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--seed", "1")
	if !strings.Contains(script, "KEY=${KEY:-"+r.APIKey+"}") {
		t.Fatalf("the README's example key is not the one serve --seed 1 prints (%s)", r.APIKey)
	}
	out := runScript(t, script, r.URL)
	for _, want := range []string{`"type":"partners"`, `"base-url":"http://localhost:3000"`, `"type":"partner-activations"`, `"duration":1934`, `"summary":"Re-scored"`, `"score":90`} {
		if !strings.Contains(out, want) {
			t.Errorf("README examples' output lacks %s:\n%s", want, out)
		}
	}
}

// The README's control API examples work against a fresh "serve" with
// its bundled example partner: triggers of every kind reach the partner,
// whose results come back, and every other endpoint answers.
func TestREADMEControlExamplesWork(t *testing.T) {
	needTools(t)
	script := readmeBlock(t, "readme-control-examples")
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0")
	out := runScript(t, script, r.URL)
	for _, want := range []string{`"apiKey":"` + r.APIKey + `"`, `"verdict":"ok"`, `"kind":"webhook"`, `"status":"completed"`, `"activated":true`, `"id":"staging"`, `"value":"upload:`, `"reset":true`, "curl -sS -i -X GET"} {
		if !strings.Contains(out, want) {
			t.Errorf("control examples' output lacks %s:\n%s", want, out)
		}
	}
}

// The README's CLI examples work, as written, with the real binary
// against a fresh "serve" and its bundled example partner.
func TestREADMECLIExamplesWork(t *testing.T) {
	needTools(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	if err := os.Symlink(bin, dir+"/mockteamtailor"); err != nil {
		t.Fatal(err)
	}
	script := readmeBlock(t, "readme-cli-examples")
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "MOCKTT_MOCK="+r.URL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README CLI examples failed: %v\n%s", err, out)
	}
	for _, want := range []string{`"apiKey": "` + r.APIKey + `"`, "created trigger", "provider key", "partner-api", "curl -sS -i -X POST", "completed", "every-question-kind", "valid"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("CLI examples' output lacks %q:\n%s", want, out)
		}
	}
}
