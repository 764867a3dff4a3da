package mockteamtailor

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"unicode"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/internal/secret"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/delivery"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// isDynamic reports whether the partner's activation form is fetched:
// the dynamic flag, or an empty static config (docs/protocol.md §2.1).
func isDynamic(p store.Partner) bool {
	return p.DynamicActivationConfig || bytes.Equal(bytes.TrimSpace(p.WebhookActivationConfig), []byte("{}"))
}

// ActivationForm returns the partner's activation form for a company:
// the static webhook-activation-config, or, when dynamic, the answer of
// GET BASE_URL/activation?company_id=... (docs/protocol.md §4). A partner with
// neither has a form without fields.
func (s *Server) ActivationForm(ctx context.Context, partnerID, companyUUID string) (controlapi.ActivationFormResult, error) {
	p, err := s.store.Partner(ctx, partnerID)
	if err != nil {
		return controlapi.ActivationFormResult{}, httpapi.NotFound("there is no partner %q", partnerID)
	}
	if _, err := s.store.Company(ctx, companyUUID); err != nil {
		return controlapi.ActivationFormResult{}, httpapi.NotFound("there is no company %q", companyUUID)
	}
	return s.activationForm(ctx, p, companyUUID, "")
}

// ShowActivationForm is ActivationForm for a form only being shown to a
// person: a fetch is journaled with Purpose PurposeForm.
func (s *Server) ShowActivationForm(ctx context.Context, partnerID, companyUUID string) (controlapi.ActivationFormResult, error) {
	p, err := s.store.Partner(ctx, partnerID)
	if err != nil {
		return controlapi.ActivationFormResult{}, httpapi.NotFound("there is no partner %q", partnerID)
	}
	if _, err := s.store.Company(ctx, companyUUID); err != nil {
		return controlapi.ActivationFormResult{}, httpapi.NotFound("there is no company %q", companyUUID)
	}
	return s.activationForm(ctx, p, companyUUID, store.PurposeForm)
}

// activationForm is ActivationForm for a company that may not be stored
// yet (an activation in a new company).
func (s *Server) activationForm(ctx context.Context, p store.Partner, companyUUID, purpose string) (controlapi.ActivationFormResult, error) {
	switch {
	case isDynamic(p):
		// Before the first activation there is no provider key to send; a
		// re-activation sends the current one.
		var act *store.Activation
		if a, err := s.store.ActivationFor(ctx, p.ID, companyUUID); err == nil {
			act = &a
		}
		form, doc, d, err := s.sender.FetchActivationConfig(ctx, p, act, companyUUID, purpose)
		if refused := (*delivery.PartnerError)(nil); err != nil && !errors.As(err, &refused) {
			return controlapi.ActivationFormResult{}, err // nothing was sent
		}
		return controlapi.ActivationFormResult{Dynamic: true, Form: form, Document: doc, DeliveryID: d.ID}, err
	case p.WebhookActivationConfig != nil:
		form, problems := protocol.ParseForm("activation-config", p.WebhookActivationConfig)
		if len(problems) > 0 {
			return controlapi.ActivationFormResult{}, httpapi.Conflict("the partner's static webhook-activation-config is not valid: %s", delivery.ProblemList(problems))
		}
		return controlapi.ActivationFormResult{Form: form, Document: p.WebhookActivationConfig}, nil
	}
	empty := json.RawMessage(`{"config":{"fields":[]}}`)
	return controlapi.ActivationFormResult{Form: protocol.Form{Fields: []protocol.FormField{}}, Document: empty}, nil
}

// customFieldTypes are the types customFieldMapping supports (docs/protocol.md §4).
var customFieldTypes = []string{"text", "number", "date", "checkbox", "select", "multiselect", "url", "phone"}

// Activate runs the marketplace activation of docs/protocol.md §4: the form
// values are checked, the provider key made, the validation endpoint (if
// any) asked, custom fields mapped or created, and the activation stored.
// A refusal by the validation endpoint is not an error: Activated is false
// and Errors holds its messages.
func (s *Server) Activate(ctx context.Context, req controlapi.ActivateRequest) (controlapi.ActivateResult, error) {
	var res controlapi.ActivateResult
	p, err := s.store.Partner(ctx, req.PartnerID)
	if err != nil {
		return res, httpapi.NotFound("there is no partner %q", req.PartnerID)
	}
	company, err := s.store.Company(ctx, req.CompanyUUID)
	fresh := req.NewCompanyFixture != ""
	switch {
	case fresh && err == nil:
		return res, httpapi.Conflict("company %q exists already; leave out newCompanyFixture to activate in it", req.CompanyUUID)
	case fresh:
		if company, err = s.newCompany(req.NewCompanyFixture, req.CompanyUUID); err != nil {
			return res, err
		}
		if tokens := company.TokensFor(p.APITokenScope, p.APITokenPermissions); req.APIToken == "" && p.RequireAPIToken && len(tokens) > 0 {
			req.APIToken = tokens[0]
		}
	case err != nil:
		return res, httpapi.NotFound("there is no company %q", req.CompanyUUID)
	}
	if _, err := s.store.ActivationFor(ctx, p.ID, company.UUID); err == nil {
		return res, httpapi.Conflict("partner %q is already activated in %s; deactivate it first", p.ID, company.Name)
	}
	formRes, err := s.activationForm(ctx, p, company.UUID, "")
	if err != nil {
		return res, err
	}
	form := formRes.Form
	values := map[string]string{}
	for k, v := range req.Values {
		values[k] = v
	}
	// A default_key field gets a generated UUID shown to the user
	// (docs/protocol.md §4), whatever was typed.
	for _, f := range form.Fields {
		if f.ID == "default_key" {
			res.DefaultKey = s.ids.SecretUUID()
			values["default_key"] = res.DefaultKey
		}
	}
	checked, problems := form.CheckValues(values)
	if len(problems) > 0 {
		return res, problemsError("/values", problems)
	}
	// The key must allow the partner's required scope and permissions
	// (docs/public-api.md §2).
	if tokens := company.TokensFor(p.APITokenScope, p.APITokenPermissions); p.RequireAPIToken && !slices.Contains(tokens, req.APIToken) {
		if len(tokens) == 0 {
			return res, httpapi.Invalid("/apiToken", "partner %q requires a company API token, a key of scope %s with %s permissions, and %s has none: create one (POST /mock/v1/companies/%s/api-keys)",
				p.ID, cmp.Or(p.APITokenScope, store.ScopeAdmin), cmp.Or(p.APITokenPermissions, "read/write"), company.Name, company.UUID)
		}
		return res, httpapi.Invalid("/apiToken", "partner %q requires a company API token, a key of scope %s with %s permissions: pick one of %s's (%s)",
			p.ID, cmp.Or(p.APITokenScope, store.ScopeAdmin), cmp.Or(p.APITokenPermissions, "read/write"), company.Name, strings.Join(maskAll(tokens), ", "))
	}
	mappings, err := planMappings(form.CustomFieldMapping, company, req.Mapping)
	if err != nil {
		return res, err
	}

	// docs/protocol.md §4: no fields, a UUID; fields, an HS256 JWT of the values.
	key := s.ids.SecretUUID()
	if hasValueFields(form) {
		if key, err = providerkey.NewJWT(p.APIKey, checked, s.clock()); err != nil {
			return res, httpapi.Invalid("/values", "the provider key could not be made: %v", err)
		}
	}
	act := store.Activation{PartnerID: p.ID, CompanyUUID: company.UUID, CompanyName: company.Name, ProviderKey: key,
		CreatedAt: s.clock().UTC(), Values: checked, APIToken: req.APIToken, Mappings: mappings}

	if form.ValidateEndpoint != "" {
		// docs/protocol.md §1.3: 2xx activates; >= 400 refuses with the
		// body's errors; anything else is the partner's error.
		refusal, d, err := s.sender.Validate(ctx, p, act, form.ValidateEndpoint)
		res.ValidateDeliveryID = d.ID
		if err != nil {
			return res, err
		}
		if refusal != nil {
			res.Errors = refusal
			return res, nil
		}
	}
	if fresh {
		if err := s.store.PutCompany(ctx, company); err != nil {
			return res, err
		}
		res.Company = &company
	}
	if err := s.createMappedFields(ctx, company.UUID, mappings); err != nil {
		return res, err
	}
	act, err = s.store.CreateActivation(ctx, act)
	if err != nil {
		return res, err
	}
	res.Activated, res.Activation = true, act
	return res, nil
}

func hasValueFields(f protocol.Form) bool {
	return slices.ContainsFunc(f.Fields, protocol.FormField.HasValue)
}

// planMappings decides, for each customFieldMapping entry, the company
// field it maps to (docs/protocol.md §4): select and multiselect without options
// are skipped, unknown types ignored, apiName normalised to kebab-case.
func planMappings(decls []protocol.CustomFieldMappingDecl, company store.Company, chosen map[string]string) ([]store.FieldMapping, error) {
	var out []store.FieldMapping
	var problems protocol.Errors
	known := map[string]bool{}
	for _, d := range decls {
		api := KebabCase(d.APIName)
		if api == "" || !slices.Contains(customFieldTypes, d.Type) || ((d.Type == "select" || d.Type == "multiselect") && len(d.Options) == 0) || known[api] {
			continue
		}
		known[api] = true
		m := store.FieldMapping{Name: d.Name, APIName: api, Type: d.Type, MappedFrom: api, Created: true, Options: d.Options}
		if target, ok := chosen[api]; ok && target != "" {
			if !slices.ContainsFunc(company.CustomFields, func(f store.CustomFieldDef) bool { return f.APIName == target }) {
				problems = append(problems, httpapi.Invalid("/mapping/"+protocol.PointerEscape(api), "%s has no custom field %q to map %q onto", company.Name, target, api))
				continue
			}
			m.MappedFrom, m.Created = target, false
		}
		out = append(out, m)
	}
	for api := range chosen {
		if !known[api] {
			problems = append(problems, httpapi.Invalid("/mapping/"+protocol.PointerEscape(api), "the activation config declares no custom field %q to map", api))
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return out, nil
}

// createMappedFields creates the company custom fields the mappings need,
// each once: a field that exists already is reused, never duplicated.
func (s *Server) createMappedFields(ctx context.Context, companyUUID string, mappings []store.FieldMapping) error {
	_, err := s.store.UpdateCompany(ctx, companyUUID, func(c *store.Company) error {
		for _, m := range mappings {
			if !m.Created || slices.ContainsFunc(c.CustomFields, func(f store.CustomFieldDef) bool { return f.APIName == m.APIName }) {
				continue
			}
			c.CustomFields = append(c.CustomFields, store.CustomFieldDef{Name: m.Name, APIName: m.APIName, Type: m.Type, Options: m.Options})
		}
		return nil
	})
	return err
}

// KebabCase normalises an apiName the way Teamtailor does: lower case
// words joined by "-" ("Preferred Language", "preferredLanguage" and
// "preferred_language" all become "preferred-language").
func KebabCase(s string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			if prevLower {
				b.WriteByte('-')
			}
			b.WriteRune(unicode.ToLower(r))
			prevLower = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			prevLower = true
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
			prevLower = false
		}
	}
	return strings.Trim(b.String(), "-")
}

// maskAll masks secrets for messages: the first 4 characters and the
// length.
func maskAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = secret.Mask(s)
	}
	return out
}

// newCompany makes (but does not store) a company from a company fixture
// with the given uuid (a generated one for "") and an API token.
func (s *Server) newCompany(fixture, uuid string) (store.Company, error) {
	f, err := fixtures.CompanyByName(fixture)
	if err != nil {
		return store.Company{}, httpapi.Invalid("/newCompanyFixture", "%v", err)
	}
	c := sandbox.CompanyFromFixture(f)
	if uuid != "" {
		c.UUID = uuid
	} else {
		c.UUID = s.ids.Secret("c", 5)
	}
	c.APITokens = []string{s.ids.Secret("ttapi_", 16)}
	return c, nil
}

// PlannedMappings returns the custom field mappings an activation of form
// in company would make when the company maps nothing itself: one per
// customFieldMapping entry that Activate keeps (docs/protocol.md §4: select and
// multiselect without options skipped, unknown types ignored, apiName in
// kebab-case), each creating its field. A web UI lists them so the company
// can map some onto existing fields (ActivateRequest.Mapping, keyed by the
// APIName returned here) instead.
func PlannedMappings(form protocol.Form, company store.Company) []store.FieldMapping {
	m, _ := planMappings(form.CustomFieldMapping, company, nil)
	return m
}
