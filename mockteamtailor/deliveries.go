package mockteamtailor

import (
	"context"

	"github.com/mockteamtailor/mockteamtailor/internal/curl"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// The journal as the admin model reads it: every call the mock made or
// took, the newest kept.

// Deliveries returns the journal entries f selects, oldest first (with
// f.Limit, the newest f.Limit of them).
func (s *Server) Deliveries(ctx context.Context, f store.JournalFilter) ([]store.Delivery, error) {
	ds, _, err := s.DeliveriesTotal(ctx, f)
	return ds, err
}

// DeliveriesTotal is Deliveries with the number of entries that match f
// before its limit, so a client can say "showing 20 of 153". A kind or
// verdict the journal does not know is a 400.
func (s *Server) DeliveriesTotal(ctx context.Context, f store.JournalFilter) ([]store.Delivery, int, error) {
	switch f.Kind {
	case "", store.KindConfig, store.KindActivation, store.KindValidate, store.KindWebhook, store.KindAction, store.KindPartnerAPI, publicapi.KindPublicAPI, store.KindCompanyWebhook:
	default:
		return nil, 0, httpapi.BadRequest("kind %q is not one of config, activation, validate, webhook, action, partner-api, public-api, company-webhook", f.Kind)
	}
	switch f.Verdict {
	case "", store.VerdictOK, store.VerdictFailed, store.VerdictInvalid, store.VerdictError:
	default:
		return nil, 0, httpapi.BadRequest("verdict %q is not one of ok, failed, invalid, error", f.Verdict)
	}
	limit := f.Limit
	f.Limit = 0
	ds, err := s.store.Journal(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	total := len(ds)
	if limit > 0 && len(ds) > limit {
		ds = ds[len(ds)-limit:]
	}
	return protocol.NonNil(ds), total, nil
}

// StreamDeliveries calls fn with each new journal entry, as the mock
// records it, until ctx ends (it then returns ctx.Err()) or the server
// closes (controlapi.ErrStreamClosed).
func (s *Server) StreamDeliveries(ctx context.Context, fn func(store.Delivery)) error {
	ch, stop := s.Subscribe()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.bgCtx.Done():
			return controlapi.ErrStreamClosed
		case d, ok := <-ch:
			if !ok {
				return controlapi.ErrStreamClosed
			}
			fn(d)
		}
	}
}

// Delivery returns one journal entry.
func (s *Server) Delivery(ctx context.Context, id int64) (store.Delivery, error) {
	d, err := s.store.JournalEntry(ctx, id)
	if err != nil {
		return store.Delivery{}, httpapi.NotFound("there is no delivery %d (the journal keeps the newest entries only)", id)
	}
	return d, nil
}

// Curl returns a shell command, ending in a newline, that sends a
// journaled request again byte for byte (with its original signature).
func (s *Server) Curl(ctx context.Context, id int64) (string, error) {
	d, err := s.Delivery(ctx, id)
	if err != nil {
		return "", err
	}
	return curl.Command(curl.Request{Method: d.Request.Method, URL: d.Request.URL, Header: d.Request.Header, Body: d.Request.Body}, "  ") + "\n", nil
}

// ReplayAsNewEvent sends a journaled webhook again as a new event: a
// fresh partner-event id and a fresh partner result (Replay keeps both).
func (s *Server) ReplayAsNewEvent(ctx context.Context, id int64) (store.Delivery, error) {
	return s.ReplayDelivery(ctx, id, false)
}
