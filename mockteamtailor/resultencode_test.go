package mockteamtailor

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"testing"
	"time"
)

// genericResultDocument is the document as encoding/json renders it.
func genericResultDocument(t testing.TB, s *Server, r PartnerResult) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(dataDocument{Data: s.resultResource(r)})
	return buf.Bytes(), err
}

func encodeTestServer(t testing.TB) *Server {
	t.Helper()
	s, err := NewServer(slog.New(slog.DiscardHandler), DefaultConfig(), NewMemStore(), NewIDs(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func checkResultEncoding(t *testing.T, s *Server, r PartnerResult) {
	t.Helper()
	want, werr := genericResultDocument(t, s, r)
	got, ok := appendResultDocument(nil, s.ResultURL(r.ID), r)
	if werr != nil || !ok {
		if werr == nil || ok {
			t.Fatalf("encoding/json error %v, appendResultDocument ok=%v, for %+v", werr, ok, r)
		}
		return
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("appendResultDocument differs from encoding/json:\n got %s\nwant %s", got, want)
	}
}

func TestAppendResultDocumentMatchesEncodingJSON(t *testing.T) {
	s := encodeTestServer(t)
	str := func(v string) *string { return &v }
	f := func(v float64) *float64 { return &v }
	n := func(v int64) *int64 { return &v }
	for _, r := range []PartnerResult{
		{ID: "a", Status: "sent", CandidateID: 1},
		{ID: "b\"<&>", Status: "completed", CandidateID: 9007199254740993, JobID: n(-4), Summary: str("line\nbreak\t\b\f\r\x01 \u2028\u2029 é 😀 \xff\xfe <tag> & \\ \""),
			URL: str("https://x.example/?a=1&b=<2>"), Assessment: Assessment{Score: f(87.5), Grade: str("top_fit"), Duration: n(1934)},
			Details: json.RawMessage(`{ "a" : [1, 2 ,"x"], "b":{"c":null} }`), Attachments: []Attachment{{URL: "u", Description: "d"}, {}},
			Actions: []Action{{ButtonText: "Go", Endpoint: "/e"}}, AssessmentCriteria: []Criterion{{ID: json.RawMessage(`"c1"`), Score: f(1e-7)}, {ID: json.RawMessage(`7`)}, {}}},
		{ID: "c", Attachments: []Attachment{}, Actions: []Action{}, AssessmentCriteria: []Criterion{}, Assessment: Assessment{Score: f(0)}},
		{ID: "d", Assessment: Assessment{Score: f(1e21)}, Details: json.RawMessage(`{}`)},
		{ID: "e", Assessment: Assessment{Score: f(123456789.125)}},
		{ID: "f", Assessment: Assessment{Score: f(math.NaN())}},
		{ID: "g", Details: json.RawMessage(`{"broken"`)},
		{ID: "h", Details: json.RawMessage{}},
	} {
		checkResultEncoding(t, s, r)
	}
}

// FuzzAppendResultDocument holds the hand-written encoder to encoding/json
// for arbitrary strings, numbers and details.
func FuzzAppendResultDocument(f *testing.F) {
	f.Add("id", "sent", "summary", "https://a", int64(3), 87.5, []byte(`{"a":1}`), "desc")
	f.Add("\u2028", "\x00\xff", "é😀\"\\", "<&>", int64(-1), 1e-9, []byte(` { "a" : [ 1 , "x" ] } `), "\t")
	f.Add("", "", "", "", int64(0), 0.0, []byte(`nope`), "")
	s := encodeTestServer(f)
	f.Fuzz(func(t *testing.T, id, status, summary, url string, n int64, score float64, details []byte, desc string) {
		r := PartnerResult{ID: id, Status: status, CandidateID: n, JobID: &n, Summary: &summary, URL: &url,
			Assessment:         Assessment{Score: &score, Grade: &status, Duration: &n},
			Details:            details,
			Attachments:        []Attachment{{URL: url, Description: desc}},
			Actions:            []Action{{ButtonText: desc, Endpoint: summary}},
			AssessmentCriteria: []Criterion{{ID: details, Score: &score}}}
		checkResultEncoding(t, s, r)
	})
}
