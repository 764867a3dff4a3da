package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// triggerOptions are the flags of "mockteamtailor trigger".
type triggerOptions struct {
	clientOptions
	candidates   []string
	candidateIDs []int64 // candidates, parsed
	fixture      string
	company      string
	job, stage   int64
	bulk         int
	twice        bool
	data         []string
	dataMap      map[string]string // data, parsed
	jobOf        map[int64]int64   // with --stage: the job each given candidate moves in
	fixtureJob   int64             // with --stage and --fixture: the job its candidate moves in
}

// triggerReport is what "trigger --json" prints: every webhook's journal
// entry (event id, result id, the partner's status, verdict, reason).
type triggerReport struct {
	BulkRun  *controlapi.BulkRun `json:"bulkRun,omitempty"`
	Webhooks []store.Delivery    `json:"webhooks"`
	Skipped  []string            `json:"skipped,omitempty"`
}

func newTriggerCommand(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	var o triggerOptions
	cmd := &cobra.Command{
		Use:   "trigger",
		Short: "Send webhooks to the partner: a manual, stage or bulk trigger",
		Long: `Send webhooks to the partner through a running mock, as a recruiter would:

  without --stage   a manual trigger from the candidate card (of --job, or the
                    candidate's first job), one webhook per candidate
  with --stage      make sure the partner has a trigger on that job stage (one is
                    created with --data when there is none; one with other data is
                    replaced), then move each candidate into the stage: every
                    trigger on it fires
  with --bulk N     one bulk run (no job, no stage) over N newly generated
                    candidates plus every --candidate and --fixture one; --bulk 0
                    sends exactly the given candidates. Progress goes to stderr
                    unless --json: on a terminal a bar redrawn in place; otherwise
                    a plain line at the start, at each quarter, every 2 s while
                    it moves, and at the end.

--twice sends each manual trigger's webhook (an imported fixture's too) a second
time once the partner has answered the first: the same partner-event id and partner result, signed afresh,
as a sender that cannot tell it was delivered would. A partner should handle the
repeat without a second assessment (the journal marks it a replay of the first).

--fixture NAME first adds a candidate from that fixture (see mockteamtailor
fixtures) to --company, by default the partner's sandbox company (with --stage
it enters the job in that stage, which fires the stage's triggers); --bulk N
adds its generated candidates there too. An imported fixture (serve --fixtures
DIR) is sent whole instead, as captured, made local as "mockteamtailor replay"
makes it (with --stage or --bulk its candidate is added and triggered like any
other).

Nothing is added, moved or sent until every flag checks out: each candidate,
job and stage, the partner's activation, and --data against the partner's form
(a dry run of the trigger, journaled as a form-only config fetch).

It prints, for each webhook, the event id, the result id, the status the partner
answered, the verdict and its reason, and the delivery id to inspect. It exits
with status 1 when any delivery's verdict is not ok, so CI can rely on it.
` + clientEnvNote + `

Examples:
  mockteamtailor trigger --candidate 1 --data test=go
  mockteamtailor trigger --fixture unicode --data test=algorithms
  mockteamtailor trigger --candidate 1 --twice --data test=go
  mockteamtailor trigger --candidate 1 --job 1 --stage 4 --data test=algorithms
  mockteamtailor trigger --bulk 200 --data test=go
  mockteamtailor trigger --bulk 0 --candidate 1 --candidate 2 --data test=go --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			if err := o.check(); err != nil {
				return err
			}
			return o.run(cmd.Context(), c, stdout, stderr)
		},
	}
	f := cmd.Flags()
	addClientFlags(f, &o.clientOptions, true, "1")
	f.StringArrayVar(&o.candidates, "candidate", nil, "`ID` of a candidate to send (repeatable)")
	f.StringVar(&o.fixture, "fixture", "", "add a candidate from the candidate fixture `NAME` first, and send it")
	f.StringVar(&o.company, "company", "", "`UUID` of the company --fixture and --bulk add candidates to (default: the partner's sandbox company)")
	f.Int64Var(&o.job, "job", 0, "`ID` of the job (default: the candidate's first job; with --stage, the job that has the stage)")
	f.Int64Var(&o.stage, "stage", 0, "`ID` of the job stage to move the candidates into, firing its triggers")
	f.IntVar(&o.bulk, "bulk", 0, "one bulk run over `N` generated candidates (plus the given ones)")
	f.BoolVar(&o.twice, "twice", false, "send each manual trigger's event twice, the second after the first answer (same event id and result)")
	f.StringArrayVar(&o.data, "data", nil, "`key=value` picked in the partner's config form, the key a field id (repeatable)")
	return cmd
}

func (o *triggerOptions) run(ctx context.Context, c controlapi.Admin, stdout, stderr io.Writer) error {
	// Validate, then act: nothing is added or sent until every candidate,
	// job, stage and value checks out.
	if err := o.validate(ctx, c); err != nil {
		return err
	}
	whole, err := o.sendImported(ctx, c, stderr)
	if err != nil {
		return err
	}
	wholeAgain, err := o.sendImportedAgain(ctx, c, whole)
	if err != nil {
		return err
	}
	ids, err := o.addCandidates(ctx, c, stderr)
	if err != nil {
		return err
	}
	// What was sent before a failure is still printed.
	rep, sendErr := o.send(ctx, c, ids, stderr)
	if wholeAgain != nil {
		rep.Webhooks = append([]store.Delivery{*wholeAgain}, rep.Webhooks...)
	}
	if whole != nil {
		rep.Webhooks = append([]store.Delivery{*whole}, rep.Webhooks...)
	}
	if sendErr != nil && len(rep.Webhooks) == 0 {
		return sendErr
	}
	if o.json {
		err = writeJSON(stdout, rep)
	} else {
		printTriggerReport(stdout, rep)
	}
	switch {
	case sendErr != nil:
		return sendErr
	case err != nil:
		return err
	case rep.BulkRun != nil && rep.BulkRun.Failed > 0 && checkVerdicts(rep.Webhooks) == nil:
		return fmt.Errorf("%d of %s of bulk run %s failed", rep.BulkRun.Failed, text.Count(rep.BulkRun.Total, "webhook", "webhooks"), rep.BulkRun.ID)
	}
	return checkVerdicts(rep.Webhooks)
}

// send fires the trigger the flags ask for.
func (o *triggerOptions) send(ctx context.Context, c controlapi.Admin, ids []int64, stderr io.Writer) (triggerReport, error) {
	var rep triggerReport
	switch {
	case o.given["bulk"]:
		run, err := o.runBulk(ctx, c, ids, stderr)
		if err != nil {
			return rep, err
		}
		rep.BulkRun = &run
		rep.Webhooks, err = c.Deliveries(ctx, store.JournalFilter{BulkRunID: run.ID})
		return rep, err
	case o.stage != 0:
		for _, id := range ids {
			job, given := o.jobOf[id]
			if !given {
				job = o.fixtureJob // the candidate --fixture added
			}
			ds, skipped, err := o.moveInto(ctx, c, id, job, stderr)
			rep.Webhooks, rep.Skipped = append(rep.Webhooks, ds...), append(rep.Skipped, skipped...)
			if err != nil {
				return rep, err
			}
		}
	default:
		for _, id := range ids {
			out, err := c.ManualTrigger(ctx, controlapi.ManualRequest{PartnerID: o.partner, CandidateID: id, JobID: o.job, Data: o.dataMap, Twice: o.twice})
			if err != nil {
				return rep, fmt.Errorf("candidate %d: %w", id, err)
			}
			rep.Webhooks = append(rep.Webhooks, out.Delivery)
			if out.Again != nil {
				rep.Webhooks = append(rep.Webhooks, out.Again.Delivery)
			}
		}
	}
	return rep, nil
}
