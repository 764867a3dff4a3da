// Package controlhttp is the mock's control API (/mock/v1, docs/partner-developers.md "The
// control API") over HTTP, as package partnerapi is the Partner API: its
// handlers decode a request, call one method of the admin model
// (controlapi.Admin) and encode the answer. It holds no state of its own.
package controlhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Backend is what the handlers need of the mock: the admin model, and
// the journal's entries as they are written (for the delivery stream).
type Backend interface {
	controlapi.Admin
	// Subscribe returns a channel of new journal entries and a function
	// that ends the subscription.
	Subscribe() (<-chan store.Delivery, func())
}

// API serves the control API of one mock.
type API struct {
	admin  Backend
	done   <-chan struct{} // closed when the mock closes: open streams end
	logger *slog.Logger
}

// New returns the control API over b. done ends the delivery streams
// still open when the mock closes; logger gets the failures that are not
// the caller's (5xx). It starts nothing.
func New(b Backend, done <-chan struct{}, logger *slog.Logger) *API {
	return &API{admin: b, done: done, logger: logger}
}

// The control API (/mock/v1) is the mock's own admin surface, not
// Teamtailor's: the CLI, the web UI and tests drive the mock through it.
// It speaks plain JSON; errors use the same {"errors": [...]} shape as the
// Partner API so one parser reads both.

// controlFunc handles a control API request and returns the status and
// document to send, or an error.
type controlFunc func(r *http.Request) (int, any, error)

// control adapts a controlFunc: it encodes the document, or the error with
// its status (a 4xx for bad input, never a 5xx for it).
func (a *API) control(fn controlFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, doc, err := fn(r)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		body, err := httpapi.EncodeJSON(doc)
		if err != nil {
			a.writeError(w, r, fmt.Errorf("encode %T: %w", doc, err))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	})
}

// writeError sends err as an error document with its status; an error
// that is not the caller's is logged.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body, ours := httpapi.ErrorBody(err)
	if !ours {
		a.logger.ErrorContext(r.Context(), "control request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// decodeBody decodes a JSON request body strictly: unknown fields are an
// error that names them, so a typo does not silently do nothing.
func decodeBody(r *http.Request, dst any) error {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 1<<20))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return httpapi.New(http.StatusRequestEntityTooLarge, "Request entity too large", "the request body is larger than 1 MiB")
	case err != nil:
		return httpapi.BadRequest("the request body could not be read: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			return httpapi.Invalid("/"+strings.ReplaceAll(typ.Field, ".", "/"), "%s must be %s, got %s", typ.Field, typ.Type, typ.Value)
		}
		return httpapi.BadRequest("the request body is not the JSON this endpoint takes: %v", err)
	}
	if dec.More() {
		return httpapi.BadRequest("the request body has data after the JSON document")
	}
	return nil
}

// queryInt reads an optional integer query parameter.
func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		e := httpapi.BadRequest("query parameter %s must be a whole number, got %q", name, v)
		e.Parameter = name
		return 0, e
	}
	return n, nil
}

func pathInt(r *http.Request, name string) (int64, error) {
	v := mux.Vars(r)[name]
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, httpapi.NotFound("%q is not a %s: ids are whole numbers", v, name)
	}
	return n, nil
}

func (a *API) handleIndex() controlFunc {
	return func(r *http.Request) (int, any, error) {
		return http.StatusOK, controlapi.Index{
			About: "mockteamtailor control API: the mock's own admin surface (not Teamtailor's). See docs/partner-developers.md, section The control API, for every endpoint.",
			Endpoints: []string{
				"GET,POST /mock/v1/partners", "GET,PATCH /mock/v1/partners/{id}",
				"GET,PUT,DELETE /mock/v1/partners/{id}/webhook-setup", "GET,POST /mock/v1/webhooks", "GET,DELETE /mock/v1/webhooks/{id}",
				"GET /mock/v1/partners/{id}/activation-form?company=", "GET /mock/v1/partners/{id}/config?company=&job=&stage=&user=&bulk=",
				"GET,POST /mock/v1/companies", "GET /mock/v1/companies/{uuid}",
				"GET,POST /mock/v1/jobs", "GET,PATCH /mock/v1/jobs/{id}", "POST /mock/v1/jobs/{id}/stages",
				"GET,POST /mock/v1/candidates", "GET,PATCH,DELETE /mock/v1/candidates/{id}", "POST /mock/v1/candidates/{id}/move", "POST /mock/v1/candidates/{id}/reject",
				"GET,POST /mock/v1/activations", "DELETE /mock/v1/activations/{id}",
				"GET,POST /mock/v1/triggers", "DELETE /mock/v1/triggers/{id}",
				"POST /mock/v1/manual-triggers", "POST /mock/v1/bulk-triggers", "GET /mock/v1/bulk-triggers/{id}",
				"GET /mock/v1/deliveries", "GET /mock/v1/deliveries/stream", "GET /mock/v1/deliveries/{id}",
				"POST /mock/v1/deliveries/{id}/replay", "GET /mock/v1/deliveries/{id}/curl", "POST /mock/v1/replays",
				"GET /mock/v1/results", "GET /mock/v1/results/{id}", "GET /mock/v1/results/{id}/wait", "POST /mock/v1/results/{id}/actions/{index}",
				"GET,PUT,DELETE /mock/v1/faults", "POST /mock/v1/uploads", "GET /mock/v1/keys", "GET /mock/v1/fixtures", "POST /mock/v1/reset",
			},
		}, nil
	}
}
