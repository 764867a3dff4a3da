package mockteamtailor

import (
	"context"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Partner results as the admin model reads them, whichever partner they
// belong to.

// Results returns the partner results f selects; a status that is not a
// result status is a 400.
func (s *Server) Results(ctx context.Context, f store.ResultFilter) ([]controlapi.Result, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, httpapi.BadRequest("status %q is not a result status; use one of %s", f.Status, protocol.QuoteList(protocol.StatusNames()))
	}
	rs, err := s.store.AllResults(ctx, f)
	out := make([]controlapi.Result, 0, len(rs))
	for _, res := range rs {
		out = append(out, controlapi.Result{PartnerResult: res, UpdateURL: s.ResultURL(res.ID)})
	}
	return out, err
}

// Result returns one partner result, whichever partner it belongs to.
func (s *Server) Result(ctx context.Context, id string) (controlapi.Result, error) {
	res, err := s.resultAnyPartner(ctx, id)
	if err != nil {
		return controlapi.Result{}, err
	}
	return controlapi.Result{PartnerResult: res, UpdateURL: s.ResultURL(res.ID)}, nil
}
