package protocol

import (
	"strings"
	"testing"
)

// FuzzParseAuthorization: the Authorization parser never panics and never
// returns an empty key or one with spaces.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{"Token abc", "Token token=abc", `Token token="abc"`, "Bearer abc", "Basic abc", "", "Token", "Token a b", "token  abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		key, err := ParseAuthorization(h)
		if err == nil && (key == "" || strings.ContainsAny(key, " \t,")) {
			t.Fatalf("ParseAuthorization(%q) = %q", h, key)
		}
	})
}
