package store

import "errors"

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
