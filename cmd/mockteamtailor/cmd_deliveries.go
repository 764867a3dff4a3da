package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// deliveriesOptions are the flags of "mockteamtailor deliveries".
type deliveriesOptions struct {
	clientOptions
	kind, verdict, bulkRun string
	limit                  int
	follow, quiet          bool
}

// deliveryHeader and deliveryRow are the one format of the journal, for
// the list and for --follow alike: fixed widths, so streamed lines line
// up under the header.
var deliveryHeader = fmt.Sprintf(deliveryFormat, "ID", "TIME", "KIND", "PARTNER", "VERDICT", "STATUS", "MS", "REASON")

const deliveryFormat = "%-6s %-19s %-17s %-9s %-8s %6s %6s  %s"

func deliveryRow(d store.Delivery) string {
	return fmt.Sprintf(deliveryFormat, strconv.FormatInt(d.ID, 10), d.Time.Local().Format(time.DateTime), deliveryKind(d), cut(d.PartnerID, 9), d.Verdict, responseStatus(d), fmt.Sprintf("%.0f", d.DurationMS), cut(d.Reason, 70))
}

// deliveryKind is the entry's kind, marked "(form)" for a fetch made only
// to show or check a form (a trigger form or the marketplace opened, a
// dry run), as the web UI labels it "form opened": no webhook followed it.
func deliveryKind(d store.Delivery) string {
	if d.Purpose == store.PurposeForm {
		return d.Kind + " (form)"
	}
	return d.Kind
}

func newDeliveriesCommand(getenv func(string) string, stdout, _ io.Writer) *cobra.Command {
	var o deliveriesOptions
	cmd := &cobra.Command{
		Use:   "deliveries",
		Short: "List, follow, show, replay or print as curl the calls the mock made",
		Long: `The journal of a running mock: every call it made to the partner (config,
activation, validate, webhook, action) and every Partner API request the partner
made, with the request, the response, the verdict and its reason.

With no subcommand it lists the newest entries; --follow then prints new ones as
they happen, one line each, until interrupted (with --json, one JSON object a line).
A KIND marked "(form)" is a fetch made only to show or check a form (the web UI's
"form opened": a trigger form or the marketplace opened, a dry run), not one a
trigger made; in JSON it has "purpose": "form".
` + clientEnvNote + `

Examples:
  mockteamtailor deliveries
  mockteamtailor deliveries --kind webhook --verdict failed --limit 50
  mockteamtailor deliveries --follow   # until Ctrl-C
  WEBHOOK=$(mockteamtailor deliveries --kind webhook --limit 1 -q)
  mockteamtailor deliveries show "$WEBHOOK"
  mockteamtailor deliveries replay "$WEBHOOK"
  mockteamtailor deliveries curl "$WEBHOOK" | sh`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			if o.limit < 0 {
				return fmt.Errorf("--limit %d must be 0 (every entry the journal keeps) or more", o.limit)
			}
			return o.run(cmd.Context(), c, stdout)
		},
	}
	f := cmd.Flags()
	addClientFlags(f, &o.clientOptions, true, "")
	f.StringVar(&o.kind, "kind", "", "only entries of this `kind`: config, activation, validate, webhook, action, partner-api, public-api, company-webhook")
	f.StringVar(&o.verdict, "verdict", "", "only entries with this `verdict`: ok, failed, invalid, error")
	f.StringVar(&o.bulkRun, "bulk-run", "", "only the webhooks of the bulk run with this `ID`")
	f.IntVar(&o.limit, "limit", 20, "list at most `N` entries, the newest (0: all)")
	f.BoolVar(&o.follow, "follow", false, "after the list, print new entries as they happen until interrupted")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print only the ids, one a line (for scripts)")
	cmd.AddCommand(newDeliveryShowCommand(getenv, stdout), newDeliveryReplayCommand(getenv, stdout), newDeliveryCurlCommand(getenv, stdout))
	return cmd
}

func (o *deliveriesOptions) run(ctx context.Context, c controlapi.Admin, stdout io.Writer) error {
	f := store.JournalFilter{Kind: o.kind, Verdict: o.verdict, PartnerID: o.partner, BulkRunID: o.bulkRun, Limit: o.limit}
	ds, total, err := c.DeliveriesTotal(ctx, f)
	if err != nil {
		return err
	}
	switch {
	case o.quiet:
		for _, d := range ds {
			fmt.Fprintln(stdout, d.ID)
		}
	case o.json && o.follow:
		for _, d := range ds {
			writeJSONLine(stdout, d)
		}
	case o.json:
		return writeJSON(stdout, controlapi.DeliveryList{Deliveries: ds, Total: total})
	default:
		fmt.Fprintln(stdout, deliveryHeader)
		for _, d := range ds {
			fmt.Fprintln(stdout, deliveryRow(d))
		}
		if total > len(ds) {
			fmt.Fprintf(stdout, "showing the newest %d of %d; --limit 0 lists them all\n", len(ds), total)
		}
	}
	if !o.follow {
		return nil
	}
	return o.followFrom(ctx, c, f, stdout)
}

// followFrom prints new entries as the stream brings them. Entries the
// stream skipped (recorded before it started, or missed by a slow reader)
// are read from the journal, so ids are never lost.
func (o *deliveriesOptions) followFrom(ctx context.Context, c controlapi.Admin, f store.JournalFilter, stdout io.Writer) error {
	newest, err := c.Deliveries(ctx, store.JournalFilter{Limit: 1})
	if err != nil {
		return err
	}
	var seen int64
	if len(newest) > 0 {
		seen = newest[0].ID
	}
	emit := func(d store.Delivery) {
		switch {
		case !matches(f, d):
		case o.quiet:
			fmt.Fprintln(stdout, d.ID)
		case o.json:
			writeJSONLine(stdout, d)
		default:
			fmt.Fprintln(stdout, deliveryRow(d))
		}
	}
	err = c.StreamDeliveries(ctx, func(d store.Delivery) {
		if d.ID <= seen {
			return
		}
		if d.ID > seen+1 {
			gap := f
			gap.AfterID, gap.Limit = seen, 0
			missed, _ := c.Deliveries(ctx, gap)
			for _, m := range missed {
				if m.ID < d.ID {
					emit(m)
				}
			}
		}
		emit(d)
		seen = d.ID
	})
	if errors.Is(err, context.Canceled) {
		return nil // interrupted: the way --follow ends
	}
	return err
}

// matches applies the list filters to a streamed entry.
func matches(f store.JournalFilter, d store.Delivery) bool {
	return (f.Kind == "" || d.Kind == f.Kind) && (f.Verdict == "" || d.Verdict == f.Verdict) &&
		(f.PartnerID == "" || d.PartnerID == f.PartnerID) && (f.BulkRunID == "" || d.BulkRunID == f.BulkRunID)
}

func writeJSONLine(w io.Writer, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(w, "%s\n", b)
}
