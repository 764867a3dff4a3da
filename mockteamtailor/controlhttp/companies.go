package controlhttp

import (
	"net/http"

	"github.com/gorilla/mux"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

func (a *API) handleCompaniesList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		cs, err := a.admin.Companies(r.Context())
		return http.StatusOK, controlapi.CompanyList{Companies: cs}, err
	}
}

func (a *API) handleCompanyCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.CompanyInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		c, err := a.admin.CreateCompany(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, c, nil
	}
}

func (a *API) handleCompanyShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		c, err := a.admin.Company(r.Context(), mux.Vars(r)["uuid"])
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, c, nil
	}
}

func (a *API) handleJobsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		js, err := a.admin.Jobs(r.Context(), r.URL.Query().Get("company"))
		return http.StatusOK, controlapi.JobList{Jobs: js}, err
	}
}

func (a *API) handleJobCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.JobInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		j, err := a.admin.CreateJob(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, j, nil
	}
}

func (a *API) handleJobShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		j, err := a.admin.Job(r.Context(), id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, j, nil
	}
}

func (a *API) handleStageCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var in controlapi.StageInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		j, err := a.admin.AddStage(r.Context(), id, in.Name)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, j, nil
	}
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

func (a *API) handleCandidateShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		c, err := a.admin.Candidate(r.Context(), id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, c, nil
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

func (a *API) handleAPIKeyCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.APIKeyRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		k, err := a.admin.CreateAPIKey(r.Context(), mux.Vars(r)["uuid"], in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, k, nil
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
