package fuzz

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/htmlesc"
)

// Tool names the program in reports.
const Tool = "ttconformance fuzz"

// Verdicts of a run.
const (
	VerdictPass  = "pass"  // no case failed
	VerdictFail  = "fail"  // at least one finding
	VerdictError = "error" // the run could not be made, or was cut short
)

// Report is the outcome of a fuzz run: the console, JSON, JUnit and HTML
// reports are views of it.
type Report struct {
	Tool           string         `json:"tool"`
	BaseURL        string         `json:"baseUrl"`
	Seed           uint64         `json:"seed"`
	StartedAt      time.Time      `json:"startedAt"`
	DurationMS     float64        `json:"durationMs"`
	Concurrency    int            `json:"concurrency"`
	Verdict        string         `json:"verdict"`
	Error          string         `json:"error,omitempty"`
	Cases          int            `json:"cases"`
	FailedCases    int            `json:"failedCases"`
	CasesPerSecond float64        `json:"casesPerSecond"`
	Failures       map[string]int `json:"failures"`
	Findings       []Finding      `json:"findings"`
	Coverage       Coverage       `json:"coverage"`
}

// Coverage is what the cases of a run exercised.
type Coverage struct {
	// Fields are the distinct field paths exercised, Variants the
	// distinct field:variant pairs.
	Fields   int `json:"fields"`
	Variants int `json:"variants"`
	// CustomFieldTypes are the custom field types sent, and Modes the
	// trigger kinds (stage, manual, bulk).
	CustomFieldTypes []string `json:"customFieldTypes"`
	Modes            []string `json:"modes"`
	// Features counts the cases that exercised each field:variant.
	Features map[string]int `json:"features"`
}

func newReport(cfg Config, began time.Time) *Report {
	return &Report{Tool: Tool, Seed: cfg.Seed, StartedAt: began, Concurrency: cfg.Concurrency, Failures: map[string]int{}, Findings: []Finding{},
		Coverage: Coverage{CustomFieldTypes: []string{}, Modes: []string{}, Features: map[string]int{}}}
}

func coverageOf(features map[string]int, _ int) Coverage {
	c := Coverage{CustomFieldTypes: []string{}, Modes: []string{}, Features: maps.Clone(features)}
	fields := map[string]bool{}
	types := map[string]bool{}
	for f := range features {
		path, variant, _ := strings.Cut(f, ":")
		fields[path] = true
		if path == "mode" {
			c.Modes = append(c.Modes, variant)
		}
		if t, _, _ := strings.Cut(variant, "-"); strings.HasSuffix(path, "custom-fields") && slices.Contains(customFieldTypes, t) {
			types[t] = true
		}
	}
	c.Fields, c.Variants = len(fields), len(features)
	c.CustomFieldTypes = slices.Sorted(maps.Keys(types))
	slices.Sort(c.Modes)
	return c
}

// Line is the last line of the console output.
func (r *Report) Line() string {
	s := fmt.Sprintf("%s %s: %d cases (%.1f/s), %d findings, seed %d (%s)", Tool, strings.ToUpper(r.Verdict), r.Cases, r.CasesPerSecond, len(r.Findings), r.Seed,
		(time.Duration(r.DurationMS) * time.Millisecond).Round(time.Millisecond))
	if r.Error != "" {
		s += ": " + r.Error
	}
	return s
}

// Summary is the console report.
func (r *Report) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d cases in %.1fs, %.1f cases/s, %d in flight; %d failed\n", r.Cases, r.DurationMS/1000, r.CasesPerSecond, r.Concurrency, r.FailedCases)
	fmt.Fprintf(&b, "coverage: %d fields in %d variants; custom field types %s; modes %s\n", r.Coverage.Fields, r.Coverage.Variants,
		strings.Join(r.Coverage.CustomFieldTypes, ", "), strings.Join(r.Coverage.Modes, ", "))
	for i, f := range r.Findings {
		fmt.Fprintf(&b, "finding %d: %s", i+1, f.Verdict.Kind)
		if f.Verdict.Detail != "" {
			fmt.Fprintf(&b, ": %s", strings.ReplaceAll(f.Verdict.Detail, "\n", " "))
		}
		fmt.Fprintf(&b, "\n  first at case %d after %.1fs (%d cases failed this way); shrunk from %d to %d bytes in %d trials\n",
			f.Case, f.FoundAfterMS/1000, f.Cases, f.OriginalSize, f.ShrunkSize, f.ShrinkTrials)
		if f.Fixture != "" {
			fmt.Fprintf(&b, "  fixture %s (%s)\n  replay: %s\n          %s\n  curl:   %s\n", f.Fixture, map[bool]string{true: "replays the same failure", false: "does NOT replay the same failure after scrubbing"}[f.Reproduces], f.Serve, f.Trigger, f.Curl)
		}
	}
	return b.String()
}

// WriteJSON writes the report as JSON to path.
func (r *Report) WriteJSON(path string) error {
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(path, append(raw, '\n'))
}

// WriteJUnit writes the report as JUnit XML: one test case for the run,
// one per finding, failed.
func (r *Report) WriteJUnit(path string) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Time      float64  `xml:"time,attr"`
		Failure   *failure `xml:"failure,omitempty"`
	}
	type suite struct {
		XMLName  xml.Name   `xml:"testsuite"`
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Errors   int        `xml:"errors,attr"`
		Time     float64    `xml:"time,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	s := suite{Name: Tool, Time: r.DurationMS / 1000}
	run := testcase{Name: fmt.Sprintf("fuzz/run seed %d: %d cases", r.Seed, r.Cases), Classname: "fuzz", Time: r.DurationMS / 1000}
	if r.Verdict == VerdictError {
		s.Errors = 1
		run.Failure = &failure{Message: r.Error, Text: r.Error}
	}
	s.Cases = append(s.Cases, run)
	for _, f := range r.Findings {
		tc := testcase{Name: "fuzz/" + f.Name, Classname: "fuzz", Failure: &failure{Message: f.Verdict.Kind,
			Text: fmt.Sprintf("%s\nfixture: %s\nreplay: %s\n  %s\ncurl: %s\n", f.Verdict.Detail, f.Fixture, f.Serve, f.Trigger, f.Curl)}}
		s.Cases = append(s.Cases, tc)
		s.Failures++
	}
	s.Tests = len(s.Cases)
	raw, err := xml.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(path, append([]byte(xml.Header), append(raw, '\n')...))
}

// htmlStyle is the report page's style sheet.
const htmlStyle = `body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}code,pre{font-size:12px;white-space:pre-wrap;word-break:break-all}.fail{color:#b00}.pass{color:#070}`

// WriteHTML writes the report as one self-contained HTML page. The page
// is written by hand, not by html/template (see internal/htmlesc for why).
func (r *Report) WriteHTML(path string) error {
	return writeFile(path, []byte(r.html()))
}

func (r *Report) html() string {
	e := htmlesc.String
	itoa := strconv.Itoa
	var b strings.Builder
	w := b.WriteString
	w(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ttconformance fuzz: ` + e(r.Verdict) + `</title>
<style>` + htmlStyle + `</style></head>
<body><h1>ttconformance fuzz <span class="` + e(r.Verdict) + `">` + e(r.Verdict) + `</span></h1>
<p>` + e(r.BaseURL) + `: ` + itoa(r.Cases) + ` cases, ` + e(fmt.Sprintf("%.1f", r.CasesPerSecond)) + ` cases/s, ` + itoa(r.Concurrency) + ` in flight, seed <code>` + strconv.FormatUint(r.Seed, 10) + `</code>, ` + itoa(r.FailedCases) + ` failed.`)
	if r.Error != "" {
		w(` <b>` + e(r.Error) + `</b>`)
	}
	w(`</p>
<h2>Findings</h2>`)
	if len(r.Findings) == 0 {
		w(`<p>None.</p>`)
	}
	w("\n")
	for _, f := range r.Findings {
		w(`<h3>` + e(f.Name) + `</h3><p class="fail">` + e(f.Verdict.Kind))
		if f.Verdict.Detail != "" {
			w(`: ` + e(f.Verdict.Detail))
		}
		w(`</p>
<p>First at case ` + itoa(f.Case) + `; ` + itoa(f.Cases) + ` cases failed this way; shrunk from ` + itoa(f.OriginalSize) + ` to ` + itoa(f.ShrunkSize) + ` bytes in ` + itoa(f.ShrinkTrials) + ` trials; scrubbed fixture `)
		if f.Reproduces {
			w(`replays the same failure`)
		} else {
			w(`does not replay the same failure`)
		}
		w(`.</p>
<pre>` + e(f.Serve) + "\n" + e(f.Trigger) + "\n" + e(f.Curl) + `</pre>`)
	}
	w(`
<h2>Coverage</h2><p>` + itoa(r.Coverage.Fields) + ` fields in ` + itoa(r.Coverage.Variants) + ` variants; custom field types `)
	for _, t := range r.Coverage.CustomFieldTypes {
		w(`<code>` + e(t) + `</code> `)
	}
	w(`; modes `)
	for _, m := range r.Coverage.Modes {
		w(`<code>` + e(m) + `</code> `)
	}
	w(`</p>
<table><tr><th>field:variant</th><th>cases</th></tr>`)
	for _, k := range slices.Sorted(maps.Keys(r.Coverage.Features)) {
		w(`<tr><td><code>` + e(k) + `</code></td><td>` + itoa(r.Coverage.Features[k]) + `</td></tr>`)
	}
	w(`</table>
</body></html>
`)
	return b.String()
}

func writeFile(path string, data []byte) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(path, data, 0o644)
}
