package mockteamtailor

import (
	"net/http"

	"github.com/gorilla/mux"
)

// routes maps the whole HTTP surface of the mock. If a route is not listed
// here, the mock does not serve it.
func (s *Server) routes() http.Handler {
	root := mux.NewRouter()
	root.Handle("/healthz", handleHealth()).Methods(http.MethodGet, http.MethodHead)
	root.Handle("/schemas/", s.handleSchemaIndex()).Methods(http.MethodGet)
	root.Handle("/schemas/{name}.schema.json", s.handleSchema()).Methods(http.MethodGet)

	// The Partner API is a router of its own, wrapped as a whole, so auth,
	// version and rate-limit headers apply to unmatched paths too
	// (gorilla/mux runs Use middleware only on matched routes).
	api := mux.NewRouter()
	api.NotFoundHandler = s.handleAPINotFound()
	api.MethodNotAllowedHandler = s.handleAPIMethodNotAllowed()
	// Full paths, not a subrouter: a subrouter would turn a wrong method
	// into a 404 instead of a 405.
	const v1 = "/partner/v1"
	api.Handle(v1+"/partners/{id}", s.handlePartnerGet()).Methods(http.MethodGet)
	api.Handle(v1+"/partners/{id}", s.handlePartnerUpdate()).Methods(http.MethodPut, http.MethodPatch)
	api.Handle(v1+"/partner-activations", s.handleActivationList()).Methods(http.MethodGet)
	api.Handle(v1+"/partner-activations/{id}", s.handleActivationGet()).Methods(http.MethodGet)
	api.Handle(v1+"/partner-results", s.handleResultList()).Methods(http.MethodGet)
	api.Handle(v1+"/partner-results", s.handleResultCreate()).Methods(http.MethodPost)
	api.Handle(v1+"/partner-results/{id}", s.handleResultGet()).Methods(http.MethodGet)
	api.Handle(v1+"/partner-results/{id}", s.handleResultUpdate()).Methods(http.MethodPut, http.MethodPatch)
	api.Handle(v1+"/partner-results/{id}", s.handleResultDelete()).Methods(http.MethodDelete)
	root.PathPrefix("/partner/").Handler(s.partnerAPI(api))

	root.NotFoundHandler = s.handleAPINotFound()
	return s.recoverPanics(s.logRequests(root))
}

func handleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}

func (s *Server) handleAPINotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, s.logger, errNotFound("%s %s is not a route of this mock; the Partner API lives under /partner/v1 (partners, partner-activations, partner-results)", r.Method, r.URL.Path))
	})
}

func (s *Server) handleAPIMethodNotAllowed() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, s.logger, newError(http.StatusMethodNotAllowed, "Method not allowed", "%s is not allowed on %s", r.Method, r.URL.Path))
	})
}
