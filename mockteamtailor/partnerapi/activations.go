package partnerapi

import (
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// activationAttributes is how a partner activation is rendered (docs/protocol.md
// §2.2).
type activationAttributes struct {
	ProviderKey string `json:"provider-key"`
	CompanyName string `json:"company-name"`
	CompanyUUID string `json:"company-uuid"`
}

// activationResource renders a; the provider key goes out as a JWE keyed
// by the partner's webhook secret (docs/protocol.md §2.2), encrypted afresh on
// each request so it always matches the current secret.
func (s *API) activationResource(p store.Partner, a store.Activation) (resourceObject, error) {
	jwe, err := providerkey.Encrypt(p.WebhookSecret, a.ProviderKey, s.ids)
	if err != nil {
		return resourceObject{}, fmt.Errorf("activation %s: %w", a.ID, err)
	}
	return resourceObject{
		ID:         a.ID,
		Type:       "partner-activations",
		Links:      resourceLinks{Self: s.cfg.baseURL() + "/partner/v1/partner-activations/" + a.ID},
		Attributes: activationAttributes{ProviderKey: jwe, CompanyName: a.CompanyName, CompanyUUID: a.CompanyUUID},
	}, nil
}

func (s *API) handleActivationList() http.Handler {
	return s.listHandler("/partner/v1/partner-activations", func(r *http.Request, partner store.Partner, page store.Page) ([]resourceObject, int, error) {
		acts, total, err := s.store.Activations(r.Context(), partner.ID, page)
		if err != nil {
			return nil, 0, err
		}
		data := make([]resourceObject, 0, len(acts))
		for _, a := range acts {
			res, err := s.activationResource(partner, a)
			if err != nil {
				return nil, 0, err
			}
			data = append(data, res)
		}
		return data, total, nil
	})
}

func (s *API) handleActivationGet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		partner := partnerFrom(r.Context())
		a, err := s.store.Activation(r.Context(), partner.ID, mux.Vars(r)["id"])
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		res, err := s.activationResource(partner, a)
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		writeJSONAPI(w, r, s.logger, http.StatusOK, dataDocument{Data: res})
	})
}
