package fuzz

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/fixtures/scrub"
	"github.com/mockteamtailor/mockteamtailor/internal/orderedjson"
)

// Commands are what the reproduction commands of a finding need.
type Commands struct {
	BaseURL string
	// Dir is the folder of the fixtures, as the user gave it.
	Dir string
}

// writeFindings scrubs each finding's shrunk webhook as an imported
// fixture is scrubbed (package fixtures/scrub, with the form's field ids
// kept), names it after what it exercises, writes it to dir, sends it
// once more to see that it still fails the same way, and writes
// dir/README.md with the commands that replay each.
func (e *engine) writeFindings(ctx context.Context, findings []*Finding, keep []string, cmds Commands) error {
	if err := os.MkdirAll(cmds.Dir, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	taken := map[string]bool{}
	if existing, err := fixtures.LoadImported(cmds.Dir); err == nil {
		for _, f := range existing {
			taken[f.Name] = true
		}
	}
	for _, f := range findings {
		body, _, err := scrub.ScrubWith(f.Body, e.cfg.Seed, scrub.Options{KeepFields: keep})
		if err != nil {
			return fmt.Errorf("finding %s could not be scrubbed: %w", f.Verdict.Kind, err)
		}
		name := uniqueName(NameOf(f.Verdict, f.Body), taken)
		taken[name] = true
		path := filepath.Join(cmds.Dir, name+".json")
		if err := os.WriteFile(path, body, 0o644); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		f.Name, f.Fixture, f.fixtureBody = name, path, body
		if v, err := e.j.exec(ctx, body, f.Verdict.resultKind()); err == nil {
			f.Reproduces = v.Same(f.Verdict)
		}
		f.Serve = fmt.Sprintf(`mockteamtailor serve --fixtures %s --partner-base-url %s --api-key "$API_KEY" --webhook-secret "$WEBHOOK_SECRET" &`, shellQuote(cmds.Dir), shellQuote(cmds.BaseURL))
		f.Trigger = "mockteamtailor trigger --fixture " + name
		eventID := ""
		if doc, err := orderedjson.Parse(body); err == nil {
			if id := doc.Get("partner-event").Get("id"); id != nil {
				eventID = id.String
			}
		}
		f.Curl = fmt.Sprintf(`curl -sS -X POST %s -H 'Content-Type: application/json' -H "Authorization: Bearer $PROVIDER_KEY" -H "Teamtailor-Signature: $(mockteamtailor sign --webhook-secret "$WEBHOOK_SECRET" --event-id %s)" --data-binary @%s`,
			shellQuote(strings.TrimRight(cmds.BaseURL, "/")+"/webhook"), eventID, shellQuote(path))
	}
	return os.WriteFile(filepath.Join(cmds.Dir, "README.md"), []byte(findingsReadme(findings, cmds, e.cfg.Seed)), 0o644)
}

// findingsReadme says what each fixture of a run is and how to replay it.
func findingsReadme(findings []*Finding, cmds Commands, seed uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# ttconformance fuzz findings (seed %d)\n\n", seed)
	b.WriteString("Each JSON file is a webhook body that made the partner fail, shrunk and scrubbed as an imported\n")
	b.WriteString("fixture. `ttconformance --fixtures DIR` sends each in webhook/edge-case-candidates, so they stay\n")
	b.WriteString("regression cases. The curl command sends the body as it is (its update-url is a scrubbed host, so\n")
	b.WriteString("a result is not seen); `mockteamtailor trigger --fixture` makes it local and shows the result.\n")
	b.WriteString("API_KEY and WEBHOOK_SECRET are the partner's; PROVIDER_KEY one it accepts.\n")
	for _, f := range findings {
		fmt.Fprintf(&b, "\n## %s\n\n%s", f.Name, f.Verdict.Kind)
		if f.Verdict.Detail != "" {
			fmt.Fprintf(&b, ": %s", strings.ReplaceAll(f.Verdict.Detail, "\n", " "))
		}
		fmt.Fprintf(&b, "\n\n- first case: %d of seed %d; %d cases failed this way\n- size: %d bytes shrunk from %d\n- replayed after scrubbing: %s\n\n```sh\n%s\n%s\n%s\n```\n",
			f.Case, seed, f.Cases, f.ShrunkSize, f.OriginalSize, yesNo(f.Reproduces), f.Serve, f.Trigger, f.Curl)
	}
	return b.String()
}

func yesNo(b bool) string {
	if b {
		return "failed the same way"
	}
	return "did NOT fail the same way (the scrubbed values changed what the partner trips on; the unscrubbed case is --seed and --max-cases away)"
}

var unsafeShell = regexp.MustCompile(`[^A-Za-z0-9_@%+=:,./-]`)

func shellQuote(s string) string {
	if s != "" && !unsafeShell.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// NameOf names a finding after how it failed and what its webhook
// exercises: the kind ("answered-500", "no-final-result") and the most
// telling values left in the shrunk webhook (a null first-name, a
// right-to-left last-name, a multiselect with a comma, a bulk event
// without job), e.g. "answered-500-first-name-null".
func NameOf(v Verdict, body []byte) string {
	parts := []string{slug(v.Kind)}
	doc, err := orderedjson.Parse(body)
	if err == nil {
		c := doc.Get("partner-event").Get("candidate")
		parts = append(parts, describe(c)...)
	}
	name := strings.Join(parts, "-")
	if len(name) > 70 {
		name = strings.TrimRight(name[:70], "-.")
	}
	return name
}

// describe lists the telling values of a candidate, at most three.
func describe(c *orderedjson.Value) []string {
	var out []string
	if c == nil {
		return out
	}
	if c.Get("job") == nil {
		out = append(out, "bulk")
	}
	var visit func(path string, v *orderedjson.Value)
	visit = func(path string, v *orderedjson.Value) {
		if len(out) >= 3 {
			return
		}
		switch v.Kind {
		case orderedjson.Object:
			if t := v.Get("type"); t != nil && t.Kind == orderedjson.String && v.Get("value") != nil {
				out = append(out, path+"-"+slug(t.String))
				return
			}
			for _, m := range v.Members {
				visit(join(path, m.Key), m.Value)
			}
		case orderedjson.Array:
			if len(v.Items) == 0 {
				out = append(out, path+"-empty")
			}
			for _, it := range v.Items {
				visit(path, it)
			}
		case orderedjson.Null:
			out = append(out, path+"-null")
		case orderedjson.String:
			if k := textKind(v.String); k != "" {
				out = append(out, path+"-"+k)
			} else if _, err := strconv.ParseFloat(v.String, 64); err == nil {
				out = append(out, path+"-number-as-string")
			}
		case orderedjson.Number:
			if n, ok := v.Int(); !ok || n > 1<<31-1 {
				if ok {
					out = append(out, path+"-large")
				}
			}
		}
	}
	for _, m := range c.Members {
		if m.Key == "id" && m.Value.Kind == orderedjson.Number {
			if n, ok := m.Value.Int(); ok && n > 1<<31-1 {
				out = append(out, "id-large")
			}
			continue
		}
		visit(m.Key, m.Value)
	}
	if len(out) == 0 {
		out = append(out, "minimal")
	}
	return out[:min(len(out), 3)]
}

// join joins path parts, keeping only the last two keys.
func join(path, key string) string {
	if path == "" {
		return key
	}
	parts := strings.Split(path, ".")
	return parts[len(parts)-1] + "." + key
}

// textKind names what is telling about a string, or "".
func textKind(s string) string {
	var rtl, cjk, astral, mark, comma bool
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Arabic, unicode.Hebrew):
			rtl = true
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			cjk = true
		case r > 0xFFFF:
			astral = true
		case unicode.Is(unicode.Mn, r):
			mark = true
		case r == ',':
			comma = true
		}
	}
	switch n := utf8.RuneCountInString(s); {
	case n > 255:
		return "long"
	case rtl:
		return "rtl"
	case astral:
		return "astral"
	case mark:
		return "combining"
	case cjk:
		return "cjk"
	case comma:
		return "comma"
	}
	return ""
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// uniqueName makes name a valid imported-fixture name not in taken.
func uniqueName(name string, taken map[string]bool) string {
	name = strings.ReplaceAll(name, ".", "-")
	name = "fuzz-" + strings.Trim(name, "-")
	if fixtures.CheckImportedName(name) != nil {
		name = "fuzz-finding"
	}
	out := name
	for i := 2; taken[out] || slices.Contains(fixtures.Names(fixtures.KindCandidates), out); i++ {
		out = fmt.Sprintf("%s-%d", name, i)
	}
	return out
}
