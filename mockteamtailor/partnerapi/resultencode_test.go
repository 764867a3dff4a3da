package partnerapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// genericResultDocument is the document as encoding/json renders it.
func genericResultDocument(t testing.TB, s *API, r store.PartnerResult) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(dataDocument{Data: s.resultResource(r)})
	return buf.Bytes(), err
}

// testConfig is the mock's default configuration of the Partner API.
var testConfig = Config{PublicURL: "http://127.0.0.1:8080", MaxBodyBytes: 1 << 20, JournalBodyLimit: 64 << 10,
	DefaultPageSize: 10, MaxPageSize: 100, RateLimit: 50, RateWindow: 10 * time.Second}

func encodeTestServer(t testing.TB) *API {
	t.Helper()
	return New(slog.New(slog.DiscardHandler), testConfig, store.NewMemStore(), idgen.New(), time.Now, nil)
}

func checkResultEncoding(t *testing.T, s *API, r store.PartnerResult) {
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
	for _, r := range []store.PartnerResult{
		{ID: "a", ResultAttributes: protocol.ResultAttributes{Status: "sent", CandidateID: 1}},
		{ID: "b\"<&>", ResultAttributes: protocol.ResultAttributes{Status: "completed", CandidateID: 9007199254740993, JobID: n(-4), Summary: str("line\nbreak\t\b\f\r\x01 \u2028\u2029 é 😀 \xff\xfe <tag> & \\ \""), URL: str("https://x.example/?a=1&b=<2>"), Assessment: protocol.Assessment{Score: f(87.5), Grade: str("top_fit"), Duration: n(1934)}, Details: json.RawMessage(`{ "a" : [1, 2 ,"x"], "b":{"c":null} }`), Attachments: []protocol.Attachment{{URL: "u", Description: "d"}, {}}, Actions: []protocol.Action{{ButtonText: "Go", Endpoint: "/e"}}, AssessmentCriteria: []protocol.Criterion{{ID: json.RawMessage(`"c1"`), Score: f(1e-7)}, {ID: json.RawMessage(`7`)}, {}}}},
		{ID: "c", ResultAttributes: protocol.ResultAttributes{Attachments: []protocol.Attachment{}, Actions: []protocol.Action{}, AssessmentCriteria: []protocol.Criterion{}, Assessment: protocol.Assessment{Score: f(0)}}},
		{ID: "d", ResultAttributes: protocol.ResultAttributes{Assessment: protocol.Assessment{Score: f(1e21)}, Details: json.RawMessage(`{}`)}},
		{ID: "e", ResultAttributes: protocol.ResultAttributes{Assessment: protocol.Assessment{Score: f(123456789.125)}}},
		{ID: "f", ResultAttributes: protocol.ResultAttributes{Assessment: protocol.Assessment{Score: f(math.NaN())}}},
		{ID: "g", ResultAttributes: protocol.ResultAttributes{Details: json.RawMessage(`{"broken"`)}},
		{ID: "h", ResultAttributes: protocol.ResultAttributes{Details: json.RawMessage{}}},
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
		r := store.PartnerResult{ID: id, ResultAttributes: protocol.ResultAttributes{Status: protocol.Status(status), CandidateID: n, JobID: &n, Summary: &summary, URL: &url, Assessment: protocol.Assessment{Score: &score, Grade: &status, Duration: &n}, Details: details, Attachments: []protocol.Attachment{{URL: url, Description: desc}}, Actions: []protocol.Action{{ButtonText: desc, Endpoint: summary}}, AssessmentCriteria: []protocol.Criterion{{ID: details, Score: &score}}}}
		checkResultEncoding(t, s, r)
	})
}
