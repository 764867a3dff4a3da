package main

import "testing"

// Rule: a size flag takes a whole number of bytes with an optional unit,
// prints itself back in the largest whole unit, and refuses anything else.
func TestByteSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		str  string
	}{
		{"64MiB", 64 << 20, "64MiB"},
		{"128 MiB", 128 << 20, "128MiB"},
		{"1GiB", 1 << 30, "1GiB"},
		{"500MB", 500e6, "500MB"},
		{"3KB", 3000, "3KB"},
		{"1048576", 1 << 20, "1MiB"},
		{"1000", 1000, "1KB"},
		{"17", 17, "17B"},
	} {
		var b byteSize
		if err := b.Set(tc.in); err != nil || int(b) != tc.want || b.String() != tc.str {
			t.Errorf("Set(%q) = %d (%q), %v; want %d (%q)", tc.in, int(b), b.String(), err, tc.want, tc.str)
		}
	}
	for _, bad := range []string{"", "0", "-1MiB", "1.5MiB", "MiB", "12XB", "2TiB", "9999999999999999999"} {
		var b byteSize
		if err := b.Set(bad); err == nil {
			t.Errorf("Set(%q) = %d, want an error", bad, int(b))
		}
	}
}
