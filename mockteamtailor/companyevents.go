package mockteamtailor

import (
	"context"
	"strconv"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/companyevent"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Company events (docs/company-webhooks.md §3) come from the server's
// operations, never from handlers: every write that changes a candidate, a
// job or an application calls emitCompany once, after the change is
// stored, with the events it fires in their documented order. Whatever
// calls the operation (control API, CLI, web UI, a later /v1 write) then
// emits the same events with no extra work. A new write must compare the
// record before and after (candidateUpdateFires, jobUpdateFires) and emit
// nothing when no listed field changed.

// CompanyEvent is one event of one company, as emitCompany hands it to
// subscriptions, partner setups and listeners.
type CompanyEvent struct {
	CompanyUUID string
	Event       companyevent.Event
	Time        time.Time
}

// emitCompany queues evs, in order, for every subscription and partner
// setup of the company that wants them, and hands them to listeners. It
// returns at once: deliveries leave asynchronously, one at a time per
// subscription (companyhooks.go).
func (s *Server) emitCompany(ctx context.Context, companyUUID string, evs ...companyevent.Event) {
	if len(evs) == 0 || s.hooks.quiet() {
		return
	}
	now := s.clock()
	out := make([]CompanyEvent, len(evs))
	for i, ev := range evs {
		out[i] = CompanyEvent{CompanyUUID: companyUUID, Event: ev, Time: now}
	}
	s.hooks.dispatch(ctx, s, out)
}

// CompanyEvents returns a channel of every company event emitted from now
// on, in order, and a function that ends the subscription and closes the
// channel. A listener more than 1024 events behind misses events rather
// than slowing writes down.
func (s *Server) CompanyEvents() (<-chan CompanyEvent, func()) {
	return s.hooks.listen()
}

// ApplicationID is the id company events give the application of candidate
// candidateID to job jobID. The mock's applications have no id of their
// own, so it is derived: candidateID*1,000,000 + jobID, a decimal string
// like Teamtailor's ids, from which both ids can be read off, unique while
// job ids stay below a million (docs/company-webhooks.md §4.1).
func ApplicationID(candidateID, jobID int64) string {
	return strconv.FormatInt(candidateID*applicationIDFactor+jobID, 10)
}

// applicationIDFactor separates the candidate and the job in ApplicationID.
const applicationIDFactor = 1_000_000

// jobEvent is a job event; destroy events carry no attributes.
func jobEvent(name string, company store.Company, j store.Job, now time.Time) companyevent.Event {
	ev := companyevent.Event{Name: name, Data: companyevent.Data{ID: strconv.FormatInt(j.ID, 10), Type: companyevent.TypeJobs}}
	if name != companyevent.JobDestroy {
		// The mock's jobs keep no times: a job's event carries the time
		// of the change as both (docs/company-webhooks.md §4.1).
		ev.Data.Attributes = companyevent.NewJobAttributes(j.Title, company.Name, j.Tags, now, now)
	}
	return ev
}

// candidateEvent is a candidate event; destroy events carry no attributes.
func candidateEvent(name string, c store.CandidateRecord, now time.Time) companyevent.Event {
	ev := companyevent.Event{Name: name, Data: companyevent.Data{ID: strconv.FormatInt(c.ID, 10), Type: companyevent.TypeCandidates}}
	if name != companyevent.CandidateDestroy {
		d := c.Data
		ev.Data.Attributes = companyevent.CandidateAttributes{
			FirstName: d.FirstName, LastName: d.LastName, Email: d.Email, Phone: d.Phone, Picture: d.PictureURL,
			Tags: protocol.NonNil(d.Tags), CustomFields: protocol.NonNil(d.CustomFields),
			CreatedAt: companyevent.Time(now), UpdatedAt: companyevent.Time(now),
		}
	}
	return ev
}

// applicationEvent is a job application event; destroy events carry no
// attributes. The mock's applications keep no times, so updated-at and
// last-moved-at are the time of the change, which for a create and a
// stage move is exactly their meaning.
func applicationEvent(name string, company store.Company, c store.CandidateRecord, j store.Job, app store.Application, now time.Time) companyevent.Event {
	ev := companyevent.Event{Name: name, Data: companyevent.Data{ID: ApplicationID(c.ID, j.ID), Type: companyevent.TypeJobApplications}}
	if name != companyevent.ApplicationDestroy {
		stage, _ := j.Stage(app.StageID)
		ev.Data.Attributes = companyevent.ApplicationAttributes{
			UpdatedAt: companyevent.Time(now), JobID: j.ID, JobTitle: j.Title, LastMovedAt: companyevent.Time(now),
			StageName: stage.Name, CompanyUUID: company.UUID,
		}
	}
	return ev
}

// emitJobCreate emits job.create for a job just stored.
func (s *Server) emitJobCreate(ctx context.Context, j store.Job) {
	if s.hooks.quiet() {
		return // nobody would get the events: skip reading what they need
	}
	company, err := s.store.Company(ctx, j.CompanyUUID)
	if err != nil {
		return
	}
	s.emitCompany(ctx, j.CompanyUUID, jobEvent(companyevent.JobCreate, company, j, s.clock()))
}

// emitCandidateCreate emits candidate.create for a candidate just stored,
// then job_application.create for each of its applications: a new
// candidate applying fires both, in that order (docs/company-webhooks.md
// §3 Decision).
func (s *Server) emitCandidateCreate(ctx context.Context, c store.CandidateRecord) {
	if s.hooks.quiet() {
		return // nobody would get the events: skip reading what they need
	}
	now := s.clock()
	evs := []companyevent.Event{candidateEvent(companyevent.CandidateCreate, c, now)}
	if len(c.Applications) > 0 {
		company, err := s.store.Company(ctx, c.CompanyUUID)
		if err != nil {
			return
		}
		for _, app := range c.Applications {
			if j, err := s.store.Job(ctx, app.JobID); err == nil {
				evs = append(evs, applicationEvent(companyevent.ApplicationCreate, company, c, j, app, now))
			}
		}
	}
	s.emitCompany(ctx, c.CompanyUUID, evs...)
}

// emitApplicationMove emits job_application.update for a stage move
// (stage_id changed), or job_application.create when the move made the
// application. The caller emits nothing when the candidate was in the
// stage already: a no-op fires no event.
func (s *Server) emitApplicationMove(ctx context.Context, c store.CandidateRecord, j store.Job, created bool) {
	if s.hooks.quiet() {
		return // nobody would get the events: skip reading what they need
	}
	app, ok := c.Application(j.ID)
	company, err := s.store.Company(ctx, c.CompanyUUID)
	if !ok || err != nil {
		return
	}
	name := companyevent.ApplicationUpdate
	if created {
		name = companyevent.ApplicationCreate
	}
	s.emitCompany(ctx, c.CompanyUUID, applicationEvent(name, company, c, j, app, s.clock()))
}

// rejectionVisibleAfter is how long after a rejection the candidate may be
// told of it (transparent-recruiting-visible-at), the company's delay
// (docs/company-webhooks.md §4.1 Decision).
const rejectionVisibleAfter = 24 * time.Hour

// emitApplicationReject emits job_application.update for a rejection or
// its undo (rejected-at changed). The caller emits nothing when the
// application was rejected already: a no-op fires no event.
func (s *Server) emitApplicationReject(ctx context.Context, c store.CandidateRecord, jobID int64) {
	if s.hooks.quiet() {
		return // nobody would get the events: skip reading what they need
	}
	app, ok := c.Application(jobID)
	j, errJob := s.store.Job(ctx, jobID)
	company, err := s.store.Company(ctx, c.CompanyUUID)
	if !ok || errJob != nil || err != nil {
		return
	}
	now := s.clock()
	ev := applicationEvent(companyevent.ApplicationUpdate, company, c, j, app, now)
	if a, ok := ev.Data.Attributes.(companyevent.ApplicationAttributes); ok {
		var at *time.Time
		if app.Rejected {
			at = &now
		}
		a.Rejection(at, rejectionVisibleAfter)
		ev.Data.Attributes = a
	}
	s.emitCompany(ctx, c.CompanyUUID, ev)
}
