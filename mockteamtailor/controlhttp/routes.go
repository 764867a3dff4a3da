package controlhttp

import (
	"net/http"

	"github.com/gorilla/mux"
)

// Prefix is where the control API lives.
const Prefix = "/mock/v1"

// Register adds every route of the control API to root, one line each.
// They go on the mock's own router, so a wrong method on a control route
// is a 405 and an unknown path under Prefix the mock's 404.
func (a *API) Register(root *mux.Router) {
	c := Prefix
	root.Handle(c, a.control(a.handleIndex())).Methods(http.MethodGet)
	root.Handle(c+"/partners", a.control(a.handlePartnersList())).Methods(http.MethodGet)
	root.Handle(c+"/partners", a.control(withBody(http.StatusCreated, a.admin.CreatePartner))).Methods(http.MethodPost)
	root.Handle(c+"/partners/{id}", a.control(showVar("id", a.admin.Partner))).Methods(http.MethodGet)
	root.Handle(c+"/partners/{id}", a.control(withVarBody("id", http.StatusOK, a.admin.UpdatePartner))).Methods(http.MethodPatch, http.MethodPut)
	root.Handle(c+"/partners/{id}/activation-form", a.control(a.handleActivationFormShow())).Methods(http.MethodGet)
	root.Handle(c+"/partners/{id}/config", a.control(a.handleConfigShow())).Methods(http.MethodGet)
	root.Handle(c+"/partners/{id}/webhook-setup", a.control(showVar("id", a.admin.WebhookSetup))).Methods(http.MethodGet)
	root.Handle(c+"/partners/{id}/webhook-setup", a.control(withVarBody("id", http.StatusOK, a.admin.SetWebhookSetup))).Methods(http.MethodPut)
	root.Handle(c+"/partners/{id}/webhook-setup", a.control(deleteVar("id", a.admin.DeleteWebhookSetup))).Methods(http.MethodDelete)
	root.Handle(c+"/webhooks", a.control(a.handleSubscriptionsList())).Methods(http.MethodGet)
	root.Handle(c+"/webhooks", a.control(withBody(http.StatusCreated, a.admin.CreateWebhook))).Methods(http.MethodPost)
	root.Handle(c+"/webhooks/{id}", a.control(showID(a.admin.Webhook))).Methods(http.MethodGet)
	root.Handle(c+"/webhooks/{id}", a.control(deleteID(a.admin.DeleteWebhook))).Methods(http.MethodDelete)
	root.Handle(c+"/companies", a.control(a.handleCompaniesList())).Methods(http.MethodGet)
	root.Handle(c+"/companies", a.control(withBody(http.StatusCreated, a.admin.CreateCompany))).Methods(http.MethodPost)
	root.Handle(c+"/companies/{uuid}", a.control(showVar("uuid", a.admin.Company))).Methods(http.MethodGet)
	root.Handle(c+"/companies/{uuid}/api-keys", a.control(withVarBody("uuid", http.StatusCreated, a.admin.CreateAPIKey))).Methods(http.MethodPost)
	root.Handle(c+"/companies/{uuid}/api-keys/{key}", a.control(a.handleAPIKeyRevoke())).Methods(http.MethodDelete)
	root.Handle(c+"/jobs", a.control(a.handleJobsList())).Methods(http.MethodGet)
	root.Handle(c+"/jobs", a.control(withBody(http.StatusCreated, a.admin.CreateJob))).Methods(http.MethodPost)
	root.Handle(c+"/jobs/{id}", a.control(showID(a.admin.Job))).Methods(http.MethodGet)
	root.Handle(c+"/jobs/{id}", a.control(withIDBody(http.StatusOK, a.admin.UpdateJob))).Methods(http.MethodPatch)
	root.Handle(c+"/jobs/{id}/stages", a.control(a.handleStageCreate())).Methods(http.MethodPost)
	root.Handle(c+"/candidates", a.control(a.handleCandidatesList())).Methods(http.MethodGet)
	root.Handle(c+"/candidates", a.control(a.handleCandidateCreate())).Methods(http.MethodPost)
	root.Handle(c+"/candidates/{id}", a.control(showID(a.admin.Candidate))).Methods(http.MethodGet)
	root.Handle(c+"/candidates/{id}", a.control(withIDBody(http.StatusOK, a.admin.UpdateCandidate))).Methods(http.MethodPatch)
	root.Handle(c+"/candidates/{id}", a.control(deleteID(a.admin.DeleteCandidate))).Methods(http.MethodDelete)
	root.Handle(c+"/candidates/{id}/move", a.control(a.handleCandidateMove())).Methods(http.MethodPost)
	root.Handle(c+"/candidates/{id}/reject", a.control(a.handleCandidateReject())).Methods(http.MethodPost)
	root.Handle(c+"/activations", a.control(a.handleActivationsList())).Methods(http.MethodGet)
	root.Handle(c+"/activations", a.control(a.handleActivate())).Methods(http.MethodPost)
	root.Handle(c+"/activations/{id}", a.control(deleteVar("id", a.admin.Deactivate))).Methods(http.MethodDelete)
	root.Handle(c+"/triggers", a.control(a.handleTriggersList())).Methods(http.MethodGet)
	root.Handle(c+"/triggers", a.control(a.handleTriggerCreate())).Methods(http.MethodPost)
	root.Handle(c+"/triggers/{id}", a.control(deleteID(a.admin.DeleteTrigger))).Methods(http.MethodDelete)
	root.Handle(c+"/manual-triggers", a.control(a.handleManualTrigger())).Methods(http.MethodPost)
	root.Handle(c+"/bulk-triggers", a.control(a.handleBulkTrigger())).Methods(http.MethodPost)
	root.Handle(c+"/bulk-triggers/{id}", a.control(showVar("id", a.admin.BulkRun))).Methods(http.MethodGet)
	root.Handle(c+"/deliveries", a.control(a.handleDeliveriesList())).Methods(http.MethodGet)
	root.Handle(c+"/deliveries/stream", a.handleDeliveryStream()).Methods(http.MethodGet)
	root.Handle(c+"/deliveries/{id}", a.control(showID(a.admin.Delivery))).Methods(http.MethodGet)
	root.Handle(c+"/deliveries/{id}/replay", a.control(a.handleDeliveryReplay())).Methods(http.MethodPost)
	root.Handle(c+"/deliveries/{id}/curl", a.handleDeliveryCurl()).Methods(http.MethodGet)
	root.Handle(c+"/replays", a.control(withBody(http.StatusOK, a.admin.ReplayCapture))).Methods(http.MethodPost)
	root.Handle(c+"/results", a.control(a.handleResultsList())).Methods(http.MethodGet)
	root.Handle(c+"/results/{id}", a.control(showVar("id", a.admin.Result))).Methods(http.MethodGet)
	root.Handle(c+"/results/{id}/wait", a.control(a.handleResultWait())).Methods(http.MethodGet)
	root.Handle(c+"/results/{id}/actions/{index}", a.control(a.handleActionInvoke())).Methods(http.MethodPost)
	root.Handle(c+"/faults", a.control(show(a.admin.Faults))).Methods(http.MethodGet)
	root.Handle(c+"/faults", a.control(withBody(http.StatusOK, a.admin.SetFaults))).Methods(http.MethodPut, http.MethodPost)
	root.Handle(c+"/faults", a.control(show(a.admin.ClearFaults))).Methods(http.MethodDelete)
	root.Handle(c+"/uploads", a.control(a.handleUploadCreate())).Methods(http.MethodPost)
	root.Handle(c+"/keys", a.control(show(a.admin.Keys))).Methods(http.MethodGet)
	root.Handle(c+"/fixtures", a.control(a.handleFixtures())).Methods(http.MethodGet)
	root.Handle(c+"/reset", a.control(a.handleReset())).Methods(http.MethodPost)
}
