package controlhttp

import (
	"net/http"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

func (a *API) handleActivationsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		out, err := a.admin.Activations(r.Context(), r.URL.Query().Get("partner"))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, controlapi.ActivationList{Activations: out}, nil
	}
}

func (a *API) handleActivate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.ActivateRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		res, err := a.admin.Activate(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		if !res.Activated {
			// The partner's validation endpoint refused: a 422 carrying
			// its messages, as Teamtailor shows them in the form.
			return http.StatusUnprocessableEntity, res, nil
		}
		return http.StatusCreated, res, nil
	}
}

func (a *API) handleTriggersList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		ts, err := a.admin.Triggers(r.Context(), r.URL.Query().Get("partner"))
		return http.StatusOK, controlapi.TriggerList{Triggers: ts}, err
	}
}

func (a *API) handleTriggerCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.TriggerRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		t, err := a.admin.CreateTrigger(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		if in.DryRun {
			// Nothing was stored: the trigger as it would be, without an id.
			return http.StatusOK, t, nil
		}
		return http.StatusCreated, t, nil
	}
}

func (a *API) handleManualTrigger() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.ManualRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		out, err := a.admin.ManualTrigger(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		if in.DryRun {
			return http.StatusOK, controlapi.DryRunOK{DryRun: true, OK: true}, nil
		}
		return http.StatusOK, out, nil
	}
}

func (a *API) handleBulkTrigger() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.BulkRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		run, err := a.admin.BulkTrigger(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		status := http.StatusAccepted
		if run.Done {
			status = http.StatusOK
		}
		return status, run, nil
	}
}
