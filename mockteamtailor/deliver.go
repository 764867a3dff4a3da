package mockteamtailor

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// EventSpec is everything a webhook is built from.
type EventSpec struct {
	Partner    store.Partner
	Activation store.Activation
	Company    store.Company
	Candidate  store.CandidateRecord
	// Job is nil in bulk mode, where the webhook has no job (docs/protocol.md §5).
	Job   *store.Job
	Stage *store.Stage
	// Trigger and TriggeredBy are set for stage triggers only.
	Trigger     *store.Trigger
	TriggeredBy *protocol.User
	WebhookData map[string]string
}

// BuildCandidate returns the candidate block of a webhook (docs/protocol.md §1.1):
// the stored candidate plus its job; job offers only when the partner
// includes them, uploads and resume only when enabled, onboardings when
// the company has them, mapped custom fields with mapped-from.
func BuildCandidate(spec EventSpec) protocol.Candidate {
	// The record is a copy from the store; only its lists need copying
	// before they are changed below.
	c := store.CloneCandidate(spec.Candidate).Data
	c.ID = spec.Candidate.ID
	c.Job = nil
	if spec.Job != nil {
		// Custom field mapping applies to the job's fields as to the
		// candidate's: "in the candidate's (and, where relevant, the
		// job's)" data (docs/protocol.md §4).
		j := &protocol.EventJob{ID: spec.Job.ID, Title: spec.Job.Title, Tags: protocol.NonNil(spec.Job.Tags), CustomFields: mapCustomFields(protocol.NonNil(spec.Job.CustomFields), spec.Activation.Mappings)}
		if app, ok := spec.Candidate.Application(spec.Job.ID); ok {
			j.Status.Rejected = app.Rejected
			if st, ok := spec.Job.Stage(app.StageID); ok {
				j.Stage = st.Name
			}
		}
		if spec.Stage != nil {
			j.Stage = spec.Stage.Name
		}
		if spec.Trigger != nil {
			j.StageID, j.TriggerID = &spec.Trigger.StageID, &spec.Trigger.ID
			j.TriggeredBy = spec.TriggeredBy
		}
		c.Job = j
	}
	switch {
	case !spec.Partner.IncludeJobOffers:
		c.JobOffers = nil
	case c.JobOffers == nil:
		c.JobOffers = &[]protocol.JobOffer{}
	}
	if !spec.Partner.IncludeUploads {
		c.Uploads, c.Resume = nil, nil
	}
	c.Tags = protocol.NonNil(c.Tags)
	c.Locations = protocol.NonNil(c.Locations)
	c.Questions = protocol.NonNil(c.Questions)
	c.Referrals = protocol.NonNil(c.Referrals)
	c.CustomFields = mapCustomFields(protocol.NonNil(c.CustomFields), spec.Activation.Mappings)
	return c
}

// mapCustomFields adds the values of mapped company fields under the
// partner's apiName with mapped-from, only where the candidate (or the
// job) has a value (docs/protocol.md §4).
func mapCustomFields(fields []protocol.CustomField, mappings []store.FieldMapping) []protocol.CustomField {
	out := slices.Clone(fields)
	for _, m := range mappings {
		i := slices.IndexFunc(out, func(f protocol.CustomField) bool { return f.APIName == m.MappedFrom })
		if i < 0 || protocol.IsNull(out[i].Value) || len(out[i].Value) == 0 {
			continue
		}
		if m.APIName == m.MappedFrom {
			out[i].MappedFrom = m.MappedFrom
			continue
		}
		out = append(out, protocol.CustomField{APIName: m.APIName, Value: out[i].Value, Type: out[i].Type, MappedFrom: m.MappedFrom})
	}
	return out
}

// newEvent builds the webhook body and the partner result it announces,
// in status sending with an update-url on the mock's Partner API.
func (s *Server) newEvent(spec EventSpec) (protocol.WebhookBody, store.PartnerResult) {
	eventID, resultID := s.ids.EventID(), s.ids.UUID()
	data := spec.WebhookData
	if data == nil {
		data = map[string]string{}
	}
	body := protocol.WebhookBody{
		PartnerEvent: protocol.PartnerEvent{
			ID:            eventID,
			WebhookData:   data,
			PartnerResult: protocol.EventResult{ID: resultID, Status: "sending", UpdateURL: s.ResultURL(resultID)},
			Candidate:     BuildCandidate(spec),
		},
		Company: protocol.EventCompany{UUID: spec.Company.UUID, Name: spec.Company.Name, URL: spec.Company.URL, Logotype: spec.Company.Logotype},
	}
	now := s.clock()
	res := store.PartnerResult{ID: resultID, PartnerID: spec.Partner.ID,
		ResultAttributes: protocol.ResultAttributes{Status: protocol.StatusSending, CandidateID: spec.Candidate.ID},
		CompanyUUID:      spec.Company.UUID, EventID: eventID, CreatedAt: now, UpdatedAt: now}
	if spec.Job != nil {
		id := spec.Job.ID
		res.JobID = &id
	}
	if spec.Trigger != nil {
		id := spec.Trigger.ID
		res.TriggerID = &id
	}
	return body, res
}

// deliver sends one webhook: the partner result is stored first (status
// sending), then the signed body is POSTed, the exchange journaled and the
// outcome applied to the result (docs/protocol.md §1.3). No retries.
func (s *Server) deliver(ctx context.Context, spec EventSpec, meta store.Delivery) (controlapi.Outcome, error) {
	body, res := s.newEvent(spec)
	raw, err := json.Marshal(body)
	if err != nil {
		return controlapi.Outcome{}, fmt.Errorf("encode webhook: %w", err)
	}
	res.Event = raw
	if _, err := s.store.CreateResult(ctx, res); err != nil {
		return controlapi.Outcome{}, err
	}
	meta.EventID, meta.ResultID, meta.CandidateID, meta.CompanyUUID = res.EventID, res.ID, res.CandidateID, res.CompanyUUID
	if spec.Trigger != nil {
		meta.TriggerID = spec.Trigger.ID
	}
	return s.send(ctx, spec.Partner, spec.Activation, res, meta)
}

// send POSTs a result's stored event to BASE_URL/webhook, one exchange
// of package delivery (sent, judged, journaled), and applies the answer
// to the result. Replays use it too. Its errors are delivery's, for the
// HTTP edge to map.
func (s *Server) send(ctx context.Context, p store.Partner, act store.Activation, res store.PartnerResult, meta store.Delivery) (controlapi.Outcome, error) {
	x, d, update, err := s.sender.SendWebhook(ctx, p, act, res.Event, res.EventID, meta)
	if err != nil {
		return controlapi.Outcome{}, err
	}
	updated, err := s.store.UpdateResult(ctx, p.ID, res.ID, func(r *store.PartnerResult) error {
		update(r)
		r.UpdatedAt = s.clock()
		return nil
	})
	if err != nil {
		// The partner may have deleted its result meanwhile; the journal
		// still tells what happened.
		updated = res
	}
	attrs := []slog.Attr{slog.String("event", res.EventID), slog.String("partner", p.ID)}
	if x.Failure != "" {
		// No answer, no status: "status=0" would read as an HTTP status.
		attrs = append(attrs, slog.String("failure", x.Failure))
	} else {
		attrs = append(attrs, slog.Int("status", x.Status()))
	}
	attrs = append(attrs, slog.String("verdict", d.Verdict), slog.Duration("elapsed", x.Duration))
	msg := "webhook delivered"
	if x.Failure != "" {
		msg = "webhook not delivered"
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, msg, attrs...)
	return controlapi.Outcome{Delivery: d, Result: updated}, nil
}
