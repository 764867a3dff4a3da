package partnerapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// resultAttributes is how a partner result is rendered. Unset attributes
// are null, except assessment (all members null) and details ({}), as
// docs/protocol.md §2.3 says.
type resultAttributes struct {
	Status             protocol.Status       `json:"status"`
	CandidateID        int64                 `json:"candidate-id"`
	JobID              *int64                `json:"job-id"`
	Summary            *string               `json:"summary"`
	URL                *string               `json:"url"`
	Assessment         protocol.Assessment   `json:"assessment"`
	Details            json.RawMessage       `json:"details"`
	Attachments        []protocol.Attachment `json:"attachments"`
	Actions            []protocol.Action     `json:"actions"`
	AssessmentCriteria []protocol.Criterion  `json:"assessment-criteria"`
}

func (s *API) resultResource(r store.PartnerResult) resourceObject {
	details := r.Details
	if details == nil {
		details = json.RawMessage("{}")
	}
	return resourceObject{
		ID:    r.ID,
		Type:  "partner-results",
		Links: resourceLinks{Self: s.ResultURL(r.ID)},
		Attributes: resultAttributes{
			Status:             r.Status,
			CandidateID:        r.CandidateID,
			JobID:              r.JobID,
			Summary:            r.Summary,
			URL:                r.URL,
			Assessment:         r.Assessment,
			Details:            details,
			Attachments:        r.Attachments,
			Actions:            r.Actions,
			AssessmentCriteria: r.AssessmentCriteria,
		},
	}
}

// ResultURL is the Partner API URL of a result: its links.self and the
// update-url a webhook carries.
func (s *API) ResultURL(id string) string {
	return s.cfg.baseURL() + "/partner/v1/partner-results/" + id
}

func (s *API) handleResultList() http.Handler {
	return s.listHandler("/partner/v1/partner-results", func(r *http.Request, partner store.Partner, page store.Page) ([]resourceObject, int, error) {
		results, total, err := s.store.Results(r.Context(), partner.ID, page)
		if err != nil {
			return nil, 0, err
		}
		data := make([]resourceObject, 0, len(results))
		for _, res := range results {
			data = append(data, s.resultResource(res))
		}
		return data, total, nil
	})
}

func (s *API) handleResultGet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := s.store.Result(r.Context(), partnerFrom(r.Context()).ID, mux.Vars(r)["id"])
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		s.writeResultDocument(w, r, http.StatusOK, res)
	})
}

func (s *API) handleResultCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, patch, problems, err := decodeResultRequest(r, s.cfg.MaxBodyBytes, true)
		if err == nil {
			err = checkQuery(r, false)
		}
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		if len(problems) > 0 {
			httpapi.WriteError(w, r, s.logger, problems)
			return
		}
		now := s.clock()
		res := store.PartnerResult{PartnerID: partnerFrom(r.Context()).ID, CreatedAt: now, UpdatedAt: now}
		patch.Apply(&res.ResultAttributes)
		if err := s.checkCandidate(r.Context(), res.CandidateID); err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		// A seeded id source restarts its sequence on every start, so over a
		// state file a new id may be taken already: draw again.
		for range 8 {
			res.ID = s.ids.UUID()
			var created store.PartnerResult
			if created, err = s.store.CreateResult(r.Context(), res); !errors.Is(err, store.ErrConflict) {
				res = created
				break
			}
		}
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		w.Header().Set("Location", s.ResultURL(res.ID))
		s.writeResultDocument(w, r, http.StatusCreated, res)
	})
}

// handleResultUpdate serves PUT, as documented, and PATCH (docs/protocol.md §2.3
// Decision: JSON:API clients send PATCH). Both are partial updates.
func (s *API) handleResultUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.updateResult(w, r, partnerFrom(r.Context()).ID, mux.Vars(r)["id"])
	})
}

// updateResult updates result id of partnerID from the request document.
func (s *API) updateResult(w http.ResponseWriter, r *http.Request, partnerID, id string) {
	in, patch, problems, err := decodeResultRequest(r, s.cfg.MaxBodyBytes, false)
	if err == nil {
		err = checkQuery(r, false)
	}
	if err != nil {
		httpapi.WriteError(w, r, s.logger, err)
		return
	}
	if in.HasID && in.ID != id {
		problems = append(protocol.Errors{httpapi.Invalid("/data/id", "data.id %q does not match the id in the URL %q", in.ID, id)}, problems...)
	}
	if len(problems) > 0 {
		httpapi.WriteError(w, r, s.logger, problems)
		return
	}
	res, err := s.store.UpdateResult(r.Context(), partnerID, id, func(res *store.PartnerResult) error {
		// docs/protocol.md §2.3: candidate-id is immutable; sending the same
		// value is harmless, a different one is a 422.
		if patch.CandidateID.Set && patch.CandidateID.V != res.CandidateID {
			return protocol.Errors{httpapi.Invalid("/data/attributes/candidate-id", "candidate-id is immutable: this result belongs to candidate %d, got %d", res.CandidateID, patch.CandidateID.V)}
		}
		patch.Apply(&res.ResultAttributes)
		res.DeliveryFailed = false // the partner's word now stands
		res.UpdatedAt = s.clock()
		return nil
	})
	if err != nil {
		httpapi.WriteError(w, r, s.logger, err)
		return
	}
	s.writeResultDocument(w, r, http.StatusOK, res)
}

func (s *API) handleResultDelete() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.store.DeleteResult(r.Context(), partnerFrom(r.Context()).ID, mux.Vars(r)["id"]); err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// checkCandidate refuses a result for a candidate the mock does not hold.
// docs/protocol.md §2.3 Decision: a 422 on /data/attributes/candidate-id,
// unless Config.AcceptUnknownCandidates.
func (s *API) checkCandidate(ctx context.Context, id int64) error {
	if s.cfg.AcceptUnknownCandidates {
		return nil
	}
	_, err := s.store.Candidate(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Errors{httpapi.Invalid("/data/attributes/candidate-id", "candidate-id %d is not a candidate the mock holds: use the candidate id of the webhook (partner-event.candidate.id)", id)}
	}
	return err
}
