package fuzz

import (
	"html/template"
	"strings"
	"testing"
)

// htmlPage is the template the HTML report was first written with; the
// page written by hand must be byte for byte what it wrote.
var htmlPage = template.Must(template.New("fuzz").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ttconformance fuzz: {{.Verdict}}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}code,pre{font-size:12px;white-space:pre-wrap;word-break:break-all}.fail{color:#b00}.pass{color:#070}</style></head>
<body><h1>ttconformance fuzz <span class="{{.Verdict}}">{{.Verdict}}</span></h1>
<p>{{.BaseURL}}: {{.Cases}} cases, {{printf "%.1f" .CasesPerSecond}} cases/s, {{.Concurrency}} in flight, seed <code>{{.Seed}}</code>, {{.FailedCases}} failed.{{if .Error}} <b>{{.Error}}</b>{{end}}</p>
<h2>Findings</h2>{{if not .Findings}}<p>None.</p>{{end}}
{{range .Findings}}<h3>{{.Name}}</h3><p class="fail">{{.Verdict.Kind}}{{if .Verdict.Detail}}: {{.Verdict.Detail}}{{end}}</p>
<p>First at case {{.Case}}; {{.Cases}} cases failed this way; shrunk from {{.OriginalSize}} to {{.ShrunkSize}} bytes in {{.ShrinkTrials}} trials; scrubbed fixture {{if .Reproduces}}replays the same failure{{else}}does not replay the same failure{{end}}.</p>
<pre>{{.Serve}}
{{.Trigger}}
{{.Curl}}</pre>{{end}}
<h2>Coverage</h2><p>{{.Coverage.Fields}} fields in {{.Coverage.Variants}} variants; custom field types {{range .Coverage.CustomFieldTypes}}<code>{{.}}</code> {{end}}; modes {{range .Coverage.Modes}}<code>{{.}}</code> {{end}}</p>
<table><tr><th>field:variant</th><th>cases</th></tr>{{range $k, $v := .Coverage.Features}}<tr><td><code>{{$k}}</code></td><td>{{$v}}</td></tr>{{end}}</table>
</body></html>
`))

func viaTemplate(t testing.TB, r *Report) string {
	var b strings.Builder
	if err := htmlPage.Execute(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHTMLReportIsWhatTheTemplateWrote(t *testing.T) {
	reports := []*Report{
		{Verdict: VerdictPass, BaseURL: "http://127.0.0.1:3000", Cases: 320, CasesPerSecond: 31.66, Concurrency: 64, Seed: 1, Findings: []Finding{}},
		{Verdict: VerdictError, Error: `partner <gone> & "away"`, Seed: 18446744073709551615, Findings: []Finding{}},
		{
			Verdict: VerdictFail, BaseURL: "http://x/?a=1&b='2'", Cases: 7, FailedCases: 3, CasesPerSecond: 2.25, Concurrency: 1, Seed: 42,
			Findings: []Finding{
				{Name: "fuzz-answered-500-first-name-null", Verdict: Verdict{Kind: "answered 500", Detail: "<h1>oops</h1> + 'quoted'"}, Case: 3, Cases: 2, OriginalSize: 1410, ShrunkSize: 46, ShrinkTrials: 99, Reproduces: true, Serve: "mockteamtailor serve --fixtures x &", Trigger: "mockteamtailor trigger --fixture x", Curl: "curl -H 'A: b' --data-binary @x.json"},
				{Name: "fuzz-timeout", Verdict: Verdict{Kind: "timeout"}, Reproduces: false},
			},
			Coverage: Coverage{Fields: 60, Variants: 433, CustomFieldTypes: []string{"boolean", "phone"}, Modes: []string{"bulk", "stage"}, Features: map[string]int{"first-name:null": 4, "answers:<long>": 1, "a&b": 2}},
		},
	}
	for i, r := range reports {
		if got, want := r.html(), viaTemplate(t, r); got != want {
			t.Errorf("report %d: the page differs from the template's\n got: %q\nwant: %q", i, got, want)
		}
	}
}

func FuzzHTMLReportIsWhatTheTemplateWrote(f *testing.F) {
	f.Add("pass", "http://127.0.0.1:3000", "", "answered 500", "<b>x</b>", "a:b", uint64(1), 3, true)
	f.Fuzz(func(t *testing.T, verdict, baseURL, errText, kind, detail, feature string, seed uint64, n int, reproduces bool) {
		r := &Report{Verdict: verdict, BaseURL: baseURL, Error: errText, Seed: seed, Cases: n, CasesPerSecond: float64(n) / 3,
			Findings: []Finding{{Name: feature, Verdict: Verdict{Kind: kind, Detail: detail}, Case: n, Reproduces: reproduces, Curl: detail}},
			Coverage: Coverage{CustomFieldTypes: []string{kind}, Modes: []string{verdict}, Features: map[string]int{feature: n, detail: 1}}}
		if got, want := r.html(), viaTemplate(t, r); got != want {
			t.Errorf("the page differs from the template's\n got: %q\nwant: %q", got, want)
		}
	})
}
