package mockteamtailor

import (
	"errors"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// storeErr turns a Store sentinel into a 4xx that names what was missing.
func storeErr(err error, what string) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return httpapi.NotFound("there is no %s", what)
	case errors.Is(err, store.ErrConflict):
		return httpapi.Conflict("%s: %v", what, err)
	}
	return err
}
