package mockteamtailor

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlhttp"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/guard"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
)

// routes maps the whole HTTP surface of the mock. If a route is not listed
// here, the mock does not serve it.
func (s *Server) routes() http.Handler {
	root := mux.NewRouter()
	root.Handle("/healthz", handleHealth()).Methods(http.MethodGet, http.MethodHead)
	root.Handle("/schemas/", s.handleSchemaIndex()).Methods(http.MethodGet, http.MethodHead)
	root.Handle("/schemas/{name}.schema.json", s.handleSchema()).Methods(http.MethodGet, http.MethodHead)

	// The Partner API (package partnerapi), behind the same Host check.
	root.PathPrefix("/partner/").Handler(s.api)
	// Teamtailor's public API (package publicapi), over the same store.
	root.PathPrefix(publicapi.Prefix).Handler(s.v1)

	// Signed URLs of files uploaded for file fields (docs/protocol.md §1.1).
	root.Handle("/files/{id}", s.files.Handler()).Methods(http.MethodGet)

	// The control API: the mock's own admin surface (package controlhttp
	// lists its routes).
	controlhttp.New(s, s.bgCtx.Done(), s.logger).Register(root)

	// Everything else is the web UI's, when one is mounted (SetUI).
	notAPI := func(r *http.Request, _ *mux.RouteMatch) bool {
		return !strings.HasPrefix(r.URL.Path, "/mock/") && !strings.HasPrefix(r.URL.Path, "/partner/") && !strings.HasPrefix(r.URL.Path, publicapi.Prefix)
	}
	// A matcher alone, not PathPrefix("/"): a path matcher that matches
	// everything would turn a wrong method on an API route into a 404.
	root.MatcherFunc(notAPI).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ui := s.ui.Load(); ui != nil {
			(*ui).ServeHTTP(w, r)
			return
		}
		httpapi.RouteNotFound(s.logger).ServeHTTP(w, r)
	}))
	root.NotFoundHandler = httpapi.RouteNotFound(s.logger)
	root.MethodNotAllowedHandler = httpapi.MethodNotAllowed(s.logger)
	// Every request passes the Host check first; the control API and the
	// web UI also the cross-site, media type and token checks (package guard).
	return s.recoverPanics(s.logRequests(guard.Hosts(guard.NewHostPolicy(s.cfg.PublicURL, s.cfg.AllowedHosts), Refuse, s.controlGuard(s.api.Hot(root)))))
}

func handleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}

// PartnerFacingPath reports whether path is one a partner calls: the
// Partner API (docs/protocol.md §2) or a file URL of a webhook (§1.1). The
// conformance suite's embedded mock serves only these.
func PartnerFacingPath(path string) bool {
	return strings.HasPrefix(path, "/partner/") || strings.HasPrefix(path, "/files/")
}
