package partnerapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gorilla/mux"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// partnerAttributes is how a partner is rendered (docs/protocol.md §2.1). Unset
// configs are null.
type partnerAttributes struct {
	Name                    string          `json:"name"`
	BaseURL                 *string         `json:"base-url"`
	WebhookConfig           json.RawMessage `json:"webhook-config"`
	WebhookActivationConfig json.RawMessage `json:"webhook-activation-config"`
	DynamicActivationConfig bool            `json:"dynamic-activation-config"`
}

var partnerAttributeNames = []string{"name", "base-url", "webhook-config", "webhook-activation-config", "dynamic-activation-config"}

func (s *API) partnerResource(p store.Partner) resourceObject {
	attrs := partnerAttributes{
		Name:                    p.Name,
		WebhookConfig:           p.WebhookConfig,
		WebhookActivationConfig: p.WebhookActivationConfig,
		DynamicActivationConfig: p.DynamicActivationConfig,
	}
	if p.BaseURL != "" {
		attrs.BaseURL = &p.BaseURL
	}
	return resourceObject{
		ID:         p.ID,
		Type:       "partners",
		Links:      resourceLinks{Self: s.cfg.baseURL() + "/partner/v1/partners/" + p.ID},
		Attributes: attrs,
	}
}

// ownPartner checks that the {id} in the URL is the caller's own partner:
// another partner's id is a 403, an unknown one a 404.
func (s *API) ownPartner(r *http.Request) (store.Partner, error) {
	caller := partnerFrom(r.Context())
	id := mux.Vars(r)["id"]
	if id == caller.ID {
		return caller, nil
	}
	if _, err := s.store.Partner(r.Context(), id); errors.Is(err, store.ErrNotFound) {
		return store.Partner{}, httpapi.NotFound("there is no partner %q", id)
	}
	return store.Partner{}, httpapi.Forbidden("partner %q is not the partner of this API key (%q)", id, caller.ID)
}

func (s *API) handlePartnerGet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.ownPartner(r)
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		writeJSONAPI(w, r, s.logger, http.StatusOK, dataDocument{Data: s.partnerResource(p)})
	})
}

func (s *API) handlePartnerUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.ownPartner(r)
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		in, err := decodeResource(r, s.cfg.MaxBodyBytes, "partners")
		if err == nil {
			err = checkQuery(r, false)
		}
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		var problems protocol.Errors
		if in.HasID && in.ID != p.ID {
			problems = append(problems, httpapi.Invalid("/data/id", "data.id %q does not match the id in the URL %q", in.ID, p.ID))
		}
		problems = append(problems, applyPartnerAttrs(&p, in)...)
		if len(problems) > 0 {
			httpapi.WriteError(w, r, s.logger, problems)
			return
		}
		if err := s.store.PutPartner(r.Context(), p); err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		writeJSONAPI(w, r, s.logger, http.StatusOK, dataDocument{Data: s.partnerResource(p)})
	})
}

// applyPartnerAttrs validates the attributes of a partner PUT and writes
// them onto p (docs/protocol.md §2.1).
func applyPartnerAttrs(p *store.Partner, in protocol.Resource) protocol.Errors {
	var problems protocol.Errors
	bad := func(name, format string, args ...any) {
		problems = append(problems, httpapi.Invalid("/data/attributes/"+name, format, args...))
	}
	for _, name := range protocol.SortedKeys(in.Attributes) {
		if !slices.Contains(partnerAttributeNames, name) {
			bad(protocol.PointerEscape(name), "%q is not a partners attribute; the attributes are %s", name, strings.Join(partnerAttributeNames, ", "))
		}
	}
	for _, name := range partnerAttributeNames {
		value, ok := in.Attributes[name]
		if !ok {
			continue
		}
		null := value == nil
		raw, _ := json.Marshal(value)
		switch name {
		case "name":
			if v, _ := value.(string); v != p.Name {
				bad(name, "name is immutable: it is %q and can only be changed by Teamtailor", p.Name)
			}
		case "base-url":
			if null {
				p.BaseURL = ""
				continue
			}
			var v string
			if err := protocol.DecodeHTTPURL(value, &v); err != nil {
				bad(name, "base-url %v", err)
			}
			p.BaseURL = strings.TrimRight(v, "/")
		case "webhook-config":
			if null {
				p.WebhookConfig = nil
				continue
			}
			for _, prob := range protocol.CheckConfig("config", raw) {
				bad(name+prob.Pointer, "webhook-config is not a valid config document: %s", prob.Message)
			}
			p.WebhookConfig = protocol.CompactJSON(raw)
		case "webhook-activation-config":
			if null {
				p.WebhookActivationConfig = nil
				continue
			}
			// docs/protocol.md §2.1: the empty object means "dynamic".
			if compact := protocol.CompactJSON(raw); !bytes.Equal(compact, []byte("{}")) {
				for _, prob := range protocol.CheckConfig("activation-config", raw) {
					bad(name+prob.Pointer, "webhook-activation-config is not a valid activation config: %s", prob.Message)
				}
			}
			p.WebhookActivationConfig = protocol.CompactJSON(raw)
		case "dynamic-activation-config":
			b, isBool := value.(bool)
			if !isBool {
				bad(name, "dynamic-activation-config must be true or false, got %s", protocol.KindOf(value))
			}
			p.DynamicActivationConfig = b
		}
	}
	return problems
}
