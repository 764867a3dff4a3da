package certify

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
	"time"
)

// The templates the badge and the readiness page were written with: the
// hand-written pages must stay byte for byte the same.
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

// The badge and the readiness page are what the templates wrote, byte for
// byte, for any text in any field.
func FuzzPagesMatchTemplates(f *testing.F) {
	for _, s := range []string{"", "ready", `<b>"x&y"</b>`, "a+b 'c'", "nul\x00", "javascript:alert(1)", "é ☃"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range []Manifest{
			{Suite: "ttconformance", SuiteVersion: "v1 " + s, Protocol: "https://example.com/docs/protocol.md" + s, Profile: s, BaseURL: "http://partner/" + s,
				Capabilities: []string{"assessment", s}, Seed: -7, CreatedAt: time.Date(2026, 12, 7, 23, 0, 0, 0, time.FixedZone("X", 3600)), ExpiresAt: time.Date(2027, 1, 7, 0, 0, 0, 0, time.UTC),
				Verdict: s, Checked: []Entry{{ID: "a/" + s, Level: "MUST", Outcome: "pass"}, {ID: "b", Level: s, Outcome: s}},
				NotChecked: []Entry{{ID: "c", Level: "SHOULD", Reason: "why " + s}}, Capacity: Capacity{Verdict: "pass", Rate: s}},
			{Verdict: VerdictReady, Protocol: s},
		} {
			var got, want bytes.Buffer
			if err := WriteSummary(&got, m); err != nil {
				t.Fatal(err)
			}
			if err := summaryTemplate.Execute(&want, m); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Fatalf("summary differs:\n got %q\nwant %q", got.String(), want.String())
			}
			got.Reset()
			want.Reset()
			if err := WriteBadge(&got, m); err != nil {
				t.Fatal(err)
			}
			text := m.Verdict + " until " + m.ExpiresAt.UTC().Format("2006-01-02")
			color := "#2e7d32"
			if m.Verdict != VerdictReady {
				color = "#c62828"
			}
			left, right := 134, 12+7*len(text)
			if err := badgeTemplate.Execute(&want, map[string]any{"Width": left + right, "LeftWidth": left, "RightWidth": right, "TextX": left + 6, "Text": text, "Color": color}); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Fatalf("badge differs:\n got %q\nwant %q", got.String(), want.String())
			}
		}
	})
}
