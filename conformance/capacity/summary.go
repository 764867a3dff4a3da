package capacity

import (
	"fmt"

	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"maps"
	"slices"
	"strings"
)

// check is one budget line: a figure, its limit, and whether it held.
type check struct {
	Name, Actual, Limit string
	OK, Judged          bool
}

// checks lists the budget's figures for the console and the HTML page.
func (r *Report) checks() []check {
	breached := map[string]bool{}
	for _, b := range r.Breaches {
		breached[b.Name] = true
	}
	out := []check{
		{Name: BreachP99, Actual: fmtMS(r.LatencyMS.P99), Limit: "≤ " + fmtMS(r.Budget.MaxP99MS), Judged: true},
		{Name: BreachErrorRate, Actual: fmt.Sprintf("%.2f%%", 100*r.ErrorRate), Limit: fmt.Sprintf("≤ %.2f%%", 100*r.Budget.MaxErrorRate), Judged: true},
		{Name: BreachMissing, Actual: fmt.Sprint(r.Results.Missing), Limit: "0 within " + fmtMS(r.Budget.ResultDeadlineMS), Judged: r.Results.Expected},
		{Name: BreachRateAchieve, Actual: fmt.Sprintf("%.2f/s", r.Achieved.Rate), Limit: fmt.Sprintf("≥ %.2f/s", r.Budget.MinRateAchieved*r.Target.Rate), Judged: r.Target.Rate > 0},
	}
	for i := range out {
		out[i].OK = !breached[out[i].Name]
	}
	return out
}

// Summary is the console's account of the run.
func (r *Report) Summary() string {
	var b strings.Builder
	w := r.Webhooks
	fmt.Fprintf(&b, "\nwebhooks        sent %d, ok %d, failed %d (timeouts %d, connection errors %d), not sent %d\n",
		w.Sent, w.OK, w.Failed, w.Timeouts, w.ConnectionErrors, w.NotSent)
	var classes []string
	for _, k := range slices.Sorted(maps.Keys(w.StatusClasses)) {
		classes = append(classes, fmt.Sprintf("%s %d", k, w.StatusClasses[k]))
	}
	if len(classes) > 0 {
		fmt.Fprintf(&b, "statuses        %s\n", strings.Join(classes, ", "))
	}
	if r.Target.Rate > 0 {
		fmt.Fprintf(&b, "arrival rate    target %.2f/s, achieved %.2f/s\n", r.Target.Rate, r.Achieved.Rate)
	} else {
		fmt.Fprintf(&b, "arrival rate    burst of %d, sent at %.2f/s\n", r.Target.Burst, r.Achieved.Rate)
	}
	fmt.Fprintf(&b, "in flight       at most %d at once (cap %d)\n", r.Achieved.PeakInFlight, r.Target.MaxInFlight)
	l := r.LatencyMS
	fmt.Fprintf(&b, "latency         p50 %s, p90 %s, p99 %s, max %s\n", fmtMS(l.P50), fmtMS(l.P90), fmtMS(l.P99), fmtMS(l.Max))
	res := r.Results
	expect := ""
	if !res.Expected {
		expect = " (not expected: no --assessment)"
	}
	fmt.Fprintf(&b, "results         received %d, missing %d (late %d), duplicates %d, for unknown events %d%s\n",
		res.Received, res.Missing, res.Late, res.Duplicates, res.Unknown, expect)
	if r.TimeToResultMS.P50 != nil {
		fmt.Fprintf(&b, "time to result  p50 %s, p99 %s\n", fmtMS(*r.TimeToResultMS.P50), fmtMS(*r.TimeToResultMS.P99))
	}
	if len(r.Steps) > 0 {
		b.WriteString("steps\n")
		for i, s := range r.Steps {
			state := "held"
			if !s.Held {
				state = "broke"
			}
			fmt.Fprintf(&b, "  %2d  %8.2f/s  achieved %8.2f/s  p99 %9s  errors %5.1f%%  missing %d  in flight ≤ %d (cap %d)  %s\n",
				i+1, s.Rate, s.AchievedRate, fmtMS(s.P99MS), 100*s.ErrorRate, s.Missing, s.PeakInFlight, s.MaxInFlight, state)
		}
		fmt.Fprintf(&b, "  %s\n", r.Ceiling())
	}
	if len(r.Failures) > 0 {
		b.WriteString("failures\n")
		keys := slices.SortedFunc(maps.Keys(r.Failures), func(a, c string) int { return r.Failures[c] - r.Failures[a] })
		for _, k := range keys {
			fmt.Fprintf(&b, "  %6d × %s\n", r.Failures[k], k)
		}
	}
	if f := r.TopFailure; f != nil {
		fmt.Fprintf(&b, "most common failure: %s (%d webhooks)\n", f.Message, f.Webhooks)
		if f.Body != "" {
			fmt.Fprintf(&b, "  answer: %s\n", text.Cut{Max: maxNote, Mark: "…"}.Of(strings.TrimSpace(f.Body)))
		}
		fmt.Fprintf(&b, "  cause: %s\n  fix: %s\n", f.Cause, f.Fix)
	}
	b.WriteString("budget\n")
	for _, c := range r.checks() {
		state := "ok    "
		switch {
		case !c.Judged:
			state = "n/a   "
		case !c.OK:
			state = "BREACH"
		}
		fmt.Fprintf(&b, "  %s  %-16s %-12s %s\n", state, c.Name, c.Actual, c.Limit)
	}
	for _, br := range r.Breaches {
		fmt.Fprintf(&b, "  ✗ %s: %s\n", br.Name, br.Message)
	}
	return b.String()
}
