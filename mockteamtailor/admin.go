package mockteamtailor

import (
	"context"
	"fmt"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnerapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Faults returns the faults injected on the Partner API and its rate
// limit.
func (s *Server) Faults(context.Context) (controlapi.Faults, error) {
	return s.faults(), nil
}

func (s *Server) faults() controlapi.Faults {
	f := s.api.Faults()
	limit, window, enforce := s.api.RateLimit()
	return controlapi.Faults{Latency: f.Latency.String(), Status: f.Status, Count: f.Count, Fraction: f.Fraction, Connection: f.Connection,
		RateLimit:         &controlapi.RateLimit{Limit: limit, Window: window.String(), Enforce: enforce},
		ResultRateLimited: f.ResultRateLimited, RetryAfter: f.RetryAfter}
}

// SetFaults sets the faults injected on the Partner API and, when given,
// its rate limit; nothing changes unless all of in is valid.
func (s *Server) SetFaults(_ context.Context, in controlapi.Faults) (controlapi.Faults, error) {
	f := partnerapi.Faults{Status: in.Status, Count: in.Count, Fraction: in.Fraction, Connection: in.Connection,
		ResultRateLimited: in.ResultRateLimited, RetryAfter: in.RetryAfter}
	if in.Latency != "" {
		d, err := time.ParseDuration(in.Latency)
		if err != nil {
			return controlapi.Faults{}, httpapi.Invalid("/latency", "latency %q is not a duration such as 250ms or 2s", in.Latency)
		}
		f.Latency = d
	}
	if err := f.Validate(); err != nil {
		return controlapi.Faults{}, httpapi.Invalid("", "%v", err)
	}
	if in.RateLimit != nil {
		w, err := time.ParseDuration(in.RateLimit.Window)
		if err != nil {
			return controlapi.Faults{}, httpapi.Invalid("/rateLimit/window", "window %q is not a duration such as 10s", in.RateLimit.Window)
		}
		if err := s.SetRateLimit(in.RateLimit.Limit, w, in.RateLimit.Enforce); err != nil {
			return controlapi.Faults{}, httpapi.Invalid("/rateLimit", "%v", err)
		}
	}
	if err := s.api.SetFaults(f); err != nil {
		return controlapi.Faults{}, httpapi.Invalid("", "%v", err)
	}
	return s.faults(), nil
}

// RateLimitResultPosts answers the next n result posts of any partner
// (POST, PUT or PATCH of partner-results) with 429 and Retry-After:
// retryAfter, rounded up to whole seconds (at least 1); the post after
// them is accepted. Other faults in force stay. The conformance suite's
// embedded mock calls it to check that a partner retries.
func (s *Server) RateLimitResultPosts(n int, retryAfter time.Duration) error {
	f := s.api.Faults()
	f.ResultRateLimited = n
	f.RetryAfter = max(int((retryAfter+time.Second-1)/time.Second), 1)
	if err := s.api.SetFaults(f); err != nil {
		return httpapi.Invalid("", "%v", err)
	}
	return nil
}

// ClearFaults injects no more faults and puts the rate limit back to the
// one the mock started with.
func (s *Server) ClearFaults(context.Context) (controlapi.Faults, error) {
	s.api.SetFaults(partnerapi.Faults{})
	s.api.SetRateLimit(s.cfg.RateLimit, s.cfg.RateWindow, s.cfg.EnforceRateLimit)
	d := publicapi.DefaultConfig()
	s.v1.SetRateLimit(d.RateLimit, d.RateWindow, s.cfg.EnforceRateLimit)
	return s.faults(), nil
}

// Keys returns every partner's API key and webhook secret with the
// provider key of each of its activations, and every company's keys of
// the public API (/v1), for scripts.
func (s *Server) Keys(ctx context.Context) (controlapi.Keys, error) {
	partners, err := s.partnerKeys(ctx)
	if err != nil {
		return controlapi.Keys{}, err
	}
	companies, err := s.companyKeys(ctx)
	if err != nil {
		return controlapi.Keys{}, err
	}
	return controlapi.Keys{Partners: partners, Companies: companies}, nil
}

// companyKeys returns every company's keys of the public API (/v1).
func (s *Server) companyKeys(ctx context.Context) ([]controlapi.CompanyKeys, error) {
	cs, err := s.store.Companies(ctx)
	if err != nil {
		return nil, err
	}
	out := []controlapi.CompanyKeys{}
	for _, c := range cs {
		out = append(out, controlapi.CompanyKeys{UUID: c.UUID, Name: c.Name, APIKeys: c.APIKeys()})
	}
	return out, nil
}

// partnerKeys returns every partner's API key and webhook secret, and the
// provider key of each of its activations.
func (s *Server) partnerKeys(ctx context.Context) ([]controlapi.PartnerKeys, error) {
	ps, err := s.store.Partners(ctx)
	if err != nil {
		return nil, err
	}
	out := []controlapi.PartnerKeys{}
	for _, p := range ps {
		k := controlapi.PartnerKeys{ID: p.ID, Name: p.Name, APIKey: p.APIKey, WebhookSecret: p.WebhookSecret, Activations: []controlapi.ActivationKeys{}}
		acts, _, err := s.store.Activations(ctx, p.ID, store.Page{})
		if err != nil {
			return nil, err
		}
		for _, a := range acts {
			k.Activations = append(k.Activations, controlapi.ActivationKeys{ID: a.ID, CompanyUUID: a.CompanyUUID, CompanyName: a.CompanyName, ProviderKey: a.ProviderKey})
		}
		out = append(out, k)
	}
	return out, nil
}

// MarkStart remembers the mock as it is now as its start state: the
// state Reset returns to. serve calls it once the partner and its sandbox
// are set up.
func (s *Server) MarkStart(ctx context.Context) error {
	if err := s.store.MarkStart(ctx); err != nil {
		return fmt.Errorf("mark the start state: %w", err)
	}
	s.startMu.Lock()
	defer s.startMu.Unlock()
	s.started = true
	return nil
}

// Reset starts the mock again. After MarkStart it returns to exactly
// the start state: partners with the settings they had at start (keeping
// their current keys), the sandboxes with the same jobs, candidates and
// ids. The id source goes on where it was, seeded or not: a result id,
// partner-event id or key handed out before the reset is never handed
// out again (docs/security.md: ids are never handed out twice).
// Results, triggers, other companies and activations, partners added
// since, uploads, bulk runs, faults, company webhooks, webhook setups and
// the journal go.
// Without MarkStart it keeps the partners and seeds each a fresh sandbox.
func (s *Server) Reset(ctx context.Context) error {
	s.startMu.Lock()
	defer s.startMu.Unlock()
	var ps []store.Partner
	if !s.started {
		var err error
		if ps, err = s.store.Partners(ctx); err != nil {
			return err
		}
	}
	if err := s.store.Reset(ctx); err != nil {
		return err
	}
	s.api.SetFaults(partnerapi.Faults{})
	s.files.Clear()
	s.bulk.mu.Lock()
	s.bulk.runs = nil
	s.bulk.mu.Unlock()
	if s.started {
		// The store is back at the start: so are the subscriptions and
		// setups it keeps.
		return s.hooks.load(ctx, s.store)
	}
	for _, p := range ps {
		// A reset drops the setups made since the start, with the rest.
		p.WebhookSetup = nil
		if err := s.store.PutPartner(ctx, p); err != nil {
			return err
		}
		if _, err := sandbox.Seed(ctx, s.store, s.ids, s.clock, sandbox.PartnerSettings{ID: p.ID}); err != nil {
			return err
		}
	}
	return s.hooks.load(ctx, s.store)
}

// Fixtures returns the catalogue of fixtures the mock ships, then those
// imported (SetImportedFixtures).
func (s *Server) Fixtures(context.Context) ([]fixtures.Info, error) {
	return append(fixtures.Catalogue(), s.importedCatalogue()...), nil
}
