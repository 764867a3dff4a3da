package framework

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
)

// htmlReport lists every check and every request and response of the run.
// Its data is the results document, already redacted.
var htmlReport = template.Must(template.New("report").Funcs(template.FuncMap{
	"headers":      formatHeaders,
	"sections":     sectionLinks,
	"statusText":   http.StatusText,
	"pretty":       prettyBody,
	"runLimit":     func() string { return fmt.Sprintf("%d MiB", RunExchangeLimit>>20) },
	"maxExchanges": func() int { return MaxStoredExchanges },
	"bodyLimit":    func() string { return fmt.Sprintf("%d KiB", StoredBodyLimit>>10) },
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

func formatHeaders(h http.Header) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			fmt.Fprintf(&b, "%s: %s\n", name, v)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// prettyBody indents JSON bodies; others are shown as they are.
func prettyBody(body string) string {
	var out bytes.Buffer
	if err := jsonIndent(&out, body); err == nil {
		return out.String()
	}
	return body
}

func writeHTML(path string, res Results) error {
	if err := ensureDir(path); err != nil {
		return err
	}
	// A strings.Builder hands its text over without a copy: the report
	// is held once, not thrice.
	var b strings.Builder
	if err := htmlReport.Execute(&b, res); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// The document is redacted already; this catches anything a template
	// function could have let through.
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.WriteString(f, NewRedactor(TestContext).String(b.String()))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func jsonIndent(dst *bytes.Buffer, body string) error {
	t := strings.TrimSpace(body)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return fmt.Errorf("not JSON")
	}
	return json.Indent(dst, []byte(t), "", "  ")
}
