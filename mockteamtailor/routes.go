package mockteamtailor

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
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

	// The control API: the mock's own admin surface (control.go).
	c := "/mock/v1"
	root.Handle(c, s.control(s.handleControlIndex())).Methods(http.MethodGet)
	root.Handle(c+"/partners", s.control(s.handlePartnersList())).Methods(http.MethodGet)
	root.Handle(c+"/partners", s.control(s.handlePartnerCreate())).Methods(http.MethodPost)
	root.Handle(c+"/partners/{id}", s.control(s.handlePartnerShow())).Methods(http.MethodGet)
	root.Handle(c+"/partners/{id}", s.control(s.handlePartnerPatch())).Methods(http.MethodPatch, http.MethodPut)
	root.Handle(c+"/partners/{id}/activation-form", s.control(s.handleActivationFormShow())).Methods(http.MethodGet)
	root.Handle(c+"/partners/{id}/config", s.control(s.handleConfigShow())).Methods(http.MethodGet)
	root.Handle(c+"/partners/{id}/webhook-setup", s.control(s.handleWebhookSetupShow())).Methods(http.MethodGet)
	root.Handle(c+"/partners/{id}/webhook-setup", s.control(s.handleWebhookSetupPut())).Methods(http.MethodPut)
	root.Handle(c+"/partners/{id}/webhook-setup", s.control(s.handleWebhookSetupDelete())).Methods(http.MethodDelete)
	root.Handle(c+"/webhooks", s.control(s.handleSubscriptionsList())).Methods(http.MethodGet)
	root.Handle(c+"/webhooks", s.control(s.handleSubscriptionCreate())).Methods(http.MethodPost)
	root.Handle(c+"/webhooks/{id}", s.control(s.handleSubscriptionShow())).Methods(http.MethodGet)
	root.Handle(c+"/webhooks/{id}", s.control(s.handleSubscriptionDelete())).Methods(http.MethodDelete)
	root.Handle(c+"/companies", s.control(s.handleCompaniesList())).Methods(http.MethodGet)
	root.Handle(c+"/companies", s.control(s.handleCompanyCreate())).Methods(http.MethodPost)
	root.Handle(c+"/companies/{uuid}", s.control(s.handleCompanyShow())).Methods(http.MethodGet)
	root.Handle(c+"/companies/{uuid}/api-keys", s.control(s.handleAPIKeyCreate())).Methods(http.MethodPost)
	root.Handle(c+"/companies/{uuid}/api-keys/{key}", s.control(s.handleAPIKeyRevoke())).Methods(http.MethodDelete)
	root.Handle(c+"/jobs", s.control(s.handleJobsList())).Methods(http.MethodGet)
	root.Handle(c+"/jobs", s.control(s.handleJobCreate())).Methods(http.MethodPost)
	root.Handle(c+"/jobs/{id}", s.control(s.handleJobShow())).Methods(http.MethodGet)
	root.Handle(c+"/jobs/{id}", s.control(s.handleJobPatch())).Methods(http.MethodPatch)
	root.Handle(c+"/jobs/{id}/stages", s.control(s.handleStageCreate())).Methods(http.MethodPost)
	root.Handle(c+"/candidates", s.control(s.handleCandidatesList())).Methods(http.MethodGet)
	root.Handle(c+"/candidates", s.control(s.handleCandidateCreate())).Methods(http.MethodPost)
	root.Handle(c+"/candidates/{id}", s.control(s.handleCandidateShow())).Methods(http.MethodGet)
	root.Handle(c+"/candidates/{id}", s.control(s.handleCandidatePatch())).Methods(http.MethodPatch)
	root.Handle(c+"/candidates/{id}", s.control(s.handleCandidateDelete())).Methods(http.MethodDelete)
	root.Handle(c+"/candidates/{id}/move", s.control(s.handleCandidateMove())).Methods(http.MethodPost)
	root.Handle(c+"/candidates/{id}/reject", s.control(s.handleCandidateReject())).Methods(http.MethodPost)
	root.Handle(c+"/activations", s.control(s.handleActivationsList())).Methods(http.MethodGet)
	root.Handle(c+"/activations", s.control(s.handleActivate())).Methods(http.MethodPost)
	root.Handle(c+"/activations/{id}", s.control(s.handleDeactivate())).Methods(http.MethodDelete)
	root.Handle(c+"/triggers", s.control(s.handleTriggersList())).Methods(http.MethodGet)
	root.Handle(c+"/triggers", s.control(s.handleTriggerCreate())).Methods(http.MethodPost)
	root.Handle(c+"/triggers/{id}", s.control(s.handleTriggerDelete())).Methods(http.MethodDelete)
	root.Handle(c+"/manual-triggers", s.control(s.handleManualTrigger())).Methods(http.MethodPost)
	root.Handle(c+"/bulk-triggers", s.control(s.handleBulkTrigger())).Methods(http.MethodPost)
	root.Handle(c+"/bulk-triggers/{id}", s.control(s.handleBulkShow())).Methods(http.MethodGet)
	root.Handle(c+"/deliveries", s.control(s.handleDeliveriesList())).Methods(http.MethodGet)
	root.Handle(c+"/deliveries/stream", s.handleDeliveryStream()).Methods(http.MethodGet)
	root.Handle(c+"/deliveries/{id}", s.control(s.handleDeliveryShow())).Methods(http.MethodGet)
	root.Handle(c+"/deliveries/{id}/replay", s.control(s.handleDeliveryReplay())).Methods(http.MethodPost)
	root.Handle(c+"/deliveries/{id}/curl", s.handleDeliveryCurl()).Methods(http.MethodGet)
	root.Handle(c+"/replays", s.control(s.handleReplay())).Methods(http.MethodPost)
	root.Handle(c+"/results", s.control(s.handleResultsList())).Methods(http.MethodGet)
	root.Handle(c+"/results/{id}", s.control(s.handleResultShowControl())).Methods(http.MethodGet)
	root.Handle(c+"/results/{id}/wait", s.control(s.handleResultWait())).Methods(http.MethodGet)
	root.Handle(c+"/results/{id}/actions/{index}", s.control(s.handleActionInvoke())).Methods(http.MethodPost)
	root.Handle(c+"/faults", s.control(s.handleFaultsShow())).Methods(http.MethodGet)
	root.Handle(c+"/faults", s.control(s.handleFaultsSet())).Methods(http.MethodPut, http.MethodPost)
	root.Handle(c+"/faults", s.control(s.handleFaultsClear())).Methods(http.MethodDelete)
	root.Handle(c+"/uploads", s.control(s.handleUploadCreate())).Methods(http.MethodPost)
	root.Handle(c+"/keys", s.control(s.handleKeys())).Methods(http.MethodGet)
	root.Handle(c+"/fixtures", s.control(s.handleFixtures())).Methods(http.MethodGet)
	root.Handle(c+"/reset", s.control(s.handleReset())).Methods(http.MethodPost)

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
