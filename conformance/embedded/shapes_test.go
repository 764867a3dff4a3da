package embedded

import (
	"testing"

	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
)

// A result created with POST /partner-results answers an event when its
// candidate-id and job-id are the event's, given as numbers or strings of
// digits; a bulk-mode event (job 0) takes any job.
func TestCreatedForMatchesCandidateAndJob(t *testing.T) {
	for _, tc := range []struct {
		body           string
		candidate, job int64
		want           bool
	}{
		{`{"data":{"type":"partner-results","attributes":{"status":"completed","candidate-id":10,"job-id":1}}}`, 10, 1, true},
		{`{"data":{"attributes":{"candidate-id":"10","job-id":"1"}}}`, 10, 1, true},
		{`{"data":{"attributes":{"candidate-id":10,"job-id":2}}}`, 10, 1, false},
		{`{"data":{"attributes":{"candidate-id":11,"job-id":1}}}`, 10, 1, false},
		{`{"data":{"attributes":{"candidate-id":10}}}`, 10, 1, false},
		{`{"data":{"attributes":{"candidate-id":10}}}`, 10, 0, true},
		{`{"data":{"attributes":{"candidate-id":10,"job-id":3}}}`, 10, 0, true},
		{`{"data":{"attributes":{"candidate-id":10.5,"job-id":1}}}`, 10, 1, false},
		{`{"data":{"attributes":{"candidate-id":[10]}}}`, 10, 0, false},
		{`not json`, 10, 1, false},
		{`{"data":null}`, 10, 0, false},
	} {
		if got := createdFor(tc.body, tc.candidate, tc.job); got != tc.want {
			t.Errorf("createdFor(%s, %d, %d) = %v, want %v", tc.body, tc.candidate, tc.job, got, tc.want)
		}
	}
}

// The partner's create bodies are untrusted: matching them never panics.
func FuzzCreatedFor(f *testing.F) {
	f.Add(`{"data":{"attributes":{"candidate-id":10,"job-id":1}}}`, int64(10), int64(1))
	f.Add(`{"data":{"attributes":{"candidate-id":"1e400","job-id":null}}}`, int64(1), int64(0))
	f.Add(`{"data":{"attributes":{"candidate-id":1e400}}}`, int64(0), int64(0))
	f.Fuzz(func(t *testing.T, body string, candidate, job int64) {
		createdFor(body, candidate, job)
		x := partner.Exchange{Direction: partner.FromPartner, Method: "POST", URL: "http://mock/partner/v1/partner-results", RequestBody: body}
		judge.ResultRequest(x, nil)
		judge.AnswerAsResult(&partner.Exchange{Status: 200, ResponseBody: body}, "r")
	})
}
