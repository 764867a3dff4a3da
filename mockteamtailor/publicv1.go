package mockteamtailor

import (
	"context"
	"encoding/json"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
)

// newPublicAPI builds Teamtailor's public API (/v1) over the server's
// store: the Partner API's faults and journal, and stage moves through
// MoveCandidate and rejections through RejectApplication, so a move by
// PATCH fires the stage's triggers as a recruiter's move does and both
// change the world the way the web UI does (docs/public-api.md §1).
func (s *Server) newPublicAPI() *publicapi.API {
	cfg := publicapi.DefaultConfig()
	cfg.PublicURL = s.cfg.PublicURL
	cfg.MaxBodyBytes = s.cfg.MaxBodyBytes
	cfg.JournalBodyLimit = s.cfg.JournalBodyLimit
	cfg.EnforceRateLimit = s.cfg.EnforceRateLimit
	move := func(ctx context.Context, candidateID, jobID, stageID, userID int64) error {
		_, err := s.MoveCandidate(ctx, controlapi.MoveRequest{CandidateID: candidateID, JobID: jobID, StageID: stageID, UserID: userID})
		return err
	}
	reject := func(ctx context.Context, candidateID, jobID int64, undo bool, reasonID int64) error {
		_, err := s.RejectApplication(ctx, controlapi.RejectRequest{CandidateID: candidateID, JobID: jobID, Undo: undo, RejectReasonID: reasonID})
		return err
	}
	// A candidate created through /v1 is added as the control API adds
	// one; the store hands out its id.
	create := func(ctx context.Context, companyUUID string, c protocol.Candidate) (int64, error) {
		c.ID, c.UUID = 1, s.ids.UUID()
		raw, err := json.Marshal(c)
		if err != nil {
			return 0, err
		}
		recs, err := s.CreateCandidates(ctx, controlapi.CandidateInput{CompanyUUID: companyUUID, Candidate: raw})
		if err != nil {
			return 0, err
		}
		return recs[0].ID, nil
	}
	// Candidate and job changes fire the company events the control API's
	// do (docs/company-webhooks.md §3 Decision: every path counts).
	ops := publicapi.Operations{Move: move, Reject: reject, CreateCandidate: create, UpdateCandidate: s.changeCandidate, PutJob: s.putJob}
	return publicapi.New(s.logger, cfg, s.store, s.clock, s.events.publish, s.api.InjectFaults, ops)
}
