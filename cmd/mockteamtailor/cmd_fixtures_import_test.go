package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/fixtures/scrub"
)

// pieces4 are the lower-cased 4-character pieces of s.
func pieces4(s string) []string {
	rs := []rune(strings.ToLower(s))
	var out []string
	for i := 0; i+4 <= len(rs); i++ {
		out = append(out, string(rs[i:i+4]))
	}
	return out
}

// Rule: fixtures import of a capture built to leak (personal data in
// keys, vocabulary fields, URL credentials, query keys, extensions, ...)
// writes a fixture and prints a report in which no listed secret
// survives, and the keys the report names (replaced or not understood)
// hold no 4-character piece of one.
func TestFixturesImportAdversarialCaptures(t *testing.T) {
	paths, _ := filepath.Glob("../../fixtures/scrub/testdata/adversarial/*.json")
	if len(paths) < 29 {
		t.Fatalf("%d adversarial captures, want at least 29", len(paths))
	}
	dir := t.TempDir()
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var a struct {
			Secrets []string        `json:"secrets"`
			Body    json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		capture := filepath.Join(dir, "capture.json")
		if err := os.WriteFile(capture, a.Body, 0o644); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		err, stdout, stderr := runClient(t, context.Background(), "fixtures", "import", capture, "--name", name, "--out", dir)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		fixture, _ := os.ReadFile(filepath.Join(dir, name+".json"))
		for _, s := range a.Secrets {
			for what, text := range map[string]string{"the fixture": string(fixture), "the report": stdout + stderr} {
				if strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
					t.Errorf("%s: the secret %q survives in %s", name, s, what)
				}
			}
		}
		for _, line := range strings.Split(stdout, "\n") {
			f := strings.Fields(line)
			if len(f) == 0 || !strings.HasPrefix(f[0], "/") || len(f) == 2 && f[1] != scrub.CatKey && f[1] != scrub.CatUnknown {
				continue
			}
			seg := strings.ToLower(f[0][strings.LastIndexByte(f[0], '/')+1:])
			for _, s := range a.Secrets {
				for _, g := range pieces4(s) {
					if strings.Contains(seg, g) {
						t.Errorf("%s: the report names a key holding %q, a piece of the secret %q: %s", name, g, s, line)
					}
				}
			}
		}
	}
}

// Rule: a capture that cannot be scrubbed without keeping a piece of an
// original is refused: nothing is written, and the error names the path
// but not the value.
func TestFixturesImportRefusesASurvivor(t *testing.T) {
	dir := t.TempDir()
	capture := filepath.Join(dir, "capture.json")
	// Zeros that start a run of digits are kept (a leading zero stays a
	// zero), so this name has no fake of its shape that differs from it.
	secret := "0 0 0 0 0"
	if err := os.WriteFile(capture, []byte(`{"partner-event":{"candidate":{"first-name":"`+secret+`"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	err, stdout, stderr := runClient(t, context.Background(), "fixtures", "import", capture, "--name", "zeros", "--out", dir)
	if err == nil || !strings.Contains(err.Error(), "/partner-event/candidate/first-name") || !strings.Contains(err.Error(), "refusing to write it") {
		t.Fatalf("import of an unscrubbable name: %v, want a refusal naming the path", err)
	}
	if strings.Contains(err.Error()+stdout+stderr, secret) {
		t.Errorf("the refusal prints the value: %v\n%s%s", err, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "zeros.json")); !os.IsNotExist(err) {
		t.Errorf("a refused import wrote its fixture: %v", err)
	}
}
