package capacity

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnercall"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// Why not vegeta's Attacker: at its worker cap it holds the next tick
// back and then sends the late webhooks in a catch-up burst, where a
// capacity run must count them as not sent (the arrivals are the load
// being measured); an error from a Targeter stops the whole attack; and a
// Result does not say which target it answers, so the partner result of
// each event could not be matched without a side channel. The engine
// keeps vegeta's ConstantPacer for the pacing and its Metrics for the
// latency summary, and dispatches each webhook on its own goroutine.

// Target is what a run sends webhooks with: the suite's embedded mock
// (which builds each event and its partner result, and receives the
// results), the client that builds requests as Teamtailor sends them,
// and the HTTP client that sends them.
type Target struct {
	Mock   *embedded.Mock
	Client *partner.Client
	HTTP   *http.Client
	// WebhookData is the webhook-data every event carries: the values
	// picked in the partner's /config form (docs/protocol.md §1.1).
	WebhookData map[string]string
	// Candidates are the candidate fixtures the events are drawn from, in
	// turn.
	Candidates []string
	// Bulk builds bulk-mode events, without job (docs/protocol.md §5).
	Bulk bool
	// Key is the provider key the webhooks carry, for the cause of a
	// refusal.
	Key ProviderKey
}

// outcome is what became of one webhook.
type outcome uint8

const (
	outPending  outcome = iota // sent, no answer yet
	outOK                      // answered 2xx
	outFailed                  // answered another status
	outTimeout                 // no complete answer within the timeout
	outConnErr                 // the connection failed
	outNotSent                 // due while --max-in-flight webhooks awaited answers
	outBuildErr                // the embedded mock could not build it
)

// record is one webhook of the run; times are since the run began.
type record struct {
	sent    time.Duration // when it was sent (or was due, when not sent)
	latency time.Duration // until its answer (or the failure)
	result  time.Duration // from sent to its first final result; -1 none yet
	dups    int32         // final results after the first
	status  int16
	step    int16
	outcome outcome
}

// Answers are read and judged as the conformance suite and the mock
// judge them (docs/protocol.md §1.3): up to Teamtailor's 1 MiB, decompressed,
// a longer one a failure; a 2xx whose partner_result_attributes
// Teamtailor would ignore as invalid a failure too. A run holds at most
// smallAnswer bytes per webhook in flight: a longer (or gzip) answer is
// read on by at most largeReaders webhooks at once, so that a partner
// answering megabytes to thousands of webhooks in flight costs the run
// largeReaders MiB, not gigabytes.
const (
	smallAnswer  = 64 << 10
	largeReaders = 8
)

// maxErrorKinds bounds the distinct failure messages a run keeps.
const maxErrorKinds = 20

// engine sends the webhooks of one run and records what became of them.
type engine struct {
	cfg   Config
	tgt   Target
	began time.Time

	mu        sync.Mutex // guards the fields below
	recs      []record
	byResult  map[string]int // partner result id -> index in recs
	unknown   int            // result posts to results of no webhook of this run
	inFlight  int
	peak      map[int]int             // per step: most webhooks in flight at once
	limit     int                     // the current step's in-flight cap
	limits    map[int]int             // per step: its in-flight cap
	samples   map[string]sample       // failure message -> its first answer
	metrics   map[int]*vegeta.Metrics // per step
	errorKind map[string]int          // failure message -> count, at most maxErrorKinds
	lastSent  time.Time

	wg sync.WaitGroup // webhooks awaiting their answer

	large chan struct{} // a slot per answer read past smallAnswer
}

func newEngine(cfg Config, tgt Target) *engine {
	e := &engine{cfg: cfg, tgt: tgt, began: time.Now(), byResult: map[string]int{},
		metrics: map[int]*vegeta.Metrics{}, errorKind: map[string]int{}, large: make(chan struct{}, largeReaders),
		peak: map[int]int{}, limits: map[int]int{}, samples: map[string]sample{}}
	tgt.Mock.Observe(e.observe)
	return e
}

// pacer returns vegeta's constant pacer for rate webhooks per second;
// Freq per 1000 s keeps a fractional rate exact to 0.001/s.
func pacer(rate float64) vegeta.ConstantPacer {
	return vegeta.ConstantPacer{Freq: max(1, int(rate*1000+0.5)), Per: 1000 * time.Second}
}

// load sends webhooks at rate for dur, or n of them (0: no limit), as
// step: an open model, each due webhook is sent on time whatever the
// answers of earlier ones, unless the in-flight cap is reached.
func (e *engine) load(ctx context.Context, step int, rate float64, dur time.Duration, n int) {
	e.setStep(step, e.cfg.maxInFlight(rate, 0))
	p := pacer(rate)
	began := time.Now()
	var hits uint64
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for {
		elapsed := time.Since(began)
		if (dur > 0 && elapsed >= dur) || (n > 0 && hits >= uint64(n)) {
			return
		}
		wait, stop := p.Pace(elapsed, hits)
		if stop {
			return
		}
		if wait > 0 {
			if dur > 0 && elapsed+wait > dur {
				wait = dur - elapsed
			}
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
			continue
		}
		if ctx.Err() != nil {
			return
		}
		e.fire(ctx, step)
		hits++
	}
}

// burst sends n webhooks at once, as a bulk send does.
func (e *engine) burst(ctx context.Context, n int) {
	e.setStep(0, e.cfg.maxInFlight(0, n))
	for range n {
		if ctx.Err() != nil {
			return
		}
		e.fire(ctx, 0)
	}
}

func (e *engine) setStep(step, limit int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.limit = limit
	e.limits[step] = limit
	if e.metrics[step] == nil {
		e.metrics[step] = &vegeta.Metrics{}
	}
}

// fire sends one webhook, or counts it as not sent when the in-flight
// cap is reached.
func (e *engine) fire(ctx context.Context, step int) {
	e.mu.Lock()
	idx := len(e.recs)
	e.recs = append(e.recs, record{sent: time.Since(e.began), result: -1, step: int16(step)})
	if e.inFlight >= e.limit {
		e.recs[idx].outcome = outNotSent
		e.mu.Unlock()
		return
	}
	e.inFlight++
	e.peak[step] = max(e.peak[step], e.inFlight)
	e.mu.Unlock()
	e.wg.Add(1)
	go e.send(ctx, idx, step)
}

// send builds, signs and sends webhook idx and records its answer.
func (e *engine) send(ctx context.Context, idx, step int) {
	defer e.wg.Done()
	candidate := e.tgt.Candidates[idx%len(e.tgt.Candidates)]
	w, err := e.tgt.Mock.PrepareWebhook(ctx, candidate, e.tgt.Bulk, e.tgt.WebhookData)
	if err == nil {
		e.mu.Lock()
		e.byResult[w.ResultID] = idx
		e.mu.Unlock()
	}
	var req *http.Request
	if err == nil {
		// docs/protocol.md §1.2: t is the send time, v1 signs "<t>.<event id>".
		req, err = e.tgt.Client.Request(ctx, partner.Call{Method: http.MethodPost, Path: "webhook", Body: w.Body, Signature: partner.Sign(w.EventID)})
	}
	if err != nil {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.recs[idx].outcome = outBuildErr
		e.inFlight--
		e.noteError("the webhook could not be built: "+err.Error(), sample{})
		return
	}

	start := time.Now()
	resp, err := e.tgt.HTTP.Do(req)
	var status int
	var final bool
	var refused string // why a 2xx answer is a failure all the same
	var raw []byte
	var tooLarge bool
	if err == nil {
		status = resp.StatusCode
		var read int64
		raw, read, err = e.readAnswer(resp)
		resp.Body.Close()
		switch {
		case err != nil:
		case len(raw) > partnercall.MaxResponse:
			tooLarge = true
			refused = fmt.Sprintf("answer larger than 1 MiB (at least %d bytes read); Teamtailor reads at most %d bytes of an answer", read, partnercall.MaxResponse)
		case status/100 == 2:
			refused, final = judgeAnswer(status, raw)
		}
	}
	latency := time.Since(start)

	e.mu.Lock()
	defer e.mu.Unlock()
	e.inFlight--
	if start.After(e.lastSent) {
		e.lastSent = start
	}
	r := &e.recs[idx]
	r.sent, r.latency, r.status = start.Sub(e.began), latency, int16(status)
	res := vegeta.Result{Timestamp: start, Latency: latency, Code: uint16(status)}
	switch {
	case err != nil:
		msg, _ := partner.DescribeTransportError(err, req.URL, e.cfg.Timeout)
		if partnercall.IsTimeout(err) {
			r.outcome = outTimeout
		} else {
			r.outcome = outConnErr
		}
		res.Code, res.Error = 0, msg
		e.noteError(msg, sample{outcome: r.outcome})
	case refused != "":
		r.outcome = outFailed
		res.Error = refused
		e.noteError(refused, sample{status: status, body: raw, outcome: outFailed, invalid: !tooLarge, tooLarge: tooLarge})
	case status/100 == 2:
		r.outcome = outOK
		if final && r.result < 0 {
			// docs/protocol.md §1.3: a final status in the answer is the result.
			r.result = latency
		}
	default:
		r.outcome = outFailed
		res.Error = fmt.Sprintf("answered %d %s", status, http.StatusText(status))
		e.noteError(res.Error, sample{status: status, body: raw, outcome: outFailed})
	}
	e.metrics[step].Add(&res)
}

// sample is the first answer of a kind of failure, which the reports
// show with its cause.
type sample struct {
	status   int
	body     []byte // at most maxSampleBody bytes
	outcome  outcome
	invalid  bool // a 2xx with partner_result_attributes Teamtailor ignores
	tooLarge bool // an answer over the 1 MiB Teamtailor reads
}

// maxSampleBody bounds the body kept of each kind of failure.
const maxSampleBody = 2 << 10

// noteError counts a failure message and keeps its first answer; e.mu is
// held.
func (e *engine) noteError(msg string, s sample) {
	if _, ok := e.errorKind[msg]; ok || len(e.errorKind) < maxErrorKinds {
		e.errorKind[msg]++
		if _, ok := e.samples[msg]; !ok {
			s.body = bytes.Clone(s.body[:min(len(s.body), maxSampleBody)])
			e.samples[msg] = s
		}
	}
}

// observe is told of each Partner API request the partner makes to the
// embedded mock. A result is back when an accepted PUT or PATCH of its
// update-url (docs/protocol.md §2.3) sets a final status, completed or failed:
// "sending", "sent" and "pending" say the work is still going on.
func (e *engine) observe(resultID, method string, status int, at time.Time, body []byte) {
	if resultID == "" || (method != http.MethodPut && method != http.MethodPatch) {
		return
	}
	final := status/100 == 2 && updateSetsFinal(body)
	e.mu.Lock()
	defer e.mu.Unlock()
	idx, ok := e.byResult[resultID]
	if !ok {
		e.unknown++
		return
	}
	if !final {
		return
	}
	r := &e.recs[idx]
	if r.result >= 0 {
		r.dups++
		return
	}
	r.result = max(0, at.Sub(e.began)-r.sent)
}

// updateSetsFinal reports a JSON:API partner-result update that sets a
// final status.
func updateSetsFinal(body []byte) bool {
	s, _ := protocol.UpdateStatus(body)
	return s.Final()
}

// answerCarriesResult reports a webhook answer whose
// partner_result_attributes give a final status (docs/protocol.md §1.3).
func answerCarriesResult(body []byte) bool {
	s, _ := protocol.AnswerStatus(body)
	return s.Final()
}

// readAnswer reads an answer as partnercall.ReadBody does (at most 1 MiB
// kept, decompressed; the rest counted a bounded number of bytes), taking
// one of the large slots for an answer longer than smallAnswer or
// compressed.
func (e *engine) readAnswer(resp *http.Response) ([]byte, int64, error) {
	head, err := io.ReadAll(io.LimitReader(resp.Body, smallAnswer+1))
	if err != nil || (len(head) <= smallAnswer && resp.Header.Get("Content-Encoding") == "") {
		return head, int64(len(head)), err
	}
	e.large <- struct{}{}
	defer func() { <-e.large }()
	whole := *resp
	whole.Body = io.NopCloser(io.MultiReader(bytes.NewReader(head), resp.Body))
	return partnercall.ReadBody(&whole)
}

// judgeAnswer judges a 2xx answer of at most 1 MiB with the mock's rules
// (protocol.CheckWebhookResponse, as the suite's webhook/response-body
// check does): partner_result_attributes Teamtailor would ignore make it
// a failure, refused says why; final reports valid attributes with a
// final status, which are the webhook's result.
func judgeAnswer(status int, body []byte) (refused string, final bool) {
	applied, invalid, note := protocol.CheckWebhookResponse(body)
	if invalid {
		return fmt.Sprintf("answered %d, but its partner_result_attributes were ignored: %s", status, text.Cut{Max: maxNote, Mark: "…"}.Of(note)), false
	}
	return "", applied && answerCarriesResult(body)
}

// maxNote bounds the part of a failure message that quotes the partner's
// answer: the run keeps maxErrorKinds messages.
const maxNote = 300

// drain waits for the answers of the webhooks in flight; the HTTP
// client's timeout bounds the wait.
func (e *engine) drain() { e.wg.Wait() }

// waitResults waits until every webhook of step answered 2xx has its
// result, or the result deadline after the last one sent has passed.
func (e *engine) waitResults(ctx context.Context, step int) {
	if !e.cfg.ExpectResults {
		return
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		e.mu.Lock()
		deadline := e.lastSent.Add(e.cfg.Budget.ResultDeadline)
		waiting := false
		for i := range e.recs {
			if r := &e.recs[i]; int(r.step) == step && r.outcome == outOK && r.result < 0 {
				waiting = true
				break
			}
		}
		e.mu.Unlock()
		if !waiting || time.Now().After(deadline) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// snapshot is the live state the progress line shows.
type snapshot struct {
	elapsed  time.Duration
	sent     int
	notSent  int
	inFlight int
	failed   int
	results  int
	p99      time.Duration
	rate     float64 // arrivals over the last second
}

func (e *engine) snapshot(step int) snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := snapshot{elapsed: time.Since(e.began), inFlight: e.inFlight}
	cut := s.elapsed - time.Second
	recent := 0
	for i := len(e.recs) - 1; i >= 0; i-- {
		r := &e.recs[i]
		if r.sent >= cut && r.outcome != outNotSent {
			recent++
		}
		switch r.outcome {
		case outNotSent:
			s.notSent++
		case outFailed, outTimeout, outConnErr, outBuildErr:
			s.failed++
		}
		if r.outcome != outNotSent {
			s.sent++
		}
		if r.result >= 0 {
			s.results++
		}
	}
	s.rate = float64(recent)
	if m := e.metrics[step]; m != nil && m.Requests > 0 {
		s.p99 = m.Latencies.Quantile(0.99)
	}
	return s
}

// quantile returns the q quantile of sorted durations, or 0.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func sortDurations(d []time.Duration) { sort.Slice(d, func(i, j int) bool { return d[i] < d[j] }) }

// topFailure is the most common kind of failure with its first answer,
// its cause and its fix; nil without failures. e.mu is held.
func (e *engine) topFailure() *FailureDetail {
	var top string
	for msg, n := range e.errorKind {
		if top == "" || n > e.errorKind[top] || (n == e.errorKind[top] && msg < top) {
			top = msg
		}
	}
	if top == "" {
		return nil
	}
	s := e.samples[top]
	cause, fix := e.explain(s)
	// The answer goes into report files: a partner echoing a key must not
	// put it there.
	body := partner.NewRedactor(settings.TestContext).String(string(s.body))
	return &FailureDetail{Message: top, Webhooks: e.errorKind[top], Status: s.status, Body: body, Cause: cause, Fix: fix}
}

// explain says why webhooks failed as s did, and what fixes it.
func (e *engine) explain(s sample) (cause, fix string) {
	switch {
	case s.outcome == outTimeout:
		return fmt.Sprintf("the partner did not answer within --timeout (%s); Teamtailor gives up on such a webhook and does not retry it (docs/protocol.md §1.3)", e.cfg.Timeout),
			"answer the webhook as soon as it is stored and do the work afterwards, posting the result to update-url"
	case s.outcome == outConnErr:
		return "connections to the partner failed (refused, reset or closed) at this load",
			"raise the partner's connection limits (listen backlog, workers, proxy limits), or lower --rate to find where it holds"
	case s.outcome == outBuildErr:
		return "the embedded mock could not build the webhook: a failure of this tool, not of the partner", "report it with the message above"
	case s.invalid:
		return "the partner answered 2xx with partner_result_attributes Teamtailor ignores as invalid (docs/protocol.md §1.3)",
			"answer with valid partner_result_attributes, or with none and post the result to update-url"
	case s.tooLarge:
		return "the partner's answer is larger than the 1 MiB Teamtailor reads", "answer with a short body"
	case s.status == http.StatusUnauthorized || s.status == http.StatusForbidden:
		_, keyFix := e.tgt.Key.Refused(e.tgt.Mock.URL)
		return "the partner refused correctly signed webhooks carrying the run's provider key (" + e.tgt.Key.String() + "), which GET /config accepted: it verifies Teamtailor-Signature with another webhook secret than --webhook-secret, or refuses the key on /webhook only; its answer above says which",
			"give --webhook-secret the secret the partner verifies with; if it refuses the key: " + keyFix
	case s.status == http.StatusTooManyRequests:
		return "the partner rate-limits Teamtailor's webhooks: Teamtailor does not retry, so each 429 loses that candidate's webhook (docs/protocol.md §1.3)",
			"accept webhooks at this rate (queue the work) instead of limiting them"
	case s.status >= 500:
		return "the partner failed on correctly signed webhooks: a crash or an overloaded dependency (its answer above); Teamtailor does not retry them",
			"find these webhooks' partner-event ids in the partner's log; answer 2xx once the webhook is stored and do the work afterwards"
	case s.status/100 == 3:
		return "the partner redirected the webhook; Teamtailor follows no redirect", "serve POST /webhook at --base-url itself"
	}
	return fmt.Sprintf("the partner refused correctly signed webhooks with %d (its answer above says why)", s.status),
		"accept every correctly signed webhook with a 2xx"
}
