package examplepartner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// apiVersion is the Partner API version every call must name (docs/protocol.md §2).
const apiVersion = "20180828"

// reportBase is where the fake report pages live.
const reportBase = "https://example-partner.example/reports/"

// updateRequest is the JSON:API body of PATCH <update-url> (docs/protocol.md §2.3).
type updateRequest struct {
	Data struct {
		Type       string           `json:"type"`
		ID         string           `json:"id"`
		Attributes resultAttributes `json:"attributes"`
	} `json:"data"`
}

// resultAttributes are the partner-result attributes this partner sets.
// The Partner API rejects unknown attributes with 422 (docs/protocol.md §2.3).
type resultAttributes struct {
	Status             string           `json:"status"`
	Summary            string           `json:"summary"`
	URL                string           `json:"url"`
	Assessment         assessment       `json:"assessment"`
	Details            map[string]any   `json:"details"` // at most two levels deep
	Attachments        []attachment     `json:"attachments"`
	Actions            []action         `json:"actions"`
	AssessmentCriteria []criterionScore `json:"assessment-criteria"`
}

type assessment struct {
	Score    int    `json:"score"`    // 0..100
	Grade    string `json:"grade"`    // top_fit, might_be_fit, might_not_be_fit or unknown
	Duration string `json:"duration"` // seconds, or "H:MM:SS"
}

// attachment must have exactly these two keys (docs/protocol.md §2.3).
type attachment struct {
	URL         string `json:"url"`
	Description string `json:"description"`
}

// action is a button on the result; clicking it POSTs the original partner
// event to BASE_URL/<endpoint> (docs/protocol.md §2.3), which action answers.
type action struct {
	ButtonText string `json:"buttonText"`
	Endpoint   string `json:"endpoint"`
}

type criterionScore struct {
	ID    string `json:"id"` // one of the ids /config declared
	Score int    `json:"score"`
}

// completeLater waits ResultDelay, or less when Close is called, then
// posts the result and records the outcome.
func (p *Partner) completeLater(ev event) {
	defer p.pending.Done()
	if d := p.cfg.ResultDelay; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-p.closing:
			t.Stop()
		}
	}
	rec := p.postResult(p.ctx, ev)
	p.mu.Lock()
	p.posted = append(p.posted, rec)
	p.mu.Unlock()
}

// postResult PATCHes the completed result to the event's update-url.
func (p *Partner) postResult(ctx context.Context, ev event) PostedResult {
	res := ev.PartnerEvent.PartnerResult
	var doc updateRequest
	doc.Data.Type, doc.Data.ID, doc.Data.Attributes = "partner-results", res.ID, completedResult(ev)
	status, err := p.patchRetrying(ctx, res.UpdateURL, doc)
	rec := PostedResult{ResultID: res.ID, EventID: ev.PartnerEvent.ID, UpdateURL: res.UpdateURL, StatusCode: status, At: p.cfg.Clock()}
	if err != nil {
		rec.Error = err.Error()
		p.log.Error("result not posted", "event", rec.EventID, "result", rec.ResultID, "status", status, "error", rec.Error)
		return rec
	}
	p.log.Info("result posted", "event", rec.EventID, "result", rec.ResultID, "status", status,
		"score", doc.Data.Attributes.Assessment.Score)
	return rec
}

// maxAttempts bounds the tries of one result post refused for rate, and
// maxRetryWait the wait between two: a Retry-After beyond it is waited
// for that long only.
const (
	maxAttempts  = 5
	maxRetryWait = time.Minute
)

// patchRetrying is patch, sent again while the Partner API answers 429:
// the result is the one thing the partner must not lose, so it waits the
// seconds Retry-After gives (docs/protocol.md §2) and tries again, up to
// maxAttempts in all. Other errors are not retried: a 4xx will not pass
// the next time either.
func (p *Partner) patchRetrying(ctx context.Context, updateURL string, doc any) (int, error) {
	for attempt := 1; ; attempt++ {
		status, wait, err := p.patch(ctx, updateURL, doc)
		if status != http.StatusTooManyRequests || attempt == maxAttempts {
			return status, err
		}
		p.log.Info("result refused for rate; retrying", "url", updateURL, "attempt", attempt, "after", wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return status, fmt.Errorf("%w; gave up waiting to retry: %w", err, ctx.Err())
		}
	}
}

// retryAfter reads Retry-After, seconds or an HTTP date, as a wait of 1 s
// to maxRetryWait; 1 s when it is absent or unreadable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	d := time.Second
	if n, err := strconv.Atoi(v); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, time.Second), maxRetryWait)
}

// patch sends doc to the Partner API with the headers every call needs
// (docs/protocol.md §2), and turns any answer but 2xx into an error quoting the
// start of the answer (a JSON:API error document) and the wait its
// Retry-After asks for. The status is 0 when no answer came.
func (p *Partner) patch(ctx context.Context, updateURL string, doc any) (status int, wait time.Duration, err error) {
	body, err := json.Marshal(doc)
	if err != nil {
		return 0, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, updateURL, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Token "+p.cfg.APIKey)
	req.Header.Set("X-Api-Version", apiVersion)
	req.Header.Set("Content-Type", "application/vnd.api+json")
	resp, err := p.cfg.Client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	io.Copy(io.Discard, resp.Body) // lets the connection be reused
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, retryAfter(resp.Header, p.cfg.Clock()), fmt.Errorf("the Partner API answered %s: %s", resp.Status, strings.TrimSpace(string(excerpt)))
	}
	return resp.StatusCode, 0, nil
}

// completedResult makes up the outcome of the test. Scores are derived from
// the event id, so the same event always gets the same result.
func completedResult(ev event) resultAttributes {
	id := ev.PartnerEvent.ID
	score := scoreOf(id)
	test := ev.data("test")
	testName := "the assessment"
	switch label := testLabel(test); {
	case label != "":
		testName = "the " + label + " test"
	case test != "":
		testName = "the " + test + " test"
	}
	who := ev.firstName()
	if who == "" {
		who = "The candidate"
	}

	details := map[string]any{"test": test}
	if t := ev.data("threshold"); t != "" {
		details["threshold"] = t
		if n, err := strconv.Atoi(t); err == nil {
			details["passed"] = score >= n
		}
	}
	scores := make([]criterionScore, len(criteria))
	for i, c := range criteria {
		scores[i] = criterionScore{ID: c.ID, Score: scoreOf(id + "/" + c.ID)}
	}
	details["sections"] = map[string]any{ // the second and last level details may have
		"logic": band(scores[0].Score),
		"speed": band(scores[2].Score),
	}

	resultID := ev.PartnerEvent.PartnerResult.ID
	return resultAttributes{
		Status:             "completed",
		Summary:            fmt.Sprintf("%s completed %s and scored %d/100.", who, testName, score),
		URL:                reportBase + resultID,
		Assessment:         assessment{Score: score, Grade: gradeOf(score), Duration: "0:32:14"},
		Details:            details,
		Attachments:        []attachment{{URL: reportBase + resultID + ".pdf", Description: "Full report"}},
		Actions:            []action{{ButtonText: "Resend invitation", Endpoint: "actions/resend"}},
		AssessmentCriteria: scores,
	}
}

// scoreOf returns a score from 40 to 99 that depends only on seed.
func scoreOf(seed string) int {
	h := fnv.New32a()
	h.Write([]byte(seed))
	return 40 + int(h.Sum32()%60)
}

// gradeOf maps a score to the grades Teamtailor shows (docs/protocol.md §2.3).
func gradeOf(score int) string {
	switch {
	case score >= 80:
		return "top_fit"
	case score >= 60:
		return "might_be_fit"
	}
	return "might_not_be_fit"
}

func band(score int) string {
	switch {
	case score >= 80:
		return "strong"
	case score >= 60:
		return "solid"
	}
	return "needs practice"
}
