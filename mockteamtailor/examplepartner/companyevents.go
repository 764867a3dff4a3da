package examplepartner

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// companyEvents receives the data-change events of the partner's webhook
// setup (docs/company-webhooks.md §6): candidate.*, job.* and
// job_application.* of every company that activated the partner. It checks
// the provider key (requireProviderKey) and Teamtailor-Signature, which
// here signs "<t>.<payload.data.id>", reading the raw body before any
// parsing; then it answers 204 at once, since a slow or failed answer loses
// the event for good (§7). An HR system would queue the event here and
// read the record back from Teamtailor's API.
func (p *Partner) companyEvents(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		http.Error(w, fmt.Sprintf("the body is larger than %d bytes", maxBody), http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(w, "could not read the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	id, err := signature.ResourceID(body)
	if err != nil {
		http.Error(w, "not a company event: "+err.Error(), http.StatusBadRequest)
		return
	}
	if err := signature.Verify(r.Header.Get(signature.Header), p.cfg.WebhookSecret, id, p.cfg.Clock(), p.cfg.Tolerance); err != nil {
		p.log.Warn("refused signature", "path", r.URL.Path, "id", id, "reason", err.Error())
		http.Error(w, "invalid "+signature.Header+": "+err.Error(), http.StatusUnauthorized)
		return
	}
	p.log.Info("company event accepted", "id", id)
	w.WriteHeader(http.StatusNoContent)
}
