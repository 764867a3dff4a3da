package signature

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// Rule: Restringify writes what JavaScript's
// JSON.stringify(JSON.parse(body)) writes; the wants are Node's output.
func TestRestringifyIsJavaScriptsJSONStringify(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{ "b": 1, "a": [1.0, 2.50, -0, 1e21, 1e-7, 123456789012345678901234, 0.000001] }`,
			`{"b":1,"a":[1,2.5,0,1e+21,1e-7,1.2345678901234569e+23,0.000001]}`},
		{`{"z": 1, "10": 2, "2": 3, "01": 4, "-1": 5}`, `{"2":3,"10":2,"z":1,"01":4,"-1":5}`},
		{`{"a": 1, "b": 2, "a": 3}`, `{"a":3,"b":2}`},
		{`"\u003cb\u003e \u00e9 \/ \u0001 \t \u2028"`, "\"<b> é / \\u0001 \\t \u2028\""},
		{`[true, false, null, {}, []]`, `[true,false,null,{},[]]`},
		{`1e400`, `null`},
		{`{"n": 100, "m": 1.5e3, "s": 5e-324}`, `{"n":100,"m":1500,"s":5e-324}`},
	} {
		got, err := Restringify([]byte(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("Restringify(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{``, `{`, `{"a":1} x`, `[1,]`} {
		if _, err := Restringify([]byte(bad)); err == nil {
			t.Errorf("Restringify(%q) gave no error", bad)
		}
	}
}

// Rule: Explain names a v1 over "<t>.undefined" and a v1 over the
// re-serialised body, the mistakes of verifiers that copied a sample.
func TestExplainNamesTheSampleMistakes(t *testing.T) {
	spaced := []byte(strings.Replace(string(testBody), `"company":`, `"company": `, 1))
	restringified, err := ComputeRestringified(testSecret, testTS, spaced)
	if err != nil {
		t.Fatal(err)
	}
	if restringified == ComputeLegacy(testSecret, testTS, spaced) {
		t.Fatal("the spaced body re-serialises to itself")
	}
	for _, tc := range []struct {
		name, v1 string
		body     []byte
		want     string
	}{
		{"undefined event id", ComputeUndefined(testSecret, testTS), nil, `v1 signs "<t>.undefined"`},
		{"re-serialised body", restringified, spaced, "the re-serialised body was signed"},
	} {
		d := Explain(header(tPart, "v1="+tc.v1, goodV0), testSecret, testEventID, tc.body, testTime, 0)
		if d.Valid || len(d.Reasons) == 0 || !strings.Contains(d.Reasons[0], tc.want) {
			t.Errorf("%s: %+v, want first reason %q", tc.name, d, tc.want)
		}
		if containsAny(d.Reasons, "wrong webhook secret") {
			t.Errorf("%s: also blames the secret: %q", tc.name, d.Reasons)
		}
	}
}

// Rule: Restringify never panics; what it writes is JSON that reads as
// the same value, and writing it again changes nothing.
func FuzzRestringify(f *testing.F) {
	f.Add(string(testBody))
	f.Add(`{"2": 1, "b": [1.0, -0, 1e21, "\u2028"], "a": {"x": null}, "b": true}`)
	f.Add(`1e400`)
	f.Add(`"\ud800"`)
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Restringify([]byte(in))
		if err != nil {
			return
		}
		var a, b any
		if json.Unmarshal([]byte(in), &a) != nil {
			return // e.g. 1e400, which JavaScript reads as Infinity
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatalf("Restringify(%q) = %q, not JSON: %v", in, out, err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("Restringify(%q) = %q reads as %v, want %v", in, out, b, a)
		}
		again, err := Restringify(out)
		if err != nil || string(again) != string(out) {
			t.Fatalf("Restringify(%q) = %q, again %q (%v)", in, out, again, err)
		}
	})
}
