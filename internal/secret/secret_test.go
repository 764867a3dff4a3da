package secret

import (
	"strings"
	"testing"
)

func TestMaskHidesAllButTheStart(t *testing.T) {
	for in, want := range map[string]string{"": "", "short": "•••••", "12345678": "••••••••", "ttpk_abcdefghijklmnop": "ttpk_a…(21 chars)"} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
	if strings.Contains(Mask("ttpk_abcdefghijklmnop"), "bcdef") {
		t.Error("Mask shows more than the start")
	}
}
