package controlhttp

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

func (a *API) handleCompaniesList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		cs, err := a.admin.Companies(r.Context())
		return http.StatusOK, controlapi.CompanyList{Companies: cs}, err
	}
}

func (a *API) handleJobsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		js, err := a.admin.Jobs(r.Context(), r.URL.Query().Get("company"))
		return http.StatusOK, controlapi.JobList{Jobs: js}, err
	}
}

func (a *API) handleStageCreate() controlFunc {
	return withIDBody(http.StatusCreated, func(ctx context.Context, job int64, in controlapi.StageInput) (store.Job, error) {
		return a.admin.AddStage(ctx, job, in.Name)
	})
}

func (a *API) handleCandidatesList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		page, err := queryInt(r, "page")
		if err != nil {
			return 0, nil, err
		}
		size, err := queryInt(r, "size")
		if err != nil {
			return 0, nil, err
		}
		out, err := a.admin.Candidates(r.Context(), r.URL.Query().Get("company"), int(page), int(size))
		return http.StatusOK, out, err
	}
}

func (a *API) handleCandidateCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.CandidateInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		out, err := a.admin.CreateCandidates(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, controlapi.CandidateList{Candidates: out}, nil
	}
}

func (a *API) handleCandidateMove() controlFunc {
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
		res, err := a.admin.MoveCandidate(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, res, nil
	}
}

func (a *API) handleCandidateReject() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var in controlapi.RejectRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		in.CandidateID = id
		out, err := a.admin.RejectApplication(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, out, nil
	}
}

func (a *API) handleAPIKeyRevoke() controlFunc {
	return func(r *http.Request) (int, any, error) {
		if err := a.admin.RevokeAPIKey(r.Context(), mux.Vars(r)["uuid"], mux.Vars(r)["key"]); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, nil
	}
}
