package mockteamtailor

import (
	"context"
	"errors"
	"fmt"
	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"net/url"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/delivery"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// CreateTrigger fetches the partner's config for the job stage, checks
// the picked values against it, and stores the trigger with them as its
// webhook-data. A config with an error field blocks saving (docs/protocol.md §3).
func (s *Server) CreateTrigger(ctx context.Context, req controlapi.TriggerRequest) (store.Trigger, error) {
	job, err := s.store.Job(ctx, req.JobID)
	if err != nil {
		return store.Trigger{}, httpapi.NotFound("there is no job %d", req.JobID)
	}
	stage, ok := job.Stage(req.StageID)
	if !ok {
		return store.Trigger{}, httpapi.Invalid("/stageId", "job %d (%s) has no stage %d; its stages are %s", job.ID, job.Title, req.StageID, stageList(job))
	}
	user, err := s.companyUser(ctx, job.CompanyUUID, req.UserID)
	if err != nil {
		return store.Trigger{}, err
	}
	cfg, err := s.FetchConfig(ctx, controlapi.ConfigRequest{PartnerID: req.PartnerID, CompanyUUID: job.CompanyUUID, JobID: job.ID, StageID: stage.ID, UserID: user.ID, Picked: req.Data, Purpose: dryRunPurpose(req.DryRun)})
	if err != nil {
		return store.Trigger{}, err
	}
	data, err := s.PickValues(cfg.Form, req.Data)
	if err != nil {
		return store.Trigger{}, err
	}
	if req.DryRun {
		return store.Trigger{PartnerID: req.PartnerID, JobID: job.ID, StageID: stage.ID, WebhookData: data, CreatedBy: user}, nil
	}
	// One trigger per stage and partner (docs/partner-developers.md "The control API"): a new
	// one replaces the partner's trigger on the stage, as setting up the
	// trigger again does in Teamtailor's job editor.
	existing, err := s.store.Triggers(ctx, req.PartnerID)
	if err != nil {
		return store.Trigger{}, err
	}
	t, err := s.store.CreateTrigger(ctx, store.Trigger{PartnerID: req.PartnerID, JobID: job.ID, StageID: stage.ID, WebhookData: data, CreatedBy: user, CreatedAt: s.clock().UTC()})
	if err != nil {
		return store.Trigger{}, err
	}
	for _, old := range existing {
		if old.JobID == job.ID && old.StageID == stage.ID {
			if err := s.store.DeleteTrigger(ctx, old.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return t, err
			}
			t.Replaced = append(t.Replaced, old.ID)
		}
	}
	return t, nil
}

// MoveCandidate moves a candidate into a job stage (applying to the job if
// it had not) and fires every trigger on that stage: one webhook each,
// with job, stage-id, trigger-id and triggered-by (docs/protocol.md §5).
func (s *Server) MoveCandidate(ctx context.Context, req controlapi.MoveRequest) (controlapi.MoveResult, error) {
	var res controlapi.MoveResult
	job, err := s.store.Job(ctx, req.JobID)
	if err != nil {
		return res, httpapi.NotFound("there is no job %d", req.JobID)
	}
	stage, ok := job.Stage(req.StageID)
	if !ok {
		return res, httpapi.Invalid("/stageId", "job %d (%s) has no stage %d; its stages are %s", job.ID, job.Title, req.StageID, stageList(job))
	}
	cand, err := s.store.Candidate(ctx, req.CandidateID)
	if err != nil {
		return res, httpapi.NotFound("there is no candidate %d", req.CandidateID)
	}
	if cand.CompanyUUID != job.CompanyUUID {
		return res, httpapi.Invalid("/candidateId", "candidate %d is in another company than job %d", cand.ID, job.ID)
	}
	user, err := s.companyUser(ctx, job.CompanyUUID, req.UserID)
	if err != nil {
		return res, err
	}
	if app, ok := cand.Application(job.ID); ok && app.StageID == stage.ID {
		// Teamtailor fires a stage's triggers when a candidate enters the
		// stage; one already there enters nothing (docs/protocol.md §5).
		res.Candidate, res.Outcomes, res.Unchanged = cand, []controlapi.Outcome{}, true
		res.Skipped = []string{fmt.Sprintf("candidate %d is already in stage %d (%s) of job %d: nothing changed and no trigger fired", cand.ID, stage.ID, stage.Name, job.ID)}
		return res, nil
	}
	_, applied := cand.Application(job.ID)
	cand, err = s.store.UpdateCandidate(ctx, cand.ID, func(c *store.CandidateRecord) error {
		for i := range c.Applications {
			if c.Applications[i].JobID == job.ID {
				c.Applications[i].StageID = stage.ID
				return nil
			}
		}
		c.Applications = append(c.Applications, store.Application{JobID: job.ID, StageID: stage.ID})
		return nil
	})
	if err != nil {
		return res, err
	}
	s.emitApplicationMove(ctx, cand, job, !applied)
	res.Candidate = cand
	triggers, err := s.store.Triggers(ctx, "")
	if err != nil {
		return res, err
	}
	company, err := s.store.Company(ctx, job.CompanyUUID)
	if err != nil {
		return res, err
	}
	res.Outcomes = []controlapi.Outcome{}
	for _, t := range triggers {
		if t.JobID != job.ID || t.StageID != stage.ID {
			continue
		}
		p, err := s.store.Partner(ctx, t.PartnerID)
		if err != nil {
			res.Skipped = append(res.Skipped, fmt.Sprintf("trigger %d: partner %q no longer exists", t.ID, t.PartnerID))
			continue
		}
		act, err := s.store.ActivationFor(ctx, p.ID, company.UUID)
		if err != nil {
			res.Skipped = append(res.Skipped, fmt.Sprintf("trigger %d: partner %q is not activated in %s", t.ID, p.ID, company.Name))
			continue
		}
		trig := t
		by := t.CreatedBy
		if req.UserID != 0 {
			by = user
		}
		out, err := s.deliver(ctx, EventSpec{Partner: p, Activation: act, Company: company, Candidate: cand, Job: &job, Stage: &stage, Trigger: &trig, TriggeredBy: &by, WebhookData: t.WebhookData}, store.Delivery{})
		if err != nil {
			res.Skipped = append(res.Skipped, fmt.Sprintf("trigger %d: %v", t.ID, err))
			continue
		}
		res.Outcomes = append(res.Outcomes, out)
	}
	return res, nil
}

// ManualTrigger fetches the config for the candidate's job, checks the
// picked values and sends one webhook whose job has no trigger keys.
func (s *Server) ManualTrigger(ctx context.Context, req controlapi.ManualRequest) (controlapi.Outcome, error) {
	if req.DryRun && req.CandidateID == 0 {
		return controlapi.Outcome{}, s.checkManual(ctx, req)
	}
	if req.StageID != 0 {
		return controlapi.Outcome{}, httpapi.Invalid("/stageId", "stageId is for a dry run without a candidate; a manual trigger uses the stage the candidate is in")
	}
	cand, err := s.store.Candidate(ctx, req.CandidateID)
	if err != nil {
		return controlapi.Outcome{}, httpapi.NotFound("there is no candidate %d", req.CandidateID)
	}
	jobID := req.JobID
	if jobID == 0 {
		if len(cand.Applications) == 0 {
			return controlapi.Outcome{}, httpapi.Invalid("/jobId", "candidate %d has applied to no job; give a job id", cand.ID)
		}
		jobID = cand.Applications[0].JobID
	}
	job, err := s.store.Job(ctx, jobID)
	if err != nil {
		return controlapi.Outcome{}, httpapi.NotFound("there is no job %d", jobID)
	}
	if job.CompanyUUID != cand.CompanyUUID {
		return controlapi.Outcome{}, httpapi.Invalid("/jobId", "job %d is in another company than candidate %d", job.ID, cand.ID)
	}
	app, applied := cand.Application(job.ID)
	if !applied {
		return controlapi.Outcome{}, httpapi.Invalid("/jobId", "candidate %d has not applied to job %d (%s)", cand.ID, job.ID, job.Title)
	}
	user, err := s.companyUser(ctx, job.CompanyUUID, req.UserID)
	if err != nil {
		return controlapi.Outcome{}, err
	}
	p, company, act, err := s.activated(ctx, req.PartnerID, job.CompanyUUID)
	if err != nil {
		return controlapi.Outcome{}, err
	}
	cfg, err := s.FetchConfig(ctx, controlapi.ConfigRequest{PartnerID: p.ID, CompanyUUID: company.UUID, JobID: job.ID, StageID: app.StageID, UserID: user.ID, Picked: req.Data, Purpose: dryRunPurpose(req.DryRun)})
	if err != nil {
		return controlapi.Outcome{}, err
	}
	data, err := s.PickValues(cfg.Form, req.Data)
	if err != nil {
		return controlapi.Outcome{}, err
	}
	if req.DryRun {
		return controlapi.Outcome{}, nil
	}
	out, err := s.deliver(ctx, EventSpec{Partner: p, Activation: act, Company: company, Candidate: cand, Job: &job, WebhookData: data}, store.Delivery{})
	if err != nil || !req.Twice {
		return out, err
	}
	return s.sendAgain(ctx, p, act, out)
}

// sendAgain sends the event of a delivered webhook a second time, after
// the first answer: same event id, same partner result, signed afresh,
// journaled as a replay of the first (a duplicate delivery,
// docs/protocol.md §1.3).
func (s *Server) sendAgain(ctx context.Context, p store.Partner, act store.Activation, first controlapi.Outcome) (controlapi.Outcome, error) {
	res, err := s.store.Result(ctx, p.ID, first.Result.ID)
	if err != nil {
		return first, fmt.Errorf("send again: %w", err)
	}
	d := first.Delivery
	again, err := s.send(ctx, p, act, res, store.Delivery{EventID: d.EventID, ResultID: d.ResultID, CandidateID: d.CandidateID, CompanyUUID: d.CompanyUUID, TriggerID: d.TriggerID, ReplayOf: d.ID})
	if err != nil {
		return first, err
	}
	first.Again, first.Result = &again, again.Result
	return first, nil
}

// checkManual is the dry run of a manual trigger for a candidate not yet
// added: the job, the stage, the activation and the picked values.
func (s *Server) checkManual(ctx context.Context, req controlapi.ManualRequest) error {
	if req.JobID == 0 {
		return httpapi.Invalid("/jobId", "a dry run without a candidate needs the job the candidate would apply to")
	}
	job, err := s.store.Job(ctx, req.JobID)
	if err != nil {
		return httpapi.NotFound("there is no job %d", req.JobID)
	}
	stageID := req.StageID
	if stageID == 0 && len(job.Stages) > 0 {
		stageID = job.Stages[0].ID
	}
	if _, ok := job.Stage(stageID); !ok {
		return httpapi.Invalid("/stageId", "job %d (%s) has no stage %d; its stages are %s", job.ID, job.Title, req.StageID, stageList(job))
	}
	user, err := s.companyUser(ctx, job.CompanyUUID, req.UserID)
	if err != nil {
		return err
	}
	p, company, _, err := s.activated(ctx, req.PartnerID, job.CompanyUUID)
	if err != nil {
		return err
	}
	cfg, err := s.FetchConfig(ctx, controlapi.ConfigRequest{PartnerID: p.ID, CompanyUUID: company.UUID, JobID: job.ID, StageID: stageID, UserID: user.ID, Picked: req.Data, Purpose: store.PurposeForm})
	if err != nil {
		return err
	}
	_, err = s.PickValues(cfg.Form, req.Data)
	return err
}

// dryRunPurpose marks the config fetch of a dry run as one made only to
// check a form: no webhook follows it (store.PurposeForm).
func dryRunPurpose(dryRun bool) string {
	if dryRun {
		return store.PurposeForm
	}
	return ""
}

// InvokeAction POSTs a result's original partner event, signed afresh, to
// BASE_URL/<endpoint> of its index-th action (docs/protocol.md §2.3).
func (s *Server) InvokeAction(ctx context.Context, resultID string, index int) (store.Delivery, error) {
	res, err := s.resultAnyPartner(ctx, resultID)
	if err != nil {
		return store.Delivery{}, err
	}
	if index < 0 || index >= len(res.Actions) {
		return store.Delivery{}, httpapi.Invalid("/action", "result %s has %s; there is no action %d", res.ID, text.Count(len(res.Actions), "action", "actions"), index)
	}
	if res.Event == nil {
		return store.Delivery{}, httpapi.Conflict("result %s was created by the partner through the Partner API, not by a webhook: there is no partner event to send", res.ID)
	}
	p, _, act, err := s.activated(ctx, res.PartnerID, res.CompanyUUID)
	if err != nil {
		return store.Delivery{}, err
	}
	return s.sender.InvokeAction(ctx, p, act, res, res.Actions[index])
}

// resultAnyPartner finds a result whichever partner it belongs to (the
// control API sees them all).
func (s *Server) resultAnyPartner(ctx context.Context, id string) (store.PartnerResult, error) {
	partners, err := s.store.Partners(ctx)
	if err != nil {
		return store.PartnerResult{}, err
	}
	for _, p := range partners {
		r, err := s.store.Result(ctx, p.ID, id)
		switch {
		case err == nil:
			return r, nil
		case errors.Is(err, store.ErrForbidden):
			continue // it is another partner's: keep looking
		case errors.Is(err, store.ErrNotFound):
			return store.PartnerResult{}, httpapi.NotFound("there is no partner result %q", id)
		default:
			return store.PartnerResult{}, err
		}
	}
	return store.PartnerResult{}, httpapi.NotFound("there is no partner result %q", id)
}

// Replay sends a journaled call to a partner again, signed afresh; a
// replayed webhook updates the same partner result.
func (s *Server) Replay(ctx context.Context, id int64) (store.Delivery, error) {
	d, err := s.store.JournalEntry(ctx, id)
	if err != nil {
		return store.Delivery{}, httpapi.NotFound("there is no delivery %d (the journal keeps the newest entries only)", id)
	}
	switch d.Kind {
	case store.KindWebhook:
		res, err := s.resultAnyPartner(ctx, d.ResultID)
		if err != nil {
			return store.Delivery{}, err
		}
		p, _, act, err := s.activated(ctx, res.PartnerID, res.CompanyUUID)
		if err != nil {
			return store.Delivery{}, err
		}
		out, err := s.send(ctx, p, act, res, store.Delivery{EventID: d.EventID, ResultID: d.ResultID, CandidateID: d.CandidateID, CompanyUUID: d.CompanyUUID, ReplayOf: d.ID})
		return out.Delivery, err
	case store.KindPartnerAPI, publicapi.KindPublicAPI:
		return store.Delivery{}, httpapi.Conflict("delivery %d is a request the partner made; only calls the mock made can be replayed", id)
	case store.KindCompanyWebhook:
		return s.replayCompanyWebhook(ctx, d)
	}
	p, err := s.store.Partner(ctx, d.PartnerID)
	if err != nil {
		return store.Delivery{}, httpapi.NotFound("partner %q of delivery %d no longer exists", d.PartnerID, id)
	}
	var act *store.Activation
	if a, err := s.store.ActivationFor(ctx, p.ID, d.CompanyUUID); err == nil {
		act = &a
	}
	u, err := parseJournalURL(d.Request.URL, p)
	if err != nil {
		return store.Delivery{}, err
	}
	var body []byte
	if d.Request.Body != "" && !d.Request.BodyTruncated {
		body = []byte(d.Request.Body)
	}
	return s.sender.Replay(ctx, delivery.Call{Kind: d.Kind, Partner: p, Activation: act, Method: d.Request.Method, Path: u.path, Query: u.query, Body: body, SignEventID: d.EventID},
		store.Delivery{EventID: d.EventID, ResultID: d.ResultID, CandidateID: d.CandidateID, CompanyUUID: d.CompanyUUID, ReplayOf: d.ID})
}

// ReplayDelivery replays a journal entry as Replay does, keeping a
// webhook's partner-event id and result (a duplicate delivery); with
// keepEventID false a webhook is sent as a new event instead: its stored
// body with a fresh event id and a fresh partner result, journaled as a
// replayed capture with the paths it rewrote (docs/protocol.md §1.2).
func (s *Server) ReplayDelivery(ctx context.Context, id int64, keepEventID bool) (store.Delivery, error) {
	if keepEventID {
		return s.Replay(ctx, id)
	}
	d, err := s.store.JournalEntry(ctx, id)
	if err != nil {
		return store.Delivery{}, httpapi.NotFound("there is no delivery %d (the journal keeps the newest entries only)", id)
	}
	if d.Kind != store.KindWebhook {
		return store.Delivery{}, httpapi.Invalid("/keepEventId", "delivery %d is a %s call, not a webhook: only a webhook has a partner-event id to renew", id, d.Kind)
	}
	res, err := s.resultAnyPartner(ctx, d.ResultID)
	if err != nil {
		return store.Delivery{}, err
	}
	if res.Event == nil {
		return store.Delivery{}, httpapi.Conflict("result %s of delivery %d keeps no partner event to send", res.ID, id)
	}
	out, err := s.ReplayCapture(ctx, controlapi.ReplayRequest{PartnerID: res.PartnerID, CompanyUUID: res.CompanyUUID, Capture: res.Event})
	if err != nil {
		return store.Delivery{}, err
	}
	return *out.Delivery, nil
}

// companyUser returns the company user with id, or its first user for 0.
// A company without users gets a stand-in recruiter.
func (s *Server) companyUser(ctx context.Context, companyUUID string, id int64) (protocol.User, error) {
	c, err := s.store.Company(ctx, companyUUID)
	if err != nil {
		return protocol.User{}, httpapi.NotFound("there is no company %q", companyUUID)
	}
	for _, u := range c.Users {
		if id == 0 || u.ID == id {
			return u, nil
		}
	}
	if id == 0 {
		return protocol.User{ID: 1, Email: "recruiter@example.com", Name: "Recruiter"}, nil
	}
	return protocol.User{}, httpapi.Invalid("/userId", "%s has no user %d", c.Name, id)
}

func stageList(j store.Job) string {
	var parts []string
	for _, st := range j.Stages {
		parts = append(parts, fmt.Sprintf("%d (%s)", st.ID, st.Name))
	}
	return protocol.QuoteList(parts)
}

// background runs fn on the server's own context, so work outlives the
// request that started it but not the server (see Close).
func (s *Server) background(fn func(context.Context)) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		fn(s.bgCtx)
	}()
}

// Close stops background work (bulk runs) and waits for it, at most
// until ctx ends, and logs the count of requests of the last second not
// logged one by one.
func (s *Server) Close(ctx context.Context) error {
	s.bgCancel()
	s.reqLog.flush(-1) // requests of this second not logged one by one
	done := make(chan struct{})
	go func() { s.bg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("background work still running: %w", ctx.Err())
	}
}

// journalURL is a journaled request URL split into the path under the
// partner's BASE_URL and its query.
type journalURL struct {
	path  string
	query url.Values
}

func parseJournalURL(raw string, p store.Partner) (journalURL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return journalURL{}, httpapi.Invalid("", "the journaled URL %q cannot be parsed: %v", raw, err)
	}
	base, err := url.Parse(p.BaseURL)
	if err != nil || p.BaseURL == "" {
		return journalURL{}, httpapi.Conflict("partner %q has no usable base URL", p.ID)
	}
	path := strings.TrimPrefix(u.Path, strings.TrimRight(base.Path, "/"))
	return journalURL{path: path, query: u.Query()}, nil
}
