package mockteamtailor

import (
	"context"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// RejectApplication rejects a candidate's application to a job, or with
// req.Undo un-rejects it, as a recruiter does on the candidate card. It
// fires no partner trigger (company webhooks get job_application.update,
// docs/company-webhooks.md §3), but every later
// webhook for the application carries job.status.rejected
// (docs/protocol.md §1.1, §5). A reject reason of the company may go
// with it; undoing clears it. Rejecting a rejected application with the
// same reason changes nothing and is no error.
func (s *Server) RejectApplication(ctx context.Context, req controlapi.RejectRequest) (controlapi.RejectResult, error) {
	var out controlapi.RejectResult
	cand, err := s.store.Candidate(ctx, req.CandidateID)
	if err != nil {
		return out, httpapi.NotFound("there is no candidate %d", req.CandidateID)
	}
	jobID := req.JobID
	if jobID == 0 {
		switch len(cand.Applications) {
		case 0:
			return out, httpapi.Invalid("/jobId", "candidate %d has applied to no job, so there is nothing to reject", cand.ID)
		case 1:
			jobID = cand.Applications[0].JobID
		default:
			return out, httpapi.Invalid("/jobId", "candidate %d has applied to %d jobs; give the job id of the application (jobId)", cand.ID, len(cand.Applications))
		}
	}
	app, ok := cand.Application(jobID)
	if !ok {
		return out, httpapi.Invalid("/jobId", "candidate %d has not applied to job %d", cand.ID, jobID)
	}
	want := !req.Undo
	reason := req.RejectReasonID
	if req.Undo {
		reason = 0
	} else if reason != 0 {
		company, err := s.store.Company(ctx, cand.CompanyUUID)
		if _, ok := company.RejectReason(reason); err != nil || !ok {
			return out, httpapi.Invalid("/rejectReasonId", "the candidate's company has no reject reason %d", reason)
		}
	}
	out.JobID, out.Rejected = jobID, want
	if app.Rejected == want && app.RejectReasonID == reason {
		out.Candidate, out.Unchanged = cand, true
		return out, nil
	}
	cand, err = s.store.UpdateCandidate(ctx, cand.ID, func(c *store.CandidateRecord) error {
		for i := range c.Applications {
			if c.Applications[i].JobID == jobID {
				c.Applications[i].Rejected, c.Applications[i].RejectReasonID = want, reason
			}
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	out.Candidate = cand
	s.emitApplicationReject(ctx, cand, jobID)
	return out, nil
}
