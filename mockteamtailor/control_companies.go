package mockteamtailor

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

func (s *Server) handleCompaniesList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		cs, err := s.store.Companies(r.Context())
		return http.StatusOK, controlapi.CompanyList{Companies: protocol.NonNil(cs)}, err
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
		return http.StatusOK, controlapi.JobList{Jobs: protocol.NonNil(js)}, err
	}
}

func (s *Server) handleJobCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.JobInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		j, err := s.CreateJob(r.Context(), in)
		if err != nil {
			return 0, nil, err
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
		var in controlapi.StageInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		j, err := s.AddStage(r.Context(), id, in.Name)
		if err != nil {
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
		return http.StatusOK, controlapi.CandidatePage{Candidates: protocol.NonNil(cs), Total: total, Page: page.Number, Size: page.Size}, err
	}
}

func (s *Server) handleCandidateCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.CandidateInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		out, err := s.CreateCandidates(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, controlapi.CandidateList{Candidates: out}, nil
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
