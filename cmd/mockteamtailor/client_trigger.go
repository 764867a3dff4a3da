package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strconv"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
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
	case o.twice && (bulk || o.stage != 0):
		return errors.New("--twice repeats a manual trigger; a stage move or a bulk run is sent once (leave out --stage and --bulk)")
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

// validate checks everything the flags name before anything is added or
// sent: each --candidate exists, with --stage the job it moves in has the
// stage and it is not in it already, with --fixture the fixture exists,
// and with --bulk the partner allows bulk mode and --data fits its form.
func (o *triggerOptions) validate(ctx context.Context, c controlapi.Admin) error {
	o.jobOf = map[int64]int64{}
	var company string
	for _, id := range o.candidateIDs {
		cand, err := c.Candidate(ctx, id)
		if err != nil {
			return fmt.Errorf("--candidate %d: %w", id, err)
		}
		company = cand.CompanyUUID
		switch {
		case o.stage != 0:
			job, err := o.stageJob(ctx, c, cand)
			if err != nil {
				return err
			}
			o.jobOf[id] = job
		case o.given["bulk"]:
		case o.job != 0:
			if _, ok := cand.Application(o.job); !ok {
				return fmt.Errorf("--candidate %d has not applied to --job %d; a manual trigger needs an application", id, o.job)
			}
		case len(cand.Applications) == 0:
			return fmt.Errorf("--candidate %d has applied to no job; a manual trigger needs an application", id)
		}
	}
	if o.fixture != "" {
		fx, err := c.Fixtures(ctx)
		if err != nil {
			return err
		}
		found, imported := false, false
		for _, f := range fx {
			found = found || ((f.Kind == fixtures.KindCandidates || f.Kind == fixtures.KindImported) && f.Name == o.fixture)
			imported = imported || (f.Kind == fixtures.KindImported && f.Name == o.fixture)
		}
		if !found {
			return fmt.Errorf("--fixture %q is not a candidate or imported fixture; mockteamtailor fixtures lists them", o.fixture)
		}
		if imported && !o.given["bulk"] && o.stage == 0 && len(o.dataMap) > 0 {
			return fmt.Errorf("--fixture %s is an imported fixture, sent with its captured webhook-data; leave out --data", o.fixture)
		}
		if o.stage == 0 && !o.given["bulk"] && !imported {
			// The candidate --fixture adds is triggered from the job it
			// applies to: the values must fit that job's form.
			co, err := targetCompany(ctx, c, o.company, o.partner)
			if err != nil {
				return err
			}
			job := o.job
			if job == 0 {
				if job, err = pickJob(ctx, c, co, 0); err != nil {
					return err
				}
			}
			if _, err := c.ManualTrigger(ctx, controlapi.ManualRequest{PartnerID: o.partner, JobID: job, Data: o.dataMap, DryRun: true}); err != nil {
				return fmt.Errorf("--fixture %s: %w", o.fixture, err)
			}
		}
		if o.stage != 0 {
			co, err := targetCompany(ctx, c, o.company, o.partner)
			if err != nil {
				return err
			}
			job := o.job
			if job == 0 {
				if job, err = pickJob(ctx, c, co, o.stage); err != nil {
					return err
				}
			}
			o.fixtureJob = job
		}
	}
	if err := o.checkData(ctx, c); err != nil {
		return err
	}
	if o.given["bulk"] {
		if company == "" {
			co, err := targetCompany(ctx, c, o.company, o.partner)
			if err != nil {
				return err
			}
			company = co.UUID
		}
		if _, err := c.BulkTrigger(ctx, controlapi.BulkRequest{PartnerID: o.partner, CandidateIDs: o.candidateIDs, CompanyUUID: company, Data: o.dataMap, DryRun: true}); err != nil {
			return err
		}
	}
	return nil
}

// checkData checks --data against the partner's form of every job stage
// the candidates are sent from, before anything is added or sent: for a
// manual trigger, one dry run per job and stage the given candidates are
// in; with --stage, the trigger each job would get.
func (o *triggerOptions) checkData(ctx context.Context, c controlapi.Admin) error {
	switch {
	case o.given["bulk"]:
		return nil // checked by the bulk dry run
	case o.stage != 0:
		jobs := map[int64]bool{}
		for _, job := range o.jobOf {
			jobs[job] = true
		}
		if o.fixtureJob != 0 {
			jobs[o.fixtureJob] = true
		}
		ts, err := c.Triggers(ctx, o.partner)
		if err != nil {
			return err
		}
		for job := range jobs {
			// The trigger that will fire: the one kept, or the one
			// --data makes. Its dry run also checks the activation.
			data := o.dataMap
			if t, ok := o.triggerFits(ts, job); ok {
				data = t.WebhookData
			}
			if _, err := c.CreateTrigger(ctx, controlapi.TriggerRequest{PartnerID: o.partner, JobID: job, StageID: o.stage, Data: data, DryRun: true}); err != nil {
				return fmt.Errorf("a trigger on stage %d of job %d: %w", o.stage, job, err)
			}
		}
	default:
		type jobStage struct{ job, stage int64 }
		seen := map[jobStage]bool{}
		for _, id := range o.candidateIDs {
			cand, err := c.Candidate(ctx, id)
			if err != nil {
				return fmt.Errorf("--candidate %d: %w", id, err)
			}
			job := o.job
			if job == 0 {
				job = cand.Applications[0].JobID
			}
			app, _ := cand.Application(job)
			if seen[jobStage{job, app.StageID}] {
				continue
			}
			seen[jobStage{job, app.StageID}] = true
			if _, err := c.ManualTrigger(ctx, controlapi.ManualRequest{PartnerID: o.partner, CandidateID: id, JobID: o.job, Data: o.dataMap, DryRun: true}); err != nil {
				return fmt.Errorf("candidate %d: %w", id, err)
			}
		}
	}
	return nil
}

// triggerFits returns the trigger the partner has on --stage of job that
// ensureTrigger keeps, so none is created.
func (o *triggerOptions) triggerFits(ts []store.Trigger, job int64) (store.Trigger, bool) {
	for _, t := range ts {
		if t.JobID == job && t.StageID == o.stage && (o.dataMap == nil || maps.Equal(t.WebhookData, o.dataMap)) {
			return t, true
		}
	}
	return store.Trigger{}, false
}

// stageJob is the job a candidate moves in with --stage: --job, which must
// have the stage, or the candidate's job that has it.
func (o *triggerOptions) stageJob(ctx context.Context, c controlapi.Admin, cand store.CandidateRecord) (int64, error) {
	if o.job != 0 {
		j, err := c.Job(ctx, o.job)
		if err != nil {
			return 0, fmt.Errorf("--job %d: %w", o.job, err)
		}
		if _, ok := j.Stage(o.stage); !ok {
			return 0, fmt.Errorf("--job %d (%s) has no stage %d", j.ID, j.Title, o.stage)
		}
		if j.CompanyUUID != cand.CompanyUUID {
			return 0, fmt.Errorf("--candidate %d is in another company than --job %d", cand.ID, j.ID)
		}
		if app, ok := cand.Application(j.ID); ok && app.StageID == o.stage {
			return 0, fmt.Errorf("candidate %d is already in stage %d of job %d: moving it there changes nothing and fires no trigger; move it to another stage first", cand.ID, o.stage, j.ID)
		}
		return j.ID, nil
	}
	for _, app := range cand.Applications {
		j, err := c.Job(ctx, app.JobID)
		if err != nil {
			return 0, err
		}
		if _, ok := j.Stage(o.stage); ok {
			if app.StageID == o.stage {
				return 0, fmt.Errorf("candidate %d is already in stage %d of job %d: moving it there changes nothing and fires no trigger; move it to another stage first", cand.ID, o.stage, j.ID)
			}
			return j.ID, nil
		}
	}
	return 0, fmt.Errorf("no job candidate %d applied to has stage %d; give --job with the job that has it to add the candidate to that job", cand.ID, o.stage)
}

// addCandidates makes the candidates --fixture and --bulk N ask for and
// returns every candidate id to send, the given ones first.
func (o *triggerOptions) addCandidates(ctx context.Context, c controlapi.Admin, stderr io.Writer) ([]int64, error) {
	ids := append([]int64(nil), o.candidateIDs...)
	if o.fixture == "" && o.bulk == 0 {
		return ids, nil
	}
	company, err := targetCompany(ctx, c, o.company, o.partner)
	if err != nil {
		return nil, err
	}
	if o.fixture != "" {
		in := controlapi.CandidateInput{CompanyUUID: company.UUID, Fixture: o.fixture, JobID: o.job}
		switch {
		case o.stage != 0:
			// Moving it into --stage applies it to the job there: a
			// candidate already in the stage would enter nothing.
			in.JobID = 0
		case !o.given["bulk"] && o.job == 0:
			// A manual trigger needs an application.
			if in.JobID, err = pickJob(ctx, c, company, 0); err != nil {
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
		made, err := c.CreateCandidates(ctx, controlapi.CandidateInput{CompanyUUID: company.UUID, Generate: o.bulk, Seed: uint64(time.Now().UnixNano())})
		if err != nil {
			return nil, fmt.Errorf("--bulk %d: %w", o.bulk, err)
		}
		for _, m := range made {
			ids = append(ids, m.ID)
		}
		fmt.Fprintf(stderr, "added %s to %s (%s)\n", text.Count(len(made), "generated candidate", "generated candidates"), company.Name, company.UUID)
	}
	return ids, nil
}

// targetCompany is the company named by --company, or the partner's
// sandbox company: the one of its activations marked sandbox.
func targetCompany(ctx context.Context, c controlapi.Admin, uuid, partner string) (store.Company, error) {
	if uuid != "" {
		return c.Company(ctx, uuid)
	}
	acts, err := c.Activations(ctx, partner)
	if err != nil {
		return store.Company{}, err
	}
	companies, err := c.Companies(ctx)
	if err != nil {
		return store.Company{}, err
	}
	if _, co, ok := sandbox.Find(ctx, sandbox.List(companies), acts); ok {
		return co, nil
	}
	return store.Company{}, fmt.Errorf("partner %q is not activated in a sandbox company; give --company UUID (mockteamtailor keys lists its activations)", partner)
}

// pickJob returns the company's job that has stage, or with stage 0 its
// first job.
func pickJob(ctx context.Context, c controlapi.Admin, company store.Company, stage int64) (int64, error) {
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
// candidate there (in job, or with 0 the job that has the stage), which
// fires every trigger on the stage.
func (o *triggerOptions) moveInto(ctx context.Context, c controlapi.Admin, candidate, job int64, stderr io.Writer) ([]store.Delivery, []string, error) {
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
	res, err := c.MoveCandidate(ctx, controlapi.MoveRequest{CandidateID: candidate, JobID: job, StageID: o.stage})
	if err != nil {
		return nil, nil, fmt.Errorf("moving candidate %d into stage %d of job %d: %w", candidate, o.stage, job, err)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(stderr, "skipped %s\n", s)
	}
	if len(res.Outcomes) == 0 {
		return nil, res.Skipped, fmt.Errorf("moving candidate %d into stage %d sent no webhook", candidate, o.stage)
	}
	var ds []store.Delivery
	for _, out := range res.Outcomes {
		ds = append(ds, out.Delivery)
	}
	return ds, res.Skipped, nil
}

// ensureTrigger keeps a trigger of the partner on the job stage: the one
// there (any, without --data; one with the same values, with --data), else
// a new one, which replaces the partner's trigger on the stage (one
// trigger per stage and partner).
func (o *triggerOptions) ensureTrigger(ctx context.Context, c controlapi.Admin, job int64, stderr io.Writer) error {
	ts, err := c.Triggers(ctx, o.partner)
	if err != nil {
		return err
	}
	if _, ok := o.triggerFits(ts, job); ok {
		return nil
	}
	t, err := c.CreateTrigger(ctx, controlapi.TriggerRequest{PartnerID: o.partner, JobID: job, StageID: o.stage, Data: o.dataMap})
	if err != nil {
		return fmt.Errorf("creating a trigger on stage %d of job %d: %w", o.stage, job, err)
	}
	for _, id := range t.Replaced {
		fmt.Fprintf(stderr, "replaced trigger %d of partner %s on that stage: its data differed from --data\n", id, o.partner)
	}
	fmt.Fprintf(stderr, "created trigger %d of partner %s on stage %d of job %d\n", t.ID, o.partner, o.stage, job)
	return nil
}
