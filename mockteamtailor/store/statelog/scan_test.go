package statelog

import (
	"slices"
	"strings"
	"testing"
)

// Rule: Read returns every whole record written, in order, and takes a
// last record cut short before zeros for the torn tail of a crash.
func TestReadWholeAndTornRecords(t *testing.T) {
	data := []byte(MagicV4 + strings.Repeat("ab", 16) + "\n")
	data = AppendFrame(data, []byte{StartRecord})
	for _, p := range []string{"one", "two"} {
		data = AppendFrame(data, []byte(p))
	}
	whole := len(data)
	data = AppendFrame(data, []byte(strings.Repeat("x", 600)))
	torn := slices.Concat(data[:whole+8], make([]byte, Sector*2))
	for _, tc := range []struct {
		name string
		data []byte
		want []string
		torn bool
	}{
		{"whole", slices.Concat(data, make([]byte, 64)), []string{"one", "two", strings.Repeat("x", 600)}, false},
		{"torn", torn, []string{"one", "two"}, true},
	} {
		var got []string
		sc := Read(tc.data, func(p []byte, _ int64) error { got = append(got, string(p)); return nil })
		if sc.Damage != nil {
			t.Fatalf("%s: damage %+v", tc.name, sc.Damage)
		}
		if !slices.Equal(got, tc.want) || (sc.Torn > 0) != tc.torn || sc.Version != 4 || sc.ID != strings.Repeat("ab", 16) {
			t.Errorf("%s: read %q (torn %d, version %d, id %q), want %q (torn %v)", tc.name, got, sc.Torn, sc.Version, sc.ID, tc.want, tc.torn)
		}
	}
}
