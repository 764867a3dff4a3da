package protocol

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jsonFastSeeds cover every branch of parseJSONFast: escapes, surrogates,
// invalid UTF-8, numbers at the edges of the grammar, and bad syntax.
var jsonFastSeeds = []string{
	`{"data":{"type":"partner-results","id":12,"attributes":{"status":"sent","candidate-id":1,"assessment":{"score":9.5e1,"grade":null},"details":{"a":[1,true,false,null,"x"]}}}}`,
	`{"a":"\u00e9\ud83d\ude00\\\/\b\f\n\r\t\"","b":"\ud800x","c":"\udc00\u0041","d":"\ud800\u0041"}`,
	"{\"a\":\"caf\xc3\xa9 \xff\xfe\"}",
	`[-0, 0.5, -1.25E+10, 1e-3, 123456789012345678901234567890]`,
	` { "a" : [ ] , "b" : { } , "a" : 2 } `,
	`{"a":1}{"b":2}`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`, `{"a":tru}`, `{"a":nul}`,
	`{"a":"\x"}`, `{"a":"\u12"}`, "{\"a\":\"\x01\"}", `{"a" 1}`, `{"a":1,}`, `[1,]`, `{a:1}`, `"abc`, ``, `   `,
	`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`, `null`, `true`, `"x"`, `7`,
}

// FuzzParseJSONFast checks that whatever parseJSONFast accepts,
// encoding/json (as the Partner API uses it) accepts too, with an equal
// value. What it refuses is decoded by encoding/json instead, so a
// refusal is never wrong, only slower.
func FuzzParseJSONFast(f *testing.F) {
	for _, s := range jsonFastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := parseJSONFast(data)
		var want any
		err := DecodeStrictJSON(data, &want)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("parseJSONFast accepted %q, encoding/json refuses it: %v", data, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("parseJSONFast(%q) differs from encoding/json (-want +got):\n%s", data, diff)
		}
	})
}

func TestParseJSONFastAcceptsWhatPartnersSend(t *testing.T) {
	for _, s := range []string{jsonFastSeeds[0], jsonFastSeeds[1], jsonFastSeeds[2], jsonFastSeeds[3], jsonFastSeeds[4]} {
		got, ok := parseJSONFast([]byte(s))
		if !ok {
			t.Errorf("parseJSONFast refused valid JSON %q", s)
			continue
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(s)))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("parseJSONFast(%q) (-want +got):\n%s", s, diff)
		}
	}
	for _, s := range []string{`{"a":1}{"b":2}`, `{"a":01}`, `{"a":1,}`, `"abc`, ``} {
		if _, ok := parseJSONFast([]byte(s)); ok {
			t.Errorf("parseJSONFast accepted invalid JSON %q", s)
		}
	}
}
