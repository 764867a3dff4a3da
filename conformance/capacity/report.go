package capacity

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Verdicts of a run.
const (
	VerdictPass  = "pass"  // within budget
	VerdictFail  = "fail"  // a figure breached the budget
	VerdictError = "error" // the run could not be made
)

// Breach names: each is the report key of the figure that broke the
// budget.
const (
	BreachP99         = "latencyMs.p99"
	BreachErrorRate   = "errorRate"
	BreachMissing     = "results.missing"
	BreachRateAchieve = "achieved.rate"
)

// Report is the capacity report (capacity-report.schema.json).
type Report struct {
	Tool       string    `json:"tool"`
	Verdict    string    `json:"verdict"`
	Error      string    `json:"error,omitempty"`
	Mode       string    `json:"mode"` // rate, burst or find-max
	BaseURL    string    `json:"baseUrl"`
	StartedAt  time.Time `json:"startedAt"`
	DurationMS float64   `json:"durationMs"`
	// Pacing names how arrivals were paced.
	Pacing string `json:"pacing"`

	Target         TargetFigures  `json:"target"`
	Achieved       Achieved       `json:"achieved"`
	Webhooks       Webhooks       `json:"webhooks"`
	ErrorRate      float64        `json:"errorRate"`
	LatencyMS      Latency        `json:"latencyMs"`
	Results        Results        `json:"results"`
	TimeToResultMS TimeToResult   `json:"timeToResultMs"`
	Budget         BudgetFigures  `json:"budget"`
	Breaches       []Breach       `json:"breaches"`
	MaxRate        *float64       `json:"maxRate,omitempty"`
	Steps          []Step         `json:"steps,omitempty"`
	Timeline       []Second       `json:"timeline"`
	Histogram      []Bucket       `json:"latencyHistogram"`
	Failures       map[string]int `json:"failures"`
	// TopFailure is the most common failure, with an answer, its cause
	// and its fix.
	TopFailure *FailureDetail `json:"topFailure,omitempty"`
}

// FailureDetail is one kind of failure: its message (a key of Failures),
// how many webhooks met it, the first answer of one (status and body, cut
// to 2 KiB), why it happens and what fixes it.
type FailureDetail struct {
	Message  string `json:"message"`
	Webhooks int    `json:"webhooks"`
	Status   int    `json:"status,omitempty"`
	Body     string `json:"body,omitempty"`
	Cause    string `json:"cause"`
	Fix      string `json:"fix"`
}

// TargetFigures is the load asked for.
type TargetFigures struct {
	Rate       float64 `json:"rate"` // webhooks per second; 0 for a burst
	DurationMS float64 `json:"durationMs,omitempty"`
	Webhooks   int     `json:"webhooks,omitempty"`
	Burst      int     `json:"burst,omitempty"`
	// MaxInFlight is the highest in-flight cap of the run (with
	// --find-max each step has its own, rate × --timeout).
	MaxInFlight int `json:"maxInFlight"`
}

// Achieved is the load the partner got.
type Achieved struct {
	// Rate is the arrival rate of the webhooks sent, per second.
	Rate float64 `json:"rate"`
	// PeakInFlight is the most webhooks that awaited an answer at once.
	PeakInFlight int `json:"peakInFlight"`
}

// Webhooks counts what became of the webhooks.
type Webhooks struct {
	Sent             int            `json:"sent"`
	OK               int            `json:"ok"`
	Failed           int            `json:"failed"`
	NotSent          int            `json:"notSent"`
	Timeouts         int            `json:"timeouts"`
	ConnectionErrors int            `json:"connectionErrors"`
	StatusClasses    map[string]int `json:"statusClasses"`
}

// Latency is the webhook answer latency, milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Results counts the partner results that came back.
type Results struct {
	// Expected says whether results were expected (--assessment); when
	// not, missing results break no budget.
	Expected   bool `json:"expected"`
	Received   int  `json:"received"`
	Missing    int  `json:"missing"`
	Late       int  `json:"late"`
	Duplicates int  `json:"duplicates"`
	Unknown    int  `json:"unknown"`
}

// TimeToResult is how long after its webhook a result came back,
// milliseconds; null without results.
type TimeToResult struct {
	P50 *float64 `json:"p50"`
	P99 *float64 `json:"p99"`
}

// BudgetFigures is the budget, in report units.
type BudgetFigures struct {
	MaxP99MS         float64 `json:"maxP99Ms"`
	MaxErrorRate     float64 `json:"maxErrorRate"`
	ResultDeadlineMS float64 `json:"resultDeadlineMs"`
	MinRateAchieved  float64 `json:"minRateAchieved"`
}

// Breach is a figure beyond its limit.
type Breach struct {
	Name   string  `json:"name"`
	Limit  float64 `json:"limit"`
	Actual float64 `json:"actual"`
	// Message says it in words.
	Message string `json:"message"`
}

// Step is one rate step of --find-max.
type Step struct {
	Rate         float64  `json:"rate"`
	AchievedRate float64  `json:"achievedRate"`
	Sent         int      `json:"sent"`
	NotSent      int      `json:"notSent"`
	MaxInFlight  int      `json:"maxInFlight"`
	PeakInFlight int      `json:"peakInFlight"`
	P99MS        float64  `json:"p99Ms"`
	ErrorRate    float64  `json:"errorRate"`
	Missing      int      `json:"missing"`
	Held         bool     `json:"held"`
	Breaches     []Breach `json:"breaches"`
}

// Second is one second of the run.
type Second struct {
	T        int     `json:"t"`        // seconds since the start
	Arrivals int     `json:"arrivals"` // webhooks sent in it
	NotSent  int     `json:"notSent"`  // webhooks due in it but not sent
	Answers  int     `json:"answers"`  // answers received in it
	Failures int     `json:"failures"` // failed webhooks sent in it
	Results  int     `json:"results"`  // results back in it
	P50MS    float64 `json:"p50Ms"`    // latency of the webhooks sent in it
	P99MS    float64 `json:"p99Ms"`
}

// Bucket counts the latencies up to LeMS (and above the bucket before);
// the last bucket has no bound (LeMS null).
type Bucket struct {
	LeMS  *float64 `json:"leMs"`
	Count int      `json:"count"`
}

// histogramBounds are the upper bounds of the latency histogram, ms.
var histogramBounds = []float64{0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000}

func msOf(d time.Duration) float64 { return math.Round(float64(d.Microseconds())) / 1000 }

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// figures is what a step (or the whole run) amounts to.
type figures struct {
	target   float64
	achieved float64
	webhooks Webhooks
	errRate  float64
	latency  Latency
	results  Results
	ttr      TimeToResult
}

// summarise computes the figures of the webhooks of step (every step
// when step < 0); e.mu is held.
func (e *engine) summarise(step int, target float64) figures {
	f := figures{target: target, webhooks: Webhooks{StatusClasses: map[string]int{}}, results: Results{Expected: e.cfg.ExpectResults}}
	var ttr []time.Duration
	for i := range e.recs {
		r := &e.recs[i]
		if step >= 0 && int(r.step) != step {
			continue
		}
		switch r.outcome {
		case outNotSent:
			f.webhooks.NotSent++
			continue
		case outBuildErr:
			f.webhooks.NotSent++
			continue
		}
		f.webhooks.Sent++
		switch r.outcome {
		case outOK:
			f.webhooks.OK++
		case outFailed:
			f.webhooks.Failed++
		case outTimeout:
			f.webhooks.Failed++
			f.webhooks.Timeouts++
		case outConnErr:
			f.webhooks.Failed++
			f.webhooks.ConnectionErrors++
		}
		if r.status > 0 {
			f.webhooks.StatusClasses[fmt.Sprintf("%dxx", r.status/100)]++
		}
		f.results.Duplicates += int(r.dups)
		switch {
		case r.result >= 0 && r.result <= e.cfg.Budget.ResultDeadline:
			f.results.Received++
			ttr = append(ttr, r.result)
		case r.result >= 0:
			f.results.Late++
			f.results.Missing++
		case r.outcome == outOK:
			f.results.Missing++
		}
	}
	if f.webhooks.Sent > 0 {
		f.errRate = round3(float64(f.webhooks.Failed) / float64(f.webhooks.Sent))
	}
	steps := []int{step}
	if step < 0 {
		steps = nil
		for s := range e.metrics {
			steps = append(steps, s)
		}
	}
	// One step's latencies come from vegeta's Metrics; the whole of a
	// find-max run spans steps, so from every record.
	if len(steps) == 1 && e.metrics[steps[0]] != nil {
		m := e.metrics[steps[0]]
		m.Close()
		f.achieved = round3(m.Rate)
		f.latency = Latency{P50: msOf(m.Latencies.P50), P90: msOf(m.Latencies.P90), P99: msOf(m.Latencies.P99), Max: msOf(m.Latencies.Max)}
	} else {
		var lat []time.Duration
		for i := range e.recs {
			if r := &e.recs[i]; r.outcome != outNotSent && r.outcome != outBuildErr {
				lat = append(lat, r.latency)
			}
		}
		sortDurations(lat)
		f.latency = Latency{P50: msOf(quantile(lat, .5)), P90: msOf(quantile(lat, .9)), P99: msOf(quantile(lat, .99)), Max: msOf(quantile(lat, 1))}
	}
	if len(ttr) > 0 {
		sortDurations(ttr)
		p50, p99 := msOf(quantile(ttr, .5)), msOf(quantile(ttr, .99))
		f.ttr = TimeToResult{P50: &p50, P99: &p99}
	}
	if !e.cfg.ExpectResults {
		// Nothing was waited for: what did not come is not lost.
		f.results.Missing, f.results.Late = 0, 0
	}
	return f
}

// judge returns the budget's breaches by f, naming each figure. A burst
// (target 0) has no arrival rate to judge.
func judge(b Budget, f figures) []Breach {
	out := []Breach{}
	if limit := msOf(b.MaxP99); f.latency.P99 > limit {
		out = append(out, Breach{Name: BreachP99, Limit: limit, Actual: f.latency.P99,
			Message: fmt.Sprintf("webhook answer latency p99 %s is above --max-p99 %s", fmtMS(f.latency.P99), fmtMS(limit))})
	}
	if f.errRate > b.MaxErrorRate {
		out = append(out, Breach{Name: BreachErrorRate, Limit: b.MaxErrorRate, Actual: f.errRate,
			Message: fmt.Sprintf("%d of %d webhooks failed (%.1f%%), above --max-error-rate %.1f%%: Teamtailor does not retry them (docs/protocol.md §1.3)",
				f.webhooks.Failed, f.webhooks.Sent, 100*f.errRate, 100*b.MaxErrorRate)})
	}
	if f.results.Expected && f.results.Missing > 0 {
		out = append(out, Breach{Name: BreachMissing, Limit: 0, Actual: float64(f.results.Missing),
			Message: fmt.Sprintf("%d of %d webhooks answered 2xx got no final result within --result-deadline %s (%d came later)",
				f.results.Missing, f.webhooks.OK, b.ResultDeadline, f.results.Late)})
	}
	if f.target > 0 {
		if limit := round3(b.MinRateAchieved * f.target); f.achieved < limit {
			out = append(out, Breach{Name: BreachRateAchieve, Limit: limit, Actual: f.achieved,
				Message: fmt.Sprintf("the partner got %.2f webhooks/s, below %.0f%% of the target %.2f/s (%d due webhooks not sent: --max-in-flight reached)",
					f.achieved, 100*b.MinRateAchieved, f.target, f.webhooks.NotSent)})
		}
	}
	return out
}

func fmtMS(ms float64) string {
	return time.Duration(ms * float64(time.Millisecond)).Round(time.Microsecond * 100).String()
}

// timeline and histogram describe the whole run; e.mu is held.
func (e *engine) timeline() []Second {
	var secs []Second
	at := func(d time.Duration) *Second {
		i := int(d / time.Second)
		for len(secs) <= i {
			secs = append(secs, Second{T: len(secs)})
		}
		return &secs[i]
	}
	lat := map[int][]time.Duration{}
	for i := range e.recs {
		r := &e.recs[i]
		s := at(r.sent)
		switch r.outcome {
		case outNotSent, outBuildErr:
			s.NotSent++
			continue
		case outPending:
			s.Arrivals++
			continue
		case outFailed, outTimeout, outConnErr:
			s.Failures++
		}
		s.Arrivals++
		lat[s.T] = append(lat[s.T], r.latency)
		if r.outcome == outOK || r.outcome == outFailed {
			at(r.sent+r.latency).Answers++
		}
		if r.result >= 0 {
			at(r.sent+r.result).Results++
		}
	}
	for t, l := range lat {
		sortDurations(l)
		secs[t].P50MS, secs[t].P99MS = msOf(quantile(l, .5)), msOf(quantile(l, .99))
	}
	return secs
}

func (e *engine) histogram() []Bucket {
	counts := make([]int, len(histogramBounds)+1)
	for i := range e.recs {
		r := &e.recs[i]
		if r.outcome == outNotSent || r.outcome == outBuildErr || r.outcome == outPending {
			continue
		}
		ms := msOf(r.latency)
		j, _ := slices.BinarySearch(histogramBounds, ms)
		counts[j]++
	}
	out := make([]Bucket, len(counts))
	for i, c := range counts {
		out[i].Count = c
		if i < len(histogramBounds) {
			b := histogramBounds[i]
			out[i].LeMS = &b
		}
	}
	return out
}

// WriteJSON writes the report to path, creating its folder.
func (r *Report) WriteJSON(path string) error {
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the capacity report: %w", err)
	}
	return writeFile(path, append(raw, '\n'))
}

func writeFile(path string, data []byte) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Line is the verdict in one line, as the console ends with it.
func (r *Report) Line() string {
	switch r.Verdict {
	case VerdictError:
		return "capacity: ERROR — " + r.Error
	case VerdictPass:
		s := fmt.Sprintf("capacity: PASS — %d webhooks at %.2f/s (target %.2f/s), p99 %s, %d failed, %d results back",
			r.Webhooks.Sent, r.Achieved.Rate, r.Target.Rate, fmtMS(r.LatencyMS.P99), r.Webhooks.Failed, r.Results.Received)
		if c := r.Ceiling(); c != "" {
			s += "; " + c
		}
		return s
	}
	names := make([]string, len(r.Breaches))
	for i, b := range r.Breaches {
		names[i] = b.Name
	}
	s := "capacity: FAIL — budget breached: " + strings.Join(names, ", ")
	if c := r.Ceiling(); c != "" {
		s += "; " + c
	}
	return s
}

// Ceiling is what a --find-max run found, in words: "ceiling X/s: broke
// at Y/s on <figure>" when a step broke the budget, "no ceiling found up
// to X/s" when every step held (--max-steps stopped it); "" for other
// runs.
func (r *Report) Ceiling() string {
	if r.Mode != "find-max" || len(r.Steps) == 0 {
		return ""
	}
	last := r.Steps[len(r.Steps)-1]
	if last.Held {
		return fmt.Sprintf("no ceiling found up to %.2f/s: every step held (%d; --max-steps or a higher --rate goes further)", last.Rate, len(r.Steps))
	}
	figures := make([]string, len(last.Breaches))
	for i, b := range last.Breaches {
		figures[i] = b.figure()
	}
	on := strings.Join(figures, ", ")
	if len(r.Steps) == 1 {
		return fmt.Sprintf("ceiling below %.2f/s: the first step broke at %.2f/s on %s", last.Rate, last.Rate, on)
	}
	return fmt.Sprintf("ceiling %.2f/s: broke at %.2f/s on %s", r.Steps[len(r.Steps)-2].Rate, last.Rate, on)
}

// figure is a breach as its figure against the limit, e.g.
// "latencyMs.p99 1.2s > 1s".
func (b Breach) figure() string {
	switch b.Name {
	case BreachP99:
		return fmt.Sprintf("%s %s > %s", b.Name, fmtMS(b.Actual), fmtMS(b.Limit))
	case BreachErrorRate:
		return fmt.Sprintf("%s %.1f%% > %.1f%%", b.Name, 100*b.Actual, 100*b.Limit)
	case BreachMissing:
		return fmt.Sprintf("%s %.0f > 0", b.Name, b.Actual)
	case BreachRateAchieve:
		return fmt.Sprintf("%s %.2f/s < %.2f/s", b.Name, b.Actual, b.Limit)
	}
	return b.Name
}
