package examplepartner

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// maxBody caps request bodies. Webhooks are a few kilobytes; a candidate
// with long answers stays well under this.
const maxBody = 1 << 20

// providerKey checks the "Authorization: Bearer <provider key>" header
// (docs/protocol.md §1, §4) and returns the key's values: none for a UUID key (an
// activation form without fields), the submitted form values for a JWT key
// (HS256, signed with the partner API key). The error says why a key is
// refused without quoting it.
func (p *Partner) providerKey(r *http.Request) (map[string]string, error) {
	scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	switch {
	case scheme == "":
		return nil, errors.New("missing Authorization header; Teamtailor sends \"Authorization: Bearer <provider key>\"")
	case !strings.EqualFold(scheme, "Bearer"):
		return nil, fmt.Errorf("the Authorization scheme is %q; Teamtailor sends \"Bearer <provider key>\"", scheme)
	}
	key = strings.TrimSpace(key)
	switch providerkey.KindOf(key) {
	case providerkey.KindUUID:
		if p.knowsKey == nil {
			return nil, nil
		}
		// docs/protocol.md §2.2: the activations list holds every provider key
		// Teamtailor issued to the partner.
		known, err := p.knowsKey(r.Context(), key)
		switch {
		case err != nil:
			return nil, fmt.Errorf("the provider key cannot be checked: %w", err)
		case !known:
			return nil, errors.New("the provider key is not one of this partner's activations")
		}
		return nil, nil
	case providerkey.KindJWT:
		values, _, err := providerkey.ParseJWT(p.cfg.APIKey, key)
		if err != nil {
			return nil, fmt.Errorf("provider key is a JWT that does not verify: %w", err)
		}
		return values, nil
	}
	return nil, providerkey.Check(p.cfg.APIKey, key) // explains what the key looks like instead
}

// requireProviderKey answers 401 with a plain-text reason unless the
// request carries a valid provider key. A plain string is what Teamtailor
// shows on the partner result (docs/protocol.md §1.3).
func (p *Partner) requireProviderKey(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := p.providerKey(r); err != nil {
			p.log.Warn("refused provider key", "path", r.URL.Path, "reason", err.Error())
			w.Header().Set("WWW-Authenticate", "Bearer")
			http.Error(w, "invalid provider key: "+err.Error(), http.StatusUnauthorized)
			return
		}
		next(w, r)
	})
}

// readSignedEvent reads the partner event of a webhook or an action
// (their bodies are the same) and verifies its Teamtailor-Signature, which
// signs "<t>.<partner-event id>", not the body (docs/protocol.md §1.2). When ok is
// false it has answered already: 413, 400 or 401, each with a plain-text
// reason.
func (p *Partner) readSignedEvent(w http.ResponseWriter, r *http.Request) (ev event, ok bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		http.Error(w, fmt.Sprintf("the body is larger than %d bytes", maxBody), http.StatusRequestEntityTooLarge)
		return ev, false
	case err != nil:
		http.Error(w, "could not read the body: "+err.Error(), http.StatusBadRequest)
		return ev, false
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, "the body is not a partner event: "+err.Error(), http.StatusBadRequest)
		return ev, false
	}
	if ev.PartnerEvent.ID == "" {
		http.Error(w, "partner-event.id is missing; it is what Teamtailor-Signature signs", http.StatusBadRequest)
		return ev, false
	}
	now := p.cfg.Clock()
	if err := signature.Verify(r.Header.Get(signature.Header), p.cfg.WebhookSecret, ev.PartnerEvent.ID, now, p.cfg.Tolerance); err != nil {
		p.log.Warn("refused signature", "path", r.URL.Path, "event", ev.PartnerEvent.ID, "reason", err.Error())
		http.Error(w, "invalid "+signature.Header+": "+err.Error(), http.StatusUnauthorized)
		return ev, false
	}
	return ev, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only the package's own documents get here
		http.Error(w, "could not encode the response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}
