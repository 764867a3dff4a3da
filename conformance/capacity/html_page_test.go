package capacity

import (
	"fmt"
	"html/template"
	"strings"
	"testing"
	"time"
)

// pageReference is the template the page was written with; the page is
// now written by hand, and must stay byte for byte the same.
var pageReference = template.Must(template.New("capacity").Funcs(template.FuncMap{
	"ms":  fmtMS,
	"pct": func(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) },
	"rate": func(f float64) string {
		return fmt.Sprintf("%.2f/s", f)
	},
	"inc": func(i int) int { return i + 1 },
	"deref": func(f *float64) string {
		if f == nil {
			return "–"
		}
		return fmtMS(*f)
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Capacity — {{.R.Verdict}} — {{.R.BaseURL}}</title>
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
<h1>Partner capacity <span class="verdict {{.R.Verdict}}" id="verdict">{{.R.Verdict}}</span></h1>
<p class="meta">{{.R.Tool}} · {{.R.BaseURL}} · started {{.R.StartedAt.UTC.Format "2006-01-02 15:04:05 UTC"}} · {{ms .R.DurationMS}} · mode {{.R.Mode}}{{with .R.Ceiling}} · <strong id="ceiling">{{.}}</strong>{{end}}</p>
{{if .R.Error}}<p class="breach" style="white-space:pre-line">{{.R.Error}}</p>{{end}}

<h2>Budget</h2>
<table id="budget"><tr><th>figure</th><th>actual</th><th>budget</th><th>verdict</th></tr>
{{range .Checks}}<tr><td><code>{{.Name}}</code></td><td class="num">{{.Actual}}</td><td>{{.Limit}}</td><td>{{if not .Judged}}<span class="na">not judged</span>{{else if .OK}}<span class="ok">ok</span>{{else}}<span class="breach">breach</span>{{end}}</td></tr>
{{end}}</table>
{{range .R.Breaches}}<p class="breach">✗ <code>{{.Name}}</code>: {{.Message}}</p>{{end}}

<h2>Load</h2>
<table>
<tr><th>target</th><td>{{if .R.Target.Burst}}a burst of {{.R.Target.Burst}} webhooks{{else}}{{rate .R.Target.Rate}}{{end}}, at most {{.R.Target.MaxInFlight}} in flight</td></tr>
<tr><th>in flight</th><td id="in-flight">at most {{.R.Achieved.PeakInFlight}} webhooks awaited an answer at once during the run</td></tr>
<tr><th>achieved arrival rate</th><td>{{rate .R.Achieved.Rate}}</td></tr>
<tr><th>webhooks</th><td>sent {{.R.Webhooks.Sent}}, ok {{.R.Webhooks.OK}}, failed {{.R.Webhooks.Failed}} (timeouts {{.R.Webhooks.Timeouts}}, connection errors {{.R.Webhooks.ConnectionErrors}}), not sent {{.R.Webhooks.NotSent}}; statuses {{range $k, $v := .R.Webhooks.StatusClasses}}{{$k}}: {{$v}} {{end}}</td></tr>
<tr><th>latency</th><td>p50 {{ms .R.LatencyMS.P50}}, p90 {{ms .R.LatencyMS.P90}}, p99 {{ms .R.LatencyMS.P99}}, max {{ms .R.LatencyMS.Max}}</td></tr>
<tr><th>results</th><td>{{if not .R.Results.Expected}}not expected (no --assessment); {{end}}received {{.R.Results.Received}}, missing {{.R.Results.Missing}} (late {{.R.Results.Late}}), duplicates {{.R.Results.Duplicates}}, for unknown events {{.R.Results.Unknown}}</td></tr>
<tr><th>time to result</th><td>p50 {{deref .R.TimeToResultMS.P50}}, p99 {{deref .R.TimeToResultMS.P99}}</td></tr>
</table>
{{if .R.Steps}}<h2>Rate steps</h2>
<table id="steps"><tr><th>#</th><th>rate</th><th>achieved</th><th>sent</th><th>not sent</th><th>in flight (cap)</th><th>p99</th><th>error rate</th><th>missing</th><th>verdict</th></tr>
{{range $i, $s := .R.Steps}}<tr><td class="num">{{inc $i}}</td><td class="num">{{rate $s.Rate}}</td><td class="num">{{rate $s.AchievedRate}}</td><td class="num">{{$s.Sent}}</td><td class="num">{{$s.NotSent}}</td><td class="num">{{$s.PeakInFlight}} ({{$s.MaxInFlight}})</td><td class="num">{{ms $s.P99MS}}</td><td class="num">{{pct $s.ErrorRate}}</td><td class="num">{{$s.Missing}}</td><td>{{if $s.Held}}<span class="ok">held</span>{{else}}<span class="breach">broke: {{range $s.Breaches}}{{.Name}} {{end}}</span>{{end}}</td></tr>
{{end}}</table>{{end}}

<h2>Latency over time</h2>
<div class="card" id="plot-latency">{{.Latency}}
<div class="legend"><span><i style="background:#2563eb"></i>p50</span><span><i style="background:#ea580c"></i>p99</span><span><i style="background:#dc2626"></i>p99 budget (dashed)</span></div></div>

<h2>Arrivals, answers and results</h2>
<div class="card" id="plot-flow">{{.Flow}}
<div class="legend"><span><i style="background:#2563eb"></i>arrivals</span><span><i style="background:#16a34a"></i>answers</span><span><i style="background:#9333ea"></i>results back</span><span><i style="background:#dc2626"></i>not sent</span></div></div>

<h2>Latency histogram</h2>
<div class="card" id="plot-histogram">{{.Hist}}</div>

{{with .R.TopFailure}}<h2>Most common failure</h2>
<div class="card" id="top-failure"><p><strong>{{.Message}}</strong> ({{.Webhooks}} webhooks)</p>
{{if .Body}}<p>The partner's answer{{if .Status}} ({{.Status}}){{end}}:</p><pre>{{.Body}}</pre>{{end}}
<p><strong>Cause:</strong> {{.Cause}}</p>
<p><strong>Fix:</strong> {{.Fix}}</p></div>{{end}}

{{if .R.Failures}}<h2>Failures</h2>
<table><tr><th>webhooks</th><th>what happened</th></tr>
{{range $k, $v := .R.Failures}}<tr><td class="num">{{$v}}</td><td>{{$k}}</td></tr>
{{end}}</table>{{end}}
<p class="meta">Pacing: {{.R.Pacing}}.</p>
</main></body></html>
`))

type referencePage struct {
	R       *Report
	Checks  []check
	Latency template.HTML
	Flow    template.HTML
	Hist    template.HTML
}

func richReport(s string) *Report {
	p50, max := 12.5, 3.0
	return &Report{
		Tool: "ttconformance capacity " + s, Verdict: s, Error: "boom " + s, Mode: "find-max", BaseURL: "http://partner/" + s,
		StartedAt: time.Date(2026, 12, 7, 23, 0, 0, 0, time.FixedZone("X", 7200)), DurationMS: 2345.678, Pacing: "open " + s,
		Target:         TargetFigures{Rate: 20.5, MaxInFlight: 64},
		Achieved:       Achieved{Rate: 19.25, PeakInFlight: 7},
		Webhooks:       Webhooks{Sent: 40, OK: 38, Failed: 2, Timeouts: 1, ConnectionErrors: 1, StatusClasses: map[string]int{"5xx": 1, "2xx": 38, s: 3}},
		LatencyMS:      Latency{P50: 1.2, P90: 3.4, P99: 120, Max: 1500},
		Results:        Results{Received: 3, Missing: 1, Late: 1, Duplicates: 2, Unknown: 4},
		TimeToResultMS: TimeToResult{P50: &p50},
		Budget:         BudgetFigures{MaxP99MS: 100, MaxErrorRate: 0.01, ResultDeadlineMS: 5000, MinRateAchieved: 0.9},
		Breaches:       []Breach{{Name: BreachP99, Limit: 100, Actual: 120, Message: "p99 " + s}},
		MaxRate:        &max,
		Steps:          []Step{{Rate: 1, AchievedRate: 1, Sent: 10, Held: true}, {Rate: 2, AchievedRate: 1.5, Sent: 20, NotSent: 1, MaxInFlight: 8, PeakInFlight: 8, P99MS: 250, ErrorRate: 0.125, Missing: 2, Breaches: []Breach{{Name: BreachP99}, {Name: s}}}},
		Failures:       map[string]int{"timeout " + s: 1, "500": 2},
		TopFailure:     &FailureDetail{Message: "m " + s, Webhooks: 2, Status: 503, Body: "<b>" + s, Cause: "c " + s, Fix: "f " + s},
	}
}

// The hand-written page is what the template wrote, byte for byte: for a
// full report, a bare one, and any text in any field.
func FuzzPageMatchesTemplate(f *testing.F) {
	for _, s := range []string{"", "pass", `<script>alert("x&y")</script>`, "a+b 'c'", "nul\x00", "é ☃"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bare := &Report{Verdict: "pass", Target: TargetFigures{Burst: 5}, Results: Results{Expected: true}}
		for _, r := range []*Report{richReport(s), bare} {
			svg := "<svg>" + s + "</svg>"
			var got strings.Builder
			writePage(&got, htmlPage{R: r, Checks: r.checks(), Latency: svg, Flow: svg + "f", Hist: svg + "h"})
			var want strings.Builder
			if err := pageReference.Execute(&want, referencePage{R: r, Checks: r.checks(), Latency: template.HTML(svg), Flow: template.HTML(svg + "f"), Hist: template.HTML(svg + "h")}); err != nil {
				t.Fatal(err)
			}
			if g, w := got.String(), want.String(); g != w {
				i := 0
				for i < len(g) && i < len(w) && g[i] == w[i] {
					i++
				}
				t.Fatalf("the page differs from the template's at byte %d:\n got …%q\nwant …%q", i, g[max(0, i-80):min(len(g), i+80)], w[max(0, i-80):min(len(w), i+80)])
			}
		}
	})
}

var _ = fmt.Sprint
