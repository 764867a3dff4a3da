package capacity

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Config is one capacity run: the load, the budget it is judged against,
// and for --find-max how the rate is stepped up.
type Config struct {
	// Rate is the constant arrival rate, webhooks per second; with
	// FindMax, the rate of the first step.
	Rate float64
	// Duration or Webhooks ends a constant-rate run (whichever comes
	// first when both are set).
	Duration time.Duration
	Webhooks int
	// Burst, when set, sends this many webhooks at once instead of a
	// constant rate, as a bulk send does (docs/protocol.md §5).
	Burst int
	// MaxInFlight caps the webhooks awaiting an answer; one due while the
	// cap is reached is not sent, and counted. 0 picks Rate × Timeout
	// (and at least 64), so a partner answering within the timeout never
	// meets it.
	MaxInFlight int
	// Timeout bounds each webhook's answer (--timeout of the suite).
	Timeout time.Duration
	// ExpectResults says the partner posts results (--assessment): results
	// missing after Budget.ResultDeadline are lost.
	ExpectResults bool
	// Budget is what the run is judged against.
	Budget Budget

	// FindMax steps the rate up from Rate by StepFactor every Step until
	// the budget breaks, at most MaxSteps steps.
	FindMax    bool
	Step       time.Duration
	StepFactor float64
	MaxSteps   int
}

// Budget is what a partner must hold to pass.
type Budget struct {
	// MaxP99 is the highest 99th percentile of webhook answer latency.
	MaxP99 time.Duration
	// MaxErrorRate is the highest share of sent webhooks that may fail
	// (status >= 400 or 3xx, timeout, connection error): Teamtailor does
	// not retry (docs/protocol.md §1.3), so 0 by default.
	MaxErrorRate float64
	// ResultDeadline is how long after its webhook a result may come back;
	// later ones are lost.
	ResultDeadline time.Duration
	// MinRateAchieved is the share of the target arrival rate the run
	// must reach; below it the figures do not describe the target rate.
	MinRateAchieved float64
}

// Defaults of the flags.
const (
	DefaultRate            = 10
	DefaultDuration        = 30 * time.Second
	DefaultMaxP99          = 2 * time.Second
	DefaultResultDeadline  = 60 * time.Second
	DefaultMinRateAchieved = 0.95
	DefaultStep            = 10 * time.Second
	DefaultStepFactor      = 1.5
	DefaultMaxSteps        = 12
	minMaxInFlight         = 64
)

// DefaultConfig returns the defaults of every flag.
func DefaultConfig() Config {
	return Config{
		Rate: DefaultRate, Duration: DefaultDuration, Timeout: 10 * time.Second,
		Budget: Budget{MaxP99: DefaultMaxP99, ResultDeadline: DefaultResultDeadline, MinRateAchieved: DefaultMinRateAchieved},
		Step:   DefaultStep, StepFactor: DefaultStepFactor, MaxSteps: DefaultMaxSteps,
	}
}

// Validate returns every problem of c at once, or nil.
func (c Config) Validate() error {
	var problems []error
	add := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	if c.Burst < 0 {
		add("--burst must not be negative, got %d", c.Burst)
	}
	if c.Burst > 0 && c.FindMax {
		add("give --burst or --find-max, not both: a burst has no rate to step up")
	}
	if c.Burst == 0 && (c.Rate <= 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0)) {
		add("--rate must be a positive number of webhooks per second, got %v", c.Rate)
	}
	if c.Duration < 0 {
		add("--duration must not be negative, got %s", c.Duration)
	}
	if c.Webhooks < 0 {
		add("--webhooks must not be negative, got %d", c.Webhooks)
	}
	if c.Burst == 0 && !c.FindMax && c.Duration == 0 && c.Webhooks == 0 {
		add("give --duration or --webhooks to end a constant-rate run")
	}
	if c.MaxInFlight < 0 {
		add("--max-in-flight must not be negative, got %d", c.MaxInFlight)
	}
	if c.Timeout <= 0 {
		add("--timeout must be positive, got %s", c.Timeout)
	}
	if c.Budget.MaxP99 <= 0 {
		add("--max-p99 must be positive, got %s", c.Budget.MaxP99)
	}
	if c.Budget.MaxErrorRate < 0 || c.Budget.MaxErrorRate > 1 || math.IsNaN(c.Budget.MaxErrorRate) {
		add("--max-error-rate must be between 0 and 1, got %v", c.Budget.MaxErrorRate)
	}
	if c.Budget.ResultDeadline <= 0 {
		add("--result-deadline must be positive, got %s", c.Budget.ResultDeadline)
	}
	if c.Budget.MinRateAchieved < 0 || c.Budget.MinRateAchieved > 1 || math.IsNaN(c.Budget.MinRateAchieved) {
		add("--min-rate-achieved must be between 0 and 1 (a share of --rate), got %v", c.Budget.MinRateAchieved)
	}
	if c.FindMax {
		if c.Step <= 0 {
			add("--step must be positive, got %s", c.Step)
		}
		if c.StepFactor <= 1 || math.IsNaN(c.StepFactor) || math.IsInf(c.StepFactor, 0) {
			add("--step-factor must be above 1, got %v", c.StepFactor)
		}
		if c.MaxSteps < 1 {
			add("--max-steps must be at least 1, got %d", c.MaxSteps)
		}
	}
	return errors.Join(problems...)
}

// maxInFlight is the in-flight cap of a load at rate (or a burst of n).
func (c Config) maxInFlight(rate float64, burst int) int {
	if c.MaxInFlight > 0 {
		return c.MaxInFlight
	}
	if burst > 0 {
		return max(burst, minMaxInFlight)
	}
	return max(int(math.Ceil(rate*c.Timeout.Seconds())), minMaxInFlight)
}
