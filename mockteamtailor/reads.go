package mockteamtailor

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// The reads of the admin model (controlapi.Admin): what the control API
// lists and shows. Unknown ids are 404s that name what was missing.

// Partners returns every partner, ordered by id.
func (s *Server) Partners(ctx context.Context) ([]controlapi.PartnerView, error) {
	ps, err := s.store.Partners(ctx)
	if err != nil {
		return nil, err
	}
	out := []controlapi.PartnerView{}
	for _, p := range ps {
		out = append(out, controlapi.PartnerView{Partner: p, CTA: p.CTALabel()})
	}
	return out, nil
}

// Partner returns one partner.
func (s *Server) Partner(ctx context.Context, id string) (controlapi.PartnerView, error) {
	p, err := s.store.Partner(ctx, id)
	if err != nil {
		return controlapi.PartnerView{}, storeErr(err, "partner "+strconv.Quote(id))
	}
	return controlapi.PartnerView{Partner: p, CTA: p.CTALabel()}, nil
}

// Companies returns every company.
func (s *Server) Companies(ctx context.Context) ([]store.Company, error) {
	cs, err := s.store.Companies(ctx)
	return protocol.NonNil(cs), err
}

// Company returns one company.
func (s *Server) Company(ctx context.Context, uuid string) (store.Company, error) {
	c, err := s.store.Company(ctx, uuid)
	if err != nil {
		return store.Company{}, storeErr(err, "company "+strconv.Quote(uuid))
	}
	return c, nil
}

// Jobs returns the jobs of a company, or of every company for "".
func (s *Server) Jobs(ctx context.Context, companyUUID string) ([]store.Job, error) {
	js, err := s.store.Jobs(ctx, companyUUID)
	return protocol.NonNil(js), err
}

// Job returns one job with its stages.
func (s *Server) Job(ctx context.Context, id int64) (store.Job, error) {
	j, err := s.store.Job(ctx, id)
	if err != nil {
		return store.Job{}, storeErr(err, fmt.Sprintf("job %d", id))
	}
	return j, nil
}

// Candidates returns a page of a company's candidates (every company for
// ""); page and size of 0 take the defaults, 1 and 100; a size is at
// most 10000.
func (s *Server) Candidates(ctx context.Context, companyUUID string, page, size int) (controlapi.CandidatePage, error) {
	p := store.Page{Number: 1, Size: 100}
	if page > 0 {
		p.Number = page
	}
	if size > 0 {
		p.Size = min(size, 10000)
	}
	cs, total, err := s.store.Candidates(ctx, companyUUID, p)
	return controlapi.CandidatePage{Candidates: protocol.NonNil(cs), Total: total, Page: p.Number, Size: p.Size}, err
}

// Candidate returns one candidate.
func (s *Server) Candidate(ctx context.Context, id int64) (store.CandidateRecord, error) {
	c, err := s.store.Candidate(ctx, id)
	if err != nil {
		return store.CandidateRecord{}, storeErr(err, fmt.Sprintf("candidate %d", id))
	}
	return c, nil
}

// Triggers returns the triggers of a partner, or of every partner for "".
func (s *Server) Triggers(ctx context.Context, partnerID string) ([]store.Trigger, error) {
	ts, err := s.store.Triggers(ctx, partnerID)
	return protocol.NonNil(ts), err
}

// Webhooks returns the company webhooks of a company, or of every
// company for "".
func (s *Server) Webhooks(_ context.Context, companyUUID string) ([]controlapi.Subscription, error) {
	out := []controlapi.Subscription{}
	for _, sub := range s.Subscriptions() {
		if companyUUID == "" || sub.CompanyUUID == companyUUID {
			out = append(out, sub)
		}
	}
	return out, nil
}

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
	return d.Request.Curl() + "\n", nil
}

// ReplayAsNewEvent sends a journaled webhook again as a new event: a
// fresh partner-event id and a fresh partner result (Replay keeps both).
func (s *Server) ReplayAsNewEvent(ctx context.Context, id int64) (store.Delivery, error) {
	return s.ReplayDelivery(ctx, id, false)
}

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

// Fixtures returns the catalogue of fixtures the mock ships, then those
// imported (SetImportedFixtures).
func (s *Server) Fixtures(context.Context) ([]fixtures.Info, error) {
	return append(fixtures.Catalogue(), s.importedCatalogue()...), nil
}

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
