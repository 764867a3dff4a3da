package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/mockclient"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// The client commands (trigger, activate, deliveries, results, fixtures,
// keys) drive a running mock through its control API (/mock/v1). This
// file holds what they share: the common flags and the output helpers.

// defaultMock is where "mockteamtailor serve" listens with no flags.
const defaultMock = "http://127.0.0.1:8080"

// clientEnvNote ends the help of every client command.
const clientEnvNote = `
Every flag can also be set with MOCKTT_<FLAG>, e.g. MOCKTT_MOCK=http://mock:8080
in CI; a flag on the command line wins. MOCKTT_CONTROL_TOKEN carries the control
token of a mock that listens beyond loopback (serve prints it).`

// clientOptions are the flags every client command has.
type clientOptions struct {
	mock    string
	json    bool
	partner string
	given   map[string]bool // flags set on the command line or by MOCKTT_<FLAG>
}

// addClientFlags adds --mock and --json, and with partner set --partner
// (whose default is partnerDefault).
func addClientFlags(f *pflag.FlagSet, o *clientOptions, partner bool, partnerDefault string) {
	f.StringVar(&o.mock, "mock", defaultMock, "`URL` of the running mock (mockteamtailor serve)")
	f.BoolVar(&o.json, "json", false, "print JSON for scripts instead of text")
	if partner {
		help := "`ID` of the partner integration"
		if partnerDefault == "" {
			help = "only entries of the partner with this `ID` (default: every partner)"
		}
		f.StringVar(&o.partner, "partner", partnerDefault, help)
	}
}

// connect fills unset flags from the environment, checks --mock and
// returns a client of the mock.
func (o *clientOptions) connect(cmd *cobra.Command, getenv func(string) string) (*mockclient.Client, error) {
	given, err := bindEnv(cmd.Flags(), getenv)
	if err != nil {
		return nil, err
	}
	o.given = given
	u, err := url.Parse(o.mock)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--mock %q must be the mock's URL, e.g. %s", o.mock, defaultMock)
	}
	// The control token is read from the environment only, never a flag:
	// flags show up in ps and shell history.
	return mockclient.New(o.mock, nil).WithToken(getenv("MOCKTT_CONTROL_TOKEN")), nil
}

// parsePairs reads repeated key=value flags into a map.
func parsePairs(flag string, pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("--%s %q must be key=value", flag, p)
		}
		out[k] = v
	}
	return out, nil
}

// idArg parses the one positional argument of "show ID" and the like.
func idArg(what, arg string) (int64, error) {
	n, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s id %q must be a whole number, as the list shows it", what, arg)
	}
	return n, nil
}

func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}

// cut puts s on one line and shortens it to at most n runes.
func cut(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// orDash shows "-" for an empty cell.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// prettyBody indents a JSON body and returns anything else as it is.
func prettyBody(body string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(body), "", "  ") == nil {
		return b.String()
	}
	return body
}

// responseStatus is the status the partner answered, "-" for none.
func responseStatus(d store.Delivery) string {
	if d.Response == nil {
		return "-"
	}
	return strconv.Itoa(d.Response.Status)
}

// printDelivery tells in a few lines what one call to the partner came
// to, and how to look at it.
func printDelivery(w io.Writer, d store.Delivery) {
	// The reason often starts by repeating the status ("answered 200;
	// ...", "answered 500: ..."): say it once.
	reason := d.Reason
	if d.Response != nil {
		answered := fmt.Sprintf("answered %d", d.Response.Status)
		if rest, ok := strings.CutPrefix(reason, answered); ok {
			rest, _ = strings.CutPrefix(rest, "; ")
			rest, _ = strings.CutPrefix(rest, ": ")
			reason = rest
		}
	}
	if reason == "" {
		fmt.Fprintf(w, "%s to partner %s: %s %s\n", d.Kind, d.PartnerID, responseStatus(d), d.Verdict)
	} else {
		fmt.Fprintf(w, "%s to partner %s: %s %s, %s\n", d.Kind, d.PartnerID, responseStatus(d), d.Verdict, reason)
	}
	tw := newTable(w)
	if d.EventID != "" {
		fmt.Fprintf(tw, "  event\t%s\n", d.EventID)
	}
	if d.ResultID != "" {
		fmt.Fprintf(tw, "  result\t%s\n", d.ResultID)
	}
	if d.CandidateID != 0 {
		fmt.Fprintf(tw, "  candidate\t%d\n", d.CandidateID)
	}
	fmt.Fprintf(tw, "  delivery\t%d\tmockteamtailor deliveries show %d\n", d.ID, d.ID)
	tw.Flush()
}

// checkVerdicts fails when any delivery's verdict is not ok, so scripts
// can rely on the exit code.
func checkVerdicts(ds []store.Delivery) error {
	var bad []string
	for _, d := range ds {
		if d.Verdict != store.VerdictOK {
			bad = append(bad, fmt.Sprintf("%d (%s)", d.ID, d.Verdict))
		}
	}
	n := len(bad)
	switch {
	case n == 0:
		return nil
	case n > 5:
		bad = append(bad[:5], "…")
	}
	return fmt.Errorf("%d of %s did not get verdict ok: %s; see mockteamtailor deliveries show <id>", n, text.Count(len(ds), "delivery", "deliveries"), strings.Join(bad, ", "))
}
