package controlhttp

import (
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// handleResultWait is GET /mock/v1/results/{id}/wait?timeout=30s: the
// long poll of WaitResult. It answers 200 in both cases, with "final"
// saying which; a timeout that is not a duration between 1ms and
// controlapi.MaxResultWait is a 400 naming the parameter.
func (a *API) handleResultWait() controlFunc {
	return func(r *http.Request) (int, any, error) {
		timeout, err := parseWaitTimeout(r.URL.Query().Get("timeout"))
		if err != nil {
			return 0, nil, err
		}
		out, err := a.admin.WaitResult(r.Context(), mux.Vars(r)["id"], timeout)
		if err != nil && r.Context().Err() != nil {
			// The client went away: nobody reads this answer, and it is
			// not the mock's failure.
			return 0, nil, httpapi.New(http.StatusRequestTimeout, "Request timeout", "the client closed the request before the result was final")
		}
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, out, nil
	}
}

// parseWaitTimeout reads ?timeout= of a wait: a Go duration ("500ms",
// "30s"), controlapi.DefaultResultWait when empty.
func parseWaitTimeout(v string) (time.Duration, error) {
	if v == "" {
		return controlapi.DefaultResultWait, nil
	}
	d, err := time.ParseDuration(v)
	var e *protocol.Error
	switch {
	case err != nil:
		e = httpapi.BadRequest("query parameter timeout must be a duration such as 500ms or 30s, got %q", v)
	case d < time.Millisecond:
		e = httpapi.BadRequest("query parameter timeout must be at least 1ms, got %q", v)
	case d > controlapi.MaxResultWait:
		e = httpapi.BadRequest("query parameter timeout must be at most %s, got %q: ask again to wait longer", controlapi.MaxResultWait, v)
	default:
		return d, nil
	}
	e.Parameter = "timeout"
	return 0, e
}
