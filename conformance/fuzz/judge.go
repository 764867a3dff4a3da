package fuzz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/internal/orderedjson"
	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnercall"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/capture"
)

// The failure kinds, by the suite's rules: a correctly signed, valid
// webhook gets a 2xx within the timeout (docs/protocol.md §1.3), and an
// assessment partner posts a valid, final result for it, for the
// candidate of the webhook, within the result deadline (§2.3).
const (
	KindStatus         = "answered"          // a status other than 2xx; Kind is "answered <status>"
	KindTimeout        = "timeout"           // no answer within --timeout
	KindConnection     = "connection failed" // refused, reset or closed
	KindIgnoredAnswer  = "answer ignored"    // a 2xx with partner_result_attributes Teamtailor ignores as invalid
	KindResultRefused  = "result refused"    // the Partner API refused the result post; Kind is "result refused <status>"
	KindWrongCandidate = "result for another candidate"
	KindNoResult       = "no final result"
)

// Verdict is how one webhook fared; Kind is "" when it passed.
type Verdict struct {
	Kind string `json:"kind"`
	// Status is the partner's answer status (0: none) or, for a refused
	// result, the Partner API's.
	Status int `json:"status,omitempty"`
	// Detail quotes the answer or says what came back.
	Detail string `json:"detail,omitempty"`
	// fingerprint tells failures apart: the kind and the first line of
	// the answer with digits blanked, so "the same way" survives values
	// that change as the webhook shrinks.
	fingerprint string
}

// Failed reports whether the webhook failed.
func (v Verdict) Failed() bool { return v.Kind != "" }

// Same reports whether v fails the same way as w.
func (v Verdict) Same(w Verdict) bool { return v.Failed() && v.fingerprint == w.fingerprint }

// resultKind reports a failure seen in the result, not the answer.
func (v Verdict) resultKind() bool {
	return v.Kind == KindNoResult || v.Kind == KindWrongCandidate || strings.HasPrefix(v.Kind, KindResultRefused)
}

func fail(kind string, status int, detail string) Verdict {
	v := Verdict{Kind: kind, Status: status, Detail: text.Cut{Max: 300, Mark: "…"}.Of(detail)}
	line, _, _ := strings.Cut(strings.TrimSpace(detail), "\n")
	line = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '#'
		}
		return r
	}, text.Cut{Max: 60, Mark: "…"}.Of(line))
	if kind == KindTimeout || kind == KindNoResult || kind == KindWrongCandidate || strings.HasPrefix(kind, KindResultRefused) {
		line = "" // no answer text to tell these apart by
	}
	v.fingerprint = kind + "|" + line
	return v
}

// Target is what a run sends webhooks with.
type Target struct {
	Mock   *embedded.Mock
	Client *partner.Client
	HTTP   *http.Client
	// ExpectResults judges the result of each webhook (--assessment).
	ExpectResults bool
	// ResultDeadline bounds the wait for a final result after the answer.
	ResultDeadline time.Duration
}

// judge sends webhooks and watches the embedded mock for their results.
type judge struct {
	tgt Target

	mu      sync.Mutex // guards waiting
	waiting map[string]*waiter
}

// waiter is a webhook awaiting its result.
type waiter struct {
	candidate *int64
	done      chan Verdict // buffered 1; the first word on the result
}

func newJudge(tgt Target) *judge {
	j := &judge{tgt: tgt, waiting: map[string]*waiter{}}
	tgt.Mock.Observe(j.observe)
	return j
}

// observe is told of each Partner API request the partner makes to the
// embedded mock. A PUT or PATCH of a webhook's update-url (docs/protocol.md
// §2.3) that the API accepts with a final status (completed or failed)
// is its result; one the API refuses, or naming another candidate, is a
// failure. 429 answers are the partner's to retry, not failures.
func (j *judge) observe(resultID, method string, status int, _ time.Time, body []byte) {
	if resultID == "" || (method != http.MethodPut && method != http.MethodPatch) {
		return
	}
	j.mu.Lock()
	w := j.waiting[resultID]
	j.mu.Unlock()
	if w == nil {
		return
	}
	st, candidate := readUpdate(body)
	var v Verdict
	switch {
	case candidate != nil && w.candidate != nil && *candidate != *w.candidate:
		v = fail(KindWrongCandidate, status, fmt.Sprintf("the result names candidate %d, the webhook was for candidate %d", *candidate, *w.candidate))
	case status == http.StatusTooManyRequests:
		return
	case status/100 != 2:
		v = fail(fmt.Sprintf("%s %d", KindResultRefused, status), status, fmt.Sprintf("the Partner API answered %d to the partner's %s of the result", status, method))
	case protocol.Status(st).Final():
	default:
		return // sending, sent, pending: still working
	}
	select {
	case w.done <- v:
	default:
	}
}

// readUpdate reads the status and candidate-id of a partner-result
// update; either is zero when the body does not hold it. The body is the
// partner's: any bytes.
func readUpdate(body []byte) (status string, candidate *int64) {
	var doc struct {
		Data struct {
			Attributes map[string]json.RawMessage `json:"attributes"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return "", nil
	}
	attrs := doc.Data.Attributes
	_ = json.Unmarshal(attrs["status"], &status)
	if raw, ok := attrs["candidate-id"]; ok {
		var n json.Number
		var s string
		switch {
		case json.Unmarshal(raw, &n) == nil:
			if id, err := n.Int64(); err == nil {
				candidate = &id
			}
		case json.Unmarshal(raw, &s) == nil:
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				candidate = &id
			}
		}
	}
	return status, candidate
}

// errMock is a failure of the embedded mock, not of the partner.
var errMock = errors.New("embedded mock")

// exec sends body as a webhook (made local as a replay is: a fresh event
// id and partner result, the sandbox company), and judges the answer and,
// when wantResult, the result.
func (j *judge) exec(ctx context.Context, body []byte, wantResult bool) (Verdict, error) {
	m := j.tgt.Mock
	pc, err := m.Server.PrepareCapture(ctx, mockteamtailor.CaptureRequest{PartnerID: m.Partner.ID, CompanyUUID: m.Company.UUID,
		Capture: capture.Capture{Source: "fuzz case", Body: body}})
	if err != nil {
		return Verdict{}, fmt.Errorf("%w: %v", errMock, err)
	}
	w := &waiter{candidate: candidateID(body), done: make(chan Verdict, 1)}
	if wantResult {
		j.mu.Lock()
		j.waiting[pc.ResultID] = w
		j.mu.Unlock()
		defer func() {
			j.mu.Lock()
			delete(j.waiting, pc.ResultID)
			j.mu.Unlock()
		}()
	}
	// docs/protocol.md §1.2: t is the send time, v1 signs "<t>.<event id>".
	req, err := j.tgt.Client.Request(ctx, partner.Call{Method: http.MethodPost, Path: "webhook", Body: pc.Body, Signature: partner.Sign(pc.EventID)})
	if err != nil {
		return Verdict{}, fmt.Errorf("%w: %v", errMock, err)
	}
	resp, err := j.tgt.HTTP.Do(req)
	if err != nil {
		if partnercall.IsTimeout(err) {
			return fail(KindTimeout, 0, fmt.Sprintf("no answer within %s", j.tgt.HTTP.Timeout)), nil
		}
		return fail(KindConnection, 0, err.Error()), nil
	}
	raw, _, err := partnercall.ReadBody(resp)
	resp.Body.Close()
	switch {
	case err != nil:
		return fail(KindConnection, resp.StatusCode, "the answer could not be read: "+err.Error()), nil
	case resp.StatusCode/100 != 2:
		// The answer goes into reports: a partner echoing a key must not
		// put it there.
		return fail(fmt.Sprintf("%s %d", KindStatus, resp.StatusCode), resp.StatusCode, partner.NewRedactor(settings.TestContext).String(string(raw))), nil
	}
	applied, invalid, note := protocol.CheckWebhookResponse(raw)
	if invalid {
		return fail(KindIgnoredAnswer, resp.StatusCode, note), nil
	}
	if !wantResult || (applied && answerFinal(raw)) {
		// docs/protocol.md §1.3: a final status in the answer is the result.
		return Verdict{Status: resp.StatusCode}, nil
	}
	t := time.NewTimer(j.tgt.ResultDeadline)
	defer t.Stop()
	select {
	case v := <-w.done:
		if !v.Failed() {
			v.Status = resp.StatusCode
		}
		return v, nil
	case <-t.C:
		return fail(KindNoResult, 0, fmt.Sprintf("the partner answered %d but posted no final result within %s", resp.StatusCode, j.tgt.ResultDeadline)), nil
	case <-ctx.Done():
		return Verdict{}, ctx.Err()
	}
}

// answerFinal reports partner_result_attributes with a final status.
func answerFinal(body []byte) bool {
	s, _ := protocol.AnswerStatus(body)
	return s.Final()
}

// candidateID is the webhook's candidate id, or nil.
func candidateID(body []byte) *int64 {
	doc, err := orderedjson.Parse(body)
	if err != nil {
		return nil
	}
	id, ok := doc.Get("partner-event").Get("candidate").Get("id").Int()
	if !ok {
		return nil
	}
	return &id
}
