package controlhttp

import (
	"net/http"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// Company webhooks and partner webhook setups in the control API
// (docs/company-webhooks.md §2, §6).

func (a *API) handleSubscriptionsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		out, err := a.admin.Webhooks(r.Context(), r.URL.Query().Get("company"))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, controlapi.SubscriptionList{Webhooks: out}, nil
	}
}
