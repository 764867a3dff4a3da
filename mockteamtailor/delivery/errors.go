package delivery

import (
	"errors"
	"fmt"
)

// The errors of a partner exchange say what happened, never which HTTP
// status tells the caller: the mock's HTTP edge (package httpapi) maps
// them.

// ErrNoBaseURL means the partner has no BASE_URL to call: nothing was
// sent.
var ErrNoBaseURL = errors.New("the partner has no base URL")

// BadURLError is a partner URL no request can be made to: nothing was
// sent.
type BadURLError struct {
	URL string
	Err error
}

func (e *BadURLError) Error() string {
	return fmt.Sprintf("the partner URL %q is not usable: %v", e.URL, e.Err)
}

func (e *BadURLError) Unwrap() error { return e.Err }

// PartnerError is an exchange whose answer, or the lack of one (an
// unreachable partner, a timeout), makes the operation that needed it
// impossible: a form that could not be fetched, a validation endpoint
// that did not answer as docs/protocol.md §1.3 says. The exchange is in
// the journal.
type PartnerError struct {
	// Call names the call: "GET /config", "the validation endpoint /x".
	Call string
	// Reason is the verdict's reason, as journaled.
	Reason string
	// DeliveryID is the journal entry of the exchange.
	DeliveryID int64
	// Unreachable is set when nothing answered at all: the partner is
	// not running where it was looked for.
	Unreachable bool
}

func (e *PartnerError) Error() string {
	return fmt.Sprintf("%s: %s (journal entry %d)", e.Call, e.Reason, e.DeliveryID)
}
