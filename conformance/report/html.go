package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/internal/htmlesc"
)

// writeHTMLReport writes the page that lists every check and every
// request and response of the run. res is the results document, already
// redacted. It is written by hand, escaped as html/template would
// (package htmlesc): executing a template would keep every exported
// method of every type in the binary (see internal/htmlesc).
func writeHTMLReport(b *strings.Builder, res Results) {
	e := htmlesc.String
	w := b.WriteString
	w(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>` + e(res.Suite) + `: ` + e(res.BaseURL) + `</title>
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
<h1>` + e(res.Suite) + `</h1>
<p>Partner <code>` + e(res.BaseURL) + `</code>, started ` + e(res.StartedAt.Format("2006-01-02 15:04:05 MST")) + `, ` + itoa(res.DurationMS) + ` ms. Secrets (API key, webhook secret, provider keys, tokens) are redacted. Bodies are cut at ` + e(fmt.Sprintf("%d KiB", partner.StoredBodyLimit>>10)) + ` (marked "… [cut: N more bytes]").</p>
<p class="summary"><span class="badge pass">` + itoa(res.Summary.Passed) + `</span>passed
<span class="badge fail">` + itoa(res.Summary.Failed) + `</span>failed
<span class="badge warning">` + itoa(res.Summary.Warnings) + `</span>warnings (SHOULD`)
	if res.Strict {
		w(`; --strict: they fail the run`)
	}
	w(`)
<span class="badge error">` + itoa(res.Summary.Errors) + `</span>errors
<span class="badge skipped">` + itoa(res.Summary.Skipped) + `</span>skipped (` + itoa(res.Summary.SkippedByCapability) + ` by capability)</p>
`)
	if res.Setup != nil {
		w(`<pre>` + e(res.Setup.Message) + `</pre>`)
	}
	w("\n")
	if len(res.Unjudged) > 0 {
		w(`<pre>NOT JUDGED (the run does not pass): a basic call failed, or selected checks were skipped for a cause on the partner's side, and no selected check reports it:
`)
		for _, u := range res.Unjudged {
			w(`- ` + e(u) + "\n")
		}
		w(`</pre>`)
	}
	w("\n")
	if bl := res.Baseline; bl != nil {
		w(`<div class="x"><h2>Baseline ` + e(bl.File) + `</h2>
<pre>`)
		for _, en := range bl.Entries {
			w(e(en.Status) + `: ` + e(en.Check) + ` (`)
			if en.Outcome != "" {
				w(e(en.Outcome))
			} else {
				w(`no such check`)
			}
			w(`)`)
			if en.Expires != "" {
				w(`, expires ` + e(en.Expires))
			}
			w(`: ` + e(en.Reason) + "\n")
		}
		if len(bl.Stale) > 0 {
			w("\nSTALE (the run does not pass):\n")
			for _, s := range bl.Stale {
				w(`- ` + e(s) + "\n")
			}
		}
		w(`</pre></div>`)
	}
	w("\n")
	for _, f := range res.MockFailures {
		w(`<pre>the suite's embedded mock failed: ` + e(f) + `</pre>`)
	}
	w("\n")
	for _, c := range res.Causes {
		w(`<div class="x"><h2>Root cause: ` + e(c.Title) + `</h2><pre>Evidence: ` + e(c.Evidence) + `
Fix: ` + e(c.Fix) + `
Explains: `)
		for i, id := range c.Checks {
			if i > 0 {
				w(`, `)
			}
			w(e(id))
		}
		w("</pre></div>\n")
	}
	w("\n")
	for _, c := range res.Checks {
		w("\n<details class=\"check\"")
		if c.Outcome == "fail" || c.Outcome == "error" || c.Outcome == "warning" {
			w(` open`)
		}
		w(`>
<summary><span class="badge ` + e(c.Outcome) + `">` + e(c.Outcome) + `</span>`)
		if c.Baselined != "" {
			w(`<span class="badge skipped">known</span>`)
		}
		w(`<strong>` + e(c.ID) + `</strong>
<span class="meta">[` + e(c.Label) + `, ` + e(c.Level) + `] ` + settings.SectionLinks(c.Label, c.Section) + ` · ` + itoa(c.DurationMS) + ` ms · ` + itoa(len(c.Exchanges)) + ` exchanges</span>
<div class="rule">` + e(c.Rule) + `</div></summary>
`)
		if c.Baselined != "" {
			w(`<p class="meta">Known failure, in the baseline (does not fail the run): ` + e(c.Baselined) + `</p>`)
		}
		w("\n")
		if c.Reason != "" {
			w(`<pre>` + e(c.Reason) + `</pre>`)
		}
		w("\n")
		for _, x := range c.Exchanges {
			w("\n<div class=\"x\"><h2>" + e(x.Direction))
			if x.Step != "" {
				w(`: ` + e(x.Step))
			}
			w(`</h2>
<pre>` + e(x.Method) + ` ` + e(x.URL) + `
` + e(formatHeaders(x.RequestHeader)) + `
` + e(prettyBody(x.RequestBody)) + `</pre>
`)
			elapsed := e(fmt.Sprint(x.ElapsedMS))
			if x.Status != 0 {
				w(`<pre>` + itoa(x.Status) + ` ` + e(http.StatusText(x.Status)) + ` after ` + elapsed + ` ms
` + e(formatHeaders(x.ResponseHeader)) + `
` + e(prettyBody(x.ResponseBody)) + `</pre>`)
			}
			w("\n")
			if x.Error != "" {
				w(`<pre>` + e(x.Error) + ` (after ` + elapsed + ` ms)</pre>`)
			}
			w("\n")
			if x.BodiesOmitted {
				w(`<p class="meta">Bodies and headers left out (` + itoa(x.RequestBodySize) + ` and ` + itoa(x.ResponseBodySize) + ` body bytes): the run had kept its ` + e(fmt.Sprintf("%d MiB", partner.RunExchangeLimit>>20)) + ` of exchanges already.</p>`)
			}
			w("\n</div>\n")
		}
		w("\n")
		if c.ExchangesOmitted != 0 {
			w(`<p class="meta">` + itoa(c.ExchangesOmitted) + ` more exchanges left out: a check keeps its first ` + itoa(partner.MaxStoredExchanges) + `.</p>`)
		}
		w("\n</details>\n")
	}
	w("\n</body></html>\n")
}

// itoa writes a whole number as a template prints it.
func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

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
	writeHTMLReport(&b, res)
	// The document is redacted already; this catches anything a
	// formatting function could have let through.
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.WriteString(f, partner.NewRedactor(settings.TestContext).String(b.String()))
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
