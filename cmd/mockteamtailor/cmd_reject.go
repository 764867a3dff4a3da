package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

func newRejectCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o clientOptions
	var job int64
	var undo bool
	cmd := &cobra.Command{
		Use:   "reject CANDIDATE",
		Short: "Reject a candidate's application to a job, or with --undo take it back",
		Long: `Reject a candidate's application to a job, as a recruiter does on the candidate
card, or with --undo take the rejection back. Nothing is sent: rejecting fires
no trigger, but every webhook for the application from then on carries
job.status.rejected: true (false again after --undo), so a partner can be tried
on a rejected candidate.

--job names the application; a candidate that applied to one job needs none.
Rejecting a rejected application changes nothing and is no error.
` + clientEnvNote + `

Examples:
  mockteamtailor reject 1
  mockteamtailor trigger --candidate 1 --data test=go
  mockteamtailor reject 1 --job 1 --json
  mockteamtailor reject 1 --undo`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg("candidate", args[0])
			if err != nil {
				return err
			}
			if job < 0 {
				return fmt.Errorf("--job %d must be a job id, a whole number", job)
			}
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			out, err := c.RejectApplication(cmd.Context(), controlapi.RejectRequest{CandidateID: id, JobID: job, Undo: undo})
			if err != nil {
				return err
			}
			if o.json {
				return writeJSON(stdout, out)
			}
			state := "rejected"
			if !out.Rejected {
				state = "not rejected"
			}
			note := ""
			if out.Unchanged {
				note = " (it already was)"
			}
			_, err = fmt.Fprintf(stdout, "candidate %d is %s on job %d%s; webhooks for it carry job.status.rejected: %t\n", id, state, out.JobID, note, out.Rejected)
			return err
		},
	}
	addClientFlags(cmd.Flags(), &o, false, "")
	cmd.Flags().Int64Var(&job, "job", 0, "`ID` of the job of the application (default: the candidate's only one)")
	cmd.Flags().BoolVar(&undo, "undo", false, "take the rejection back (un-reject)")
	return cmd
}
