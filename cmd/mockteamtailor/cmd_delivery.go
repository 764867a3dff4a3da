package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// deliveryCommand builds "deliveries <verb> ID": one delivery, fetched by
// do and printed.
func deliveryCommand(getenv func(string) string, use, short, long string, setup func(*cobra.Command), do func(context.Context, controlapi.Admin, *clientOptions, int64) error) *cobra.Command {
	var o clientOptions
	cmd := &cobra.Command{
		Use:   use + " ID",
		Short: short,
		Long:  long + clientEnvNote,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg("delivery", args[0])
			if err != nil {
				return err
			}
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			return do(cmd.Context(), c, &o, id)
		},
	}
	addClientFlags(cmd.Flags(), &o, false, "")
	if setup != nil {
		setup(cmd)
	}
	return cmd
}

func newDeliveryReplayCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	keep := true
	return deliveryCommand(getenv, "replay", "Send a journaled call to the partner again, signed afresh",
		`Send a journaled call to the partner again, signed afresh with the current time.
A replayed webhook keeps its partner-event id and updates the same partner
result (--keep-event-id, the default): a duplicate delivery, which a partner that
skips events it has seen skips. --keep-event-id=false sends it as a new event,
with a fresh event id and a fresh partner result. It prints the new entry and
exits with status 1 when its verdict is not ok.

Examples:
  WEBHOOK=$(mockteamtailor deliveries --kind webhook --limit 1 -q)
  mockteamtailor deliveries replay "$WEBHOOK"
  mockteamtailor deliveries replay --keep-event-id "$WEBHOOK"
  mockteamtailor deliveries replay --keep-event-id=false "$WEBHOOK"
`, func(cmd *cobra.Command) {
			cmd.Flags().BoolVar(&keep, "keep-event-id", true, "keep a webhook's partner-event id and result (false: send it as a new event)")
		}, func(ctx context.Context, c controlapi.Admin, o *clientOptions, id int64) error {
			replay := c.Replay
			if !keep {
				replay = c.ReplayAsNewEvent
			}
			d, err := replay(ctx, id)
			if err != nil {
				return err
			}
			if o.json {
				err = writeJSON(stdout, d)
			} else {
				printDelivery(stdout, d)
			}
			if err == nil {
				err = checkVerdicts([]store.Delivery{d})
			}
			return err
		})
}

func newDeliveryCurlCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	return deliveryCommand(getenv, "curl", "Print a curl command that sends a journaled request again, byte for byte",
		`Print a curl command that sends a journaled request again, byte for byte: method,
URL, headers and body. A webhook keeps its original signature, so a partner that
checks the timestamp refuses it after five minutes; "deliveries replay" signs afresh.

Examples:
  WEBHOOK=$(mockteamtailor deliveries --kind webhook --limit 1 -q)
  mockteamtailor deliveries curl "$WEBHOOK"
`, nil, func(ctx context.Context, c controlapi.Admin, o *clientOptions, id int64) error {
			cmd, err := c.Curl(ctx, id)
			if err != nil {
				return err
			}
			if o.json {
				return writeJSON(stdout, map[string]string{"command": cmd})
			}
			_, err = io.WriteString(stdout, cmd)
			return err
		})
}
