package fuzz_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/conformance/fuzz"
)

var update = flag.Bool("update", false, "rewrite testdata/help.golden")

// ttconformance fuzz --help is testdata/help.golden; -update rewrites it.
func TestHelpGolden(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := fuzz.Main(context.Background(), []string{"--help"}, func(string) string { return "" }, &stdout, &stderr); code != 0 {
		t.Fatalf("--help: exit %d\n%s", code, stderr.String())
	}
	const golden = "testdata/help.golden"
	if *update {
		if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stdout.Bytes(), want) {
		t.Errorf("--help differs from %s (go test ./conformance/fuzz/ -run TestHelpGolden -update rewrites it):\n%s", golden, stdout.String())
	}
}
