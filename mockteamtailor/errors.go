package mockteamtailor

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

func newError(status int, title, format string, args ...any) *protocol.Error {
	return protocol.NewError(status, title, format, args...)
}

// errBadRequest is a 400: the body is not JSON, or a query parameter is wrong.
func errBadRequest(format string, args ...any) *protocol.Error {
	return newError(http.StatusBadRequest, "Bad request", format, args...)
}

// errUnauthorized is a 401 for a missing or unknown partner API key.
func errUnauthorized(format string, args ...any) *protocol.Error {
	return newError(http.StatusUnauthorized, "Unauthorized", format, args...)
}

// errForbidden is a 403 for a resource of another partner.
func errForbidden(format string, args ...any) *protocol.Error {
	return newError(http.StatusForbidden, "Forbidden", format, args...)
}

// errNotFound is a 404 for an unknown id or route.
func errNotFound(format string, args ...any) *protocol.Error {
	return newError(http.StatusNotFound, "Not found", format, args...)
}

// errNotAcceptable is a 406 for a missing or unknown X-Api-Version.
func errNotAcceptable(format string, args ...any) *protocol.Error {
	return newError(http.StatusNotAcceptable, "Not acceptable", format, args...)
}

// errUnsupportedMediaType is a 415 for a body that is not JSON:API.
func errUnsupportedMediaType(format string, args ...any) *protocol.Error {
	return newError(http.StatusUnsupportedMediaType, "Unsupported media type", format, args...)
}

// errInvalid is a 422 about the member at pointer.
func errInvalid(pointer, format string, args ...any) *protocol.Error {
	return protocol.Invalid(pointer, format, args...)
}

// errorObject is one entry of a JSON:API error document.
type errorObject struct {
	Status string       `json:"status"`
	Title  string       `json:"title"`
	Detail string       `json:"detail,omitempty"`
	Source *errorSource `json:"source,omitempty"`
}

type errorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

// errorDocument is a JSON:API error response.
type errorDocument struct {
	Errors []errorObject `json:"errors"`
}

// toErrorDocument turns err into the status and document sent to the
// caller. Errors that are not ours become a bare 500 with no detail.
func toErrorDocument(err error) (int, errorDocument, bool) {
	var list protocol.Errors
	if errors.As(err, &list) && len(list) > 0 {
		doc := errorDocument{}
		for _, e := range list {
			doc.Errors = append(doc.Errors, errorObjectOf(e))
		}
		return list[0].Status, doc, true
	}
	var e *protocol.Error
	if errors.As(err, &e) {
		return e.Status, errorDocument{Errors: []errorObject{errorObjectOf(e)}}, true
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return toErrorDocument(errNotFound("no such resource"))
	case errors.Is(err, store.ErrForbidden):
		return toErrorDocument(errForbidden("the resource belongs to another partner"))
	case errors.Is(err, store.ErrConflict):
		return toErrorDocument(newError(http.StatusConflict, "Conflict", "the resource already exists"))
	case errors.Is(err, store.ErrPersist):
		e := newError(http.StatusServiceUnavailable, "State not saved", "the mock could not write its state file, so the change is not acknowledged as durable (it may still show until the mock restarts); see the mock's log, then retry")
		return http.StatusServiceUnavailable, errorDocument{Errors: []errorObject{errorObjectOf(e)}}, false
	}
	e = newError(http.StatusInternalServerError, "Internal error", "the mock failed unexpectedly; see its log")
	return http.StatusInternalServerError, errorDocument{Errors: []errorObject{errorObjectOf(e)}}, false
}

func errorObjectOf(e *protocol.Error) errorObject {
	o := errorObject{Status: strconv.Itoa(e.Status), Title: e.Title, Detail: e.Detail}
	if e.Pointer != "" || e.Parameter != "" {
		o.Source = &errorSource{Pointer: e.Pointer, Parameter: e.Parameter}
	}
	return o
}

// countOf writes n with the singular or plural noun: "1 field", "2 fields".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
