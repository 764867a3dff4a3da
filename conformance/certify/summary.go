package certify

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/internal/htmlesc"
)

// The badge and the readiness page are written by hand, escaped as
// html/template would (package htmlesc): executing a template would keep
// every exported method of every type in the binary.

// WriteBadge writes the SVG badge of m: a flat two-part badge, as README
// badges look.
func WriteBadge(w io.Writer, m Manifest) error {
	text := fmt.Sprintf("%s until %s", m.Verdict, m.ExpiresAt.UTC().Format("2006-01-02"))
	color := "#2e7d32"
	if m.Verdict != VerdictReady {
		color = "#c62828"
	}
	left := 134
	right := 12 + 7*len(text)
	e, n := htmlesc.String, strconv.Itoa
	_, err := io.WriteString(w, `<svg xmlns="http://www.w3.org/2000/svg" width="`+n(left+right)+`" height="20" role="img" aria-label="Teamtailor readiness: `+e(text)+`">
<title>Teamtailor readiness: `+e(text)+`</title>
<rect width="`+n(left)+`" height="20" fill="#555"/>
<rect x="`+n(left)+`" width="`+n(right)+`" height="20" fill="`+e(color)+`"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="6" y="14">Teamtailor readiness</text>
<text x="`+n(left+6)+`" y="14">`+e(text)+`</text>
</g>
</svg>
`)
	return err
}

// WriteSummary writes the one-page readiness report of m.
func WriteSummary(w io.Writer, m Manifest) error {
	e := htmlesc.String
	caps := "none claimed"
	if len(m.Capabilities) > 0 {
		caps = strings.Join(m.Capabilities, " ")
	}
	class := "fail"
	if m.Verdict == "ready" {
		class = "pass"
	}
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Teamtailor readiness: ` + e(m.BaseURL) + `</title>
<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}.pass{color:#2e7d32}.fail{color:#c62828}</style></head>
<body>
<h1>Teamtailor readiness report</h1>
<p><img src="badge.svg" alt="Teamtailor readiness: ` + e(m.Verdict) + `"></p>
<p>Partner <code>` + e(m.BaseURL) + `</code>, profile <b>` + e(m.Profile) + `</b>, checked ` + e(m.CreatedAt.UTC().Format("2006-01-02 15:04 MST")) + ` by ` + e(m.Suite) + ` ` + e(m.SuiteVersion) + ` (seed ` + strconv.FormatInt(m.Seed, 10) + `); valid until ` + e(m.ExpiresAt.UTC().Format("2006-01-02")) + `.
Capabilities: ` + e(caps) + `. Verdict: <b class="` + class + `">` + e(m.Verdict) + `</b>.
Capacity: ` + e(m.Capacity.Verdict) + ` at ` + e(m.Capacity.Rate) + `.</p>
<p>The rules and their reasons are in the protocol reference: <a href="` + htmlesc.URL(m.Protocol) + `">` + e(m.Protocol) + `</a>.
This page is part of a signed bundle: <code>ttconformance certify verify DIR</code> checks it offline.</p>
<h2>Checked (` + strconv.Itoa(len(m.Checked)) + `)</h2>
<table><tr><th>check</th><th>level</th><th>outcome</th></tr>
`)
	for _, c := range m.Checked {
		b.WriteString(`<tr><td>` + e(c.ID) + `</td><td>` + e(c.Level) + `</td><td>` + e(c.Outcome) + "</td></tr>\n")
	}
	b.WriteString(`</table>
<h2>Not checked (` + strconv.Itoa(len(m.NotChecked)) + `)</h2>
<table><tr><th>check</th><th>level</th><th>why</th></tr>
`)
	for _, c := range m.NotChecked {
		b.WriteString(`<tr><td>` + e(c.ID) + `</td><td>` + e(c.Level) + `</td><td>` + e(c.Reason) + "</td></tr>\n")
	}
	b.WriteString(`</table>
</body></html>
`)
	_, err := io.WriteString(w, b.String())
	return err
}
