package controlhttp

import (
	"encoding/json"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// Company webhooks and partner webhook setups in the control API
// (docs/company-webhooks.md §2, §6).

func (a *API) handleSubscriptionsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		out, err := a.admin.Webhooks(r.Context(), r.URL.Query().Get("company"))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, controlapi.SubscriptionList{Webhooks: out}, nil
	}
}

func (a *API) handleSubscriptionCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.SubscriptionInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		sub, err := a.admin.CreateWebhook(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, sub, nil
	}
}

func (a *API) handleSubscriptionShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		sub, err := a.admin.Webhook(r.Context(), id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, sub, nil
	}
}

func (a *API) handleSubscriptionDelete() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, a.admin.DeleteWebhook(r.Context(), id)
	}
}

func (a *API) handleWebhookSetupShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		st, err := a.admin.WebhookSetup(r.Context(), mux.Vars(r)["id"])
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, st, nil
	}
}

func (a *API) handleWebhookSetupPut() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.WebhookSetup
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		st, err := a.admin.SetWebhookSetup(r.Context(), mux.Vars(r)["id"], in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, st, nil
	}
}

func (a *API) handleWebhookSetupDelete() controlFunc {
	return func(r *http.Request) (int, any, error) {
		return http.StatusNoContent, nil, a.admin.DeleteWebhookSetup(r.Context(), mux.Vars(r)["id"])
	}
}

func (a *API) handleCandidatePatch() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var patch json.RawMessage
		if err := decodeBody(r, &patch); err != nil {
			return 0, nil, err
		}
		c, err := a.admin.UpdateCandidate(r.Context(), id, patch)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, c, nil
	}
}

func (a *API) handleCandidateDelete() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, a.admin.DeleteCandidate(r.Context(), id)
	}
}

func (a *API) handleJobPatch() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var patch controlapi.JobPatch
		if err := decodeBody(r, &patch); err != nil {
			return 0, nil, err
		}
		j, err := a.admin.UpdateJob(r.Context(), id, patch)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, j, nil
	}
}
