package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strconv"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/mockclient"
)

// check refuses flag combinations that say nothing or contradict.
func (o *triggerOptions) check() error {
	var err error
	if o.dataMap, err = parsePairs("data", o.data); err != nil {
		return err
	}
	for _, c := range o.candidates {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("--candidate %q must be a candidate id, a whole number", c)
		}
		o.candidateIDs = append(o.candidateIDs, id)
	}
	bulk := o.given["bulk"]
	switch {
	case o.bulk < 0:
		return fmt.Errorf("--bulk %d must be 0 or more generated candidates", o.bulk)
	case bulk && (o.job != 0 || o.stage != 0):
		return errors.New("--bulk sends webhooks without job and stage (bulk mode); leave out --job and --stage")
	case bulk && o.bulk == 0 && len(o.candidates) == 0 && o.fixture == "":
		return errors.New("--bulk 0 sends only the given candidates: add --candidate ID or --fixture NAME, or generate some with --bulk N")
	case !bulk && len(o.candidates) == 0 && o.fixture == "":
		return errors.New("say whom to send: --candidate ID, --fixture NAME (see mockteamtailor fixtures) or --bulk N")
	case o.company != "" && o.fixture == "" && o.bulk == 0:
		return errors.New("--company says where --fixture and --bulk add candidates; give one of them, or leave --company out")
	}
	return nil
}

// addCandidates makes the candidates --fixture and --bulk N ask for and
// returns every candidate id to send, the given ones first.
func (o *triggerOptions) addCandidates(ctx context.Context, c *mockclient.Client, stderr io.Writer) ([]int64, error) {
	ids := append([]int64(nil), o.candidateIDs...)
	if o.fixture == "" && o.bulk == 0 {
		return ids, nil
	}
	company, err := targetCompany(ctx, c, o.company, o.partner)
	if err != nil {
		return nil, err
	}
	if o.fixture != "" {
		in := mockclient.CandidateInput{CompanyUUID: company.UUID, Fixture: o.fixture, JobID: o.job}
		if !o.given["bulk"] && o.job == 0 {
			// A manual trigger needs an application; a stage trigger
			// needs the job that has the stage.
			if in.JobID, err = pickJob(ctx, c, company, o.stage); err != nil {
				return nil, err
			}
		}
		made, err := c.CreateCandidates(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("--fixture %s: %w", o.fixture, err)
		}
		ids = append(ids, made[0].ID)
		fmt.Fprintf(stderr, "added candidate %d from fixture %s to %s (%s)\n", made[0].ID, o.fixture, company.Name, company.UUID)
	}
	if o.bulk > 0 {
		made, err := c.CreateCandidates(ctx, mockclient.CandidateInput{CompanyUUID: company.UUID, Generate: o.bulk, Seed: uint64(time.Now().UnixNano())})
		if err != nil {
			return nil, fmt.Errorf("--bulk %d: %w", o.bulk, err)
		}
		for _, m := range made {
			ids = append(ids, m.ID)
		}
		fmt.Fprintf(stderr, "added %d generated candidates to %s (%s)\n", len(made), company.Name, company.UUID)
	}
	return ids, nil
}

// targetCompany is the company named by --company, or the partner's
// sandbox company: the one of its activations marked sandbox.
func targetCompany(ctx context.Context, c *mockclient.Client, uuid, partner string) (mockteamtailor.Company, error) {
	if uuid != "" {
		return c.Company(ctx, uuid)
	}
	acts, err := c.Activations(ctx, partner)
	if err != nil {
		return mockteamtailor.Company{}, err
	}
	companies, err := c.Companies(ctx)
	if err != nil {
		return mockteamtailor.Company{}, err
	}
	for _, a := range acts {
		for _, co := range companies {
			if co.UUID == a.CompanyUUID && co.Sandbox {
				return co, nil
			}
		}
	}
	return mockteamtailor.Company{}, fmt.Errorf("partner %q is not activated in a sandbox company; give --company UUID (mockteamtailor keys lists its activations)", partner)
}

// pickJob returns the company's job that has stage, or with stage 0 its
// first job.
func pickJob(ctx context.Context, c *mockclient.Client, company mockteamtailor.Company, stage int64) (int64, error) {
	jobs, err := c.Jobs(ctx, company.UUID)
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		if _, ok := j.Stage(stage); ok || stage == 0 {
			return j.ID, nil
		}
	}
	if stage == 0 {
		return 0, fmt.Errorf("%s (%s) has no jobs; add one, or give --job", company.Name, company.UUID)
	}
	return 0, fmt.Errorf("no job of %s (%s) has stage %d; give --job and --stage of one of its jobs", company.Name, company.UUID, stage)
}

// moveInto makes sure the partner has a trigger on --stage and moves the
// candidate there, which fires every trigger on the stage.
func (o *triggerOptions) moveInto(ctx context.Context, c *mockclient.Client, candidate int64, stderr io.Writer) ([]mockteamtailor.Delivery, []string, error) {
	job := o.job
	if job == 0 {
		cand, err := c.Candidate(ctx, candidate)
		if err != nil {
			return nil, nil, err
		}
		company, err := c.Company(ctx, cand.CompanyUUID)
		if err != nil {
			return nil, nil, err
		}
		if job, err = pickJob(ctx, c, company, o.stage); err != nil {
			return nil, nil, err
		}
	}
	if err := o.ensureTrigger(ctx, c, job, stderr); err != nil {
		return nil, nil, err
	}
	res, err := c.MoveCandidate(ctx, mockteamtailor.MoveRequest{CandidateID: candidate, JobID: job, StageID: o.stage})
	if err != nil {
		return nil, nil, fmt.Errorf("moving candidate %d into stage %d of job %d: %w", candidate, o.stage, job, err)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(stderr, "skipped %s\n", s)
	}
	if len(res.Outcomes) == 0 {
		return nil, res.Skipped, fmt.Errorf("moving candidate %d into stage %d sent no webhook", candidate, o.stage)
	}
	var ds []mockteamtailor.Delivery
	for _, out := range res.Outcomes {
		ds = append(ds, out.Delivery)
	}
	return ds, res.Skipped, nil
}

// ensureTrigger keeps a trigger of the partner on the job stage: one with
// the --data values (any, without --data), else a new one replacing those
// with other values.
func (o *triggerOptions) ensureTrigger(ctx context.Context, c *mockclient.Client, job int64, stderr io.Writer) error {
	ts, err := c.Triggers(ctx, o.partner)
	if err != nil {
		return err
	}
	var other []int64
	for _, t := range ts {
		if t.JobID != job || t.StageID != o.stage {
			continue
		}
		if o.dataMap == nil || maps.Equal(t.WebhookData, o.dataMap) {
			return nil
		}
		other = append(other, t.ID)
	}
	t, err := c.CreateTrigger(ctx, mockteamtailor.TriggerRequest{PartnerID: o.partner, JobID: job, StageID: o.stage, Data: o.dataMap})
	if err != nil {
		return fmt.Errorf("creating a trigger on stage %d of job %d: %w", o.stage, job, err)
	}
	for _, id := range other {
		if err := c.DeleteTrigger(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "removed trigger %d of partner %s on that stage: its data differed from --data\n", id, o.partner)
	}
	fmt.Fprintf(stderr, "created trigger %d of partner %s on stage %d of job %d\n", t.ID, o.partner, o.stage, job)
	return nil
}
