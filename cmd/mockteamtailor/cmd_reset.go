package main

import (
	"fmt"
	"io"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/spf13/cobra"
)

func newResetCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o clientOptions
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Start the mock again: back to the state serve started with",
		Long: `Return a running mock to exactly the state it started with: the partners with
the settings serve gave them (base URL, configs), each sandbox company with jobs
1-3 and candidates 1-12 under the same ids, and, with serve --seed, the same ids
and keys handed out next as after a fresh start.

It keeps the partners' API keys and webhook secrets, so an integration
configured with them goes on working. It drops everything made since the start:
results, triggers, other companies and their activations, partners added
since, uploads, bulk runs, faults, and the journal (whose ids start again).
` + clientEnvNote + `

Examples:
  mockteamtailor reset
  mockteamtailor reset --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			if err := c.Reset(cmd.Context()); err != nil {
				return err
			}
			if o.json {
				return writeJSON(stdout, controlapi.ResetDone{Reset: true})
			}
			_, err = fmt.Fprintf(stdout, "reset %s to its start state\n", o.mock)
			return err
		},
	}
	addClientFlags(cmd.Flags(), &o, false, "")
	return cmd
}
