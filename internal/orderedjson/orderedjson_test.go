package orderedjson

import (
	"encoding/json"
	"strings"
	"testing"
)

// Parse and Marshal keep key order, duplicate keys and number literals,
// and write compact or indented JSON that encoding/json reads the same.
func TestRoundTrip(t *testing.T) {
	in := `{"z":1.50,"a":[true,null,"x<&>y"],"z":{"b":{},"a":[]},"n":-0e10,"u":"åé😀"}`
	v, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(v.Marshal("")); got != in {
		t.Errorf("compact:\n got %s\nwant %s", got, in)
	}
	var a, b any
	if json.Unmarshal([]byte(in), &a) != nil || json.Unmarshal(v.Marshal("  "), &b) != nil {
		t.Fatal("not JSON")
	}
	if v.Get("z").Number != "1.50" || v.Get("missing") != nil {
		t.Errorf("Get: first z %v", v.Get("z"))
	}
	v.Set("new", Str("v"))
	v.Set("z", Str("both"))
	if got := string(v.Marshal("")); !strings.HasPrefix(got, `{"z":"both",`) || !strings.HasSuffix(got, `"new":"v"}`) || strings.Count(got, `"both"`) != 2 {
		t.Errorf("Set: %s", got)
	}
	for _, bad := range []string{"", "{", `{"a":1}{}`, `[1,]`, strings.Repeat("[", MaxDepth+2)} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"a":[1,"b",null,{"c":true}]}`))
	f.Add([]byte(`"\ud800"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		if err != nil {
			return
		}
		out := v.Marshal("")
		w, err := Parse(out)
		if err != nil {
			t.Fatalf("Marshal wrote what Parse refuses: %v\n%s", err, out)
		}
		if string(w.Marshal("")) != string(out) {
			t.Fatal("not stable across a second round trip")
		}
	})
}
