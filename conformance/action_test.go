package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// The GitHub Action's script (action.yml runs it) is run here as a
// runner would: the inputs as INPUT_* variables, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, and the workflow commands it prints parsed
// from its output.

// actionScript is the Action's script.
func actionScript(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", ".github", "action", "run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("jq"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("jq is not installed; the Action's script needs it")
		}
		t.Skip("jq is not installed")
	}
	return p
}

// annotation is one workflow command of the ::error title=...::msg kind.
type annotation struct{ level, title, message string }

// actionRun is what one run of the script left.
type actionRun struct {
	exit        int
	stdout      string
	annotations []annotation
	outputs     map[string]string
	summary     string
	results     report.Results
}

var workflowCommand = regexp.MustCompile(`^::(error|warning|notice)(?: ([^:]*))?::(.*)$`)

// unescape undoes the runner's escaping of messages and properties.
func unescape(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

// runAction runs the script with the inputs (INPUT_* names) in a
// simulated GitHub environment.
func runAction(t *testing.T, inputs map[string]string, extraEnv ...string) actionRun {
	t.Helper()
	script := actionScript(t)
	dir := t.TempDir()
	output, summary := filepath.Join(dir, "github_output"), filepath.Join(dir, "step_summary")
	for _, f := range []string{output, summary} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, settings.EnvPrefix) || strings.HasPrefix(kv, "INPUT_") || strings.HasPrefix(kv, "GITHUB_")
	})
	env = append(env, "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary, "GITHUB_ACTIONS=true", "INPUT_REPORTS="+filepath.Join(dir, "reports"))
	for k, v := range inputs {
		env = append(env, k+"="+v)
	}
	env = append(env, extraEnv...)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Dir = dir
	cmd.Env = env
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stdout
	slots <- struct{}{}
	err := cmd.Run()
	<-slots
	r := actionRun{stdout: stdout.String(), outputs: map[string]string{}}
	if exitErr, ok := err.(*exec.ExitError); ok {
		r.exit = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("the script did not run: %v", err)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		m := workflowCommand.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		a := annotation{level: m[1], message: unescape(m[3])}
		for _, prop := range strings.Split(m[2], ",") {
			if v, ok := strings.CutPrefix(prop, "title="); ok {
				a.title = unescape(v)
			}
		}
		r.annotations = append(r.annotations, a)
	}
	raw, _ := os.ReadFile(output)
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			r.outputs[k] = v
		}
	}
	sum, _ := os.ReadFile(summary)
	r.summary = string(sum)
	if raw, err := os.ReadFile(filepath.Join(dir, "reports", "conformance.json")); err == nil {
		validateReport(t, raw)
		if err := json.Unmarshal(raw, &r.results); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// partnerInputs are the Action's inputs for a self-test partner at base.
func partnerInputs(t *testing.T, base string) map[string]string {
	t.Helper()
	in := map[string]string{
		"INPUT_BASE_URL": base, "INPUT_API_KEY": selfAPIKey, "INPUT_WEBHOOK_SECRET": selfSecret,
		"INPUT_CAPABILITIES": "verifies-signatures, assessment bulk actions", "INPUT_ACTIVATION_FIELDS": selfActivation,
		"INPUT_ARGS":        "--timeout " + selfTimeout,
		"TTCONFORMANCE_BIN": ttconformance(t),
	}
	if listen, ok := mockListen.Load(strings.TrimSuffix(base, "/")); ok {
		in["INPUT_ARGS"] += " --mock-listen " + listen.(string)
	}
	return in
}

// errorTitles are the titles of the ::error annotations.
func (r actionRun) errorTitles() []string {
	var out []string
	for _, a := range r.annotations {
		if a.level == "error" {
			out = append(out, a.title)
		}
	}
	return out
}

// TestActionAnnotatesEachFailedCheck: against each broken partner, the
// Action's script writes one annotation per failed check, titled with the
// check's id and carrying the problem and the fix; a job summary with the
// counts; the outputs; and it reports the suite's exit status.
func TestActionAnnotatesEachFailedCheck(t *testing.T) {
	skipWhenSuiteRequested(t)
	actionScript(t)
	for _, bp := range brokenPartners {
		t.Run(bp.name, func(t *testing.T) {
			t.Parallel()
			r := runAction(t, partnerInputs(t, bp.partner.serve(t)))
			if r.exit != 0 {
				t.Fatalf("the script exited %d (it leaves failing the job to the action's last step):\n%s", r.exit, r.stdout)
			}
			wantExit, wantLevel := "1", "error"
			if level(t, bp.fails) == settings.LevelShould {
				wantExit, wantLevel = "0", "warning"
			}
			if r.outputs["exit-code"] != wantExit {
				t.Errorf("exit-code output = %q, want %s", r.outputs["exit-code"], wantExit)
			}
			// Exactly one annotation per failed (or warned) check.
			var failed []string
			for _, c := range r.results.Checks {
				if c.Outcome == report.OutcomeFail || c.Outcome == report.OutcomeWarning {
					failed = append(failed, c.ID)
				}
			}
			var titles []string
			for _, a := range r.annotations {
				titles = append(titles, a.title)
				if a.title == bp.fails {
					if a.level != wantLevel {
						t.Errorf("%s: ::%s, want ::%s", a.title, a.level, wantLevel)
					}
					if !strings.Contains(a.message, "Fix: ") || len(a.message) < 40 {
						t.Errorf("the annotation of %s has no cause and fix: %q", a.title, a.message)
					}
				}
			}
			slices.Sort(titles)
			slices.Sort(failed)
			if !slices.Equal(titles, failed) || !slices.Contains(titles, bp.fails) {
				t.Errorf("annotations %v, want one per failed check %v (including %s)", titles, failed, bp.fails)
			}
			s := r.results.Summary
			for _, want := range []string{"## Teamtailor conformance: " + map[string]string{"0": "PASS", "1": "FAIL"}[wantExit],
				"| passed | failed | warnings | errors | skipped |",
				"| " + itoa(s.Passed) + " | " + itoa(s.Failed) + " | " + itoa(s.Warnings) + " | " + itoa(s.Errors) + " | " + itoa(s.Skipped) + " |",
				"`" + bp.fails + "`"} {
				if !strings.Contains(r.summary, want) {
					t.Errorf("the job summary does not say %q:\n%s", want, r.summary)
				}
			}
			if r.outputs["failed"] != itoa(s.Failed) || r.outputs["passed"] != itoa(s.Passed) {
				t.Errorf("outputs %v do not match the summary %+v", r.outputs, s)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestActionBaseline: with a baseline, the known failures are notices and
// do not fail; a stale entry is an error annotation naming it.
func TestActionBaseline(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	base := withDefects(t, defectScore).serve(t)
	in := partnerInputs(t, base)
	in["INPUT_BASELINE"] = writeBaselineFile(t, twoKnown)
	r := runAction(t, in)
	if r.exit != 0 || r.outputs["exit-code"] != "1" {
		t.Fatalf("script exit %d, exit-code %q; want 0 and 1 (a stale entry)\n%s", r.exit, r.outputs["exit-code"], r.stdout)
	}
	if got := r.errorTitles(); !slices.Equal(got, []string{"baseline config/supported-types"}) {
		t.Errorf("error annotations %v, want only the stale entry", got)
	}
	notices := 0
	for _, a := range r.annotations {
		if a.level == "notice" && a.title == "results/score-range" && strings.HasPrefix(a.message, "known failure (baseline: ") {
			notices++
		}
	}
	if notices != 1 || r.outputs["known-failures"] != "1" || r.outputs["stale-baseline"] != "1" || r.outputs["failed"] != "0" {
		t.Errorf("notices %d, outputs %v; want the known failure as a notice, 1 known, 1 stale, 0 failed", notices, r.outputs)
	}
	if !strings.Contains(r.summary, "| known failures | stale baseline entries |") {
		t.Errorf("the summary does not count known failures and stale entries:\n%s", r.summary)
	}
}

// TestActionBadInputs: missing inputs stop the script (exit 2) with an
// error annotation saying which; bad settings the suite refuses are an
// ERROR verdict with the suite's message.
func TestActionBadInputs(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	r := runAction(t, map[string]string{"INPUT_API_KEY": "k", "INPUT_WEBHOOK_SECRET": "s"})
	if r.exit != 2 || len(r.annotations) != 1 || !strings.Contains(r.annotations[0].message, "base-url input is required") {
		t.Errorf("no base-url: exit %d, annotations %+v", r.exit, r.annotations)
	}
	in := partnerInputs(t, "http://127.0.0.1:9")
	in["INPUT_CAPABILITIES"] = "teleport"
	r = runAction(t, in)
	if r.exit != 2 || len(r.annotations) != 1 || !strings.Contains(r.annotations[0].message, `unknown capability "teleport"`) {
		t.Errorf("unknown capability: exit %d, annotations %+v", r.exit, r.annotations)
	}
	// An unreachable partner is one error, not one per check.
	r = runAction(t, partnerInputs(t, "http://127.0.0.1:9"))
	if r.exit != 0 || r.outputs["exit-code"] != "2" || len(r.annotations) != 1 || r.annotations[0].title != "ttconformance" ||
		!strings.Contains(r.annotations[0].message, "cannot be reached") {
		t.Errorf("unreachable partner: exit %d, outputs %v, annotations %+v", r.exit, r.outputs, r.annotations)
	}
	in = partnerInputs(t, "ftp://partner")
	r = runAction(t, in)
	if r.exit != 0 || r.outputs["exit-code"] != "2" || r.outputs["verdict"] != "ERROR" || !strings.Contains(r.summary, "must be an absolute http(s) URL") {
		t.Errorf("bad base URL: exit %d, outputs %v, summary:\n%s", r.exit, r.outputs, r.summary)
	}
}

// TestActionRunsTheReleaseBinary: without a ttconformance of its own, the
// script downloads the release archive for the runner, checks it against
// the release's checksums.txt and runs it; an archive that does not match
// is refused. The release is built by .ci/release and served as file://.
func TestActionRunsTheReleaseBinary(t *testing.T) {
	skipWhenSuiteRequested(t)
	if testing.Short() {
		t.Skip("builds a release (-short)")
	}
	actionScript(t)
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	t.Parallel()
	const version = "v0.0.0-actiontest"
	releases := t.TempDir()
	dl := filepath.Join(releases, "download", version)
	platform := runtime.GOOS + "/" + runtime.GOARCH
	out, err := exec.Command(filepath.Join("..", ".ci", "release"), "-v", version, "-o", dl, "-p", platform).CombinedOutput()
	if err != nil {
		t.Fatalf(".ci/release: %v\n%s", err, out)
	}
	in := partnerInputs(t, fakePartner{}.serve(t))
	delete(in, "TTCONFORMANCE_BIN")
	in["INPUT_VERSION"] = version
	in["INPUT_RELEASE_URL"] = "file://" + releases
	r := runAction(t, in)
	if r.exit != 0 || r.outputs["exit-code"] != "0" || !strings.Contains(r.stdout, "ttconformance "+version+" (commit ") {
		t.Fatalf("exit %d, outputs %v; want the release's ttconformance to pass the example partner:\n%s", r.exit, r.outputs, r.stdout)
	}
	// A tampered archive is refused.
	sums := filepath.Join(dl, "checksums.txt")
	raw, err := os.ReadFile(sums)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sums, regexp.MustCompile(`(?m)^[0-9a-f]`).ReplaceAll(raw, []byte("0")), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runAction(t, in)
	if r.exit != 2 || len(r.annotations) != 1 || !strings.Contains(r.annotations[0].message, "does not match the release's checksums.txt") {
		t.Errorf("tampered release: exit %d, annotations %+v", r.exit, r.annotations)
	}
}
