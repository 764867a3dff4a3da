package controlhttp

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

func (a *API) handlePartnersList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		out, err := a.admin.Partners(r.Context())
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, controlapi.PartnerList{Partners: out}, nil
	}
}

func (a *API) handleActivationFormShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		company := r.URL.Query().Get("company")
		if company == "" {
			return 0, nil, httpapi.BadRequest("query parameter company (the company uuid) is required")
		}
		res, err := a.admin.ActivationForm(r.Context(), mux.Vars(r)["id"], company)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, res, nil
	}
}

// handleConfigShow fetches a partner's config form for a trigger, as the
// UI does when a recruiter opens the trigger dialog. Query parameters
// other than company, job, stage, user and bulk are picked values.
func (a *API) handleConfigShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		q := r.URL.Query()
		req := controlapi.ConfigRequest{PartnerID: mux.Vars(r)["id"], CompanyUUID: q.Get("company"), Bulk: q.Get("bulk") == "true" || q.Get("bulk") == "1", Picked: map[string]string{}, Purpose: store.PurposeForm}
		var err error
		for name, dst := range map[string]*int64{"job": &req.JobID, "stage": &req.StageID, "user": &req.UserID} {
			if *dst, err = queryInt(r, name); err != nil {
				return 0, nil, err
			}
		}
		if req.CompanyUUID == "" && req.JobID != 0 {
			if j, err := a.admin.Job(r.Context(), req.JobID); err == nil {
				req.CompanyUUID = j.CompanyUUID
			}
		}
		if req.CompanyUUID == "" {
			return 0, nil, httpapi.BadRequest("query parameter company (the company uuid) or job is required")
		}
		for k, v := range q {
			switch k {
			case "company", "job", "stage", "user", "bulk":
			default:
				req.Picked[k] = v[0]
			}
		}
		res, err := a.admin.FetchConfig(r.Context(), req)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, res, nil
	}
}
