package protocol

import (
	"fmt"
	"net/http"
)

// Error is a failure the API reports to the caller as a JSON:API error
// object. The mock renders it as a JSON:API error; the suite reads its Pointer
// and Detail as the rule a partner broke.
type Error struct {
	Status    int    // HTTP status, e.g. http.StatusUnprocessableEntity
	Title     string // short, stable summary
	Detail    string // what exactly was wrong
	Pointer   string // JSON pointer into the request document; optional
	Parameter string // query parameter at fault; optional
	Err       error  // cause, logged but never rendered
}

func (e *Error) Error() string {
	msg := e.Title
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Pointer != "" {
		msg = e.Pointer + ": " + msg
	}
	if e.Err != nil && e.Detail != e.Err.Error() {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errors is a list of problems reported together, as JSON:API allows. All
// entries share the status of the first one.
type Errors []*Error

func (es Errors) Error() string {
	if len(es) == 0 {
		return "no errors"
	}
	msg := es[0].Error()
	if len(es) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(es)-1)
	}
	return msg
}

// NewError returns an error with status and title, its detail formatted.
func NewError(status int, title, format string, args ...any) *Error {
	return &Error{Status: status, Title: title, Detail: fmt.Sprintf(format, args...)}
}

// Invalid is a 422 about the member at pointer of a request document.
func Invalid(pointer, format string, args ...any) *Error {
	e := NewError(http.StatusUnprocessableEntity, "Invalid attribute", format, args...)
	e.Pointer = pointer
	return e
}

// errInvalid is Invalid, under the name the rules of this package use.
var errInvalid = Invalid

// ErrorObject is one entry of a JSON:API error document.
type ErrorObject struct {
	Status string       `json:"status"`
	Title  string       `json:"title"`
	Detail string       `json:"detail,omitempty"`
	Source *ErrorSource `json:"source,omitempty"`
}

// ErrorSource names the member or query parameter an error is about.
type ErrorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

// ErrorDocument is the {"errors": [...]} document of a refused request,
// on the Partner API and the mock's control API alike.
type ErrorDocument struct {
	Errors []ErrorObject `json:"errors"`
}
