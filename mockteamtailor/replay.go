package mockteamtailor

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/internal/curl"
	"github.com/mockteamtailor/mockteamtailor/internal/orderedjson"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/capture"
)

// PreparedCapture is a captured webhook made local: rewritten, its
// partner result stored (status sending), ready to be sent.
type PreparedCapture struct {
	PreparedWebhook
	store.CaptureReplay
	Company store.Company
}

// CaptureRequest says how to make a captured webhook local.
type CaptureRequest struct {
	PartnerID   string
	CompanyUUID string
	KeepEventID bool
	Capture     capture.Capture
}

// PrepareCapture checks a captured webhook against the webhook schema,
// reporting every deviation without refusing it, and rewrites only what
// must be local for the replay to run end to end: the partner-event id
// (unless KeepEventID), the partner-result (a fresh result of the mock,
// status sending, its update-url on the mock, so the partner's result
// comes back here) and the company block (the chosen activation's
// company). The candidate, webhook-data, unknown keys, key order and
// number literals stay as captured. The Bearer provider key and the
// signature are the local activation's and webhook secret's.
func (s *Server) PrepareCapture(ctx context.Context, req CaptureRequest) (PreparedCapture, error) {
	var out PreparedCapture
	p, err := s.replayPartner(ctx, req.PartnerID)
	if err != nil {
		return out, err
	}
	companyUUID := req.CompanyUUID
	if companyUUID == "" {
		if companyUUID, err = s.sandboxOf(ctx, p.ID); err != nil {
			return out, err
		}
	}
	p, company, act, err := s.activated(ctx, p.ID, companyUUID)
	if err != nil {
		return out, err
	}
	doc, err := orderedjson.Parse(req.Capture.Body)
	if err != nil {
		return out, httpapi.Invalid("/capture", "%s is not JSON: %v", req.Capture.Source, err)
	}
	if pe := doc.Get("partner-event"); doc.Kind != orderedjson.Object || pe == nil || pe.Kind != orderedjson.Object {
		return out, httpapi.Invalid("/capture", "%s is not a webhook body: it has no partner-event object (docs/protocol.md §1.1)", req.Capture.Source)
	}
	out.Source = req.Capture.Source
	out.Deviations = protocol.CheckCapture(req.Capture.Body)
	eventID, resultID := s.ids.UUID(), s.ids.UUID()
	var paths []string
	set := func(obj *orderedjson.Value, ptr, key, val string) {
		if old := obj.Get(key); old != nil && old.Kind == orderedjson.String && old.String == val {
			return
		}
		obj.Set(key, orderedjson.Str(val))
		paths = append(paths, ptr+"/"+orderedjson.Pointer(key))
	}
	pe := doc.Get("partner-event")
	if old := pe.Get("id"); req.KeepEventID && old != nil && old.Kind == orderedjson.String && old.String != "" {
		eventID = old.String
	} else {
		set(pe, "/partner-event", "id", eventID)
	}
	pr := pe.Get("partner-result")
	if pr == nil || pr.Kind != orderedjson.Object {
		pr = orderedjson.Obj()
		pe.Set("partner-result", pr)
		paths = append(paths, "/partner-event/partner-result")
	}
	set(pr, "/partner-event/partner-result", "id", resultID)
	set(pr, "/partner-event/partner-result", "status", "sending")
	set(pr, "/partner-event/partner-result", "update-url", s.ResultURL(resultID))
	co := doc.Get("company")
	if co == nil || co.Kind != orderedjson.Object {
		co = orderedjson.Obj()
		doc.Set("company", co)
		paths = append(paths, "/company")
	}
	set(co, "/company", "uuid", company.UUID)
	set(co, "/company", "name", company.Name)
	set(co, "/company", "url", company.URL)
	set(co, "/company", "logotype", company.Logotype)
	out.RewrittenPaths = protocol.NonNil(paths)

	body := doc.Marshal("")
	now := s.clock()
	res := store.PartnerResult{ID: resultID, PartnerID: p.ID, ResultAttributes: protocol.ResultAttributes{Status: protocol.StatusSending}, CompanyUUID: company.UUID, EventID: eventID,
		Event: body, CreatedAt: now, UpdatedAt: now}
	cand := pe.Get("candidate")
	// The captured candidate is not one of the mock's: its id is kept as
	// captured, so the partner's result names the candidate it saw.
	res.CandidateID, _ = cand.Get("id").Int()
	if id, ok := cand.Get("job").Get("id").Int(); ok {
		res.JobID = &id
	}
	if _, err := s.store.CreateResult(ctx, res); err != nil {
		return out, err
	}
	out.PreparedWebhook = PreparedWebhook{Partner: p, Activation: act, Body: body, EventID: eventID, ResultID: resultID, UpdateURL: s.ResultURL(resultID)}
	out.Company = company
	return out, nil
}

// ReplayCapture makes a captured webhook local (PrepareCapture), signs it with
// the local webhook secret, sends it to the partner's BASE_URL/webhook
// and journals it, marked as a replayed capture with the rewritten paths.
// The answer updates the new partner result as any webhook's does
// (docs/protocol.md §1.3). A dry run returns the signed request as curl instead.
func (s *Server) ReplayCapture(ctx context.Context, req controlapi.ReplayRequest) (controlapi.ReplayOutcome, error) {
	var out controlapi.ReplayOutcome
	capt, err := s.replayCapture(req)
	if err != nil {
		return out, err
	}
	pc, err := s.PrepareCapture(ctx, CaptureRequest{PartnerID: req.PartnerID, CompanyUUID: req.CompanyUUID, KeepEventID: req.KeepEventID, Capture: capt})
	if err != nil {
		return out, err
	}
	out = controlapi.ReplayOutcome{CaptureReplay: pc.CaptureReplay, PartnerID: pc.Partner.ID, CompanyUUID: pc.Company.UUID,
		EventID: pc.EventID, ResultID: pc.ResultID, UpdateURL: pc.UpdateURL, DryRun: req.DryRun}
	if req.DryRun {
		m, err := s.sender.WebhookRequest(pc.Partner, pc.Activation, pc.Body, pc.EventID)
		if err != nil {
			return out, err
		}
		out.Curl = curl.Command(curl.Request{Method: m.Method, URL: m.URL, Header: m.Header, Body: m.Body}, "  ")
		return out, nil
	}
	res, err := s.store.Result(ctx, pc.Partner.ID, pc.ResultID)
	if err != nil {
		return out, err
	}
	mark := pc.CaptureReplay
	// No candidate id in the journal entry: the captured candidate is
	// not one of the mock's, and its id may be another one's here.
	sent, err := s.send(ctx, pc.Partner, pc.Activation, res, store.Delivery{EventID: pc.EventID, ResultID: pc.ResultID, CompanyUUID: res.CompanyUUID, Capture: &mark})
	if err != nil {
		return out, err
	}
	out.Delivery, out.Result = &sent.Delivery, &sent.Result
	return out, nil
}

// replayCapture reads the one capture a request names.
func (s *Server) replayCapture(req controlapi.ReplayRequest) (capture.Capture, error) {
	switch {
	case req.Fixture != "" && len(req.Capture) > 0:
		return capture.Capture{}, httpapi.Invalid("", "give either capture or fixture, not both")
	case req.Fixture != "":
		f, ok := s.importedFixture(req.Fixture)
		if !ok {
			return capture.Capture{}, httpapi.Invalid("/fixture", "there is no imported fixture %q (have: %s); serve --fixtures DIR loads them", req.Fixture, strings.Join(s.importedFixtureNames(), ", "))
		}
		return capture.Capture{Source: "fixture " + f.Name, Body: f.Body}, nil
	case len(req.Capture) == 0:
		return capture.Capture{}, httpapi.Invalid("/capture", "give capture: a captured webhook body, or a journal entry holding one")
	}
	data := []byte(req.Capture)
	var text string
	if json.Unmarshal(data, &text) == nil {
		data = []byte(text) // pasted text
	}
	cs, err := capture.Parse(data)
	if err != nil {
		return capture.Capture{}, httpapi.Invalid("/capture", "%v", err)
	}
	if len(cs) != 1 {
		return capture.Capture{}, httpapi.Invalid("/capture", "the capture holds %d webhooks; replay one at a time (the CLI replays JSONL line by line)", len(cs))
	}
	return cs[0], nil
}

// replayPartner returns the partner named, or the only one.
func (s *Server) replayPartner(ctx context.Context, id string) (store.Partner, error) {
	if id != "" {
		p, err := s.store.Partner(ctx, id)
		if err != nil {
			return p, httpapi.NotFound("there is no partner %q", id)
		}
		return p, nil
	}
	ps, err := s.store.Partners(ctx)
	if err != nil {
		return store.Partner{}, err
	}
	if len(ps) != 1 {
		ids := make([]string, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
		}
		return store.Partner{}, httpapi.Invalid("/partnerId", "the mock has %d partners (%s); say which one with partnerId", len(ps), strings.Join(ids, ", "))
	}
	return ps[0], nil
}

// sandboxOf returns the uuid of the sandbox company partnerID is
// activated in.
func (s *Server) sandboxOf(ctx context.Context, partnerID string) (string, error) {
	_, c, ok, err := sandbox.Of(ctx, s.store, partnerID)
	if err != nil {
		return "", err
	}
	if ok {
		return c.UUID, nil
	}
	return "", httpapi.Conflict("partner %q has no sandbox activation; give a company it is activated in", partnerID)
}
