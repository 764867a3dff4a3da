package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/fixtures/scrub"
	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/capture"
)

func newFixturesImportCommand(stdout io.Writer) *cobra.Command {
	var name, out string
	var seed uint64
	var keepFields []string
	cmd := &cobra.Command{
		Use:   "import FILE|- --name NAME --out DIR",
		Short: "Turn a captured webhook into a fixture with personal data scrubbed",
		Long: `Turn a captured production webhook (a webhook body, a journal entry holding one, or
one line of JSONL) into a fixture you can commit: DIR/NAME.json, the whole webhook
body with every value that could identify a person replaced by a deterministic fake.
It works offline; no mock needs to run.

Personal data, replaced: every string and id of the body (names, e-mails, phones,
addresses, free-text answers, tags, titles, webhook-data values, file names, URLs,
ids, uuids, dates, amounts, custom field values), including any field the scrubber
does not know, which is scrubbed as text and listed. Keys that are data are replaced
too, the same key by the same fake throughout: webhook-data keys, custom field api
names, the keys of an object found where a value was expected, and unknown keys not
shaped like a field name (--keep-field keeps the webhook-data keys you name: your
own /config field ids, so the fixture still drives your code). Kept: booleans, nulls, the protocol's keys, unknown keys
shaped like field names, and the protocol's vocabulary (result, offer and onboarding
statuses, custom field types and mapped-from, currencies, salary time units,
onboarding progress, "yes"/"no" answers); any other value at those paths is replaced.

The fakes keep what breaks parsers: null vs empty vs absent, types, key order, list
lengths, string lengths, scripts and direction, emoji, combining marks, number
formats, uuid versions, date layouts, URL schemes, numeric ports and the extensions
of common file types. A URL's credentials, host, path segments, query keys and
values and fragment are all replaced. The same input and --seed give byte-identical
output.

Before writing, every key and value of the fixture and every path of the report is
checked, case-insensitively: no replaced original of four characters or more, and no
four-character piece of a name, e-mail address, URL credential or replaced key, may
survive anywhere. A fake that trips the check is drawn again; when none passes, the
import refuses, naming the path but not the value, and writes nothing. It prints the
paths it replaced, never a value.

Use the fixture with "serve --fixtures DIR" (a sandbox candidate, and
"trigger --fixture NAME"), "ttconformance --fixtures DIR" (webhook/edge-case-
candidates) and "replay DIR/NAME.json".

Examples:
  head -n 1 fixtures/captures/teamtailor-example.jsonl | mockteamtailor fixtures import - --name example --out "${TMPDIR:-/tmp}/tt-fixtures"
  sed -n 2p fixtures/captures/teamtailor-example.jsonl | mockteamtailor fixtures import - --name drift --out "${TMPDIR:-/tmp}/tt-fixtures"
  head -n 1 fixtures/captures/teamtailor-example.jsonl | mockteamtailor fixtures import - --name kept --keep-field test,threshold --out "${TMPDIR:-/tmp}/tt-fixtures"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if name == "" || out == "" {
				return errors.New("give --name NAME (the fixture's name) and --out DIR (where NAME.json goes)")
			}
			if err := fixtures.CheckImportedName(name); err != nil {
				return fmt.Errorf("--name: %w", err)
			}
			data, err := readCaptureFile(args[0], cmd.InOrStdin())
			if err != nil {
				return err
			}
			captures, err := capture.Parse(data)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if len(captures) != 1 {
				return fmt.Errorf("%s holds %d webhooks; import one at a time (e.g. sed -n 2p FILE | mockteamtailor fixtures import - ...)", args[0], len(captures))
			}
			body, rep, err := scrub.ScrubWith(captures[0].Body, seed, scrub.Options{KeepFields: keepFields})
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			path := filepath.Join(out, name+".json")
			if err := os.WriteFile(path, body, 0o644); err != nil {
				return err
			}
			printScrubReport(stdout, rep, path)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "`NAME` of the fixture: lower-case letters, digits, '.', '_', '-'")
	f.StringVar(&out, "out", "", "`DIR` to write NAME.json to (created if missing)")
	f.Uint64Var(&seed, "seed", 1, "`N` the fakes are drawn from: same input and seed, same output")
	f.StringSliceVar(&keepFields, "keep-field", nil, "webhook-data `KEY` to keep as captured: a field id of your own /config form (repeatable, or comma-separated); still replaced if it holds a piece of personal data")
	return cmd
}

func printScrubReport(w io.Writer, rep scrub.Report, path string) {
	keys := 0
	for _, r := range rep.Replaced {
		if r.Category == scrub.CatKey {
			keys++
		}
	}
	fmt.Fprintf(w, "replaced %s and %s (paths only, never values):\n", text.Count(len(rep.Replaced)-keys, "value", "values"), text.Count(keys, "key", "keys"))
	tw := newTable(w)
	for _, r := range rep.Replaced {
		fmt.Fprintf(tw, "  %s\t%s\n", r.Pointer, r.Category)
	}
	tw.Flush()
	if len(rep.Unknown) > 0 {
		fmt.Fprintf(w, "not understood, scrubbed as text (%d):\n", len(rep.Unknown))
		for _, p := range rep.Unknown {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	fmt.Fprintf(w, "kept as captured (protocol vocabulary, or no letters or digits): %s\n", text.Count(len(rep.Kept), "value", "values"))
	fmt.Fprintf(w, "wrote %s\n", path)
}
