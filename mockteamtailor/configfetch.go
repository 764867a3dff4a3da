package mockteamtailor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/delivery"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// maxRefetches bounds refetch rounds, so a partner that keeps adding
// refetch fields cannot loop the mock.
const maxRefetches = 5

// activated returns the partner, the company and the partner's activation
// in it, or a 4xx saying which is missing.
func (s *Server) activated(ctx context.Context, partnerID, companyUUID string) (store.Partner, store.Company, store.Activation, error) {
	p, err := s.store.Partner(ctx, partnerID)
	if err != nil {
		return store.Partner{}, store.Company{}, store.Activation{}, httpapi.NotFound("there is no partner %q", partnerID)
	}
	c, err := s.store.Company(ctx, companyUUID)
	if err != nil {
		return p, store.Company{}, store.Activation{}, httpapi.NotFound("there is no company %q", companyUUID)
	}
	a, err := s.store.ActivationFor(ctx, partnerID, companyUUID)
	if err != nil {
		return p, c, store.Activation{}, httpapi.Conflict("partner %q is not activated in company %q (%s); activate it first", partnerID, c.Name, companyUUID)
	}
	return p, c, a, nil
}

// FetchConfig gets the form of a trigger: the partner's static
// webhook-config when it has one, else GET BASE_URL/config (docs/protocol.md §3).
// Every fetch is journaled; a response that is not a valid config
// document is a 502 naming the journal entry.
func (s *Server) FetchConfig(ctx context.Context, req controlapi.ConfigRequest) (controlapi.ConfigResult, error) {
	p, _, act, err := s.activated(ctx, req.PartnerID, req.CompanyUUID)
	if err != nil {
		return controlapi.ConfigResult{}, err
	}
	if p.WebhookConfig != nil {
		form, problems := protocol.ParseForm("config", p.WebhookConfig)
		if len(problems) > 0 {
			return controlapi.ConfigResult{}, httpapi.Conflict("the partner's static webhook-config is not valid: %s", delivery.ProblemList(problems))
		}
		res := controlapi.ConfigResult{Form: form, Document: p.WebhookConfig, Static: true}
		res.ErrorMessage, _ = form.ErrorMessage()
		return res, nil
	}
	query := url.Values{}
	if !req.Bulk {
		for name, v := range map[string]int64{"job_id": req.JobID, "stage_id": req.StageID, "user_id": req.UserID} {
			if v != 0 {
				query.Set(name, strconv.FormatInt(v, 10))
			}
		}
	}
	var res controlapi.ConfigResult
	for round := 0; ; round++ {
		form, doc, d, err := s.sender.FetchConfig(ctx, p, act, query, store.Delivery{CompanyUUID: req.CompanyUUID, Purpose: req.Purpose})
		if refused := (*delivery.PartnerError)(nil); errors.As(err, &refused) {
			res.DeliveryIDs = append(res.DeliveryIDs, d.ID)
		}
		if err != nil {
			return res, err
		}
		res.DeliveryIDs = append(res.DeliveryIDs, d.ID)
		res.Form, res.Document = form, doc
		res.ErrorMessage, _ = form.ErrorMessage()
		// docs/protocol.md §3: a change of a refetch field makes Teamtailor fetch
		// again with the picked values; fetch while new ones apply.
		added := false
		for _, f := range form.Fields {
			if v, ok := req.Picked[f.ID]; ok && f.Refetch && query.Get(f.ID) != v {
				query.Set(f.ID, v)
				added = true
			}
		}
		if !added || round >= maxRefetches {
			return res, nil
		}
	}
}

// PickValues checks the values picked in a form and returns them as
// webhook-data. Values "upload:<id>" of file fields become signed URLs of
// the uploaded file (docs/protocol.md §1.1). A form with an error field refuses
// everything.
func (s *Server) PickValues(form protocol.Form, picked map[string]string) (map[string]string, error) {
	if msg, ok := form.ErrorMessage(); ok {
		return nil, httpapi.New(http.StatusUnprocessableEntity, "Blocked by the partner", "the partner's config has an error field, which blocks saving: %s", msg)
	}
	values, problems := form.CheckValues(picked)
	if len(problems) > 0 {
		return nil, problemsError("/data", problems)
	}
	for _, f := range form.Fields {
		v, ok := values[f.ID]
		if !ok || f.Type != "file" {
			continue
		}
		id, isUpload := strings.CutPrefix(v, "upload:")
		if !isUpload {
			return nil, problemsError("/data", []protocol.Problem{{Pointer: f.ID, Message: fmt.Sprintf("%s is a file field: upload the file (POST /mock/v1/uploads) and give \"upload:<id>\"", protocol.FieldName(f))}})
		}
		if !s.files.Has(id) {
			return nil, problemsError("/data", []protocol.Problem{{Pointer: f.ID, Message: fmt.Sprintf("there is no upload %q", id)}})
		}
		values[f.ID] = s.files.URL(id)
	}
	return protocol.WebhookData(values), nil
}

// problemsError turns form problems into one 422 per problem, each
// pointing at base/<field>.
func problemsError(base string, problems []protocol.Problem) error {
	var out protocol.Errors
	for _, p := range problems {
		ptr := base
		if p.Pointer != "" {
			ptr += "/" + protocol.PointerEscape(strings.TrimPrefix(p.Pointer, "/"))
		}
		out = append(out, httpapi.Invalid(ptr, "%s", p.Message))
	}
	return out
}
