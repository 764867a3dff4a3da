package mockteamtailor

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

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
		problems = append(problems, httpapi.Invalid("/apiKey", "apiKey must be at least 8 characters"))
	}
	if in.WebhookSecret != nil && len(*in.WebhookSecret) < 8 {
		problems = append(problems, httpapi.Invalid("/webhookSecret", "webhookSecret must be at least 8 characters"))
	}
	if in.BaseURL != nil {
		if *in.BaseURL == "" {
			p.BaseURL = ""
		} else if err := protocol.DecodeHTTPURL(*in.BaseURL, &p.BaseURL); err != nil {
			problems = append(problems, httpapi.Invalid("/baseUrl", "baseUrl %v", err))
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
				problems = append(problems, httpapi.Invalid(c.ptr+prob.Pointer, "%s", prob.Message))
			}
			*c.dst = protocol.CompactJSON(c.raw)
		}
	}
	setBool(&p.DynamicActivationConfig, in.DynamicActivationConfig)
	setBool(&p.RequireAPIToken, in.RequireAPIToken)
	if in.APITokenScope != nil {
		switch *in.APITokenScope {
		case store.ScopePublic, store.ScopeInternal, store.ScopeAdmin:
			p.APITokenScope = *in.APITokenScope
		default:
			problems = append(problems, httpapi.Invalid("/apiTokenScope", "apiTokenScope %q is not one of public, internal, admin", *in.APITokenScope))
		}
	}
	if in.APITokenPermissions != nil {
		switch *in.APITokenPermissions {
		case "read", "write", "read/write":
			p.APITokenPermissions = *in.APITokenPermissions
		default:
			problems = append(problems, httpapi.Invalid("/apiTokenPermissions", "apiTokenPermissions %q is not one of read, write, read/write", *in.APITokenPermissions))
		}
	}
	setBool(&p.IncludeJobOffers, in.IncludeJobOffers)
	setBool(&p.IncludeUploads, in.IncludeUploads)
	setBool(&p.AllowBulk, in.AllowBulk)
	setBool(&p.Assessment, in.Assessment)
	setString(&p.CTAVerb, in.CTAVerb)
	setString(&p.CTANoun, in.CTANoun)
	if strings.TrimSpace(p.Name) == "" {
		problems = append(problems, httpapi.Invalid("/name", "name must not be empty"))
	}
	if len(problems) > 0 {
		return problems
	}
	return nil
}

// CreatePartner registers a partner (in.ID is required; unset keys are
// generated, the name is "Partner <id>") and activates it in a sandbox
// company of its own, as Teamtailor does for integrations under
// development. An existing id is a 409.
func (s *Server) CreatePartner(ctx context.Context, in controlapi.PartnerInput) (controlapi.PartnerCreated, error) {
	if in.ID == nil || strings.TrimSpace(*in.ID) == "" {
		return controlapi.PartnerCreated{}, httpapi.Invalid("/id", "id is required, e.g. \"2\" or \"staging\"")
	}
	if _, err := s.store.Partner(ctx, *in.ID); err == nil {
		return controlapi.PartnerCreated{}, httpapi.Conflict("partner %q exists already; PATCH /mock/v1/partners/%s changes it", *in.ID, *in.ID)
	}
	p := store.Partner{ID: *in.ID, Name: "Partner " + *in.ID, APIKey: s.ids.Secret("ttpk_", 20), WebhookSecret: s.ids.Secret("ttws_", 24)}
	if err := applyPartnerInput(in, &p); err != nil {
		return controlapi.PartnerCreated{}, err
	}
	if err := s.store.PutPartner(ctx, p); err != nil {
		return controlapi.PartnerCreated{}, storeErr(err, "partner "+p.ID)
	}
	sb, err := sandbox.Seed(ctx, s.store, s.ids, s.clock, sandbox.PartnerSettings{ID: p.ID})
	if err != nil {
		return controlapi.PartnerCreated{}, err
	}
	return controlapi.PartnerCreated{Partner: controlapi.PartnerView{Partner: sb.Partner, CTA: sb.Partner.CTALabel()}, Sandbox: sb.Company, Activation: sb.Activation}, nil
}

// UpdatePartner changes the settings of partner id that in gives, and
// only those; its id cannot change.
func (s *Server) UpdatePartner(ctx context.Context, id string, in controlapi.PartnerInput) (controlapi.PartnerView, error) {
	p, err := s.store.Partner(ctx, id)
	if err != nil {
		return controlapi.PartnerView{}, storeErr(err, "partner "+strconv.Quote(id))
	}
	if in.ID != nil && *in.ID != p.ID {
		return controlapi.PartnerView{}, httpapi.Invalid("/id", "a partner's id cannot change")
	}
	if err := applyPartnerInput(in, &p); err != nil {
		return controlapi.PartnerView{}, err
	}
	if err := s.store.PutPartner(ctx, p); err != nil {
		return controlapi.PartnerView{}, storeErr(err, "partner "+p.ID)
	}
	return controlapi.PartnerView{Partner: p, CTA: p.CTALabel()}, nil
}

// Partners returns every partner, ordered by id.
func (s *Server) Partners(ctx context.Context) ([]controlapi.PartnerView, error) {
	ps, err := s.store.Partners(ctx)
	if err != nil {
		return nil, err
	}
	out := []controlapi.PartnerView{}
	for _, p := range ps {
		out = append(out, controlapi.PartnerView{Partner: p, CTA: p.CTALabel()})
	}
	return out, nil
}

// Partner returns one partner.
func (s *Server) Partner(ctx context.Context, id string) (controlapi.PartnerView, error) {
	p, err := s.store.Partner(ctx, id)
	if err != nil {
		return controlapi.PartnerView{}, storeErr(err, "partner "+strconv.Quote(id))
	}
	return controlapi.PartnerView{Partner: p, CTA: p.CTALabel()}, nil
}
