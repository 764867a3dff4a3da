package mockteamtailor

import (
	"net/http"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/guard"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// The mock runs beside a browser on developers' machines: what a web
// page on another site must not be able to do is drive it. The checks
// are package guard's; controlGuard applies them by path.

// controlGuard protects the control API (/mock/v1) and, for the token,
// the web UI, and keeps cross-site requests off the Partner API: no
// cross-site requests of any method, no bodies a
// plain HTML form or a no-cors fetch can send, and the control token when
// one is set.
func (s *Server) controlGuard(next http.Handler) http.Handler {
	token := guard.Token(s.cfg.ControlToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api := strings.HasPrefix(r.URL.Path, "/mock/")
		ui := !api && !strings.HasPrefix(r.URL.Path, "/partner/") && !strings.HasPrefix(r.URL.Path, "/files/") && !strings.HasPrefix(r.URL.Path, "/v1/") &&
			!strings.HasPrefix(r.URL.Path, "/schemas") && r.URL.Path != "/healthz"
		if !api && !ui {
			if strings.HasPrefix(r.URL.Path, "/partner/") {
				// Partners call the Partner API from their servers, never
				// from a browser. Every request to it is journaled (and
				// counts against faults and rate limits), so a page on
				// another site must not reach it: an <img> per entry
				// would push real calls out of the journal.
				if err := guard.CrossSite(r); err != nil {
					Refuse(w, err)
					return
				}
			}
			next.ServeHTTP(w, r)
			return
		}
		if s.cfg.ControlToken != "" {
			if ui && r.URL.Query().Has("token") {
				token.Accept(w, r, Refuse)
				return
			}
			if !token.OK(r) {
				token.Refuse(w, api, Refuse)
				return
			}
		}
		if !api {
			next.ServeHTTP(w, r)
			return
		}
		// Every method: some GETs call the partner (guard.CrossSite).
		if err := guard.CrossSite(r); err != nil {
			Refuse(w, err)
			return
		}
		if err := guard.JSONBody(r, "/mock/v1/uploads"); err != nil {
			Refuse(w, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Refuse answers a request a guard refused with err as the {"errors":
// [...]} document both APIs use, without a request logger (the guards
// run before routing).
func Refuse(w http.ResponseWriter, err *protocol.Error) {
	status, body, _ := httpapi.ErrorBody(err)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(body)
}
