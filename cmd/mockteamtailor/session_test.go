package main

// The README and the documents in docs/ are one session: a reader follows
// them from the first line to the last, in one shell, against one mock.
// TestREADMEIsOneSession does exactly that, and then runs every example of
// every --help.
//
// What runs, and the marking convention (also in docs/contributing.md):
//
//   - Every ```sh block of README.md, then of each document of sessionDocs
//     in that order, top to bottom, in one bash shell ("set -euo
//     pipefail") started in the repository's root, so variables and the
//     PATH carry from block to block and from document to document. It
//     must exit 0.
//   - <!-- session: skip REASON --> on the line before a ```sh block: the
//     block is not run, for a REASON the test prints (it starts the mock
//     the session already runs, needs Docker or a partner of the reader's
//     own, or is the test command itself). A reason is required.
//   - <!-- session: fails TEXT --> on the line before a ```sh block: the
//     block is meant to fail; it must exit non-zero and print TEXT.
//   - Then every line of every "Example:"/"Examples:" section of every
//     mockteamtailor --help, parent commands before their subcommands, and
//     of ttconformance --help, ttconformance capacity --help and
//     ttconformance fuzz --help (against
//     the example partner, started on $PARTNER as their help says), in
//     the same shell. An example ending "# fails: TEXT" must exit non-zero
//     and print TEXT; one ending "# until Ctrl-C" runs until interrupted:
//     the session interrupts it after a few seconds and it must exit 0.
//   - Blocks fenced as console, text, json or yaml show output or files,
//     and are not run.
//
// The shell gets MOCK and MOCKTT_MOCK set to the session's mock, which
// the README's commands honour (a reader's mock is on
// http://127.0.0.1:8080, which a test on a shared machine cannot take), and
// PARTNER set to a free address for the example partner the README
// starts, SUITE_MOCK to another for the embedded mock of the suite's runs
// against it (the only host it posts results to), and TMPDIR set to a folder of its own. Everything else is what a reader has: the README's own install
// line builds the binaries and puts them on PATH.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/skipreport"
	"github.com/spf13/cobra"
)

// sessionDocs are the documents the session runs, in its order: the
// README first (its install line puts the commands on PATH), then docs/ in
// a reader's order, so a block finds what an earlier one made. Every
// docs/*.md is in it (TestEveryDocumentIsInTheSession).
var sessionDocs = []string{
	"README.md",
	"docs/ci.md",
	"docs/operators.md",
	"docs/partner-developers.md",
	"docs/qa.md",
	"docs/security.md",
	"docs/performance.md",
	"docs/contributing.md",
	"docs/protocol.md",
	"docs/public-api.md",
	"docs/company-webhooks.md",
}

// sessionStep is one README block or --help example of the session.
type sessionStep struct {
	where  string // README.md:LINE, docs/NAME.md:LINE or "mockteamtailor CMD --help"
	script string
	skip   string // why it is not run
	fails  string // what a block meant to fail must print
	until  bool   // runs until interrupted
}

var sessionMarker = regexp.MustCompile(`^<!--\s*session:\s*(skip|fails)\s*(.*?)\s*-->$`)

// readmeSteps returns every ```sh block of the document named doc (the
// README or one of docs/) with its marking.
func readmeSteps(t *testing.T, doc string, readme []byte) []sessionStep {
	t.Helper()
	var steps []sessionStep
	lines := strings.Split(string(readme), "\n")
	for i := 0; i < len(lines); i++ {
		fence := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(fence, "```") {
			continue
		}
		lang := strings.TrimPrefix(fence, "```")
		start := i
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, lines[i])
		}
		if lang != "sh" {
			continue
		}
		st := sessionStep{where: fmt.Sprintf("%s:%d", doc, start+1), script: strings.Join(body, "\n")}
		// The marking is the nearest comment above the fence, past blank
		// lines and the examples' start markers.
		for j := start - 1; j >= 0; j-- {
			prev := strings.TrimSpace(lines[j])
			if prev == "" || strings.HasPrefix(prev, "<!-- readme-") {
				continue
			}
			if m := sessionMarker.FindStringSubmatch(prev); m != nil {
				if m[2] == "" {
					t.Fatalf("%s: %q needs a reason or the text the block fails with", st.where, prev)
				}
				if m[1] == "skip" {
					st.skip = m[2]
				} else {
					st.fails = m[2]
				}
			}
			break
		}
		steps = append(steps, st)
	}
	return steps
}

// helpOrder is the order the session runs the commands' examples in: a
// user's order, so the examples that look at deliveries and results come
// after those that make them, and reset, which undoes everything, last.
var helpOrder = []string{"health", "keys", "fixtures", "sign", "trigger", "reject", "replay", "activate", "deliveries", "results", "webhooks", "serve", "state", "reset"}

// examplesIn returns the examples of a help text: every line of its
// "Example:"/"Examples:" sections (indented; a line ending in "\" goes on
// on the next; "#" lines are comments), each marked by its "# fails:
// TEXT" or "# until Ctrl-C" ending.
func examplesIn(where, help string) []sessionStep {
	var steps []sessionStep
	in, cont := false, ""
	for _, line := range strings.Split(help, "\n") {
		switch {
		case line == "Examples:" || line == "Example:":
			in = true
			continue
		case !in:
			continue
		case !strings.HasPrefix(line, "  "):
			in = false
			continue
		}
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			continue
		}
		if more, ok := strings.CutSuffix(line, "\\"); ok {
			cont += more
			continue
		}
		st := sessionStep{where: where, script: cont + line}
		cont = ""
		if cmd, fails, ok := strings.Cut(st.script, "# fails: "); ok {
			st.script, st.fails = strings.TrimSpace(cmd), strings.TrimSpace(fails)
		}
		if cmd, ok := strings.CutSuffix(st.script, "# until Ctrl-C"); ok {
			st.script, st.until = strings.TrimSpace(cmd), true
		}
		steps = append(steps, st)
	}
	return steps
}

// helpSteps returns every example of every command's help, in helpOrder,
// parents before their subcommands.
func helpSteps(t *testing.T) []sessionStep {
	t.Helper()
	var steps []sessionStep
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		steps = append(steps, examplesIn(c.CommandPath()+" --help", c.Long)...)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := newRootCommand(func(string) string { return "" }, os.Stdout, os.Stderr)
	walk(&cobra.Command{Long: root.Long}) // the root's own examples
	for _, name := range helpOrder {
		c, _, err := root.Find([]string{name})
		if err != nil || c == root {
			t.Fatalf("helpOrder names %q, which is not a command", name)
		}
		walk(c)
	}
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() && !slices.Contains(helpOrder, c.Name()) {
			t.Fatalf("command %q is not in helpOrder: add it where its examples can run", c.Name())
		}
	}
	if len(steps) == 0 {
		t.Fatal("no --help has an example")
	}
	return steps
}

// ttconformanceSteps returns every example of ttconformance --help,
// ttconformance capacity --help, ttconformance fuzz --help and
// ttconformance certify --help, as the built command prints them, run
// against the example partner started on $PARTNER as the help says.
func ttconformanceSteps(t *testing.T, root string) []sessionStep {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ttconformance")
	build := exec.Command("go", "build", "-o", bin, "./cmd/ttconformance")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/ttconformance: %v\n%s", err, out)
	}
	steps := []sessionStep{{where: "the example partner for ttconformance's examples", script: `examplepartner --listen "$PARTNER" --api-key ttpk_demo --webhook-secret ttws_demo --result-host "$SUITE_MOCK" >"$TMPDIR/examplepartner.log" 2>&1 &
__examplepartner=$!
until curl -fsS "http://$PARTNER/healthz" >/dev/null 2>&1; do sleep 0.2; done`}}
	for _, args := range [][]string{{"--help"}, {"capacity", "--help"}, {"fuzz", "--help"}, {"certify", "--help"}} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ttconformance %s: %v", strings.Join(args, " "), err)
		}
		ex := examplesIn("ttconformance "+strings.Join(args, " "), string(out))
		if len(ex) == 0 {
			t.Fatalf("ttconformance %s has no example", strings.Join(args, " "))
		}
		steps = append(steps, ex...)
	}
	return append(steps, sessionStep{where: "the end of ttconformance's examples", script: `kill "$__examplepartner"`})
}

// sessionScript is the one shell script of the session: each step after
// a "### where" line on stderr, so a failure names its step.
func sessionScript(steps []sessionStep) string {
	var b strings.Builder
	b.WriteString("set -euo pipefail\n")
	// Background jobs a block starts (the example partner) end with the
	// session.
	b.WriteString("trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n")
	b.WriteString("__out=$(mktemp)\n")
	for _, st := range steps {
		if st.skip != "" {
			continue
		}
		fmt.Fprintf(&b, "printf '\\n### %%s (at %%ss)\\n' %s \"$SECONDS\" >&2\n", shellQuote(st.where))
		switch {
		case st.fails != "":
			fmt.Fprintf(&b, "if ( set -euo pipefail\n%s\n) >\"$__out\" 2>&1; then cat \"$__out\"; echo '### meant to fail, but exited 0' >&2; exit 97; fi\n", st.script)
			fmt.Fprintf(&b, "cat \"$__out\"; grep -qF -- %s \"$__out\" || { echo '### failed without saying '%s >&2; exit 98; }\n", shellQuote(st.fails), shellQuote(st.fails))
		case st.until:
			// Interrupted as a person would with Ctrl-C (SIGINT); it must
			// end cleanly.
			fmt.Fprintf(&b, "timeout --preserve-status -s INT 3 %s\n", st.script)
		default:
			b.WriteString(st.script + "\n")
		}
	}
	b.WriteString("printf '\\n### session complete\\n' >&2\n")
	return b.String()
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func TestREADMEIsOneSession(t *testing.T) {
	if testing.Short() {
		t.Skip("the README session builds every binary and runs every example; skipped with -short")
	}
	for _, tool := range []string{"bash", "curl", "jq", "timeout"} {
		if _, err := exec.LookPath(tool); err != nil {
			skipreport.Skip(t, "README session", tool+" is not installed (.ci/run installs it)")
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var readme []byte // every document, for the example key below
	var steps []sessionStep
	for _, doc := range sessionDocs {
		b, err := os.ReadFile(filepath.Join(root, doc))
		if err != nil {
			t.Fatal(err)
		}
		readme = append(readme, b...)
		steps = append(steps, readmeSteps(t, doc, b)...)
	}
	for _, st := range steps {
		if st.skip != "" {
			t.Logf("%s not run: %s", st.where, st.skip)
		}
	}
	steps = append(steps, helpSteps(t)...)
	steps = append(steps, ttconformanceSteps(t, root)...)

	r := startRun(t, map[string]string{}, "serve", "--listen", "127.0.0.1:0", "--seed", "1")
	if !bytes.Contains(readme, []byte("KEY=${KEY:-"+r.APIKey+"}")) {
		t.Fatalf("the README's example key is not the one serve --seed 1 prints (%s)", r.APIKey)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", sessionScript(steps))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "MOCK="+r.URL, "MOCKTT_MOCK="+r.URL, fmt.Sprintf("PARTNER=127.0.0.1:%d", freePort(t)), fmt.Sprintf("SUITE_MOCK=127.0.0.1:%d", freePort(t)), "TMPDIR="+t.TempDir())
	// Its own process group, so whatever a block left running ends too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		t.Fatalf("the README session failed (%v) at %s:\n%s", err, lastStep(out.String()), tail(out.String(), 80))
	}
	// Each part did what it says, not just exited 0.
	for _, want := range []string{
		`"type":"partner-activations"`, `"summary":"Re-scored"`, // Partner API examples
		"created trigger", "provider key", "signature", "every-question-kind", // CLI
		`"verdict":"ok"`, `"activated":true`, `"reset":true`, // control API
		"ttconformance PASS: 52 passed",                // the conformance suite on the example partner
		"capacity: PASS — ", "no ceiling found up to ", // capacity on the example partner
		"ttconformance fuzz PASS: ", // fuzz on the example partner
		"### session complete",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the README session's output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("session output:\n%s", tail(out.String(), 200))
	}
}

// lastStep is the step a session's output ended in.
func lastStep(out string) string {
	step := "the start"
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if s, ok := strings.CutPrefix(sc.Text(), "### "); ok && !strings.HasPrefix(s, "meant") && !strings.HasPrefix(s, "failed without") {
			step = s
		}
	}
	return step
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if len(l) > 300 {
			lines[i] = l[:300] + fmt.Sprintf("… (%d bytes)", len(l))
		}
	}
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// The session's marking convention is enforced: a skip needs a reason,
// every README sh block is either run or skipped for one, and a --help
// example never names an id that only exists by chance.
func TestREADMESessionMarking(t *testing.T) {
	steps := readmeSteps(t, "README.md", []byte("a\n<!-- session: skip starts a server -->\n```sh\nserve\n```\n\n<!-- session: fails no such -->\n```sh\nfalse\n```\n```console\n$ x\n```\n```sh\necho ok\n```\n"))
	if len(steps) != 3 || steps[0].skip != "starts a server" || steps[1].fails != "no such" || steps[2].skip != "" || steps[2].fails != "" || steps[2].script != "echo ok" {
		t.Fatalf("steps = %+v", steps)
	}
	script := sessionScript(steps)
	if strings.Contains(script, "serve") || !strings.Contains(script, "grep -qF -- 'no such'") {
		t.Errorf("script:\n%s", script)
	}
}

// A help's examples are read as the session runs them: continued lines
// joined, comments left out, "# fails:" and "# until Ctrl-C" marking.
func TestHelpExamplesAreReadWhole(t *testing.T) {
	help := "Does things.\n\nExamples:\n  # a comment\n  tool run --a \\\n      --b\n  tool bad   # fails: no such\n  tool serve   # until Ctrl-C\n\nFlags:\n  --a\n"
	got := examplesIn("tool --help", help)
	if len(got) != 3 || got[0].script != "tool run --a --b" || got[1].script != "tool bad" || got[1].fails != "no such" ||
		got[2].script != "tool serve" || !got[2].until {
		t.Fatalf("examples %+v", got)
	}
}

// Every document in docs/ runs in the session and is linked from the
// README, the doorway to them.
func TestEveryDocumentIsInTheSession(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil || len(docs) == 0 {
		t.Fatalf("docs/*.md: %v (%d documents)", err, len(docs))
	}
	for _, path := range docs {
		doc := "docs/" + filepath.Base(path)
		if !slices.Contains(sessionDocs, doc) {
			t.Errorf("%s is not in sessionDocs: add it where its blocks can run", doc)
		}
		if !bytes.Contains(readme, []byte("]("+doc+")")) {
			t.Errorf("the README does not link %s", doc)
		}
	}
	for _, doc := range sessionDocs {
		if _, err := os.Stat(filepath.Join("../..", doc)); err != nil {
			t.Errorf("sessionDocs names %s: %v", doc, err)
		}
	}
}
