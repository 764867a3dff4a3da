package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seeds cover every branch of Parse: escapes, surrogates,
// invalid UTF-8, numbers at the edges of the grammar, and bad syntax.
var seeds = []string{
	`{"data":{"type":"partner-results","id":12,"attributes":{"status":"sent","candidate-id":1,"assessment":{"score":9.5e1,"grade":null},"details":{"a":[1,true,false,null,"x"]}}}}`,
	`{"a":"\u00e9\ud83d\ude00\\\/\b\f\n\r\t\"","b":"\ud800x","c":"\udc00\u0041","d":"\ud800\u0041"}`,
	"{\"a\":\"caf\xc3\xa9 \xff\xfe\"}",
	`[-0, 0.5, -1.25E+10, 1e-3, 123456789012345678901234567890]`,
	` { "a" : [ ] , "b" : { } , "a" : 2 } `,
	`{"a":1}{"b":2}`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`, `{"a":tru}`, `{"a":nul}`,
	`{"a":"\x"}`, `{"a":"\u12"}`, "{\"a\":\"\x01\"}", `{"a" 1}`, `{"a":1,}`, `[1,]`, `{a:1}`, `"abc`, ``, `   `,
	`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`, `null`, `true`, `"x"`, `7`,
}

// FuzzParse checks that whatever Parse accepts, encoding/json (as the
// Partner API uses it: UseNumber, nothing after the value) accepts too,
// with an equal value. What it refuses is decoded by encoding/json instead, so a
// refusal is never wrong, only slower.
func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := Parse(data, nil)
		var want any
		err := decodeStrict(data, &want)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("Parse accepted %q, encoding/json refuses it: %v", data, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Parse(%q) differs from encoding/json (-want +got):\n%s", data, diff)
		}
	})
}

func TestParseAcceptsWhatPartnersSend(t *testing.T) {
	for _, s := range []string{seeds[0], seeds[1], seeds[2], seeds[3], seeds[4]} {
		got, ok := Parse([]byte(s), nil)
		if !ok {
			t.Errorf("Parse refused valid JSON %q", s)
			continue
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(s)))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", s, diff)
		}
	}
	for _, s := range []string{`{"a":1}{"b":2}`, `{"a":01}`, `{"a":1,}`, `"abc`, ``} {
		if _, ok := Parse([]byte(s), nil); ok {
			t.Errorf("Parse accepted invalid JSON %q", s)
		}
	}
}

// decodeStrict decodes one JSON value and nothing after it, as the
// Partner API's encoding/json path does.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the value")
	}
	return nil
}
