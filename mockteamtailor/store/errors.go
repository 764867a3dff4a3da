package store

import (
	"errors"
	"fmt"
)

// Sentinel errors returned by Store implementations. The mock's handlers map them to HTTP statuses.
var (
	// ErrNotFound means the record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrForbidden means the record exists but belongs to another partner
	// (docs/protocol.md §2: 403 for a resource of another partner).
	ErrForbidden = errors.New("belongs to another partner")
	// ErrConflict means the record would duplicate an existing one.
	ErrConflict = errors.New("already exists")
	// ErrPersist means the mutation could not be written to the state file.
	ErrPersist = errors.New("state file could not be written")
)

// DamageError is damage found in a state file or log: start-up stops
// and leaves every file as it was.
type DamageError struct {
	State   string // the state file (--state)
	File    string // the damaged file
	Offset  int64  // byte offset of the damage in File; -1 when the file is missing
	Problem string
}

func (e *DamageError) Error() string {
	if e.Offset < 0 {
		return fmt.Sprintf("state %s is damaged: %s; every file was left untouched", e.State, e.Problem)
	}
	kind := "state log"
	if e.File == e.State {
		kind = "state file"
	}
	return fmt.Sprintf("%s %s is damaged at byte offset %d (%s); every file was left untouched", kind, e.File, e.Offset, e.Problem)
}
