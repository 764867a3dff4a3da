package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// resultsOptions are the flags of "mockteamtailor results".
type resultsOptions struct {
	clientOptions
	candidate int64
	status    string
}

func newResultsCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o resultsOptions
	cmd := &cobra.Command{
		Use:   "results",
		Short: "List the partner results, or show one",
		Long: `The partner results in a running mock: one per webhook sent, updated by the
partner's webhook response and by what it posts to update-url (the Partner API).
` + clientEnvNote + `

Examples:
  mockteamtailor results
  mockteamtailor results --partner 1 --status completed --json
  mockteamtailor results show "$(mockteamtailor results --status completed --json | jq -r '.results[0].id')"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			rs, err := c.Results(cmd.Context(), store.ResultFilter{PartnerID: o.partner, CandidateID: o.candidate, Status: protocol.Status(o.status)})
			if err != nil || o.json {
				if err == nil {
					err = writeJSON(stdout, controlapi.ResultList{Results: rs})
				}
				return err
			}
			tw := newTable(stdout)
			fmt.Fprintln(tw, "ID\tPARTNER\tCANDIDATE\tSTATUS\tSCORE\tSUMMARY")
			for _, r := range rs {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", r.ID, r.PartnerID, r.CandidateID, r.Status, score(r.Assessment.Score), cut(summary(r), 50))
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	addClientFlags(f, &o.clientOptions, true, "")
	f.Int64Var(&o.candidate, "candidate", 0, "only results on the candidate with this `ID`")
	f.StringVar(&o.status, "status", "", "only results with this `status`, e.g. sent, pending, completed, failed")
	cmd.AddCommand(newResultShowCommand(getenv, stdout), newResultWaitCommand(getenv, stdout))
	return cmd
}

func newResultWaitCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o clientOptions
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "wait ID",
		Short: "Wait until a partner result is final (completed or failed), then show it",
		Long: `Wait until the partner result is completed or failed, then show it as "results
show" does. The mock answers as soon as the partner posts its final status
(GET /mock/v1/results/{id}/wait, a long poll): no polling, no sleeping. It
fails, showing the result as it stands, when --timeout passes first.
` + clientEnvNote + `

Example:
  mockteamtailor results wait "$(mockteamtailor trigger --candidate 1 --data test=go --json | jq -r '.webhooks[0].resultId')" --timeout 30s`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if timeout <= 0 {
				return fmt.Errorf("--timeout must be positive, got %s", timeout)
			}
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			w, err := c.WaitResult(cmd.Context(), args[0], timeout)
			if err != nil {
				return err
			}
			if err := printResult(w.Result, o.json, stdout); err != nil {
				return err
			}
			if !w.Final {
				return fmt.Errorf("result %s is still %s after %s", w.Result.ID, w.Result.Status, timeout)
			}
			return nil
		},
	}
	addClientFlags(cmd.Flags(), &o, false, "")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "give up after this long")
	return cmd
}

func newResultShowCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o clientOptions
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one partner result with its details, attachments and actions",
		Long: `Show one partner result as the mock keeps it: status, candidate, job, summary,
assessment, details, attachments, actions, the failure message, and update-url.
` + clientEnvNote + `

Example:
  mockteamtailor results show "$(mockteamtailor results --status completed --json | jq -r '.results[0].id')"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			return showResult(cmd.Context(), c, o.json, args[0], stdout)
		},
	}
	addClientFlags(cmd.Flags(), &o, false, "")
	return cmd
}

func showResult(ctx context.Context, c controlapi.Admin, asJSON bool, id string, w io.Writer) error {
	r, err := c.Result(ctx, id)
	if err != nil {
		return err
	}
	return printResult(r, asJSON, w)
}

func printResult(r controlapi.Result, asJSON bool, w io.Writer) error {
	if asJSON {
		return writeJSON(w, r)
	}
	tw := newTable(w)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	row("result", r.ID)
	row("partner", r.PartnerID)
	row("status", string(r.Status))
	row("candidate", strconv.FormatInt(r.CandidateID, 10))
	if r.JobID != nil {
		row("job", strconv.FormatInt(*r.JobID, 10))
	}
	if r.Summary != nil {
		row("summary", *r.Summary)
	}
	row("score", score(r.Assessment.Score))
	if r.Assessment.Grade != nil {
		row("grade", *r.Assessment.Grade)
	}
	if r.URL != nil {
		row("url", *r.URL)
	}
	row("message", r.Message)
	row("event", r.EventID)
	row("update-url", r.UpdateURL)
	row("updated", r.UpdatedAt.Local().Format("2006-01-02 15:04:05"))
	for _, a := range r.Attachments {
		row("attachment", a.Description+"  "+a.URL)
	}
	for i, a := range r.Actions {
		row("action "+strconv.Itoa(i), fmt.Sprintf("%q → POST BASE_URL/%s", a.ButtonText, a.Endpoint))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Details) > 0 && string(r.Details) != "{}" && string(r.Details) != "null" {
		fmt.Fprintf(w, "details\n%s\n", indent(prettyBody(string(r.Details))))
	}
	return nil
}

func score(s *float64) string {
	if s == nil {
		return "-"
	}
	return strconv.FormatFloat(*s, 'f', -1, 64)
}

// summary is the result's summary, or for a failed one its message.
func summary(r controlapi.Result) string {
	if r.Summary != nil {
		return *r.Summary
	}
	return r.Message
}
