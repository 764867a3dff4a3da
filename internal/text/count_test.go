package text

import "testing"

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0 candidates", 1: "1 candidate", 2: "2 candidates"} {
		if got := Count(n, "candidate", "candidates"); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}
