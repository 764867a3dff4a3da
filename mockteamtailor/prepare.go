package mockteamtailor

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// PrepareRequest describes a webhook to build without sending it.
type PrepareRequest struct {
	PartnerID   string
	CandidateID int64
	// JobID is the job the webhook runs on; 0 builds a bulk-mode webhook
	// without job (docs/protocol.md §5).
	JobID int64
	// WebhookData is used as given: it is what the partner's form
	// produced, already serialised (docs/protocol.md §1.1).
	WebhookData map[string]string
}

// PreparedWebhook is a webhook built and its partner result stored
// (status sending), ready to be sent as is, or tampered with by a test.
type PreparedWebhook struct {
	Partner    store.Partner
	Activation store.Activation
	Body       []byte
	EventID    string
	ResultID   string
	UpdateURL  string
}

// PrepareWebhook builds the webhook a trigger would send for a candidate
// and stores its partner result, without sending anything. The
// conformance suite sends it itself, signed right or wrong; Deliver sends
// it as the mock would.
func (s *Server) PrepareWebhook(ctx context.Context, req PrepareRequest) (PreparedWebhook, error) {
	cand, err := s.store.Candidate(ctx, req.CandidateID)
	if err != nil {
		return PreparedWebhook{}, httpapi.NotFound("there is no candidate %d", req.CandidateID)
	}
	p, company, act, err := s.activated(ctx, req.PartnerID, cand.CompanyUUID)
	if err != nil {
		return PreparedWebhook{}, err
	}
	spec := EventSpec{Partner: p, Activation: act, Company: company, Candidate: cand, WebhookData: req.WebhookData}
	if req.JobID != 0 {
		job, err := s.store.Job(ctx, req.JobID)
		if err != nil {
			return PreparedWebhook{}, httpapi.NotFound("there is no job %d", req.JobID)
		}
		spec.Job = &job
	}
	body, res := s.newEvent(spec)
	raw, err := json.Marshal(body)
	if err != nil {
		return PreparedWebhook{}, fmt.Errorf("encode webhook: %w", err)
	}
	res.Event = raw
	if _, err := s.store.CreateResult(ctx, res); err != nil {
		return PreparedWebhook{}, err
	}
	return PreparedWebhook{Partner: p, Activation: act, Body: raw, EventID: res.EventID, ResultID: res.ID, UpdateURL: s.ResultURL(res.ID)}, nil
}

// Deliver sends a prepared webhook exactly as the mock sends every
// webhook (signed, journaled, outcome applied to its result).
func (s *Server) Deliver(ctx context.Context, w PreparedWebhook) (controlapi.Outcome, error) {
	res, err := s.store.Result(ctx, w.Partner.ID, w.ResultID)
	if err != nil {
		return controlapi.Outcome{}, err
	}
	return s.send(ctx, w.Partner, w.Activation, res, store.Delivery{EventID: w.EventID, ResultID: w.ResultID, CandidateID: res.CandidateID, CompanyUUID: res.CompanyUUID})
}

// DeliverTwice sends a prepared webhook as Deliver does, then, once the
// partner has answered, the same event again: same partner-event id, same
// partner result, signed afresh (a duplicate delivery, docs/protocol.md
// §1.3). The outcome's Again is the second sending. The conformance
// suite's embedded mock uses it to check that a partner handles an event
// it has already seen.
func (s *Server) DeliverTwice(ctx context.Context, w PreparedWebhook) (controlapi.Outcome, error) {
	first, err := s.Deliver(ctx, w)
	if err != nil {
		return first, err
	}
	return s.sendAgain(ctx, w.Partner, w.Activation, first)
}

// Store returns the server's store, for embedders such as the
// conformance suite that seed data and read results directly.
func (s *Server) Store() store.Store { return s.store }

// Clock returns the server's clock.
func (s *Server) Clock() func() time.Time { return s.clock }
