package mockteamtailor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// The control API (/mock/v1) is the mock's own admin surface, not
// Teamtailor's: the CLI, the web UI and tests drive the mock through it.
// It speaks plain JSON; errors use the same {"errors": [...]} shape as the
// Partner API so one parser reads both.

// controlFunc handles a control API request and returns the status and
// document to send, or an error.
type controlFunc func(r *http.Request) (int, any, error)

// control adapts a controlFunc: it encodes the document, or the error with
// its status (a 4xx for bad input, never a 5xx for it).
func (s *Server) control(fn controlFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, doc, err := fn(r)
		if err != nil {
			writeControlError(w, r, s, err)
			return
		}
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		body, err := encodeJSON(doc)
		if err != nil {
			writeControlError(w, r, s, fmt.Errorf("encode %T: %w", doc, err))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	})
}

func writeControlError(w http.ResponseWriter, r *http.Request, s *Server, err error) {
	status, doc, ours := toErrorDocument(err)
	if !ours {
		s.logger.ErrorContext(r.Context(), "control request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	body, _ := encodeJSON(doc)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// decodeBody decodes a JSON request body strictly: unknown fields are an
// error that names them, so a typo does not silently do nothing.
func decodeBody(r *http.Request, dst any) error {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 1<<20))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return newError(http.StatusRequestEntityTooLarge, "Request entity too large", "the request body is larger than 1 MiB")
	case err != nil:
		return errBadRequest("the request body could not be read: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			return errInvalid("/"+strings.ReplaceAll(typ.Field, ".", "/"), "%s must be %s, got %s", typ.Field, typ.Type, typ.Value)
		}
		return errBadRequest("the request body is not the JSON this endpoint takes: %v", err)
	}
	if dec.More() {
		return errBadRequest("the request body has data after the JSON document")
	}
	return nil
}

// queryInt reads an optional integer query parameter.
func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		e := errBadRequest("query parameter %s must be a whole number, got %q", name, v)
		e.Parameter = name
		return 0, e
	}
	return n, nil
}

func pathInt(r *http.Request, name string) (int64, error) {
	v := mux.Vars(r)[name]
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, errNotFound("%q is not a %s: ids are whole numbers", v, name)
	}
	return n, nil
}

// storeErr turns a Store sentinel into a 4xx that names what was missing.
func storeErr(err error, what string) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errNotFound("there is no %s", what)
	case errors.Is(err, store.ErrConflict):
		return errConflictf("%s: %v", what, err)
	}
	return err
}

func (s *Server) handleControlIndex() controlFunc {
	return func(r *http.Request) (int, any, error) {
		return http.StatusOK, map[string]any{
			"about": "mockteamtailor control API: the mock's own admin surface (not Teamtailor's). See the README for every endpoint.",
			"endpoints": []string{
				"GET,POST /mock/v1/partners", "GET,PATCH /mock/v1/partners/{id}",
				"GET /mock/v1/partners/{id}/activation-form?company=", "GET /mock/v1/partners/{id}/config?company=&job=&stage=&user=&bulk=",
				"GET,POST /mock/v1/companies", "GET /mock/v1/companies/{uuid}",
				"GET,POST /mock/v1/jobs", "GET /mock/v1/jobs/{id}", "POST /mock/v1/jobs/{id}/stages",
				"GET,POST /mock/v1/candidates", "GET /mock/v1/candidates/{id}", "POST /mock/v1/candidates/{id}/move",
				"GET,POST /mock/v1/activations", "DELETE /mock/v1/activations/{id}",
				"GET,POST /mock/v1/triggers", "DELETE /mock/v1/triggers/{id}",
				"POST /mock/v1/manual-triggers", "POST /mock/v1/bulk-triggers", "GET /mock/v1/bulk-triggers/{id}",
				"GET /mock/v1/deliveries", "GET /mock/v1/deliveries/stream", "GET /mock/v1/deliveries/{id}",
				"POST /mock/v1/deliveries/{id}/replay", "GET /mock/v1/deliveries/{id}/curl", "POST /mock/v1/replays",
				"GET /mock/v1/results", "GET /mock/v1/results/{id}", "POST /mock/v1/results/{id}/actions/{index}",
				"GET,PUT,DELETE /mock/v1/faults", "POST /mock/v1/uploads", "GET /mock/v1/keys", "GET /mock/v1/fixtures", "POST /mock/v1/reset",
			},
		}, nil
	}
}

// ---- partners ----

// applyPartnerInput writes the given settings onto p, checking each.
func applyPartnerInput(in controlapi.PartnerInput, p *store.Partner) error {
	var problems protocol.Errors
	setString := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setBool := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	setString(&p.Name, in.Name)
	setString(&p.APIKey, in.APIKey)
	setString(&p.WebhookSecret, in.WebhookSecret)
	// Only the secrets being set are checked, so a partner seeded with
	// short ones keeps working.
	if in.APIKey != nil && len(*in.APIKey) < 8 {
		problems = append(problems, errInvalid("/apiKey", "apiKey must be at least 8 characters"))
	}
	if in.WebhookSecret != nil && len(*in.WebhookSecret) < 8 {
		problems = append(problems, errInvalid("/webhookSecret", "webhookSecret must be at least 8 characters"))
	}
	if in.BaseURL != nil {
		if *in.BaseURL == "" {
			p.BaseURL = ""
		} else if err := protocol.DecodeHTTPURL(*in.BaseURL, &p.BaseURL); err != nil {
			problems = append(problems, errInvalid("/baseUrl", "baseUrl %v", err))
		} else {
			p.BaseURL = strings.TrimRight(p.BaseURL, "/")
		}
	}
	for _, c := range []struct {
		raw    json.RawMessage
		dst    *json.RawMessage
		schema string
		ptr    string
	}{{in.WebhookConfig, &p.WebhookConfig, "config", "/webhookConfig"}, {in.WebhookActivationConfig, &p.WebhookActivationConfig, "activation-config", "/webhookActivationConfig"}} {
		switch {
		case c.raw == nil:
		case protocol.IsNull(c.raw):
			*c.dst = nil
		case c.schema == "activation-config" && bytes.Equal(protocol.CompactJSON(c.raw), []byte("{}")):
			*c.dst = json.RawMessage("{}")
		default:
			for _, prob := range protocol.CheckConfig(c.schema, c.raw) {
				problems = append(problems, errInvalid(c.ptr+prob.Pointer, "%s", prob.Message))
			}
			*c.dst = protocol.CompactJSON(c.raw)
		}
	}
	setBool(&p.DynamicActivationConfig, in.DynamicActivationConfig)
	setBool(&p.RequireAPIToken, in.RequireAPIToken)
	setBool(&p.IncludeJobOffers, in.IncludeJobOffers)
	setBool(&p.IncludeUploads, in.IncludeUploads)
	setBool(&p.AllowBulk, in.AllowBulk)
	setBool(&p.Assessment, in.Assessment)
	setString(&p.CTAVerb, in.CTAVerb)
	setString(&p.CTANoun, in.CTANoun)
	if strings.TrimSpace(p.Name) == "" {
		problems = append(problems, errInvalid("/name", "name must not be empty"))
	}
	if len(problems) > 0 {
		return problems
	}
	return nil
}

func (s *Server) handlePartnersList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		ps, err := s.store.Partners(r.Context())
		if err != nil {
			return 0, nil, err
		}
		out := []controlapi.PartnerView{}
		for _, p := range ps {
			out = append(out, controlapi.PartnerView{Partner: p, CTA: p.CTALabel()})
		}
		return http.StatusOK, map[string]any{"partners": out}, nil
	}
}

// handlePartnerCreate adds a partner integration (e.g. a staging one
// beside production) with its own keys, and activates it in its own
// sandbox company, as Teamtailor does for integrations under development.
func (s *Server) handlePartnerCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.PartnerInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		if in.ID == nil || strings.TrimSpace(*in.ID) == "" {
			return 0, nil, errInvalid("/id", "id is required, e.g. \"2\" or \"staging\"")
		}
		if _, err := s.store.Partner(r.Context(), *in.ID); err == nil {
			return 0, nil, errConflictf("partner %q exists already; PATCH /mock/v1/partners/%s changes it", *in.ID, *in.ID)
		}
		p := store.Partner{ID: *in.ID, Name: "Partner " + *in.ID, APIKey: s.ids.Secret("ttpk_", 20), WebhookSecret: s.ids.Secret("ttws_", 24)}
		if err := applyPartnerInput(in, &p); err != nil {
			return 0, nil, err
		}
		if err := s.store.PutPartner(r.Context(), p); err != nil {
			return 0, nil, storeErr(err, "partner "+p.ID)
		}
		sb, err := SeedSandbox(r.Context(), s.store, s.ids, s.clock, PartnerSettings{ID: p.ID})
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, map[string]any{"partner": controlapi.PartnerView{Partner: sb.Partner, CTA: sb.Partner.CTALabel()}, "sandbox": sb.Company, "activation": sb.Activation}, nil
	}
}

func (s *Server) handlePartnerShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		p, err := s.store.Partner(r.Context(), mux.Vars(r)["id"])
		if err != nil {
			return 0, nil, storeErr(err, "partner "+strconv.Quote(mux.Vars(r)["id"]))
		}
		return http.StatusOK, controlapi.PartnerView{Partner: p, CTA: p.CTALabel()}, nil
	}
}

func (s *Server) handlePartnerPatch() controlFunc {
	return func(r *http.Request) (int, any, error) {
		p, err := s.store.Partner(r.Context(), mux.Vars(r)["id"])
		if err != nil {
			return 0, nil, storeErr(err, "partner "+strconv.Quote(mux.Vars(r)["id"]))
		}
		var in controlapi.PartnerInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		if in.ID != nil && *in.ID != p.ID {
			return 0, nil, errInvalid("/id", "a partner's id cannot change")
		}
		if err := applyPartnerInput(in, &p); err != nil {
			return 0, nil, err
		}
		if err := s.store.PutPartner(r.Context(), p); err != nil {
			return 0, nil, storeErr(err, "partner "+p.ID)
		}
		return http.StatusOK, controlapi.PartnerView{Partner: p, CTA: p.CTALabel()}, nil
	}
}

func (s *Server) handleActivationFormShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		company := r.URL.Query().Get("company")
		if company == "" {
			return 0, nil, errBadRequest("query parameter company (the company uuid) is required")
		}
		res, err := s.ActivationForm(r.Context(), mux.Vars(r)["id"], company)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, res, nil
	}
}

// handleConfigShow fetches a partner's config form for a trigger, as the
// UI does when a recruiter opens the trigger dialog. Query parameters
// other than company, job, stage, user and bulk are picked values.
func (s *Server) handleConfigShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		q := r.URL.Query()
		req := ConfigRequest{PartnerID: mux.Vars(r)["id"], CompanyUUID: q.Get("company"), Bulk: q.Get("bulk") == "true" || q.Get("bulk") == "1", Picked: map[string]string{}}
		var err error
		for name, dst := range map[string]*int64{"job": &req.JobID, "stage": &req.StageID, "user": &req.UserID} {
			if *dst, err = queryInt(r, name); err != nil {
				return 0, nil, err
			}
		}
		if req.CompanyUUID == "" && req.JobID != 0 {
			if j, err := s.store.Job(r.Context(), req.JobID); err == nil {
				req.CompanyUUID = j.CompanyUUID
			}
		}
		if req.CompanyUUID == "" {
			return 0, nil, errBadRequest("query parameter company (the company uuid) or job is required")
		}
		for k, v := range q {
			switch k {
			case "company", "job", "stage", "user", "bulk":
			default:
				req.Picked[k] = v[0]
			}
		}
		res, err := s.FetchConfig(r.Context(), req)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, res, nil
	}
}

// ---- companies, jobs, candidates ----

func (s *Server) handleCompaniesList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		cs, err := s.store.Companies(r.Context())
		return http.StatusOK, map[string]any{"companies": protocol.NonNil(cs)}, err
	}
}

func (s *Server) handleCompanyCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.CompanyInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		var c store.Company
		if in.Fixture != "" {
			f, err := fixtures.CompanyByName(in.Fixture)
			if err != nil {
				return 0, nil, errInvalid("/fixture", "%v", err)
			}
			c = CompanyFromFixture(f)
		}
		for dst, v := range map[*string]string{&c.UUID: in.UUID, &c.Name: in.Name, &c.URL: in.URL, &c.Logotype: in.Logotype} {
			if v != "" {
				*dst = v
			}
		}
		if in.Users != nil {
			c.Users = in.Users
		}
		if in.CustomFields != nil {
			c.CustomFields = in.CustomFields
		}
		c.APITokens = in.APITokens
		if c.UUID == "" {
			c.UUID = s.ids.Secret("c", 5)
		}
		if len(c.APITokens) == 0 {
			c.APITokens = []string{s.ids.Secret("ttapi_", 16)}
		}
		if strings.TrimSpace(c.Name) == "" {
			return 0, nil, errInvalid("/name", "name is required (or a fixture: %s)", strings.Join(fixtures.Names(fixtures.KindCompanies), ", "))
		}
		if _, err := s.store.Company(r.Context(), c.UUID); err == nil {
			return 0, nil, errConflictf("company %q exists already", c.UUID)
		}
		if err := s.store.PutCompany(r.Context(), c); err != nil {
			return 0, nil, err
		}
		if in.SeedData {
			if err := seedCompanyData(r.Context(), s.store, c.UUID); err != nil {
				return 0, nil, err
			}
		}
		return http.StatusCreated, c, nil
	}
}

func (s *Server) handleCompanyShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		c, err := s.store.Company(r.Context(), mux.Vars(r)["uuid"])
		if err != nil {
			return 0, nil, storeErr(err, "company "+strconv.Quote(mux.Vars(r)["uuid"]))
		}
		return http.StatusOK, c, nil
	}
}

func (s *Server) handleJobsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		js, err := s.store.Jobs(r.Context(), r.URL.Query().Get("company"))
		return http.StatusOK, map[string]any{"jobs": protocol.NonNil(js)}, err
	}
}

func (s *Server) handleJobCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.JobInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		var j store.Job
		if in.Fixture != "" {
			f, err := fixtures.JobByName(in.Fixture)
			if err != nil {
				return 0, nil, errInvalid("/fixture", "%v", err)
			}
			if j, err = JobFromFixture(f, in.CompanyUUID, true); err != nil {
				return 0, nil, err
			}
		}
		j.CompanyUUID = in.CompanyUUID
		if in.Title != "" {
			j.Title = in.Title
		}
		if in.Tags != nil {
			j.Tags = in.Tags
		}
		if in.Stages != nil {
			j.Stages = in.Stages
		}
		if in.CustomFields != nil {
			j.CustomFields = in.CustomFields
		}
		j.Tags, j.CustomFields = protocol.NonNil(j.Tags), protocol.NonNil(j.CustomFields)
		switch {
		case j.Title == "":
			return 0, nil, errInvalid("/title", "title is required (or a fixture: %s)", strings.Join(fixtures.Names(fixtures.KindJobs), ", "))
		case len(j.Stages) == 0:
			return 0, nil, errInvalid("/stages", "a job needs at least one stage, e.g. [{\"name\": \"Inbox\"}, {\"name\": \"Assessment\"}]")
		}
		for i, st := range j.Stages {
			if strings.TrimSpace(st.Name) == "" {
				return 0, nil, errInvalid(fmt.Sprintf("/stages/%d/name", i), "every stage needs a name")
			}
		}
		j, err := s.store.PutJob(r.Context(), j)
		if err != nil {
			return 0, nil, storeErr(err, "company "+strconv.Quote(in.CompanyUUID))
		}
		return http.StatusCreated, j, nil
	}
}

func (s *Server) handleJobShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		j, err := s.store.Job(r.Context(), id)
		if err != nil {
			return 0, nil, storeErr(err, fmt.Sprintf("job %d", id))
		}
		return http.StatusOK, j, nil
	}
}

func (s *Server) handleStageCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var in struct {
			Name string `json:"name"`
		}
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		if strings.TrimSpace(in.Name) == "" {
			return 0, nil, errInvalid("/name", "name is required")
		}
		j, err := s.store.Job(r.Context(), id)
		if err != nil {
			return 0, nil, storeErr(err, fmt.Sprintf("job %d", id))
		}
		j.Stages = append(j.Stages, store.Stage{Name: in.Name})
		if j, err = s.store.PutJob(r.Context(), j); err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, j, nil
	}
}

func (s *Server) handleCandidatesList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		page := store.Page{Number: 1, Size: 100}
		var err error
		if n, err := queryInt(r, "page"); err != nil {
			return 0, nil, err
		} else if n > 0 {
			page.Number = int(n)
		}
		if n, err := queryInt(r, "size"); err != nil {
			return 0, nil, err
		} else if n > 0 {
			page.Size = int(min(n, 10000))
		}
		cs, total, err := s.store.Candidates(r.Context(), r.URL.Query().Get("company"), page)
		return http.StatusOK, map[string]any{"candidates": protocol.NonNil(cs), "total": total, "page": page.Number, "size": page.Size}, err
	}
}

// handleCandidateCreate adds candidates from a fixture, from a candidate
// object as a webhook carries it, or generated.
func (s *Server) handleCandidateCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.CandidateInput
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		if _, err := s.store.Company(r.Context(), in.CompanyUUID); err != nil {
			return 0, nil, errInvalid("/companyUuid", "there is no company %q", in.CompanyUUID)
		}
		var datas []protocol.Candidate
		sources := 0
		if in.Fixture != "" {
			sources++
			c, err := s.candidateFixture(in.Fixture)
			if err != nil {
				return 0, nil, errInvalid("/fixture", "%v", err)
			}
			datas = append(datas, c)
		}
		if in.Candidate != nil {
			sources++
			c, err := protocol.DecodeCandidate(in.Candidate)
			if err != nil {
				return 0, nil, errInvalid("/candidate", "%v", err)
			}
			datas = append(datas, c)
		}
		if in.Generate > 0 {
			sources++
			if in.Generate > MaxGenerate {
				return 0, nil, errInvalid("/generate", "generate at most %d candidates at once", MaxGenerate)
			}
			_, held, err := s.store.Candidates(r.Context(), "", store.Page{Number: 1, Size: 1})
			if err != nil {
				return 0, nil, err
			}
			if held+in.Generate > MaxGeneratedCandidates {
				return 0, nil, errInvalid("/generate", "the mock holds %d candidates; generating %d more would pass the limit of %d (POST /mock/v1/reset starts afresh)", held, in.Generate, MaxGeneratedCandidates)
			}
			// Each call continues where the candidates held end, so two
			// calls do not repeat the same people (same uuids and names).
			seed := in.Seed ^ uint64(held)*0x9e3779b97f4a7c15
			for i, raw := range fixtures.GenerateCandidates(seed, int64(held)+1, in.Generate) {
				c, err := protocol.DecodeCandidate(raw)
				if err != nil {
					return 0, nil, fmt.Errorf("generated candidate %d: %w", i, err)
				}
				datas = append(datas, c)
			}
		}
		if sources != 1 {
			return 0, nil, errInvalid("", "give exactly one of fixture (%s), candidate (a webhook candidate object) or generate (a count)", strings.Join(fixtures.Names(fixtures.KindCandidates), ", "))
		}
		var app []store.Application
		if in.JobID != 0 {
			j, err := s.store.Job(r.Context(), in.JobID)
			if err != nil || j.CompanyUUID != in.CompanyUUID {
				return 0, nil, errInvalid("/jobId", "company %q has no job %d", in.CompanyUUID, in.JobID)
			}
			stage := in.StageID
			if stage == 0 {
				stage = j.Stages[0].ID
			} else if _, ok := j.Stage(stage); !ok {
				return 0, nil, errInvalid("/stageId", "job %d has no stage %d; its stages are %s", j.ID, stage, stageList(j))
			}
			app = []store.Application{{JobID: j.ID, StageID: stage}}
		}
		out := make([]store.CandidateRecord, 0, len(datas))
		for _, d := range datas {
			// Ids are the mock's to hand out, so fixtures can be added
			// many times.
			rec, err := s.store.PutCandidate(r.Context(), store.CandidateRecord{CompanyUUID: in.CompanyUUID, Data: d, Applications: app})
			if err != nil {
				return 0, nil, err
			}
			out = append(out, rec)
		}
		return http.StatusCreated, map[string]any{"candidates": out}, nil
	}
}

func (s *Server) handleCandidateShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		c, err := s.store.Candidate(r.Context(), id)
		if err != nil {
			return 0, nil, storeErr(err, fmt.Sprintf("candidate %d", id))
		}
		return http.StatusOK, c, nil
	}
}

func (s *Server) handleCandidateMove() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var in MoveRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		in.CandidateID = id
		res, err := s.MoveCandidate(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, res, nil
	}
}

// ---- activations, triggers ----

func (s *Server) handleActivationsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		ps, err := s.store.Partners(r.Context())
		if err != nil {
			return 0, nil, err
		}
		out := []store.Activation{}
		for _, p := range ps {
			if q := r.URL.Query().Get("partner"); q != "" && q != p.ID {
				continue
			}
			acts, _, err := s.store.Activations(r.Context(), p.ID, store.Page{})
			if err != nil {
				return 0, nil, err
			}
			out = append(out, acts...)
		}
		return http.StatusOK, map[string]any{"activations": out}, nil
	}
}

func (s *Server) handleActivate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in ActivateRequest
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
		id := mux.Vars(r)["id"]
		ps, err := s.store.Partners(r.Context())
		if err != nil {
			return 0, nil, err
		}
		for _, p := range ps {
			if err := s.store.DeleteActivation(r.Context(), p.ID, id); err == nil {
				return http.StatusNoContent, nil, nil
			} else if !errors.Is(err, store.ErrForbidden) {
				break
			}
		}
		return 0, nil, errNotFound("there is no activation %q", id)
	}
}

func (s *Server) handleTriggersList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		ts, err := s.store.Triggers(r.Context(), r.URL.Query().Get("partner"))
		return http.StatusOK, map[string]any{"triggers": protocol.NonNil(ts)}, err
	}
}

func (s *Server) handleTriggerCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in TriggerRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		t, err := s.CreateTrigger(r.Context(), in)
		if err != nil {
			return 0, nil, err
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
		if err := s.store.DeleteTrigger(r.Context(), id); err != nil {
			return 0, nil, storeErr(err, fmt.Sprintf("trigger %d", id))
		}
		return http.StatusNoContent, nil, nil
	}
}

func (s *Server) handleManualTrigger() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in ManualRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		out, err := s.ManualTrigger(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, out, nil
	}
}

func (s *Server) handleBulkTrigger() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in BulkRequest
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
		run, ok := s.BulkRun(mux.Vars(r)["id"])
		if !ok {
			return 0, nil, errNotFound("there is no bulk run %q", mux.Vars(r)["id"])
		}
		return http.StatusOK, run, nil
	}
}

// ---- deliveries, results ----

func (s *Server) journalFilter(r *http.Request) (store.JournalFilter, error) {
	q := r.URL.Query()
	f := store.JournalFilter{Kind: q.Get("kind"), Verdict: q.Get("verdict"), PartnerID: q.Get("partner"), EventID: q.Get("event"), ResultID: q.Get("result"), BulkRunID: q.Get("bulk")}
	after, err := queryInt(r, "after")
	if err != nil {
		return f, err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return f, err
	}
	f.AfterID, f.Limit = after, int(limit)
	switch f.Kind {
	case "", store.KindConfig, store.KindActivation, store.KindValidate, store.KindWebhook, store.KindAction, store.KindPartnerAPI:
	default:
		return f, errBadRequest("kind %q is not one of config, activation, validate, webhook, action, partner-api", f.Kind)
	}
	switch f.Verdict {
	case "", store.VerdictOK, store.VerdictFailed, store.VerdictInvalid, store.VerdictError:
	default:
		return f, errBadRequest("verdict %q is not one of ok, failed, invalid, error", f.Verdict)
	}
	return f, nil
}

func (s *Server) handleDeliveriesList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		f, err := s.journalFilter(r)
		if err != nil {
			return 0, nil, err
		}
		// total counts every matching entry the journal keeps, so a
		// client can say "showing 20 of 153".
		limit := f.Limit
		f.Limit = 0
		ds, err := s.store.Journal(r.Context(), f)
		if err != nil {
			return 0, nil, err
		}
		total := len(ds)
		if limit > 0 && len(ds) > limit {
			ds = ds[len(ds)-limit:]
		}
		return http.StatusOK, map[string]any{"deliveries": protocol.NonNil(ds), "total": total}, nil
	}
}

func (s *Server) delivery(r *http.Request) (store.Delivery, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return store.Delivery{}, err
	}
	d, err := s.store.JournalEntry(r.Context(), id)
	if err != nil {
		return store.Delivery{}, errNotFound("there is no delivery %d (the journal keeps the newest entries only)", id)
	}
	return d, nil
}

func (s *Server) handleDeliveryShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		d, err := s.delivery(r)
		return http.StatusOK, d, err
	}
}

func (s *Server) handleDeliveryReplay() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		d, err := s.Replay(r.Context(), id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, d, nil
	}
}

func (s *Server) handleDeliveryCurl() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := s.delivery(r)
		if err != nil {
			writeControlError(w, r, s, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, CurlCommand(d)+"\n")
	})
}

// handleDeliveryStream sends new journal entries as server-sent events
// until the client goes away.
func (s *Server) handleDeliveryStream() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		// Entries after ?after= (or the Last-Event-ID of a reconnecting
		// EventSource) are sent first, so a follower misses none.
		after, err := queryInt(r, "after")
		if err != nil {
			writeControlError(w, r, s, err)
			return
		}
		if id, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64); err == nil && id > after {
			after = id
		}
		ch, stop := s.Subscribe()
		defer stop()
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, ": mockteamtailor deliveries\n\n")
		last := after
		send := func(d store.Delivery) {
			if d.ID <= last {
				return
			}
			last = d.ID
			b, _ := json.Marshal(d)
			fmt.Fprintf(w, "id: %d\nevent: delivery\ndata: %s\n\n", d.ID, b)
		}
		if after > 0 {
			backlog, _ := s.store.Journal(r.Context(), store.JournalFilter{AfterID: after})
			for _, d := range backlog {
				send(d)
			}
		}
		rc.Flush()
		keepAlive := time.NewTicker(15 * time.Second)
		defer keepAlive.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-s.bgCtx.Done():
				return
			case <-keepAlive.C:
				io.WriteString(w, ": keep-alive\n\n")
			case d, ok := <-ch:
				if !ok {
					return
				}
				send(d)
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	})
}

func (s *Server) handleResultsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		cand, err := queryInt(r, "candidate")
		if err != nil {
			return 0, nil, err
		}
		q := r.URL.Query()
		status := protocol.Status(q.Get("status"))
		if status != "" && !status.Valid() {
			return 0, nil, errBadRequest("status %q is not a result status; use one of %s", status, protocol.QuoteList(protocol.StatusNames()))
		}
		rs, err := s.store.AllResults(r.Context(), store.ResultFilter{PartnerID: q.Get("partner"), CandidateID: cand, EventID: q.Get("event"), Status: status})
		out := make([]controlapi.Result, 0, len(rs))
		for _, res := range rs {
			out = append(out, controlapi.Result{PartnerResult: res, UpdateURL: s.ResultURL(res.ID)})
		}
		return http.StatusOK, map[string]any{"results": out}, err
	}
}

func (s *Server) handleResultShowControl() controlFunc {
	return func(r *http.Request) (int, any, error) {
		res, err := s.resultAnyPartner(r.Context(), mux.Vars(r)["id"])
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, controlapi.Result{PartnerResult: res, UpdateURL: s.ResultURL(res.ID)}, nil
	}
}

func (s *Server) handleActionInvoke() controlFunc {
	return func(r *http.Request) (int, any, error) {
		index, err := pathInt(r, "index")
		if err != nil {
			return 0, nil, err
		}
		d, err := s.InvokeAction(r.Context(), mux.Vars(r)["id"], int(index))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, d, nil
	}
}

// ---- faults, uploads, keys, fixtures, reset ----

func (s *Server) faultsView() controlapi.Faults {
	f := s.Faults()
	limit, window, enforce := s.limiter.settings()
	return controlapi.Faults{Latency: f.Latency.String(), Status: f.Status, Count: f.Count, Fraction: f.Fraction, Connection: f.Connection,
		RateLimit: &controlapi.RateLimit{Limit: limit, Window: window.String(), Enforce: enforce}}
}

func (s *Server) handleFaultsShow() controlFunc {
	return func(r *http.Request) (int, any, error) { return http.StatusOK, s.faultsView(), nil }
}

func (s *Server) handleFaultsSet() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.Faults
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		f := Faults{Status: in.Status, Count: in.Count, Fraction: in.Fraction, Connection: in.Connection}
		if in.Latency != "" {
			d, err := time.ParseDuration(in.Latency)
			if err != nil {
				return 0, nil, errInvalid("/latency", "latency %q is not a duration such as 250ms or 2s", in.Latency)
			}
			f.Latency = d
		}
		if err := f.Validate(); err != nil {
			return 0, nil, errInvalid("", "%v", err)
		}
		if in.RateLimit != nil {
			w, err := time.ParseDuration(in.RateLimit.Window)
			if err != nil {
				return 0, nil, errInvalid("/rateLimit/window", "window %q is not a duration such as 10s", in.RateLimit.Window)
			}
			if err := s.SetRateLimit(in.RateLimit.Limit, w, in.RateLimit.Enforce); err != nil {
				return 0, nil, errInvalid("/rateLimit", "%v", err)
			}
		}
		if err := s.SetFaults(f); err != nil {
			return 0, nil, errInvalid("", "%v", err)
		}
		return http.StatusOK, s.faultsView(), nil
	}
}

func (s *Server) handleFaultsClear() controlFunc {
	return func(r *http.Request) (int, any, error) {
		s.SetFaults(Faults{})
		s.limiter.set(s.cfg.RateLimit, s.cfg.RateWindow, s.cfg.EnforceRateLimit)
		return http.StatusOK, s.faultsView(), nil
	}
}

// handleUploadCreate stores a file for a form's file field: the raw
// body is the file, ?name= its name.
func (s *Server) handleUploadCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxUpload+1))
		if err != nil {
			return 0, nil, newError(http.StatusRequestEntityTooLarge, "Request entity too large", "an uploaded file may be at most %d bytes", maxUpload)
		}
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "upload.bin"
		}
		id, err := s.Upload(name, r.Header.Get("Content-Type"), data)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, map[string]any{"id": id, "value": "upload:" + id, "name": name, "size": len(data)}, nil
	}
}

func (s *Server) handleKeys() controlFunc {
	return func(r *http.Request) (int, any, error) {
		ps, err := s.store.Partners(r.Context())
		if err != nil {
			return 0, nil, err
		}
		out := []controlapi.PartnerKeys{}
		for _, p := range ps {
			k := controlapi.PartnerKeys{ID: p.ID, Name: p.Name, APIKey: p.APIKey, WebhookSecret: p.WebhookSecret, Activations: []controlapi.ActivationKeys{}}
			acts, _, _ := s.store.Activations(r.Context(), p.ID, store.Page{})
			for _, a := range acts {
				k.Activations = append(k.Activations, controlapi.ActivationKeys{ID: a.ID, CompanyUUID: a.CompanyUUID, CompanyName: a.CompanyName, ProviderKey: a.ProviderKey})
			}
			out = append(out, k)
		}
		return http.StatusOK, map[string]any{"partners": out}, nil
	}
}

func (s *Server) handleFixtures() controlFunc {
	return func(r *http.Request) (int, any, error) {
		return http.StatusOK, map[string]any{"fixtures": append(fixtures.Catalogue(), s.importedCatalogue()...)}, nil
	}
}

// handleReset starts the mock again (README "Reset").
func (s *Server) handleReset() controlFunc {
	return func(r *http.Request) (int, any, error) {
		if err := s.Reset(r.Context()); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, map[string]any{"reset": true}, nil
	}
}

// MarkStart remembers the mock as it is now as its start state: the
// state Reset returns to. serve calls it once the partner and its sandbox
// are set up.
func (s *Server) MarkStart(ctx context.Context) error {
	if err := s.store.MarkStart(ctx); err != nil {
		return fmt.Errorf("mark the start state: %w", err)
	}
	s.startMu.Lock()
	defer s.startMu.Unlock()
	s.startIDs, s.started = s.ids.Mark(), true
	return nil
}

// Reset starts the mock again. After MarkStart it returns to exactly
// the start state: partners with the settings they had at start (keeping
// their current keys), the sandboxes with the same jobs, candidates and
// ids, and, with a seeded id source, the same ids handed out next as after
// a fresh start. Results, triggers, other companies and activations,
// partners added since, uploads, bulk runs, faults and the journal go.
// Without MarkStart it keeps the partners and seeds each a fresh sandbox.
func (s *Server) Reset(ctx context.Context) error {
	s.startMu.Lock()
	defer s.startMu.Unlock()
	var ps []store.Partner
	if !s.started {
		var err error
		if ps, err = s.store.Partners(ctx); err != nil {
			return err
		}
	}
	if err := s.store.Reset(ctx); err != nil {
		return err
	}
	s.SetFaults(Faults{})
	s.files.clear()
	s.bulk.mu.Lock()
	s.bulk.runs = nil
	s.bulk.mu.Unlock()
	if s.started {
		return s.ids.Rewind(s.startIDs)
	}
	for _, p := range ps {
		if err := s.store.PutPartner(ctx, p); err != nil {
			return err
		}
		if _, err := SeedSandbox(ctx, s.store, s.ids, s.clock, PartnerSettings{ID: p.ID}); err != nil {
			return err
		}
	}
	return nil
}
