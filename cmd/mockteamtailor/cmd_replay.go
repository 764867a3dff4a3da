package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/capture"
)

// replayOptions are the flags of "mockteamtailor replay".
type replayOptions struct {
	clientOptions
	company     string
	keepEventID bool
	dryRun      bool
	rate        float64
	wait        time.Duration
}

// replayReport is one replay as "replay --json" prints it, with the
// partner result as it stood when the command stopped waiting.
type replayReport struct {
	controlapi.ReplayOutcome
	Posted *controlapi.Result `json:"posted,omitempty"`
}

func newReplayCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o replayOptions
	cmd := &cobra.Command{
		Use:   "replay FILE|-",
		Short: "Replay a captured production webhook against the local partner",
		Long: `Replay a webhook captured in production (the body your partner received) against
your local partner, through a running mock.

FILE (or - for stdin) holds a webhook body {"partner-event": ..., "company": ...},
a journal entry exported from a mock ("mockteamtailor deliveries show ID --json"),
or JSONL with one of them per line; every line is replayed, --rate per second.

Each capture is checked against the webhook schema and every deviation is reported
(unknown keys, type changes: possible protocol drift); it is never refused for them.
Then only what must be local is rewritten:
  /partner-event/id                         a fresh event id, unless --keep-event-id
  /partner-event/partner-result             a fresh partner result of the mock, status
                                            sending, whose update-url is the mock's, so
                                            the partner's result comes back here
  /company (uuid, name, url, logotype)      the company of --company's activation
Everything else (candidate, webhook-data, unknown keys, key order, number literals)
is sent as captured. The request carries the activation's provider key and is
signed with the local webhook secret. The journal marks the entry as a replayed
capture with the list of rewritten paths.

It prints the deviations, the rewritten paths, the partner's answer and the result
the partner posted (waiting up to --wait for it). It exits with status 1 when a
delivery's verdict is not ok.
` + clientEnvNote + `

Examples:
  mockteamtailor replay fixtures/captures/teamtailor-example.jsonl
  mockteamtailor replay --dry-run fixtures/captures/teamtailor-example.jsonl
  mockteamtailor replay --rate 5 fixtures/captures/teamtailor-example.jsonl
  head -n 1 fixtures/captures/teamtailor-example.jsonl | mockteamtailor replay -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			if o.rate < 0 {
				return fmt.Errorf("--rate %g must be 0 (no pause) or a number of replays per second", o.rate)
			}
			data, err := readCaptureFile(args[0], cmd.InOrStdin())
			if err != nil {
				return err
			}
			captures, err := capture.Parse(data)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return o.run(cmd.Context(), c, captures, stdout)
		},
	}
	f := cmd.Flags()
	addClientFlags(f, &o.clientOptions, true, "1")
	f.StringVar(&o.company, "company", "", "`UUID` of the company whose activation (company block, provider key) the replay uses (default: the partner's sandbox company)")
	f.BoolVar(&o.keepEventID, "keep-event-id", false, "keep the captured partner-event id instead of a fresh one")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the rewritten, signed request as a curl command instead of sending it (its partner result is created, so the command works when run)")
	f.Float64Var(&o.rate, "rate", 0, "replay at most `N` captures per second (default: one after the other)")
	f.DurationVar(&o.wait, "wait", 10*time.Second, "how long to wait for the result the partner posts to update-url (0: do not wait)")
	return cmd
}

// readCaptureFile reads FILE, or stdin for "-", bounded.
func readCaptureFile(name string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, capture.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > capture.MaxBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, capture.MaxBytes)
	}
	return data, nil
}

func (o *replayOptions) run(ctx context.Context, c controlapi.Admin, captures []capture.Capture, stdout io.Writer) error {
	var reports []replayReport
	var failed []string
	var tick <-chan time.Time
	if o.rate > 0 && len(captures) > 1 {
		t := time.NewTicker(time.Duration(float64(time.Second) / o.rate))
		defer t.Stop()
		tick = t.C
	}
	for i, capt := range captures {
		if i > 0 && tick != nil {
			select {
			case <-tick:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		out, err := c.ReplayCapture(ctx, controlapi.ReplayRequest{PartnerID: o.partner, CompanyUUID: o.company,
			KeepEventID: o.keepEventID, DryRun: o.dryRun, Capture: json.RawMessage(capt.Body)})
		if err != nil {
			return fmt.Errorf("%s: %w", capt.Source, err)
		}
		out.Source = capt.Source
		rep := replayReport{ReplayOutcome: out}
		if !o.dryRun && o.wait > 0 && out.Delivery != nil && out.Delivery.Verdict == store.VerdictOK {
			rep.Posted = waitForPostedResult(ctx, c, out.ResultID, o.wait)
		}
		if out.Delivery != nil && out.Delivery.Verdict != store.VerdictOK {
			failed = append(failed, fmt.Sprintf("%s: %s (delivery %d)", capt.Source, out.Delivery.Verdict, out.Delivery.ID))
		}
		if !o.json {
			printReplay(stdout, rep)
		}
		reports = append(reports, rep)
	}
	if o.json {
		if err := writeJSON(stdout, map[string]any{"replays": reports}); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return errors.New("the partner did not take every replay: " + strings.Join(failed, "; "))
	}
	return nil
}

// waitForPostedResult polls the partner result until the partner has
// moved it past sent, or wait is over; nil when it could not be read.
func waitForPostedResult(ctx context.Context, c controlapi.Admin, id string, wait time.Duration) *controlapi.Result {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var last *controlapi.Result
	for {
		r, err := c.Result(ctx, id)
		if err == nil {
			last = &r
			if r.Status != "sending" && r.Status != "sent" && r.Status != "pending" {
				return last
			}
		}
		select {
		case <-ctx.Done():
			return last
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func printReplay(w io.Writer, r replayReport) {
	fmt.Fprintf(w, "replay of %s: event %s, result %s, company %s\n", r.Source, r.EventID, r.ResultID, r.CompanyUUID)
	if len(r.Deviations) == 0 {
		fmt.Fprintln(w, "  deviations: none, the capture matches the webhook schema")
	} else {
		fmt.Fprintf(w, "  deviations from the webhook schema (%d, possible protocol drift; sent anyway):\n", len(r.Deviations))
		for _, d := range r.Deviations {
			fmt.Fprintf(w, "    %s\n", d)
		}
	}
	fmt.Fprintf(w, "  rewritten: %s\n", strings.Join(r.RewrittenPaths, ", "))
	if r.DryRun {
		fmt.Fprintf(w, "  dry run, nothing sent; the signed request:\n%s\n", r.Curl)
		return
	}
	if d := r.Delivery; d != nil {
		fmt.Fprintf(w, "  sent: %s (delivery %d: mockteamtailor deliveries show %d)\n", d.Verdict, d.ID, d.ID)
		fmt.Fprintf(w, "    %s\n", d.Reason)
	}
	switch p := r.Posted; {
	case p == nil && r.Result != nil:
		fmt.Fprintf(w, "  result: %s (the partner posted nothing yet)\n", r.Result.Status)
	case p != nil:
		line := "  result the partner posted: " + string(p.Status)
		if p.Assessment.Score != nil {
			line += fmt.Sprintf(", score %g", *p.Assessment.Score)
		}
		if p.Summary != nil {
			line += fmt.Sprintf(", summary %q", cut(*p.Summary, 80))
		}
		fmt.Fprintln(w, line)
	}
}
