package capacity

import (
	"fmt"
	"html"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/internal/htmlesc"
)

// The HTML report is one self-contained page: inline CSS, plots drawn as
// inline SVG, no script and no external asset, so it can be archived by
// CI and opened anywhere.

// series is one line of a plot.
type series struct {
	name   string
	color  string
	values []float64
	dashed bool
}

const (
	plotW, plotH       = 860, 260
	padL, padR         = 64, 16
	padT, padB         = 16, 40
	colorArrivals      = "#2563eb"
	colorAnswers       = "#16a34a"
	colorResults       = "#9333ea"
	colorNotSent       = "#dc2626"
	colorP50           = "#2563eb"
	colorP99           = "#ea580c"
	colorBudget        = "#dc2626"
	colorHistogram     = "#0891b2"
	colorHistogramOver = "#dc2626"
)

// niceMax rounds v up to 1, 2 or 5 times a power of ten.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

// axis maps values onto a plot's height: linear from 0, or logarithmic
// between two powers of ten, so that sub-millisecond latencies and a
// budget of seconds are both readable on one plot.
type axis struct {
	log    bool
	lo, hi float64
}

// linearAxis runs from 0 to a round value above top.
func linearAxis(top float64) axis { return axis{lo: 0, hi: niceMax(top * 1.05)} }

// logAxis spans the decades from the smallest positive value to the
// largest, at least one decade.
func logAxis(lo, hi float64) axis {
	if lo <= 0 || math.IsInf(lo, 0) {
		lo = hi / 10
	}
	if hi <= 0 {
		hi, lo = 1, 0.1
	}
	lo = math.Pow(10, math.Floor(math.Log10(lo)))
	hi = math.Pow(10, math.Ceil(math.Log10(hi*1.0001)))
	if hi <= lo {
		hi = lo * 10
	}
	return axis{log: true, lo: lo, hi: hi}
}

// frac is where v sits between the bottom (0) and the top (1).
func (a axis) frac(v float64) float64 {
	if !a.log {
		return v / a.hi
	}
	v = math.Max(v, a.lo)
	return (math.Log10(v) - math.Log10(a.lo)) / (math.Log10(a.hi) - math.Log10(a.lo))
}

// ticks are the values labelled on the axis: quarters of a linear axis;
// each decade of a log axis, with 2 and 5 between when there are few.
func (a axis) ticks() []float64 {
	if !a.log {
		return []float64{0, a.hi / 4, a.hi / 2, 3 * a.hi / 4, a.hi}
	}
	decades := int(math.Round(math.Log10(a.hi / a.lo)))
	var out []float64
	for d := a.lo; d <= a.hi*1.0001; d *= 10 {
		out = append(out, d)
		if decades <= 3 && d*10 <= a.hi*1.0001 {
			out = append(out, 2*d, 5*d)
		}
	}
	return out
}

// lineChart draws series over seconds 0..n-1, with an optional dashed
// limit line (the budget). logScale draws the values on a log axis
// spanning the data and the limit.
func lineChart(label, unit string, n int, lines []series, limit *float64, logScale bool) string {
	var b strings.Builder
	top, bottom := 0.0, math.Inf(1)
	for _, s := range lines {
		for _, v := range s.values {
			if !math.IsNaN(v) {
				top = math.Max(top, v)
				if v > 0 {
					bottom = math.Min(bottom, v)
				}
			}
		}
	}
	if limit != nil {
		top = math.Max(top, *limit)
		bottom = math.Min(bottom, *limit)
	}
	ax := linearAxis(top)
	if logScale {
		ax = logAxis(bottom, top)
		unit += " (log scale)"
	}
	iw, ih := float64(plotW-padL-padR), float64(plotH-padT-padB)
	x := func(i float64) float64 {
		if n <= 1 {
			return padL + iw/2
		}
		return padL + iw*i/float64(n-1)
	}
	y := func(v float64) float64 { return padT + ih*(1-ax.frac(v)) }
	fmt.Fprintf(&b, `<svg viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, plotW, plotH, plotW, plotH, html.EscapeString(label))
	for _, v := range ax.ticks() {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e5e7eb"/><text x="%d" y="%.1f" text-anchor="end" class="tick">%s</text>`,
			padL, plotW-padR, y(v), y(v), padL-6, y(v)+4, fmtNum(v))
	}
	every := int(niceMax(float64(n) / 10))
	for i := 0; i < n; i += max(every, 1) {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" class="tick">%ds</text>`, x(float64(i)), plotH-padB+16, i)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" class="axis">seconds since the start</text>`, padL+int(iw/2), plotH-4)
	fmt.Fprintf(&b, `<text x="12" y="%d" transform="rotate(-90 12 %d)" text-anchor="middle" class="axis">%s</text>`, padT+int(ih/2), padT+int(ih/2), html.EscapeString(unit))
	if limit != nil {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="6 4" stroke-width="1.5"><title>budget %s %s</title></line>`,
			padL, plotW-padR, y(*limit), y(*limit), colorBudget, fmtNum(*limit), unit)
	}
	for _, s := range lines {
		dash := ""
		if s.dashed {
			dash = ` stroke-dasharray="3 3"`
		}
		// NaN is a second without data: the line breaks there.
		var pts []string
		flush := func() {
			if len(pts) == 1 {
				var cx, cy float64
				fmt.Sscanf(pts[0], "%f,%f", &cx, &cy)
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, cx, cy, s.color)
			}
			if len(pts) > 0 {
				fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"><title>%s</title></polyline>`, s.color, dash, strings.Join(pts, " "), html.EscapeString(s.name))
			}
			pts = pts[:0]
		}
		for i, v := range s.values {
			if math.IsNaN(v) {
				flush()
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(float64(i)), y(v)))
		}
		flush()
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// histogramChart draws the latency histogram, bars above the p99 budget
// in red.
func histogramChart(buckets []Bucket, budgetMS float64) string {
	var b strings.Builder
	// Empty buckets beyond the slowest answer and the budget say nothing.
	last := 0
	for i, k := range buckets {
		if k.Count > 0 || (k.LeMS != nil && *k.LeMS <= budgetMS) {
			last = i
		}
	}
	buckets = buckets[:min(last+2, len(buckets))]
	// So are empty buckets below the fastest answer, but one.
	first := 0
	for first < len(buckets)-1 && buckets[first].Count == 0 && buckets[first+1].Count == 0 {
		first++
	}
	prev := 0.0
	if first > 0 {
		prev = *buckets[first-1].LeMS
	}
	buckets = buckets[first:]
	top := 0
	for _, k := range buckets {
		top = max(top, k.Count)
	}
	scale := niceMax(float64(top))
	iw, ih := float64(plotW-padL-padR), float64(plotH-padT-padB)
	bw := iw / float64(len(buckets))
	fmt.Fprintf(&b, `<svg viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="latency histogram" xmlns="http://www.w3.org/2000/svg">`, plotW, plotH, plotW, plotH)
	for k := 0; k <= 4; k++ {
		v := scale * float64(k) / 4
		yy := padT + ih*(1-v/scale)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e5e7eb"/><text x="%d" y="%.1f" text-anchor="end" class="tick">%s</text>`,
			padL, plotW-padR, yy, yy, padL-6, yy+4, fmtNum(v))
	}
	budgetDrawn := false
	for i, k := range buckets {
		label := "> " + shortMS(prev)
		color := colorHistogram
		if k.LeMS != nil {
			label = "≤ " + shortMS(*k.LeMS)
			if prev >= budgetMS {
				color = colorHistogramOver
			}
			prev = *k.LeMS
		} else if prev >= budgetMS {
			color = colorHistogramOver
		}
		h := ih * float64(k.Count) / scale
		xx := padL + bw*float64(i)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %d webhooks</title></rect>`, xx+2, padT+ih-h, bw-4, h, color, label, k.Count)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" class="tick">%s</text>`, xx+bw/2, plotH-padB+16, html.EscapeString(label))
		if color == colorHistogramOver && !budgetDrawn {
			// The p99 budget: the bars right of this line are above it.
			budgetDrawn = true
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%.1f" stroke="%s" stroke-dasharray="6 4" stroke-width="1.5"><title>p99 budget %s</title></line>`,
				xx, xx, padT, padT+ih, colorBudget, shortMS(budgetMS))
		}
	}
	fmt.Fprintf(&b, `<text x="12" y="%d" transform="rotate(-90 12 %d)" text-anchor="middle" class="axis">webhooks</text>`, padT+int(ih/2), padT+int(ih/2))
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" class="axis">webhook answer latency (red: above the p99 budget)</text>`, padL+int(iw/2), plotH-4)
	b.WriteString(`</svg>`)
	return b.String()
}

// shortMS is a bucket bound as an axis label.
func shortMS(ms float64) string {
	if ms >= 1000 {
		return fmtNum(ms/1000) + "s"
	}
	return fmtNum(ms) + "ms"
}

type htmlPage struct {
	R       *Report
	Checks  []check
	Latency string // inline SVG
	Flow    string
	Hist    string
}

// HTML renders the report as one self-contained page.
func (r *Report) HTML() ([]byte, error) {
	n := len(r.Timeline)
	p50, p99 := make([]float64, n), make([]float64, n)
	arrivals, answers, results, notSent := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	anyNotSent := false
	for i, s := range r.Timeline {
		p50[i], p99[i] = s.P50MS, s.P99MS
		if s.Arrivals == 0 {
			p50[i], p99[i] = math.NaN(), math.NaN()
		}
		arrivals[i], answers[i], results[i], notSent[i] = float64(s.Arrivals), float64(s.Answers), float64(s.Results), float64(s.NotSent)
		anyNotSent = anyNotSent || s.NotSent > 0
	}
	budget := r.Budget.MaxP99MS
	flow := []series{{name: "arrivals (webhooks sent)", color: colorArrivals, values: arrivals}, {name: "answers", color: colorAnswers, values: answers, dashed: true}}
	if r.Results.Expected || r.Results.Received > 0 {
		flow = append(flow, series{name: "results back", color: colorResults, values: results})
	}
	if anyNotSent {
		flow = append(flow, series{name: "not sent (max in flight)", color: colorNotSent, values: notSent})
	}
	page := htmlPage{R: r, Checks: r.checks(),
		Latency: lineChart("webhook answer latency over time", "ms", n, []series{{name: "p50", color: colorP50, values: p50}, {name: "p99", color: colorP99, values: p99}}, &budget, true),
		Flow:    lineChart("arrivals, answers and results per second", "per second", n, flow, nil, false),
		Hist:    histogramChart(r.Histogram, budget),
	}
	var b strings.Builder
	writePage(&b, page)
	return []byte(b.String()), nil
}

// WriteHTML writes the HTML report to path, creating its folder.
func (r *Report) WriteHTML(path string) error {
	raw, err := r.HTML()
	if err != nil {
		return err
	}
	return writeFile(path, raw)
}

// writePage writes the report's page. It is written by hand, escaped as
// html/template would (package htmlesc): executing a template would keep
// every exported method of every type in the binary.
func writePage(b *strings.Builder, p htmlPage) {
	e, n, w := htmlesc.String, strconv.Itoa, b.WriteString
	r := p.R
	rate := func(f float64) string { return e(fmt.Sprintf("%.2f/s", f)) }
	deref := func(f *float64) string {
		if f == nil {
			return "–"
		}
		return e(fmtMS(*f))
	}
	w(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Capacity — ` + e(r.Verdict) + ` — ` + e(r.BaseURL) + `</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111827;margin:0;background:#f9fafb}
main{max-width:900px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.verdict{display:inline-block;padding:4px 14px;border-radius:4px;font-weight:700;color:#fff;text-transform:uppercase;letter-spacing:.05em}
.pass{background:#16a34a}.fail{background:#dc2626}.error{background:#6b7280}
.meta{color:#4b5563}
table{border-collapse:collapse;width:100%;background:#fff}
td,th{border:1px solid #e5e7eb;padding:5px 9px;text-align:left;vertical-align:top}
th{background:#f3f4f6;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#15803d;font-weight:600}.breach{color:#b91c1c;font-weight:700}.na{color:#6b7280}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:10px;margin-bottom:8px}
.legend span{display:inline-block;margin-right:16px}.legend i{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:5px}
pre{white-space:pre-wrap;word-break:break-all;background:#f3f4f6;padding:8px;border-radius:4px;max-height:20em;overflow:auto}
svg{max-width:100%;height:auto}svg .tick{font-size:11px;fill:#4b5563}svg .axis{font-size:12px;fill:#374151}
</style></head><body><main>
<h1>Partner capacity <span class="verdict ` + e(r.Verdict) + `" id="verdict">` + e(r.Verdict) + `</span></h1>
<p class="meta">` + e(r.Tool) + ` · ` + e(r.BaseURL) + ` · started ` + e(r.StartedAt.UTC().Format("2006-01-02 15:04:05 UTC")) + ` · ` + e(fmtMS(r.DurationMS)) + ` · mode ` + e(r.Mode))
	if c := r.Ceiling(); c != "" {
		w(` · <strong id="ceiling">` + e(c) + `</strong>`)
	}
	w("</p>\n")
	if r.Error != "" {
		w(`<p class="breach" style="white-space:pre-line">` + e(r.Error) + `</p>`)
	}
	w(`

<h2>Budget</h2>
<table id="budget"><tr><th>figure</th><th>actual</th><th>budget</th><th>verdict</th></tr>
`)
	for _, c := range p.Checks {
		w(`<tr><td><code>` + e(c.Name) + `</code></td><td class="num">` + e(c.Actual) + `</td><td>` + e(c.Limit) + `</td><td>`)
		switch {
		case !c.Judged:
			w(`<span class="na">not judged</span>`)
		case c.OK:
			w(`<span class="ok">ok</span>`)
		default:
			w(`<span class="breach">breach</span>`)
		}
		w("</td></tr>\n")
	}
	w("</table>\n")
	for _, br := range r.Breaches {
		w(`<p class="breach">✗ <code>` + e(br.Name) + `</code>: ` + e(br.Message) + `</p>`)
	}
	w(`

<h2>Load</h2>
<table>
<tr><th>target</th><td>`)
	if r.Target.Burst != 0 {
		w(`a burst of ` + n(r.Target.Burst) + ` webhooks`)
	} else {
		w(rate(r.Target.Rate))
	}
	w(`, at most ` + n(r.Target.MaxInFlight) + ` in flight</td></tr>
<tr><th>in flight</th><td id="in-flight">at most ` + n(r.Achieved.PeakInFlight) + ` webhooks awaited an answer at once during the run</td></tr>
<tr><th>achieved arrival rate</th><td>` + rate(r.Achieved.Rate) + `</td></tr>
<tr><th>webhooks</th><td>sent ` + n(r.Webhooks.Sent) + `, ok ` + n(r.Webhooks.OK) + `, failed ` + n(r.Webhooks.Failed) + ` (timeouts ` + n(r.Webhooks.Timeouts) + `, connection errors ` + n(r.Webhooks.ConnectionErrors) + `), not sent ` + n(r.Webhooks.NotSent) + `; statuses `)
	for _, k := range slices.Sorted(maps.Keys(r.Webhooks.StatusClasses)) {
		w(e(k) + `: ` + n(r.Webhooks.StatusClasses[k]) + ` `)
	}
	w(`</td></tr>
<tr><th>latency</th><td>p50 ` + e(fmtMS(r.LatencyMS.P50)) + `, p90 ` + e(fmtMS(r.LatencyMS.P90)) + `, p99 ` + e(fmtMS(r.LatencyMS.P99)) + `, max ` + e(fmtMS(r.LatencyMS.Max)) + `</td></tr>
<tr><th>results</th><td>`)
	if !r.Results.Expected {
		w(`not expected (no --assessment); `)
	}
	w(`received ` + n(r.Results.Received) + `, missing ` + n(r.Results.Missing) + ` (late ` + n(r.Results.Late) + `), duplicates ` + n(r.Results.Duplicates) + `, for unknown events ` + n(r.Results.Unknown) + `</td></tr>
<tr><th>time to result</th><td>p50 ` + deref(r.TimeToResultMS.P50) + `, p99 ` + deref(r.TimeToResultMS.P99) + `</td></tr>
</table>
`)
	if len(r.Steps) > 0 {
		w(`<h2>Rate steps</h2>
<table id="steps"><tr><th>#</th><th>rate</th><th>achieved</th><th>sent</th><th>not sent</th><th>in flight (cap)</th><th>p99</th><th>error rate</th><th>missing</th><th>verdict</th></tr>
`)
		for i, s := range r.Steps {
			w(`<tr><td class="num">` + n(i+1) + `</td><td class="num">` + rate(s.Rate) + `</td><td class="num">` + rate(s.AchievedRate) + `</td><td class="num">` + n(s.Sent) + `</td><td class="num">` + n(s.NotSent) + `</td><td class="num">` + n(s.PeakInFlight) + ` (` + n(s.MaxInFlight) + `)</td><td class="num">` + e(fmtMS(s.P99MS)) + `</td><td class="num">` + e(fmt.Sprintf("%.2f%%", 100*s.ErrorRate)) + `</td><td class="num">` + n(s.Missing) + `</td><td>`)
			if s.Held {
				w(`<span class="ok">held</span>`)
			} else {
				w(`<span class="breach">broke: `)
				for _, br := range s.Breaches {
					w(e(br.Name) + ` `)
				}
				w(`</span>`)
			}
			w("</td></tr>\n")
		}
		w(`</table>`)
	}
	w(`

<h2>Latency over time</h2>
<div class="card" id="plot-latency">` + p.Latency + `
<div class="legend"><span><i style="background:#2563eb"></i>p50</span><span><i style="background:#ea580c"></i>p99</span><span><i style="background:#dc2626"></i>p99 budget (dashed)</span></div></div>

<h2>Arrivals, answers and results</h2>
<div class="card" id="plot-flow">` + p.Flow + `
<div class="legend"><span><i style="background:#2563eb"></i>arrivals</span><span><i style="background:#16a34a"></i>answers</span><span><i style="background:#9333ea"></i>results back</span><span><i style="background:#dc2626"></i>not sent</span></div></div>

<h2>Latency histogram</h2>
<div class="card" id="plot-histogram">` + p.Hist + `</div>

`)
	if f := r.TopFailure; f != nil {
		w(`<h2>Most common failure</h2>
<div class="card" id="top-failure"><p><strong>` + e(f.Message) + `</strong> (` + n(f.Webhooks) + ` webhooks)</p>
`)
		if f.Body != "" {
			w(`<p>The partner's answer`)
			if f.Status != 0 {
				w(` (` + n(f.Status) + `)`)
			}
			w(`:</p><pre>` + e(f.Body) + `</pre>`)
		}
		w(`
<p><strong>Cause:</strong> ` + e(f.Cause) + `</p>
<p><strong>Fix:</strong> ` + e(f.Fix) + `</p></div>`)
	}
	w("\n\n")
	if len(r.Failures) > 0 {
		w(`<h2>Failures</h2>
<table><tr><th>webhooks</th><th>what happened</th></tr>
`)
		for _, k := range slices.Sorted(maps.Keys(r.Failures)) {
			w(`<tr><td class="num">` + n(r.Failures[k]) + `</td><td>` + e(k) + "</td></tr>\n")
		}
		w(`</table>`)
	}
	w(`
<p class="meta">Pacing: ` + e(r.Pacing) + `.</p>
</main></body></html>
`)
}
