package mockteamtailor

import (
	"context"
	"fmt"
	"sync"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// bulkRuns tracks bulk triggers in progress and done.
type bulkRuns struct {
	mu   sync.Mutex // guards runs
	runs map[string]*controlapi.BulkRun
}

func (b *bulkRuns) start(r *controlapi.BulkRun) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.runs == nil {
		b.runs = map[string]*controlapi.BulkRun{}
	}
	b.runs[r.ID] = r
}

func (b *bulkRuns) update(id string, fn func(*controlapi.BulkRun)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r, ok := b.runs[id]; ok {
		fn(r)
	}
}

// BulkRun returns a copy of a bulk run's progress; an unknown id is a
// 404.
func (s *Server) BulkRun(_ context.Context, id string) (controlapi.BulkRun, error) {
	s.bulk.mu.Lock()
	defer s.bulk.mu.Unlock()
	r, ok := s.bulk.runs[id]
	if !ok {
		return controlapi.BulkRun{}, httpapi.NotFound("there is no bulk run %q", id)
	}
	c := *r
	c.ResultIDs = append([]string(nil), r.ResultIDs...)
	return c, nil
}

// BulkTrigger fetches the config once without job, stage or user, checks
// the picked values, then sends one webhook per candidate, each with its
// own partner event and result and no job key, BulkConcurrency at a time.
// It is refused when the partner does not allow bulk mode. Unless Wait is
// set it returns at once; BulkRun reports progress.
func (s *Server) BulkTrigger(ctx context.Context, req controlapi.BulkRequest) (controlapi.BulkRun, error) {
	p, err := s.store.Partner(ctx, req.PartnerID)
	if err != nil {
		return controlapi.BulkRun{}, httpapi.NotFound("there is no partner %q", req.PartnerID)
	}
	if !p.AllowBulk {
		return controlapi.BulkRun{}, httpapi.Conflict("partner %q does not allow bulk mode; turn it on in the partner's settings (allowBulk)", p.ID)
	}
	if len(req.CandidateIDs) == 0 && !(req.DryRun && req.CompanyUUID != "") {
		return controlapi.BulkRun{}, httpapi.Invalid("/candidateIds", "give at least one candidate id")
	}
	var cands []store.CandidateRecord
	seen := map[int64]bool{}
	for i, id := range req.CandidateIDs {
		if seen[id] {
			return controlapi.BulkRun{}, httpapi.Invalid(fmt.Sprintf("/candidateIds/%d", i), "candidate %d is listed twice", id)
		}
		seen[id] = true
		c, err := s.store.Candidate(ctx, id)
		if err != nil {
			return controlapi.BulkRun{}, httpapi.Invalid(fmt.Sprintf("/candidateIds/%d", i), "there is no candidate %d", id)
		}
		if len(cands) > 0 && c.CompanyUUID != cands[0].CompanyUUID {
			return controlapi.BulkRun{}, httpapi.Invalid(fmt.Sprintf("/candidateIds/%d", i), "candidate %d is in another company than candidate %d; a bulk run covers one company", id, cands[0].ID)
		}
		if req.CompanyUUID != "" && c.CompanyUUID != req.CompanyUUID {
			return controlapi.BulkRun{}, httpapi.Invalid(fmt.Sprintf("/candidateIds/%d", i), "candidate %d is not in company %s", id, req.CompanyUUID)
		}
		cands = append(cands, c)
	}
	companyUUID := req.CompanyUUID
	if len(cands) > 0 {
		companyUUID = cands[0].CompanyUUID
	}
	p, company, act, err := s.activated(ctx, p.ID, companyUUID)
	if err != nil {
		return controlapi.BulkRun{}, err
	}
	cfg, err := s.FetchConfig(ctx, controlapi.ConfigRequest{PartnerID: p.ID, CompanyUUID: company.UUID, Bulk: true, Picked: req.Data, Purpose: dryRunPurpose(req.DryRun)})
	if err != nil {
		return controlapi.BulkRun{}, err
	}
	data, err := s.PickValues(cfg.Form, req.Data)
	if err != nil {
		return controlapi.BulkRun{}, err
	}
	if req.DryRun {
		return controlapi.BulkRun{PartnerID: p.ID, Total: len(cands), ResultIDs: []string{}, Done: true}, nil
	}
	run := &controlapi.BulkRun{ID: s.ids.Secret("bulk-", 6), PartnerID: p.ID, Total: len(cands), StartedAt: s.clock().UTC(), ResultIDs: []string{}}
	if len(cfg.DeliveryIDs) > 0 {
		run.ConfigID = cfg.DeliveryIDs[0]
	}
	s.bulk.start(run)
	work := func(ctx context.Context) {
		sem := make(chan struct{}, s.cfg.BulkConcurrency)
		var wg sync.WaitGroup
		for _, c := range cands {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				out, err := s.deliver(ctx, EventSpec{Partner: p, Activation: act, Company: company, Candidate: c, WebhookData: data}, store.Delivery{BulkRunID: run.ID})
				s.bulk.update(run.ID, func(r *controlapi.BulkRun) {
					switch {
					case err != nil:
						r.Failed++
					case out.Delivery.Response != nil && out.Delivery.Response.Status/100 == 2:
						r.Sent++
					default:
						r.Failed++
					}
					if err == nil {
						r.ResultIDs = append(r.ResultIDs, out.Result.ID)
					}
				})
			})
		}
		wg.Wait()
		s.bulk.update(run.ID, func(r *controlapi.BulkRun) { r.Done, r.FinishedAt = true, s.clock().UTC() })
	}
	if req.Wait {
		work(ctx)
	} else {
		s.background(work)
	}
	out, _ := s.BulkRun(ctx, run.ID)
	return out, nil
}
