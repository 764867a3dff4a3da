package main

import "testing"

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 candidates", 1: "1 candidate", 2: "2 candidates"} {
		if got := plural(n, "candidate", "candidates"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}
