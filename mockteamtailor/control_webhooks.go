package mockteamtailor

import (
	"encoding/json"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// Company webhooks and partner webhook setups in the control API
// (docs/company-webhooks.md §2, §6).

func (s *Server) handleSubscriptionsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		company := r.URL.Query().Get("company")
		out := []controlapi.Subscription{}
		for _, sub := range s.Subscriptions() {
			if company == "" || sub.CompanyUUID == company {
				out = append(out, sub)
			}
		}
		return http.StatusOK, controlapi.SubscriptionList{Webhooks: out}, nil
	}
}

func (s *Server) handleSubscriptionCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.SubscriptionInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		sub, err := s.CreateWebhook(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, sub, nil
	}
}

func (s *Server) handleSubscriptionShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		sub, err := s.Webhook(r.Context(), id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, sub, nil
	}
}

func (s *Server) handleSubscriptionDelete() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, s.DeleteWebhook(r.Context(), id)
	}
}

func (s *Server) handleWebhookSetupShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		st, err := s.WebhookSetup(r.Context(), mux.Vars(r)["id"])
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, st, nil
	}
}

func (s *Server) handleWebhookSetupPut() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.WebhookSetup
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		st, err := s.SetWebhookSetup(r.Context(), mux.Vars(r)["id"], in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, st, nil
	}
}

func (s *Server) handleWebhookSetupDelete() controlFunc {
	return func(r *http.Request) (int, any, error) {
		return http.StatusNoContent, nil, s.DeleteWebhookSetup(r.Context(), mux.Vars(r)["id"])
	}
}

func (s *Server) handleCandidatePatch() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var patch json.RawMessage
		if err := decodeBody(r, &patch); err != nil {
			return 0, nil, err
		}
		c, err := s.UpdateCandidate(r.Context(), id, patch)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, c, nil
	}
}

func (s *Server) handleCandidateDelete() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, s.DeleteCandidate(r.Context(), id)
	}
}

func (s *Server) handleJobPatch() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var patch controlapi.JobPatch
		if err := decodeBody(r, &patch); err != nil {
			return 0, nil, err
		}
		j, err := s.UpdateJob(r.Context(), id, patch)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, j, nil
	}
}
