package controlhttp

import (
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// parseWaitTimeout never panics, and what it accepts is within bounds.
func FuzzParseWaitTimeout(f *testing.F) {
	for _, s := range []string{"", "30s", "500ms", "1m", "61s", "0", "-1s", "1e9h", "soon", "9223372036854775807ns"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, err := parseWaitTimeout(v)
		if err == nil && (d < time.Millisecond || d > controlapi.MaxResultWait) {
			t.Errorf("parseWaitTimeout(%q) = %s, out of bounds", v, d)
		}
		if err != nil && !strings.Contains(err.Error(), "timeout") {
			t.Errorf("parseWaitTimeout(%q): the error %q does not name the parameter", v, err)
		}
	})
}
