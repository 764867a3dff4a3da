package capacity

import (
	"context"
	"time"
)

// Tool names the program in reports.
const Tool = "ttconformance capacity"

// pacing says how arrivals are paced, in reports.
const pacing = "open model: vegeta ConstantPacer, one goroutine per webhook, capped by maxInFlight (webhooks due beyond it are counted as not sent)"

// Run makes the capacity run cfg against tgt and returns its report;
// progress, when not nil, is told the live figures. It never fails: a run
// cut short by ctx reports what it measured, with the verdict error.
func Run(ctx context.Context, cfg Config, tgt Target, progress *Progress) *Report {
	e := newEngine(cfg, tgt)
	rep := newReport(cfg, e.began)
	stop := progress.start(e)

	var f figures
	var breaches []Breach
	switch {
	case cfg.Burst > 0:
		e.burst(ctx, cfg.Burst)
		f, breaches = e.finishStep(ctx, 0, 0)
	case cfg.FindMax:
		f, breaches = e.findMax(ctx, rep, progress)
	default:
		e.load(ctx, 0, cfg.Rate, cfg.Duration, cfg.Webhooks)
		f, breaches = e.finishStep(ctx, 0, cfg.Rate)
	}
	stop()

	e.mu.Lock()
	rep.Achieved.Rate = f.achieved
	rep.Webhooks, rep.ErrorRate, rep.LatencyMS = f.webhooks, f.errRate, f.latency
	rep.Results, rep.TimeToResultMS = f.results, f.ttr
	rep.Results.Unknown = e.unknown
	rep.Timeline, rep.Histogram = e.timeline(), e.histogram()
	for k, v := range e.errorKind {
		rep.Failures[k] = v
	}
	rep.TopFailure = e.topFailure()
	for step, limit := range e.limits {
		rep.Target.MaxInFlight = max(rep.Target.MaxInFlight, limit)
		rep.Achieved.PeakInFlight = max(rep.Achieved.PeakInFlight, e.peak[step])
	}
	e.mu.Unlock()
	rep.DurationMS = msOf(time.Since(e.began))
	rep.Breaches = breaches
	switch {
	case ctx.Err() != nil:
		rep.Verdict, rep.Error = VerdictError, "the run was interrupted before it ended; its figures cover what was sent"
	case len(breaches) > 0:
		rep.Verdict = VerdictFail
	default:
		rep.Verdict = VerdictPass
	}
	return rep
}

// newReport returns the report of a run of cfg before any figure.
func newReport(cfg Config, began time.Time) *Report {
	rep := &Report{Tool: Tool, StartedAt: began, Pacing: pacing, Failures: map[string]int{},
		Webhooks: Webhooks{StatusClasses: map[string]int{}}, Breaches: []Breach{}, Timeline: []Second{}, Histogram: []Bucket{},
		Budget: BudgetFigures{MaxP99MS: msOf(cfg.Budget.MaxP99), MaxErrorRate: cfg.Budget.MaxErrorRate,
			ResultDeadlineMS: msOf(cfg.Budget.ResultDeadline), MinRateAchieved: cfg.Budget.MinRateAchieved},
		Results: Results{Expected: cfg.ExpectResults}}
	switch {
	case cfg.Burst > 0:
		rep.Mode = "burst"
		rep.Target = TargetFigures{Burst: cfg.Burst, MaxInFlight: cfg.maxInFlight(0, cfg.Burst)}
	case cfg.FindMax:
		rep.Mode = "find-max"
		rep.Target = TargetFigures{Rate: cfg.Rate, DurationMS: msOf(cfg.Step), MaxInFlight: cfg.maxInFlight(cfg.Rate, 0)}
	default:
		rep.Mode = "rate"
		rep.Target = TargetFigures{Rate: cfg.Rate, DurationMS: msOf(cfg.Duration), Webhooks: cfg.Webhooks, MaxInFlight: cfg.maxInFlight(cfg.Rate, 0)}
	}
	return rep
}

// finishStep waits for the answers and results of step and judges it.
func (e *engine) finishStep(ctx context.Context, step int, target float64) (figures, []Breach) {
	e.drain()
	e.waitResults(ctx, step)
	e.mu.Lock()
	f := e.summarise(step, target)
	e.mu.Unlock()
	return f, judge(e.cfg.Budget, f)
}

// findMax steps the rate up by StepFactor until a step breaks the budget.
// The report's figures are those of the highest step that held, or of the
// first step when none did (the verdict is then fail).
func (e *engine) findMax(ctx context.Context, rep *Report, progress *Progress) (figures, []Breach) {
	var held, first figures
	var firstBreaches []Breach
	var maxRate float64
	rate := e.cfg.Rate
	for i := range e.cfg.MaxSteps {
		progress.stepStarted(i, rate)
		e.load(ctx, i, rate, e.cfg.Step, 0)
		f, breaches := e.finishStep(ctx, i, rate)
		e.mu.Lock()
		capped, peak := e.limits[i], e.peak[i]
		e.mu.Unlock()
		rep.Steps = append(rep.Steps, Step{Rate: round3(rate), AchievedRate: f.achieved, Sent: f.webhooks.Sent, NotSent: f.webhooks.NotSent,
			MaxInFlight: capped, PeakInFlight: peak,
			P99MS: f.latency.P99, ErrorRate: f.errRate, Missing: f.results.Missing, Held: len(breaches) == 0, Breaches: breaches})
		progress.stepEnded(rep.Steps[len(rep.Steps)-1])
		if i == 0 {
			first, firstBreaches = f, breaches
		}
		if len(breaches) > 0 || ctx.Err() != nil {
			break
		}
		held, maxRate = f, round3(rate)
		rate *= e.cfg.StepFactor
	}
	rep.MaxRate = &maxRate
	if maxRate == 0 {
		return first, firstBreaches
	}
	rep.Target.Rate = maxRate
	return held, []Breach{}
}
