package controlhttp

import (
	"net/http"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// handleReplay replays a captured webhook (POST /mock/v1/replays).
func (a *API) handleReplay() controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in controlapi.ReplayRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		out, err := a.admin.ReplayCapture(r.Context(), in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, out, nil
	}
}
