package text

import "testing"

// TestCut pins the shape of every shortening the project writes.
func TestCut(t *testing.T) {
	for _, tc := range []struct {
		name string
		cut  Cut
		in   string
		want string
	}{
		{"short text kept", Cut{Max: 5, Mark: "…"}, "abc", "abc"},
		{"cut on a rune boundary", Cut{Max: 4, Mark: "…"}, "abcé€", "abc…"},
		{"empty text as given", Cut{Max: 5, Mark: "…"}, "", ""},
		{"bytes cut inside a rune", Cut{Max: 4, Mark: "...", Bytes: true}, "abcé€", "abc\xc3..."},
		{"trimmed before measuring", Cut{Max: 3, Mark: "…", Trim: true}, "  abc \n", "abc"},
		{"empty after trim", Cut{Max: 3, Mark: "…", Trim: true, Empty: "(empty)"}, " \n ", "(empty)"},
		{"kept part trimmed", Cut{Max: 4, Mark: "…", Bytes: true, Trim: true, TrimKept: true}, "abc def", "abc…"},
		{"kept part not trimmed", Cut{Max: 4, Mark: "…", Trim: true}, "abc def", "abc …"},
		{"total", Cut{Max: 3, Mark: "…", Total: true, Trim: true}, " abcdef ", "abc… (6 bytes in all)"},
	} {
		if got := tc.cut.Of(tc.in); got != tc.want {
			t.Errorf("%s: Of(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}
