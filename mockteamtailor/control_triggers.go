package mockteamtailor

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

func (s *Server) handleActivationsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		out, err := s.Activations(r.Context(), r.URL.Query().Get("partner"))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, controlapi.ActivationList{Activations: out}, nil
	}
}

// Activations returns the activations of partner id, or of every partner
// when id is "".
func (s *Server) Activations(ctx context.Context, partnerID string) ([]store.Activation, error) {
	ps, err := s.store.Partners(ctx)
	if err != nil {
		return nil, err
	}
	out := []store.Activation{}
	for _, p := range ps {
		if partnerID != "" && partnerID != p.ID {
			continue
		}
		acts, _, err := s.store.Activations(ctx, p.ID, store.Page{})
		if err != nil {
			return nil, err
		}
		out = append(out, acts...)
	}
	return out, nil
}

func (s *Server) handleActivate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.ActivateRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		res, err := s.Activate(r.Context(), in)
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

func (s *Server) handleDeactivate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		if err := s.Deactivate(r.Context(), mux.Vars(r)["id"]); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, nil
	}
}

// Deactivate removes the activation with id, of whichever partner; an
// unknown id is a 404.
func (s *Server) Deactivate(ctx context.Context, id string) error {
	ps, err := s.store.Partners(ctx)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := s.store.DeleteActivation(ctx, p.ID, id); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrForbidden) {
			break
		}
	}
	return httpapi.NotFound("there is no activation %q", id)
}

func (s *Server) handleTriggersList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		ts, err := s.store.Triggers(r.Context(), r.URL.Query().Get("partner"))
		return http.StatusOK, controlapi.TriggerList{Triggers: protocol.NonNil(ts)}, err
	}
}

func (s *Server) handleTriggerCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.TriggerRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		t, err := s.CreateTrigger(r.Context(), in)
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

func (s *Server) handleTriggerDelete() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		if err := s.DeleteTrigger(r.Context(), id); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, nil
	}
}

// DeleteTrigger removes the trigger with id; an unknown id is a 404.
func (s *Server) DeleteTrigger(ctx context.Context, id int64) error {
	if err := s.store.DeleteTrigger(ctx, id); err != nil {
		return storeErr(err, fmt.Sprintf("trigger %d", id))
	}
	return nil
}

func (s *Server) handleManualTrigger() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.ManualRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		out, err := s.ManualTrigger(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		if in.DryRun {
			return http.StatusOK, controlapi.DryRunOK{DryRun: true, OK: true}, nil
		}
		return http.StatusOK, out, nil
	}
}

func (s *Server) handleBulkTrigger() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.BulkRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		run, err := s.BulkTrigger(r.Context(), in)
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

func (s *Server) handleBulkShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		run, err := s.BulkRun(r.Context(), mux.Vars(r)["id"])
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, run, nil
	}
}
