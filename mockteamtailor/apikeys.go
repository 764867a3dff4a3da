package mockteamtailor

import (
	"context"
	"errors"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// errNoSuchKey is the revocation of a key the company does not have.
var errNoSuchKey = errors.New("no such key")

// CreateAPIKey gives a company a new key of the public API (/v1)
// (docs/public-api.md §2). An admin key with read and write is one an
// activation can pick.
func (s *Server) CreateAPIKey(ctx context.Context, companyUUID string, in controlapi.APIKeyRequest) (store.APIKey, error) {
	k := store.APIKey{Scope: in.Scope}
	switch in.Scope {
	case store.ScopePublic, store.ScopeInternal, store.ScopeAdmin:
	default:
		return k, httpapi.Invalid("/scope", "scope %q is not one of public, internal, admin", in.Scope)
	}
	switch in.Permissions {
	case "read":
		k.Read = true
	case "write":
		k.Write = true
	case "read/write", "":
		k.Read, k.Write = true, true
	default:
		return k, httpapi.Invalid("/permissions", "permissions %q are not one of read, write, read/write", in.Permissions)
	}
	k.Key = s.ids.Secret("ttapi_", 16)
	_, err := s.store.UpdateCompany(ctx, companyUUID, func(c *store.Company) error {
		c.AddAPIKey(k)
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return k, httpapi.NotFound("there is no company %q", companyUUID)
	}
	return k, err
}

// RevokeAPIKey deletes a company's key: /v1 refuses it from then on,
// also where an activation sends it as Teamtailor-Api-Token.
func (s *Server) RevokeAPIKey(ctx context.Context, companyUUID, key string) error {
	_, err := s.store.UpdateCompany(ctx, companyUUID, func(c *store.Company) error {
		if !c.RevokeAPIKey(key) {
			return errNoSuchKey
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return httpapi.NotFound("there is no company %q", companyUUID)
	case errors.Is(err, errNoSuchKey):
		return httpapi.NotFound("company %q has no such API key", companyUUID)
	}
	return err
}
