package sandbox

import (
	"context"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Companies is what the sandbox lookup reads: a company by its uuid.
// The store is one; List makes one of companies already read.
type Companies interface {
	// Company returns the company with uuid, or an error wrapping
	// store.ErrNotFound.
	Company(ctx context.Context, uuid string) (store.Company, error)
}

// In returns the company of activation a and whether it is a sandbox
// company: the one Teamtailor gives an integration under development
// (docs/protocol.md §4). A company that cannot be read is no sandbox.
func In(ctx context.Context, cs Companies, a store.Activation) (store.Company, bool) {
	c, err := cs.Company(ctx, a.CompanyUUID)
	return c, err == nil && c.Sandbox
}

// Find returns the first of a partner's activations acts that is in a
// sandbox company, with that company.
func Find(ctx context.Context, cs Companies, acts []store.Activation) (store.Activation, store.Company, bool) {
	for _, a := range acts {
		if c, ok := In(ctx, cs, a); ok {
			return a, c, true
		}
	}
	return store.Activation{}, store.Company{}, false
}

// Finder is what Of reads: a partner's activations and their companies.
type Finder interface {
	Companies
	Activations(ctx context.Context, partnerID string, page store.Page) ([]store.Activation, int, error)
}

// Of returns the sandbox activation of the partner partnerID and its
// company; ok is false when the partner has none.
func Of(ctx context.Context, st Finder, partnerID string) (a store.Activation, c store.Company, ok bool, err error) {
	acts, _, err := st.Activations(ctx, partnerID, store.Page{})
	if err != nil {
		return a, c, false, err
	}
	a, c, ok = Find(ctx, st, acts)
	return a, c, ok, nil
}

// List is the companies a client has already read, as Companies.
type List []store.Company

// Company returns the company of l with uuid.
func (l List) Company(_ context.Context, uuid string) (store.Company, error) {
	for _, c := range l {
		if c.UUID == uuid {
			return c, nil
		}
	}
	return store.Company{}, store.ErrNotFound
}
