package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The README's "Reproduce a production webhook" commands work, as
// written, from the repository root with the real binary against a fresh
// "serve" and its bundled example partner.
func TestREADMEReplayExamplesWork(t *testing.T) {
	needTools(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	if err := os.Symlink(bin, dir+"/mockteamtailor"); err != nil {
		t.Fatal(err)
	}
	script := readmeBlock(t, "readme-replay-examples")
	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "MOCKTT_MOCK="+r.URL, "TMPDIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README replay examples failed: %v\n%s", err, out)
	}
	for _, want := range []string{"replay of line 2:", "unknown-key /partner-event/candidate/pronouns", "type-change /partner-event/candidate/phone",
		"result the partner posted: completed", "\n2\n", "not understood, scrubbed as text (1)", "wrote "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("README replay examples' output lacks %q:\n%s", want, out)
		}
	}
}
