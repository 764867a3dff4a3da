package fuzz

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Config is one fuzz run.
type Config struct {
	// Seed makes the run repeatable: the same seed generates the same
	// cases.
	Seed uint64
	// Duration ends the run (with MaxCases, whichever comes first); 0
	// with MaxCases: until they are sent.
	Duration time.Duration
	// MaxCases ends the run after that many cases (0: no limit).
	MaxCases int
	// Concurrency is how many cases are in flight at once. A case of an
	// assessment partner lasts until its result comes back, so a partner
	// that posts results after seconds needs many in flight for a useful
	// rate.
	Concurrency int
	// MaxFindings stops the run once that many distinct failures were
	// found (0: no limit).
	MaxFindings int
	// Shrink reduces each finding before it is written.
	Shrink bool
	// Out is the folder the findings are written to as fixtures; "" writes
	// none.
	Out string
}

// Defaults of the flags.
const (
	DefaultDuration       = 60 * time.Second
	DefaultConcurrency    = 64
	DefaultMaxFindings    = 10
	DefaultResultDeadline = 10 * time.Second
	DefaultOut            = "fuzz-findings"
)

// DefaultConfig returns the defaults of every flag.
func DefaultConfig() Config {
	return Config{Duration: DefaultDuration, Concurrency: DefaultConcurrency, MaxFindings: DefaultMaxFindings, Shrink: true, Out: DefaultOut}
}

// Validate returns every problem of c at once, or nil.
func (c Config) Validate() error {
	var problems []error
	add := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	if c.Duration < 0 {
		add("--duration must not be negative, got %s", c.Duration)
	}
	if c.MaxCases < 0 {
		add("--max-cases must not be negative, got %d", c.MaxCases)
	}
	if c.Duration == 0 && c.MaxCases == 0 {
		add("give --duration or --max-cases to end the run")
	}
	if c.Concurrency < 1 || c.Concurrency > 1024 {
		add("--concurrency must be 1 to 1024, got %d", c.Concurrency)
	}
	if c.MaxFindings < 0 {
		add("--max-findings must not be negative, got %d", c.MaxFindings)
	}
	return errors.Join(problems...)
}

// Finding is one distinct failure of a run: the first case that failed
// that way, and what it shrank to.
type Finding struct {
	Name    string  `json:"name"`
	Verdict Verdict `json:"verdict"`
	// Case is the index of the first case that failed this way: --seed
	// and --max-cases Case+1 generate it again.
	Case int `json:"case"`
	// Cases counts the cases of the run that failed this way.
	Cases        int     `json:"cases"`
	FoundAfterMS float64 `json:"foundAfterMs"`
	// Features are what the first failing case exercised.
	Features []string `json:"features"`
	// OriginalSize and ShrunkSize are Size of the case and of the shrunk
	// webhook.
	OriginalSize int `json:"originalSize"`
	ShrunkSize   int `json:"shrunkSize"`
	ShrinkTrials int `json:"shrinkTrials"`
	// Fixture is the file the shrunk, scrubbed webhook was written to.
	Fixture string `json:"fixture,omitempty"`
	// Reproduces says the written fixture, sent again, failed the same
	// way.
	Reproduces bool `json:"reproduces"`
	// Serve starts a mock with the fixtures; Trigger then sends the
	// fixture again through it, and Curl sends it without a mock.
	Serve   string `json:"serve,omitempty"`
	Trigger string `json:"trigger,omitempty"`
	Curl    string `json:"curl,omitempty"`
	// Body is the shrunk webhook, before scrubbing.
	Body []byte `json:"-"`
	// fixtureBody is what was written.
	fixtureBody []byte
}

// engine runs the cases of one run.
type engine struct {
	cfg   Config
	gen   *Generator
	j     *judge
	began time.Time

	next atomic.Int64
	stop atomic.Bool

	mu       sync.Mutex // guards the fields below
	cases    int
	failed   int
	kinds    map[string]int
	features map[string]int
	findings []*Finding
	byPrint  map[string]*Finding
	mockErr  error
}

// Form says what the partner's /config form requires and names.
type Form struct {
	// Required are the webhook-data keys of required fields: a shrunk
	// webhook keeps them.
	Required []string
	// Fields are the webhook-data keys of every field: the scrubber
	// keeps them.
	Fields []string
}

// Run generates and sends the cases of cfg to tgt, shrinks each distinct
// failure, writes it to cfg.Out as a fixture and returns the report.
// progress, when not nil, gets a line every few seconds.
func Run(ctx context.Context, cfg Config, tgt Target, gen *Generator, form Form, cmds Commands, progress io.Writer) *Report {
	e := &engine{cfg: cfg, gen: gen, j: newJudge(tgt), began: time.Now(), kinds: map[string]int{}, features: map[string]int{}, byPrint: map[string]*Finding{}}
	runCtx := ctx
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	done := make(chan struct{})
	if progress != nil {
		go e.report(progress, done)
	}
	var wg sync.WaitGroup
	for range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.work(runCtx, ctx)
		}()
	}
	wg.Wait()
	close(done)
	elapsed := time.Since(e.began)

	rep := newReport(cfg, e.began)
	rep.Cases, rep.FailedCases = e.cases, e.failed
	rep.DurationMS = msOf(elapsed)
	if s := elapsed.Seconds(); s > 0 {
		rep.CasesPerSecond = round2(float64(e.cases) / s)
	}
	rep.Failures = e.kinds
	rep.Coverage = coverageOf(e.features, e.cases)

	if cfg.Shrink {
		for _, f := range e.findings {
			if ctx.Err() != nil {
				break
			}
			e.shrink(ctx, f, form.Required)
		}
	}
	if cfg.Out != "" && len(e.findings) > 0 && ctx.Err() == nil {
		cmds.Dir = cfg.Out
		if err := e.writeFindings(ctx, e.findings, form.Fields, cmds); err != nil {
			rep.Error = err.Error()
		}
	}
	for _, f := range e.findings {
		rep.Findings = append(rep.Findings, *f)
	}
	switch {
	case e.mockErr != nil:
		rep.Verdict, rep.Error = VerdictError, e.mockErr.Error()
	case rep.Error != "":
		rep.Verdict = VerdictError
	case ctx.Err() != nil:
		rep.Verdict, rep.Error = VerdictError, "the run was interrupted; its figures cover the cases sent"
	case len(rep.Findings) > 0:
		rep.Verdict = VerdictFail
	default:
		rep.Verdict = VerdictPass
	}
	return rep
}

// work sends cases until the run ends: runCtx ends the sending, ctx
// (the whole command's) the cases in flight.
func (e *engine) work(runCtx, ctx context.Context) {
	for runCtx.Err() == nil && !e.stop.Load() {
		i := int(e.next.Add(1) - 1)
		if e.cfg.MaxCases > 0 && i >= e.cfg.MaxCases {
			return
		}
		c := e.gen.Case(i)
		v, err := e.j.exec(ctx, c.Body, e.j.tgt.ExpectResults)
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, errMock) {
				e.mu.Lock()
				e.mockErr = err
				e.mu.Unlock()
				e.stop.Store(true)
			}
			return
		}
		e.record(c, v)
	}
}

// record counts case c and keeps the first case of each new failure.
func (e *engine) record(c Case, v Verdict) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cases++
	for _, f := range c.Features {
		e.features[f]++
	}
	if !v.Failed() {
		return
	}
	e.failed++
	e.kinds[v.Kind]++
	if f := e.byPrint[v.fingerprint]; f != nil {
		f.Cases++
		return
	}
	if e.cfg.MaxFindings > 0 && len(e.findings) >= e.cfg.MaxFindings {
		return
	}
	f := &Finding{Verdict: v, Case: c.Index, Cases: 1, FoundAfterMS: msOf(time.Since(e.began)), Features: c.Features,
		OriginalSize: Size(c.Body), ShrunkSize: Size(c.Body), Body: c.Body}
	e.findings = append(e.findings, f)
	e.byPrint[v.fingerprint] = f
	if e.cfg.MaxFindings > 0 && len(e.findings) >= e.cfg.MaxFindings {
		e.stop.Store(true)
	}
}

// shrink reduces finding f's webhook, trying each batch of reductions at
// once.
func (e *engine) shrink(ctx context.Context, f *Finding, required []string) {
	want := f.Verdict
	s := Shrinker{Required: required, Batch: e.cfg.Concurrency, KeepJob: !e.gen.bulk, Try: func(ctx context.Context, bodies [][]byte) []Verdict {
		return e.tryAll(ctx, bodies, want.resultKind())
	}}
	res := s.Shrink(ctx, f.Body, want)
	f.Body, f.ShrunkSize, f.ShrinkTrials = res.Body, Size(res.Body), res.Trials
}

// tryAll judges bodies at once and returns their verdicts in order.
func (e *engine) tryAll(ctx context.Context, bodies [][]byte, wantResult bool) []Verdict {
	out := make([]Verdict, len(bodies))
	var wg sync.WaitGroup
	for i, b := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], _ = e.j.exec(ctx, b, wantResult)
		}()
	}
	wg.Wait()
	return out
}

// report prints a progress line every 5 seconds until done.
func (e *engine) report(w io.Writer, done chan struct{}) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			e.mu.Lock()
			el := time.Since(e.began)
			fmt.Fprintf(w, "  %5.0fs  %d cases (%.1f/s), %d failed, %d findings\n", el.Seconds(), e.cases, float64(e.cases)/el.Seconds(), e.failed, len(e.findings))
			e.mu.Unlock()
		}
	}
}

func msOf(d time.Duration) float64 { return round2(float64(d) / float64(time.Millisecond)) }

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }
