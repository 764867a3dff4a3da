package certify

import (
	"fmt"
	"html/template"
	"io"
	"strings"
)

// badgeTemplate is a flat two-part badge, as README badges look.
var badgeTemplate = template.Must(template.New("badge").Parse(`<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="20" role="img" aria-label="Teamtailor readiness: {{.Text}}">
<title>Teamtailor readiness: {{.Text}}</title>
<rect width="{{.LeftWidth}}" height="20" fill="#555"/>
<rect x="{{.LeftWidth}}" width="{{.RightWidth}}" height="20" fill="{{.Color}}"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="6" y="14">Teamtailor readiness</text>
<text x="{{.TextX}}" y="14">{{.Text}}</text>
</g>
</svg>
`))

// WriteBadge writes the SVG badge of m.
func WriteBadge(w io.Writer, m Manifest) error {
	text := fmt.Sprintf("%s until %s", m.Verdict, m.ExpiresAt.UTC().Format("2006-01-02"))
	color := "#2e7d32"
	if m.Verdict != VerdictReady {
		color = "#c62828"
	}
	left := 134
	right := 12 + 7*len(text)
	return badgeTemplate.Execute(w, map[string]any{
		"Width": left + right, "LeftWidth": left, "RightWidth": right, "TextX": left + 6, "Text": text, "Color": color,
	})
}

var summaryTemplate = template.Must(template.New("summary").Funcs(template.FuncMap{
	"date": func(m Manifest) string { return m.CreatedAt.UTC().Format("2006-01-02 15:04 MST") },
	"exp":  func(m Manifest) string { return m.ExpiresAt.UTC().Format("2006-01-02") },
	"caps": func(c []string) string {
		if len(c) == 0 {
			return "none claimed"
		}
		return strings.Join(c, " ")
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Teamtailor readiness: {{.BaseURL}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}.pass{color:#2e7d32}.fail{color:#c62828}</style></head>
<body>
<h1>Teamtailor readiness report</h1>
<p><img src="badge.svg" alt="Teamtailor readiness: {{.Verdict}}"></p>
<p>Partner <code>{{.BaseURL}}</code>, profile <b>{{.Profile}}</b>, checked {{date .}} by {{.Suite}} {{.SuiteVersion}} (seed {{.Seed}}); valid until {{exp .}}.
Capabilities: {{caps .Capabilities}}. Verdict: <b class="{{if eq .Verdict "ready"}}pass{{else}}fail{{end}}">{{.Verdict}}</b>.
Capacity: {{.Capacity.Verdict}} at {{.Capacity.Rate}}.</p>
<p>The rules and their reasons are in the protocol reference: <a href="{{.Protocol}}">{{.Protocol}}</a>.
This page is part of a signed bundle: <code>ttconformance certify verify DIR</code> checks it offline.</p>
<h2>Checked ({{len .Checked}})</h2>
<table><tr><th>check</th><th>level</th><th>outcome</th></tr>
{{range .Checked}}<tr><td>{{.ID}}</td><td>{{.Level}}</td><td>{{.Outcome}}</td></tr>
{{end}}</table>
<h2>Not checked ({{len .NotChecked}})</h2>
<table><tr><th>check</th><th>level</th><th>why</th></tr>
{{range .NotChecked}}<tr><td>{{.ID}}</td><td>{{.Level}}</td><td>{{.Reason}}</td></tr>
{{end}}</table>
</body></html>
`))

// WriteSummary writes the one-page readiness report of m.
func WriteSummary(w io.Writer, m Manifest) error { return summaryTemplate.Execute(w, m) }
