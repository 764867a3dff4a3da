package protocol

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// resultRequestSeeds are partner-results documents the one pass accepts
// (the first ones) and ones it must leave to the general path.
var resultRequestSeeds = []string{
	// What a typical assessment partner sends: details already as
	// json.Marshal writes them.
	`{"data":{"attributes":{"assessment":{"duration":"0:32:14","grade":"might_be_fit","score":55.1},"attachments":[{"description":"Full report","url":"https://assessments.example.com/reports/100001.pdf"},{"description":"Screen recording","url":"https://assessments.example.com/recordings/100001"}],"candidate-id":100001,"details":{"attempts":2,"breakdown":{"correctness":92,"performance":77,"style":81},"language":"Go","level":"senior","sections":["algorithms","system design","testing"]},"job-id":2001,"status":"completed","summary":"Scored 52% on the backend assessment.","url":"https://assessments.example.com/results/100001"},"id":"0b3c2f1e-0000-4000-8000-000000000001","type":"partner-results"}}`,
	// The same with spaces, keys in another order and escapes.
	` { "data" : { "type" : "partner-results", "id" : 12, "attributes" : { "status" : "sent", "candidate-id" : 1.0e0, "details" : { "z" : 1, "a" : [ "x", null, true ], "b\u00e9" : { "q<" : "&" } }, "summary" : "caf\u00e9 \ud83d\ude00", "job-id" : null } }, "meta" : {"x": [1, {"y": 2}]} } `,
	`{"data":{"type":"partner-results","attributes":{"status":"pending","assessment":{"score":0,"grade":null,"duration":3600},"attachments":[],"actions":[{"buttonText":"Retry","endpoint":"/retry","extra":1}],"assessment-criteria":[{"id":"tech","score":100},{"id":7}],"details":{}}}}`,
	`{"data":{"type":"partner-results","attributes":{"assessment":null,"details":null,"attachments":null,"actions":null,"assessment-criteria":null,"url":null,"summary":null}}}`,
	`{"data":{"type":"partner-results","attributes":{"assessment":{"duration":"12:59:59"},"url":"HTTP://Example.com:8080/a?b=c#d"}}}`,
	// Details whose keys are not in order, at both levels: the one pass
	// sorts them as json.Marshal does.
	`{"data":{"type":"partner-results","attributes":{"details":{"language":"go","tests-passed":"17/20","reviewer":"auto","b":{"y":1,"x":null},"a":[]}}}}`,
	`{"data":{"type":"partner-results","attributes":{"details":{"b":{},"a":{"d":-1.5e3,"c":"x"}}}}}`,
	// Repeated keys in details: the last one counts, as in the general path.
	`{"data":{"type":"partner-results","attributes":{"details":{"b":1,"a":2,"b":3}}}}`,
	`{"data":{"type":"partner-results","attributes":{"details":{"b":{"y":1,"x":2,"y":3},"a":2}}}}`,
	// Broken rules and shapes: the general path decides.
	`{"data":{"type":"partner-results","attributes":{"status":"done"}}}`,
	`{"data":{"type":"partner-results","attributes":{"status":"sent","status":"pending"}}}`,
	`{"data":{"type":"partner-results","attributes":{"bogus":1}}}`,
	`{"data":{"type":"partner-results","attributes":{"candidate-id":0}}}`,
	`{"data":{"type":"partner-results","attributes":{"candidate-id":1e999}}}`,
	`{"data":{"type":"partner-results","attributes":{"assessment":{"score":101}}}}`,
	`{"data":{"type":"partner-results","attributes":{"assessment":{"duration":"1:60:00"}}}}`,
	`{"data":{"type":"partner-results","attributes":{"details":{"a":{"b":{"c":1}}}}}}`,
	`{"data":{"type":"partner-results","attributes":{"attachments":[{"url":"ftp://x"}]}}}`,
	`{"data":{"type":"partner-results","attributes":{"url":"https://"}}}`,
	`{"data":{"type":"partners","attributes":{}}}`,
	`{"data":{"type":"partner-results","id":true,"attributes":{}}}`,
	`{"data":{"type":"partner-results"}}`,
	`{"data":[],"data":{}}`, `{"data":1}`, `[]`, ``, `{"data":{"type":"partner-results","attributes":{}}} x`,
}

// FuzzDecodeResultRequest checks that whatever the one pass accepts, the
// general path (DecodeResource, then ValidateResultAttrs) accepts with
// the same resource and patch, on create and on update. What the one
// pass refuses goes to the general path, so a refusal is never wrong.
func FuzzDecodeResultRequest(f *testing.F) {
	for _, s := range resultRequestSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, create := range []bool{false, true} {
			in, patch, ok := decodeResultFast(body, create)
			if !ok {
				continue
			}
			want, err := DecodeResource(body, "partner-results")
			if err != nil {
				t.Fatalf("one pass accepted %q (create %v); DecodeResource refuses it: %v", body, create, err)
			}
			wantPatch, problems := ValidateResultAttrs(want.Attributes, create)
			if len(problems) > 0 {
				t.Fatalf("one pass accepted %q (create %v); ValidateResultAttrs refuses it: %v", body, create, problems)
			}
			want.Attributes = nil
			if diff := cmp.Diff(want, in); diff != "" {
				t.Fatalf("resource of %q differs (-general +one pass):\n%s", body, diff)
			}
			if diff := cmp.Diff(wantPatch, patch); diff != "" {
				t.Fatalf("patch of %q (create %v) differs (-general +one pass):\n%s", body, create, diff)
			}
		}
	})
}

func TestDecodeResultRequestTakesOnePassForValidDocuments(t *testing.T) {
	for _, s := range resultRequestSeeds[:9] {
		if _, _, ok := decodeResultFast([]byte(s), false); !ok {
			t.Errorf("the one pass refused a valid document: %s", s)
		}
	}
	if _, _, ok := decodeResultFast([]byte(resultRequestSeeds[0]), true); !ok {
		t.Errorf("the one pass refused a valid create document")
	}
	_, patch, _ := decodeResultFast([]byte(resultRequestSeeds[5]), false)
	if got, want := string(patch.Details.V), `{"a":[],"b":{"x":null,"y":1},"language":"go","reviewer":"auto","tests-passed":"17/20"}`; got != want {
		t.Errorf("details in one pass = %s, want the keys sorted: %s", got, want)
	}
	// A create needs status and candidate-id.
	if _, _, ok := decodeResultFast([]byte(resultRequestSeeds[3]), true); ok {
		t.Errorf("the one pass accepted a create without status and candidate-id")
	}
	for _, s := range resultRequestSeeds[9:] {
		if _, _, ok := decodeResultFast([]byte(s), false); ok {
			t.Errorf("the one pass accepted what the general path must decide: %s", s)
		}
	}
}

func TestDecodeResultRequestReportsWhatTheGeneralPathReports(t *testing.T) {
	_, _, problems, err := DecodeResultRequest([]byte(`{"data":{"type":"partner-results","attributes":{"status":"done","candidate-id":"x"}}}`), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 2 || problems[0].Pointer != "/data/attributes/status" || problems[1].Pointer != "/data/attributes/candidate-id" {
		t.Fatalf("problems = %v, want status and candidate-id", problems)
	}
	if _, _, _, err := DecodeResultRequest([]byte(`{"data":{"type":"partners","attributes":{}}}`), false); err == nil {
		t.Fatal("a document of another type was accepted")
	}
}

// FuzzParseDurationFast holds the duration parser without the regular
// expression to ParseDuration.
func FuzzParseDurationFast(f *testing.F) {
	for _, s := range []string{"0:32:14", "12:59:59", "99:00:00", "1:60:00", "1:5:00", "123:00:00", "a:00:00", "1:00:0", "", "1:00:00\n", "01:00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got int64
		ok := parseDurationFast(s, &got)
		want, err := ParseDuration(s)
		if ok != (err == nil) || (ok && got != want) {
			t.Fatalf("parseDurationFast(%q) = %d, %v; ParseDuration = %d, %v", s, got, ok, want, err)
		}
	})
}

// FuzzHTTPURL holds the URL check without url.Parse to DecodeHTTPURL.
func FuzzHTTPURL(f *testing.F) {
	for _, s := range []string{"https://assessments.example.com/results/100001", "http://a:8080/x?y=1&z=2", "http://a:/", "https://",
		"http://-/", "HTTP://a/", "https://a.b/c%20d", "https://a b/", "https://[::1]/", "http://a/#x", "ftp://a/", "https://a.-/..//"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var dst string
		want := DecodeHTTPURL(s, &dst) == nil
		if plainHTTPURL(s) && !want {
			t.Fatalf("plainHTTPURL(%q) is true, DecodeHTTPURL refuses it", s)
		}
		if got := httpURL(s); got != want {
			t.Fatalf("httpURL(%q) = %v, DecodeHTTPURL says %v", s, got, want)
		}
	})
}
