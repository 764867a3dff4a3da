package fuzz_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A run with a finding writes it in every report: the console names the
// fixture and its replay commands, the JUnit report has a failed test
// case for it beside the run's, the HTML report shows it and the
// coverage, and the findings folder's README.md gives the commands.
func TestReportsOfAFinding(t *testing.T) {
	v := variants[0]
	url := servePartner(t, &v, resultDelay)
	tmp := t.TempDir()
	junit, html, dir := filepath.Join(tmp, "fuzz.xml"), filepath.Join(tmp, "fuzz.html"), filepath.Join(tmp, "findings")
	code, out, rep := mainRun(t, append(keys(url), "--seed", "5", "--duration", "20s", "--max-findings", "1", "--out", dir,
		"--junit-report", junit, "--html-report", html)...)
	if code != 1 || rep == nil || len(rep.Findings) != 1 {
		t.Fatalf("exit %d; want 1 with one finding\n%s", code, out)
	}
	f := rep.Findings[0]
	for _, want := range []string{"finding 1: answered 500", f.Fixture, f.Trigger, "seed 5", "cases/s", "coverage: "} {
		if !strings.Contains(out, want) {
			t.Errorf("the console lacks %q:\n%s", want, out)
		}
	}
	raw, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(raw, &suite); err != nil {
		t.Fatalf("the JUnit report does not parse: %v", err)
	}
	if suite.Tests != 2 || suite.Failures != 1 || suite.Cases[1].Name != "fuzz/"+f.Name || suite.Cases[1].Failure == nil {
		t.Errorf("JUnit report: %s", raw)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{f.Name, "answered 500", "mode:bulk", "<h2>Coverage</h2>"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil || !strings.Contains(string(readme), f.Trigger) || !strings.Contains(string(readme), "curl -sS -X POST") {
		t.Errorf("findings README.md (%v):\n%s", err, readme)
	}
}

// A partner echoing the webhook secret in a failed answer does not put it
// in the reports: the answer is redacted as the suite redacts it.
func TestFindingsRedactSecrets(t *testing.T) {
	leaky := variant{name: "leaky", kind: "answered 500", trigger: variants[0].trigger,
		act: status(500, "signature check with "+testSecret+" crashed")}
	url := servePartner(t, &leaky, resultDelay)
	report := filepath.Join(t.TempDir(), "fuzz.html")
	code, out, rep := mainRun(t, append(keys(url), "--seed", "2", "--duration", "20s", "--max-findings", "1", "--out", "", "--html-report", report)...)
	if code != 1 || rep == nil || len(rep.Findings) != 1 {
		t.Fatalf("exit %d; want 1 with one finding\n%s", code, out)
	}
	page, _ := os.ReadFile(report)
	if strings.Contains(out, testSecret) || strings.Contains(rep.Findings[0].Verdict.Detail, testSecret) || strings.Contains(string(page), testSecret) {
		t.Errorf("the webhook secret the partner echoed is in the reports:\n%s", out)
	}
}
