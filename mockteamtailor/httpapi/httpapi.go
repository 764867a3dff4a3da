// Package httpapi is what the mock's two APIs share over HTTP: the
// errors they answer with, as statuses and {"errors": [...]} documents
// (JSON:API error objects, docs/protocol.md §2), the store's sentinel errors
// turned into 4xx, the errors of calls to partners (package delivery)
// into their statuses (Of), and JSON encoding that leaves links readable.
package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/delivery"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

func New(status int, title, format string, args ...any) *protocol.Error {
	return protocol.NewError(status, title, format, args...)
}

// BadRequest is a 400: the body is not JSON, or a query parameter is wrong.
func BadRequest(format string, args ...any) *protocol.Error {
	return New(http.StatusBadRequest, "Bad request", format, args...)
}

// Unauthorized is a 401 for a missing or unknown partner API key.
func Unauthorized(format string, args ...any) *protocol.Error {
	return New(http.StatusUnauthorized, "Unauthorized", format, args...)
}

// Forbidden is a 403 for a resource of another partner.
func Forbidden(format string, args ...any) *protocol.Error {
	return New(http.StatusForbidden, "Forbidden", format, args...)
}

// NotFound is a 404 for an unknown id or route.
func NotFound(format string, args ...any) *protocol.Error {
	return New(http.StatusNotFound, "Not found", format, args...)
}

// NotAcceptable is a 406 for a missing or unknown X-Api-Version.
func NotAcceptable(format string, args ...any) *protocol.Error {
	return New(http.StatusNotAcceptable, "Not acceptable", format, args...)
}

// UnsupportedMediaType is a 415 for a body that is not JSON:API.
func UnsupportedMediaType(format string, args ...any) *protocol.Error {
	return New(http.StatusUnsupportedMediaType, "Unsupported media type", format, args...)
}

// Invalid is a 422 about the member at pointer.
func Invalid(pointer, format string, args ...any) *protocol.Error {
	return protocol.Invalid(pointer, format, args...)
}

// errorDocumentOf turns err into the status and document sent to the
// caller. Errors that are not ours become a bare 500 with no detail.
func errorDocumentOf(err error) (int, protocol.ErrorDocument, bool) {
	err = Of(err)
	var list protocol.Errors
	if errors.As(err, &list) && len(list) > 0 {
		doc := protocol.ErrorDocument{}
		for _, e := range list {
			doc.Errors = append(doc.Errors, errorObjectOf(e))
		}
		return list[0].Status, doc, true
	}
	var e *protocol.Error
	if errors.As(err, &e) {
		return e.Status, protocol.ErrorDocument{Errors: []protocol.ErrorObject{errorObjectOf(e)}}, true
	}
	var full *store.LimitError
	if errors.As(err, &full) {
		// docs/security.md: a store limit refuses the write with a 422
		// naming the limit (and what raises it); nothing stored goes.
		return errorDocumentOf(New(http.StatusUnprocessableEntity, "Limit reached", "%v", full))
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errorDocumentOf(NotFound("no such resource"))
	case errors.Is(err, store.ErrForbidden):
		return errorDocumentOf(Forbidden("the resource belongs to another partner"))
	case errors.Is(err, store.ErrConflict):
		return errorDocumentOf(New(http.StatusConflict, "Conflict", "the resource already exists"))
	case errors.Is(err, store.ErrPersist):
		e := New(http.StatusServiceUnavailable, "State not saved", "the mock could not write its state file, so the change was not made (nothing of it shows, as after a restart); see the mock's log, then retry")
		return http.StatusServiceUnavailable, protocol.ErrorDocument{Errors: []protocol.ErrorObject{errorObjectOf(e)}}, false
	}
	e = New(http.StatusInternalServerError, "Internal error", "the mock failed unexpectedly; see its log")
	return http.StatusInternalServerError, protocol.ErrorDocument{Errors: []protocol.ErrorObject{errorObjectOf(e)}}, false
}

func errorObjectOf(e *protocol.Error) protocol.ErrorObject {
	o := protocol.ErrorObject{Status: strconv.Itoa(e.Status), Title: e.Title, Detail: e.Detail}
	if e.Pointer != "" || e.Parameter != "" {
		o.Source = &protocol.ErrorSource{Pointer: e.Pointer, Parameter: e.Parameter}
	}
	return o
}

// Partner is a 502: the partner's answer made the operation impossible.
// The detail says what was wrong and which journal entry holds it.
func Partner(format string, args ...any) *protocol.Error {
	return New(http.StatusBadGateway, "Partner error", format, args...)
}

// Conflict is a 409: the operation does not fit the current state.
func Conflict(format string, args ...any) *protocol.Error {
	return New(http.StatusConflict, "Conflict", format, args...)
}

// ConflictOf is a 409 whose detail is err, which it keeps as its cause
// so that callers can still match it with errors.Is (delivery.ErrNoBaseURL, say).
func ConflictOf(err error) *protocol.Error {
	e := New(http.StatusConflict, "Conflict", "%s", err.Error())
	e.Err = err
	return e
}

// Of is err as the caller is told it: the errors of an exchange with a
// partner (package delivery), which say what happened, get their HTTP
// status here and nowhere else. Errors that already carry one, and every
// other error, are returned as they are.
func Of(err error) error {
	var list protocol.Errors
	var ours *protocol.Error
	if errors.As(err, &list) || errors.As(err, &ours) {
		return err
	}
	var refused *delivery.PartnerError
	var bad *delivery.BadURLError
	switch {
	case errors.As(err, &refused):
		// The partner's answer made the operation impossible: a 502.
		e := Partner("%s", refused.Error())
		e.Err = refused
		return e
	case errors.As(err, &bad):
		// Nothing could be sent: the mock's state does not allow the
		// call. The detail names the URL's problem as a 422 about the
		// partner would, which it always has.
		return ConflictOf(Invalid("", "%s", bad.Error()))
	case errors.Is(err, delivery.ErrNoBaseURL):
		return ConflictOf(err)
	}
	return err
}

// EncodeJSON marshals v followed by a newline, leaving &, < and > as they
// are so links stay readable.
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ErrorBody is err as the status and the encoded error document sent to
// the caller; ours is false for an error that is not a *protocol.Error or
// a store sentinel, which becomes a bare 500 and should be logged.
func ErrorBody(err error) (status int, body []byte, ours bool) {
	status, doc, ours := errorDocumentOf(err)
	body, _ = EncodeJSON(doc) // plain strings only: cannot fail
	return status, body, ours
}

// WriteError renders err as a JSON:API error document. Errors that are not
// *Error or a Store sentinel are logged and become a bare 500.
func WriteError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	status, body, ours := ErrorBody(err)
	if !ours {
		logger.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	h := w.Header()
	h.Set("Content-Type", protocol.MediaType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Token realm="Teamtailor Partner API"`)
	}
	w.WriteHeader(status)
	w.Write(body)
}

// FirstDetail is the first error of an error document body, with its
// pointer, for a one-line summary; "" when body is not one.
func FirstDetail(body []byte) string {
	var doc protocol.ErrorDocument
	if json.Unmarshal(body, &doc) != nil || len(doc.Errors) == 0 {
		return ""
	}
	e := doc.Errors[0]
	msg := e.Detail
	if e.Source != nil && e.Source.Pointer != "" {
		msg = e.Source.Pointer + ": " + msg
	}
	if n := len(doc.Errors); n > 1 {
		msg += fmt.Sprintf(" (and %d more)", n-1)
	}
	return msg
}

// RouteNotFound answers a path that is no route of the mock, naming where its
// APIs live.
func RouteNotFound(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, logger, NotFound("%s %s is not a route of this mock; the Partner API lives under /partner/v1 (partners, partner-activations, partner-results), the mock's control API under /mock/v1", r.Method, r.URL.Path))
	})
}

// MethodNotAllowed answers a method a route does not take.
func MethodNotAllowed(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, logger, New(http.StatusMethodNotAllowed, "Method not allowed", "%s is not allowed on %s", r.Method, r.URL.Path))
	})
}
