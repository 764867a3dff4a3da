package mockteamtailor

import (
	"context"
	"errors"
	"fmt"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Activations of partners in companies, and the triggers removed from
// job stages.

// Activations returns the activations of partner id, or of every partner
// when id is "".
func (s *Server) Activations(ctx context.Context, partnerID string) ([]store.Activation, error) {
	ps, err := s.store.Partners(ctx)
	if err != nil {
		return nil, err
	}
	out := []store.Activation{}
	for _, p := range ps {
		if partnerID != "" && partnerID != p.ID {
			continue
		}
		acts, _, err := s.store.Activations(ctx, p.ID, store.Page{})
		if err != nil {
			return nil, err
		}
		out = append(out, acts...)
	}
	return out, nil
}

// Deactivate removes the activation with id, of whichever partner; an
// unknown id is a 404.
func (s *Server) Deactivate(ctx context.Context, id string) error {
	ps, err := s.store.Partners(ctx)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := s.store.DeleteActivation(ctx, p.ID, id); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrForbidden) {
			break
		}
	}
	return httpapi.NotFound("there is no activation %q", id)
}

// DeleteTrigger removes the trigger with id; an unknown id is a 404.
func (s *Server) DeleteTrigger(ctx context.Context, id int64) error {
	if err := s.store.DeleteTrigger(ctx, id); err != nil {
		return storeErr(err, fmt.Sprintf("trigger %d", id))
	}
	return nil
}

// Triggers returns the triggers of a partner, or of every partner for "".
func (s *Server) Triggers(ctx context.Context, partnerID string) ([]store.Trigger, error) {
	ts, err := s.store.Triggers(ctx, partnerID)
	return protocol.NonNil(ts), err
}
