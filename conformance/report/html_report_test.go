package report

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// htmlReference is the template the HTML report was written with; the
// report is now written by hand, and must stay byte for byte the same.
var htmlReference = template.Must(template.New("report").Funcs(template.FuncMap{
	"headers":      formatHeaders,
	"sections":     func(area, s string) template.HTML { return template.HTML(settings.SectionLinks(area, s)) },
	"statusText":   http.StatusText,
	"pretty":       prettyBody,
	"runLimit":     func() string { return fmt.Sprintf("%d MiB", partner.RunExchangeLimit>>20) },
	"maxExchanges": func() int { return partner.MaxStoredExchanges },
	"bodyLimit":    func() string { return fmt.Sprintf("%d KiB", partner.StoredBodyLimit>>10) },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{.Suite}}: {{.BaseURL}}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1{font-size:1.4em} h2{font-size:1.1em;margin:0}
.summary span{margin-right:1.2em}
details.check{border:1px solid #ddd;border-radius:6px;margin:.5em 0;padding:.4em .8em}
details.check>summary{cursor:pointer;list-style:none}
.badge{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;padding:0 .4em;margin-right:.6em;font-weight:600;color:#fff}
.pass{background:#2e7d32}.fail{background:#c62828}.error{background:#ef6c00}.skipped{background:#757575}.warning{background:#f9a825}
.rule{color:#444} .meta{color:#777;font-size:.9em}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:12.5px}
.x{border-left:3px solid #90caf9;margin:.6em 0;padding-left:.8em}
</style></head><body>
<h1>{{.Suite}}</h1>
<p>Partner <code>{{.BaseURL}}</code>, started {{.StartedAt.Format "2006-01-02 15:04:05 MST"}}, {{.DurationMS}} ms. Secrets (API key, webhook secret, provider keys, tokens) are redacted. Bodies are cut at {{bodyLimit}} (marked "… [cut: N more bytes]").</p>
<p class="summary"><span class="badge pass">{{.Summary.Passed}}</span>passed
<span class="badge fail">{{.Summary.Failed}}</span>failed
<span class="badge warning">{{.Summary.Warnings}}</span>warnings (SHOULD{{if .Strict}}; --strict: they fail the run{{end}})
<span class="badge error">{{.Summary.Errors}}</span>errors
<span class="badge skipped">{{.Summary.Skipped}}</span>skipped ({{.Summary.SkippedByCapability}} by capability)</p>
{{if .Setup}}<pre>{{.Setup.Message}}</pre>{{end}}
{{if .Unjudged}}<pre>NOT JUDGED (the run does not pass): a basic call failed, or selected checks were skipped for a cause on the partner's side, and no selected check reports it:
{{range .Unjudged}}- {{.}}
{{end}}</pre>{{end}}
{{with .Baseline}}<div class="x"><h2>Baseline {{.File}}</h2>
<pre>{{range .Entries}}{{.Status}}: {{.Check}} ({{if .Outcome}}{{.Outcome}}{{else}}no such check{{end}}){{if .Expires}}, expires {{.Expires}}{{end}}: {{.Reason}}
{{end}}{{if .Stale}}
STALE (the run does not pass):
{{range .Stale}}- {{.}}
{{end}}{{end}}</pre></div>{{end}}
{{range .MockFailures}}<pre>the suite's embedded mock failed: {{.}}</pre>{{end}}
{{range .Causes}}<div class="x"><h2>Root cause: {{.Title}}</h2><pre>Evidence: {{.Evidence}}
Fix: {{.Fix}}
Explains: {{range $i, $c := .Checks}}{{if $i}}, {{end}}{{$c}}{{end}}</pre></div>
{{end}}
{{range .Checks}}
<details class="check"{{if or (eq .Outcome "fail") (eq .Outcome "error") (eq .Outcome "warning")}} open{{end}}>
<summary><span class="badge {{.Outcome}}">{{.Outcome}}</span>{{if .Baselined}}<span class="badge skipped">known</span>{{end}}<strong>{{.ID}}</strong>
<span class="meta">[{{.Label}}, {{.Level}}] {{sections .Label .Section}} · {{.DurationMS}} ms · {{len .Exchanges}} exchanges</span>
<div class="rule">{{.Rule}}</div></summary>
{{if .Baselined}}<p class="meta">Known failure, in the baseline (does not fail the run): {{.Baselined}}</p>{{end}}
{{if .Reason}}<pre>{{.Reason}}</pre>{{end}}
{{range $i, $x := .Exchanges}}
<div class="x"><h2>{{$x.Direction}}{{if $x.Step}}: {{$x.Step}}{{end}}</h2>
<pre>{{$x.Method}} {{$x.URL}}
{{headers $x.RequestHeader}}
{{pretty $x.RequestBody}}</pre>
{{if $x.Status}}<pre>{{$x.Status}} {{statusText $x.Status}} after {{$x.ElapsedMS}} ms
{{headers $x.ResponseHeader}}
{{pretty $x.ResponseBody}}</pre>{{end}}
{{if $x.Error}}<pre>{{$x.Error}} (after {{$x.ElapsedMS}} ms)</pre>{{end}}
{{if $x.BodiesOmitted}}<p class="meta">Bodies and headers left out ({{$x.RequestBodySize}} and {{$x.ResponseBodySize}} body bytes): the run had kept its {{runLimit}} of exchanges already.</p>{{end}}
</div>
{{end}}
{{if .ExchangesOmitted}}<p class="meta">{{.ExchangesOmitted}} more exchanges left out: a check keeps its first {{maxExchanges}}.</p>{{end}}
</details>
{{end}}
</body></html>
`))

// richResults exercises every branch of the report, with text that needs
// escaping in every field.
func richResults(s string) Results {
	hdr := http.Header{"Content-Type": {"application/json"}, "X-Odd": {s}}
	return Results{
		Suite: "ttconformance " + s, BaseURL: "http://partner.example/" + s, StartedAt: time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC), DurationMS: 1234,
		Strict:       true,
		Summary:      Summary{Passed: 3, Failed: 2, Warnings: 1, Errors: 1, Skipped: 4, SkippedByCapability: 2},
		Setup:        &SetupError{What: "partner", Message: "cannot reach " + s},
		Unjudged:     []string{"a/b: " + s, "c/d"},
		MockFailures: []string{"boom " + s},
		Causes:       []Cause{{ID: "x", Title: "Title " + s, Evidence: "ev " + s, Fix: "fix " + s, Checks: []string{"a/b", s}}},
		Baseline: &BaselineResult{File: "baseline.json", Entries: []BaselineEntryResult{
			{BaselineEntry: settings.BaselineEntry{Check: "a/b", Reason: "r " + s, Expires: "2027-01-01"}, Status: "known", Outcome: "fail"},
			{BaselineEntry: settings.BaselineEntry{Check: "gone/" + s, Reason: "old"}, Status: "stale"},
		}, Stale: []string{"gone/" + s + ": no such check"}},
		Checks: []CheckResult{
			{Check: settings.Check{ID: "webhook/" + s, Label: "webhook", Level: "MUST", Section: "§1.1, §1.2", Rule: "The rule " + s}, Outcome: "fail", Reason: "because " + s, DurationMS: 12, Baselined: "known " + s,
				ExchangesOmitted: 3,
				Exchanges: []partner.Exchange{
					{Direction: "mock → partner", Step: "step " + s, Method: "POST", URL: "http://partner.example/webhook?q=" + s, RequestHeader: hdr, RequestBody: `{"a":"` + strings.ReplaceAll(s, `"`, "") + `","b":[1,2]}`, Status: 500, ResponseHeader: hdr, ResponseBody: "plain " + s, ElapsedMS: 12.5},
					{Direction: "partner → mock", Method: "GET", URL: "/x", Error: "timeout " + s, ElapsedMS: 1e6, BodiesOmitted: true, RequestBodySize: 10, ResponseBodySize: 20},
				}},
			{Check: settings.Check{ID: "config/ok", Label: "config", Level: "SHOULD", Section: ""}, Outcome: "pass", DurationMS: 1},
			{Check: settings.Check{ID: "config/warn", Label: "config", Level: "SHOULD", Section: "§3"}, Outcome: "warning"},
			{Check: settings.Check{ID: "config/err", Label: "config", Level: "MUST", Section: "§3"}, Outcome: "error", Reason: "x"},
		},
	}
}

func referenceHTML(t *testing.T, res Results) string {
	t.Helper()
	var b strings.Builder
	if err := htmlReference.Execute(&b, res); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func handHTML(res Results) string {
	var b strings.Builder
	writeHTMLReport(&b, res)
	return b.String()
}

// The hand-written report is what the template wrote, byte for byte: for
// a full run, an empty one, and any text in any field.
func FuzzHTMLReportMatchesTemplate(f *testing.F) {
	for _, s := range []string{"", "plain", `<script>alert("x&y")</script>`, "a+b 'c'", "nul\x00", "bad \xff", "é ☃"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, res := range []Results{richResults(s), {Suite: s}} {
			if got, want := handHTML(res), referenceHTML(t, res); got != want {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("the report differs from the template's at byte %d:\n got …%q\nwant …%q", i, got[max(0, i-80):min(len(got), i+80)], want[max(0, i-80):min(len(want), i+80)])
			}
		}
	})
}
