package fuzz

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
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

// WriteHTML writes the report as one self-contained HTML page.
func (r *Report) WriteHTML(path string) error {
	var b strings.Builder
	if err := htmlPage.Execute(&b, r); err != nil {
		return err
	}
	return writeFile(path, []byte(b.String()))
}

func writeFile(path string, data []byte) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(path, data, 0o644)
}
