package mockteamtailor

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// CreateCompany adds a company: from a fixture, with the other fields
// overriding it, or from the fields alone (a name is then required). An
// empty UUID and missing API tokens are generated; SeedData adds every job
// and candidate fixture. A company that exists already is a 409.
func (s *Server) CreateCompany(ctx context.Context, in controlapi.CompanyInput) (store.Company, error) {
	var c store.Company
	if in.Fixture != "" {
		f, err := fixtures.CompanyByName(in.Fixture)
		if err != nil {
			return c, httpapi.Invalid("/fixture", "%v", err)
		}
		c = sandbox.CompanyFromFixture(f)
	}
	for dst, v := range map[*string]string{&c.UUID: in.UUID, &c.Name: in.Name, &c.URL: in.URL, &c.Logotype: in.Logotype} {
		if v != "" {
			*dst = v
		}
	}
	if in.Users != nil {
		c.Users = in.Users
	}
	if in.CustomFields != nil {
		c.CustomFields = in.CustomFields
	}
	c.APITokens = in.APITokens
	if c.UUID == "" {
		c.UUID = s.ids.Secret("c", 5)
	}
	if len(c.APITokens) == 0 {
		c.APITokens = []string{s.ids.Secret("ttapi_", 16)}
	}
	if strings.TrimSpace(c.Name) == "" {
		return c, httpapi.Invalid("/name", "name is required (or a fixture: %s)", strings.Join(fixtures.Names(fixtures.KindCompanies), ", "))
	}
	if _, err := s.store.Company(ctx, c.UUID); err == nil {
		return c, httpapi.Conflict("company %q exists already", c.UUID)
	}
	if err := s.store.PutCompany(ctx, c); err != nil {
		return c, err
	}
	if in.SeedData {
		if err := sandbox.SeedCompany(ctx, s.store, c.UUID); err != nil {
			return c, err
		}
	}
	return c, nil
}

// CreateJob adds a job to a company: from a fixture, with the other
// fields overriding it, or from the fields alone (a title and at least one
// named stage are then required).
func (s *Server) CreateJob(ctx context.Context, in controlapi.JobInput) (store.Job, error) {
	var j store.Job
	if in.Fixture != "" {
		f, err := fixtures.JobByName(in.Fixture)
		if err != nil {
			return store.Job{}, httpapi.Invalid("/fixture", "%v", err)
		}
		if j, err = sandbox.JobFromFixture(f, in.CompanyUUID, true); err != nil {
			return store.Job{}, err
		}
	}
	j.CompanyUUID = in.CompanyUUID
	if in.Title != "" {
		j.Title = in.Title
	}
	if in.Tags != nil {
		j.Tags = in.Tags
	}
	if in.Stages != nil {
		j.Stages = in.Stages
	}
	if in.CustomFields != nil {
		j.CustomFields = in.CustomFields
	}
	j.Tags, j.CustomFields = protocol.NonNil(j.Tags), protocol.NonNil(j.CustomFields)
	switch {
	case j.Title == "":
		return store.Job{}, httpapi.Invalid("/title", "title is required (or a fixture: %s)", strings.Join(fixtures.Names(fixtures.KindJobs), ", "))
	case len(j.Stages) == 0:
		return store.Job{}, httpapi.Invalid("/stages", "a job needs at least one stage, e.g. [{\"name\": \"Inbox\"}, {\"name\": \"Assessment\"}]")
	}
	for i, st := range j.Stages {
		if strings.TrimSpace(st.Name) == "" {
			return store.Job{}, httpapi.Invalid(fmt.Sprintf("/stages/%d/name", i), "every stage needs a name")
		}
	}
	j, err := s.store.PutJob(ctx, j)
	if err != nil {
		return store.Job{}, storeErr(err, "company "+strconv.Quote(in.CompanyUUID))
	}
	s.emitJobCreate(ctx, j)
	return j, nil
}

// AddStage adds a stage named name at the end of job id's pipeline.
func (s *Server) AddStage(ctx context.Context, id int64, name string) (store.Job, error) {
	if strings.TrimSpace(name) == "" {
		return store.Job{}, httpapi.Invalid("/name", "name is required")
	}
	j, err := s.store.Job(ctx, id)
	if err != nil {
		return store.Job{}, storeErr(err, fmt.Sprintf("job %d", id))
	}
	j.Stages = append(j.Stages, store.Stage{Name: name})
	return s.store.PutJob(ctx, j)
}

// checkCandidateRoom refuses candidates the store has no room for, before
// the first is added (the store refuses each one past its limits anyway).
func (s *Server) checkCandidateRoom(companyUUID string, datas []protocol.Candidate, app []store.Application) error {
	room, ok := unwrapStore(s.store).(interface{ CandidateRoom() (held, limit int) })
	if !ok || len(datas) < 2 {
		return nil
	}
	held, limit := room.CandidateRoom()
	size := 0
	for _, d := range datas {
		size += store.CandidateSize(&store.CandidateRecord{CompanyUUID: companyUUID, Data: d, Applications: app})
	}
	if held+size > limit {
		return &store.LimitError{What: "candidate", Size: size, Held: held, Limit: limit, Total: true, Setting: store.CandidateLimitSetting}
	}
	return nil
}

// CreateCandidates adds candidates to a company from exactly one source:
// a fixture, a candidate object as a webhook carries it, or generated
// ones; with a job, each applies to it in the given stage (the first by
// default). Everything is checked before the first candidate is added.
func (s *Server) CreateCandidates(ctx context.Context, in controlapi.CandidateInput) ([]store.CandidateRecord, error) {
	if _, err := s.store.Company(ctx, in.CompanyUUID); err != nil {
		return nil, httpapi.Invalid("/companyUuid", "there is no company %q", in.CompanyUUID)
	}
	var datas []protocol.Candidate
	sources := 0
	if in.Fixture != "" {
		sources++
		c, err := s.candidateFixture(in.Fixture)
		if err != nil {
			return nil, httpapi.Invalid("/fixture", "%v", err)
		}
		datas = append(datas, c)
	}
	if in.Candidate != nil {
		sources++
		c, err := protocol.DecodeCandidate(in.Candidate)
		if err != nil {
			return nil, httpapi.Invalid("/candidate", "%v", err)
		}
		datas = append(datas, c)
	}
	if in.Generate > 0 {
		sources++
		if in.Generate > MaxGenerate {
			return nil, httpapi.Invalid("/generate", "generate at most %d candidates at once", MaxGenerate)
		}
		_, held, err := s.store.Candidates(ctx, "", store.Page{Number: 1, Size: 1})
		if err != nil {
			return nil, err
		}
		if held+in.Generate > MaxGeneratedCandidates {
			return nil, httpapi.Invalid("/generate", "the mock holds %d candidates; generating %d more would pass the limit of %d (POST /mock/v1/reset starts afresh)", held, in.Generate, MaxGeneratedCandidates)
		}
		// Each call continues where the candidates held end, so two
		// calls do not repeat the same people (same uuids and names).
		seed := in.Seed ^ uint64(held)*0x9e3779b97f4a7c15
		for i, raw := range fixtures.GenerateCandidates(seed, int64(held)+1, in.Generate) {
			c, err := protocol.DecodeCandidate(raw)
			if err != nil {
				return nil, fmt.Errorf("generated candidate %d: %w", i, err)
			}
			datas = append(datas, c)
		}
	}
	if sources != 1 {
		return nil, httpapi.Invalid("", "give exactly one of fixture (%s), candidate (a webhook candidate object) or generate (a count)", strings.Join(fixtures.Names(fixtures.KindCandidates), ", "))
	}
	var app []store.Application
	if in.JobID != 0 {
		j, err := s.store.Job(ctx, in.JobID)
		if err != nil || j.CompanyUUID != in.CompanyUUID {
			return nil, httpapi.Invalid("/jobId", "company %q has no job %d", in.CompanyUUID, in.JobID)
		}
		stage := in.StageID
		if stage == 0 {
			stage = j.Stages[0].ID
		} else if _, ok := j.Stage(stage); !ok {
			return nil, httpapi.Invalid("/stageId", "job %d has no stage %d; its stages are %s", j.ID, stage, stageList(j))
		}
		app = []store.Application{{JobID: j.ID, StageID: stage}}
	}
	if err := s.checkCandidateRoom(in.CompanyUUID, datas, app); err != nil {
		return nil, err
	}
	out := make([]store.CandidateRecord, 0, len(datas))
	for _, d := range datas {
		// Ids are the mock's to hand out, so fixtures can be added
		// many times.
		rec, err := s.store.PutCandidate(ctx, store.CandidateRecord{CompanyUUID: in.CompanyUUID, Data: d, Applications: app})
		if err != nil {
			return nil, err
		}
		s.emitCandidateCreate(ctx, rec)
		out = append(out, rec)
	}
	return out, nil
}

// Companies returns every company.
func (s *Server) Companies(ctx context.Context) ([]store.Company, error) {
	cs, err := s.store.Companies(ctx)
	return protocol.NonNil(cs), err
}

// Company returns one company.
func (s *Server) Company(ctx context.Context, uuid string) (store.Company, error) {
	c, err := s.store.Company(ctx, uuid)
	if err != nil {
		return store.Company{}, storeErr(err, "company "+strconv.Quote(uuid))
	}
	return c, nil
}

// Jobs returns the jobs of a company, or of every company for "".
func (s *Server) Jobs(ctx context.Context, companyUUID string) ([]store.Job, error) {
	js, err := s.store.Jobs(ctx, companyUUID)
	return protocol.NonNil(js), err
}

// Job returns one job with its stages.
func (s *Server) Job(ctx context.Context, id int64) (store.Job, error) {
	j, err := s.store.Job(ctx, id)
	if err != nil {
		return store.Job{}, storeErr(err, fmt.Sprintf("job %d", id))
	}
	return j, nil
}

// Candidates returns a page of a company's candidates (every company for
// ""); page and size of 0 take the defaults, 1 and 100; a size is at
// most 10000.
func (s *Server) Candidates(ctx context.Context, companyUUID string, page, size int) (controlapi.CandidatePage, error) {
	p := store.Page{Number: 1, Size: 100}
	if page > 0 {
		p.Number = page
	}
	if size > 0 {
		p.Size = min(size, 10000)
	}
	cs, total, err := s.store.Candidates(ctx, companyUUID, p)
	return controlapi.CandidatePage{Candidates: protocol.NonNil(cs), Total: total, Page: p.Number, Size: p.Size}, err
}

// Candidate returns one candidate.
func (s *Server) Candidate(ctx context.Context, id int64) (store.CandidateRecord, error) {
	c, err := s.store.Candidate(ctx, id)
	if err != nil {
		return store.CandidateRecord{}, storeErr(err, fmt.Sprintf("candidate %d", id))
	}
	return c, nil
}

// Webhooks returns the company webhooks of a company, or of every
// company for "".
func (s *Server) Webhooks(_ context.Context, companyUUID string) ([]controlapi.Subscription, error) {
	out := []controlapi.Subscription{}
	for _, sub := range s.Subscriptions() {
		if companyUUID == "" || sub.CompanyUUID == companyUUID {
			out = append(out, sub)
		}
	}
	return out, nil
}
