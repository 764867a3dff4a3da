package mockteamtailor

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"
	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

func (s *Server) handleCompaniesList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		cs, err := s.store.Companies(r.Context())
		return http.StatusOK, map[string]any{"companies": protocol.NonNil(cs)}, err
	}
}

func (s *Server) handleCompanyCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.CompanyInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		c, err := s.CreateCompany(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, c, nil
	}
}

// CreateCompany adds a company: from a fixture, with the other fields
// overriding it, or from the fields alone (a name is then required). An
// empty UUID and missing API tokens are generated; SeedData adds every job
// and candidate fixture. A company that exists already is a 409.
func (s *Server) CreateCompany(ctx context.Context, in controlapi.CompanyInput) (store.Company, error) {
	var c store.Company
	if in.Fixture != "" {
		f, err := fixtures.CompanyByName(in.Fixture)
		if err != nil {
			return c, errInvalid("/fixture", "%v", err)
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
		return c, errInvalid("/name", "name is required (or a fixture: %s)", strings.Join(fixtures.Names(fixtures.KindCompanies), ", "))
	}
	if _, err := s.store.Company(ctx, c.UUID); err == nil {
		return c, errConflictf("company %q exists already", c.UUID)
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

func (s *Server) handleCompanyShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		c, err := s.store.Company(r.Context(), mux.Vars(r)["uuid"])
		if err != nil {
			return 0, nil, storeErr(err, "company "+strconv.Quote(mux.Vars(r)["uuid"]))
		}
		return http.StatusOK, c, nil
	}
}

func (s *Server) handleJobsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		js, err := s.store.Jobs(r.Context(), r.URL.Query().Get("company"))
		return http.StatusOK, map[string]any{"jobs": protocol.NonNil(js)}, err
	}
}

func (s *Server) handleJobCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.JobInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		var j store.Job
		if in.Fixture != "" {
			f, err := fixtures.JobByName(in.Fixture)
			if err != nil {
				return 0, nil, errInvalid("/fixture", "%v", err)
			}
			if j, err = sandbox.JobFromFixture(f, in.CompanyUUID, true); err != nil {
				return 0, nil, err
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
			return 0, nil, errInvalid("/title", "title is required (or a fixture: %s)", strings.Join(fixtures.Names(fixtures.KindJobs), ", "))
		case len(j.Stages) == 0:
			return 0, nil, errInvalid("/stages", "a job needs at least one stage, e.g. [{\"name\": \"Inbox\"}, {\"name\": \"Assessment\"}]")
		}
		for i, st := range j.Stages {
			if strings.TrimSpace(st.Name) == "" {
				return 0, nil, errInvalid(fmt.Sprintf("/stages/%d/name", i), "every stage needs a name")
			}
		}
		j, err := s.store.PutJob(r.Context(), j)
		if err != nil {
			return 0, nil, storeErr(err, "company "+strconv.Quote(in.CompanyUUID))
		}
		return http.StatusCreated, j, nil
	}
}

func (s *Server) handleJobShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		j, err := s.store.Job(r.Context(), id)
		if err != nil {
			return 0, nil, storeErr(err, fmt.Sprintf("job %d", id))
		}
		return http.StatusOK, j, nil
	}
}

func (s *Server) handleStageCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var in struct {
			Name string `json:"name"`
		}
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		if strings.TrimSpace(in.Name) == "" {
			return 0, nil, errInvalid("/name", "name is required")
		}
		j, err := s.store.Job(r.Context(), id)
		if err != nil {
			return 0, nil, storeErr(err, fmt.Sprintf("job %d", id))
		}
		j.Stages = append(j.Stages, store.Stage{Name: in.Name})
		if j, err = s.store.PutJob(r.Context(), j); err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, j, nil
	}
}

func (s *Server) handleCandidatesList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		page := store.Page{Number: 1, Size: 100}
		var err error
		if n, err := queryInt(r, "page"); err != nil {
			return 0, nil, err
		} else if n > 0 {
			page.Number = int(n)
		}
		if n, err := queryInt(r, "size"); err != nil {
			return 0, nil, err
		} else if n > 0 {
			page.Size = int(min(n, 10000))
		}
		cs, total, err := s.store.Candidates(r.Context(), r.URL.Query().Get("company"), page)
		return http.StatusOK, map[string]any{"candidates": protocol.NonNil(cs), "total": total, "page": page.Number, "size": page.Size}, err
	}
}

// handleCandidateCreate adds candidates from a fixture, from a candidate
// object as a webhook carries it, or generated.
func (s *Server) handleCandidateCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.CandidateInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		if _, err := s.store.Company(r.Context(), in.CompanyUUID); err != nil {
			return 0, nil, errInvalid("/companyUuid", "there is no company %q", in.CompanyUUID)
		}
		var datas []protocol.Candidate
		sources := 0
		if in.Fixture != "" {
			sources++
			c, err := s.candidateFixture(in.Fixture)
			if err != nil {
				return 0, nil, errInvalid("/fixture", "%v", err)
			}
			datas = append(datas, c)
		}
		if in.Candidate != nil {
			sources++
			c, err := protocol.DecodeCandidate(in.Candidate)
			if err != nil {
				return 0, nil, errInvalid("/candidate", "%v", err)
			}
			datas = append(datas, c)
		}
		if in.Generate > 0 {
			sources++
			if in.Generate > MaxGenerate {
				return 0, nil, errInvalid("/generate", "generate at most %d candidates at once", MaxGenerate)
			}
			_, held, err := s.store.Candidates(r.Context(), "", store.Page{Number: 1, Size: 1})
			if err != nil {
				return 0, nil, err
			}
			if held+in.Generate > MaxGeneratedCandidates {
				return 0, nil, errInvalid("/generate", "the mock holds %d candidates; generating %d more would pass the limit of %d (POST /mock/v1/reset starts afresh)", held, in.Generate, MaxGeneratedCandidates)
			}
			// Each call continues where the candidates held end, so two
			// calls do not repeat the same people (same uuids and names).
			seed := in.Seed ^ uint64(held)*0x9e3779b97f4a7c15
			for i, raw := range fixtures.GenerateCandidates(seed, int64(held)+1, in.Generate) {
				c, err := protocol.DecodeCandidate(raw)
				if err != nil {
					return 0, nil, fmt.Errorf("generated candidate %d: %w", i, err)
				}
				datas = append(datas, c)
			}
		}
		if sources != 1 {
			return 0, nil, errInvalid("", "give exactly one of fixture (%s), candidate (a webhook candidate object) or generate (a count)", strings.Join(fixtures.Names(fixtures.KindCandidates), ", "))
		}
		var app []store.Application
		if in.JobID != 0 {
			j, err := s.store.Job(r.Context(), in.JobID)
			if err != nil || j.CompanyUUID != in.CompanyUUID {
				return 0, nil, errInvalid("/jobId", "company %q has no job %d", in.CompanyUUID, in.JobID)
			}
			stage := in.StageID
			if stage == 0 {
				stage = j.Stages[0].ID
			} else if _, ok := j.Stage(stage); !ok {
				return 0, nil, errInvalid("/stageId", "job %d has no stage %d; its stages are %s", j.ID, stage, stageList(j))
			}
			app = []store.Application{{JobID: j.ID, StageID: stage}}
		}
		out := make([]store.CandidateRecord, 0, len(datas))
		for _, d := range datas {
			// Ids are the mock's to hand out, so fixtures can be added
			// many times.
			rec, err := s.store.PutCandidate(r.Context(), store.CandidateRecord{CompanyUUID: in.CompanyUUID, Data: d, Applications: app})
			if err != nil {
				return 0, nil, err
			}
			out = append(out, rec)
		}
		return http.StatusCreated, map[string]any{"candidates": out}, nil
	}
}

func (s *Server) handleCandidateShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		c, err := s.store.Candidate(r.Context(), id)
		if err != nil {
			return 0, nil, storeErr(err, fmt.Sprintf("candidate %d", id))
		}
		return http.StatusOK, c, nil
	}
}

func (s *Server) handleCandidateMove() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var in controlapi.MoveRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		in.CandidateID = id
		res, err := s.MoveCandidate(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, res, nil
	}
}
