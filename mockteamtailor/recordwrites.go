package mockteamtailor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/companyevent"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Writes to candidates and jobs beyond creating them, each firing the
// company events docs/company-webhooks.md §3 lists, and only those.

// UpdateCandidate changes the attributes of candidate id that patch gives:
// a partial candidate object as a webhook carries it (kebab-case keys);
// the others keep their value, and id and job cannot be given. It fires
// candidate.update when a listed field changed value, once for the write,
// and nothing otherwise (tags are not listed; a no-op write fires
// nothing).
func (s *Server) UpdateCandidate(ctx context.Context, id int64, patch json.RawMessage) (store.CandidateRecord, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(patch, &fields); err != nil || fields == nil {
		return store.CandidateRecord{}, httpapi.Invalid("", "the body must be a JSON object of candidate attributes, e.g. {\"first-name\": \"Ada\"}")
	}
	for _, k := range []string{"id", "uuid", "job"} {
		if _, ok := fields[k]; ok {
			return store.CandidateRecord{}, httpapi.Invalid("/"+k, "%s cannot be changed", k)
		}
	}
	after, err := s.changeCandidate(ctx, id, func(c *store.CandidateRecord) error {
		merged, err := mergeJSON(c.Data, fields)
		if err != nil {
			return err
		}
		d, err := protocol.DecodeCandidate(merged)
		if err != nil {
			return httpapi.Invalid("", "%v", err)
		}
		c.Data = d
		return nil
	})
	if err != nil {
		return after, storeErr(err, fmt.Sprintf("candidate %d", id))
	}
	return after, nil
}

// changeCandidate applies change to candidate id in the store and fires
// candidate.update when a listed field changed value, once, and nothing
// otherwise (docs/company-webhooks.md §3). Every write to a candidate's
// attributes goes through it: the control API, the CLI, the web UI and
// /v1 (PATCH, a merging POST, custom-field values).
func (s *Server) changeCandidate(ctx context.Context, id int64, change func(*store.CandidateRecord) error) (store.CandidateRecord, error) {
	var before store.CandidateRecord
	after, err := s.store.UpdateCandidate(ctx, id, func(c *store.CandidateRecord) error {
		before = store.CloneCandidate(*c)
		return change(c)
	})
	if err != nil {
		return after, err
	}
	if candidateUpdateFires(before.Data, after.Data) {
		s.emitCompany(ctx, after.CompanyUUID, candidateEvent(companyevent.CandidateUpdate, after, s.clock()))
	}
	return after, nil
}

// putJob stores j and fires job.update when a listed field changed from
// the stored job, once, and nothing otherwise (docs/company-webhooks.md
// §3): the control API's job updates and /v1 job custom-field values.
func (s *Server) putJob(ctx context.Context, j store.Job) (store.Job, error) {
	before, err := s.store.Job(ctx, j.ID)
	if err != nil {
		return store.Job{}, err
	}
	if j, err = s.store.PutJob(ctx, j); err != nil {
		return store.Job{}, err
	}
	if jobUpdateFires(before, j) {
		if company, err := s.store.Company(ctx, j.CompanyUUID); err == nil {
			s.emitCompany(ctx, j.CompanyUUID, jobEvent(companyevent.JobUpdate, company, j, s.clock()))
		}
	}
	return j, nil
}

// mergeJSON overlays fields on v's JSON object.
func mergeJSON(v any, fields map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var cur map[string]json.RawMessage
	if err := json.Unmarshal(b, &cur); err != nil {
		return nil, err
	}
	for k, f := range fields {
		cur[k] = f
	}
	return json.Marshal(cur)
}

// candidateUpdateFires reports whether a listed field of the candidate
// changed: email, first and last name, phone, picture, custom fields,
// locations. The listed fields the mock's candidates do not have (pitch,
// LinkedIn URL, referrer, internal, restricted-at) cannot change
// (docs/company-webhooks.md §3).
func candidateUpdateFires(a, b protocol.Candidate) bool {
	watched := func(c protocol.Candidate) []byte {
		w, _ := json.Marshal([]any{c.Email, c.FirstName, c.LastName, c.Phone, c.PictureURL, protocol.NonNil(c.CustomFields), protocol.NonNil(c.Locations)})
		return w
	}
	return !bytes.Equal(watched(a), watched(b))
}

// UpdateJob changes the fields of job id that patch gives. It fires
// job.update when the title, the tags or a custom field changed, and
// nothing otherwise (docs/company-webhooks.md §3).
func (s *Server) UpdateJob(ctx context.Context, id int64, patch controlapi.JobPatch) (store.Job, error) {
	j, err := s.store.Job(ctx, id)
	if err != nil {
		return store.Job{}, storeErr(err, fmt.Sprintf("job %d", id))
	}
	if patch.Title != nil {
		if strings.TrimSpace(*patch.Title) == "" {
			return store.Job{}, httpapi.Invalid("/title", "a job needs a title")
		}
		j.Title = *patch.Title
	}
	if patch.Tags != nil {
		j.Tags = protocol.NonNil(*patch.Tags)
	}
	if patch.CustomFields != nil {
		j.CustomFields = protocol.NonNil(*patch.CustomFields)
	}
	return s.putJob(ctx, j)
}

// jobUpdateFires reports whether a listed field of the job the mock keeps
// changed: title, tags, custom fields (docs/company-webhooks.md §3).
func jobUpdateFires(a, b store.Job) bool {
	watched := func(j store.Job) []byte {
		w, _ := json.Marshal([]any{j.Title, protocol.NonNil(j.Tags), protocol.NonNil(j.CustomFields)})
		return w
	}
	return !bytes.Equal(watched(a), watched(b))
}

// DeleteCandidate removes a candidate and its applications. It fires
// job_application.destroy for each application, then candidate.destroy
// (docs/company-webhooks.md §3 Decision).
func (s *Server) DeleteCandidate(ctx context.Context, id int64) error {
	c, err := s.store.DeleteCandidate(ctx, id)
	if err != nil {
		return storeErr(err, fmt.Sprintf("candidate %d", id))
	}
	company, _ := s.store.Company(ctx, c.CompanyUUID)
	now := s.clock()
	var evs []companyevent.Event
	for _, app := range c.Applications {
		evs = append(evs, applicationEvent(companyevent.ApplicationDestroy, company, c, store.Job{ID: app.JobID}, app, now))
	}
	s.emitCompany(ctx, c.CompanyUUID, append(evs, candidateEvent(companyevent.CandidateDestroy, c, now))...)
	return nil
}
