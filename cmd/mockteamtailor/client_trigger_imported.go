package main

import (
	"context"
	"fmt"
	"io"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// sendImported sends --fixture whole when it names an imported fixture
// (serve --fixtures) and the trigger is a manual one: the captured body,
// made local as "replay" makes it, so unknown keys, type changes and key
// order reach the partner as production sent them. It returns nil when
// --fixture is not an imported fixture, or --stage or --bulk ask for the
// candidate route.
func (o *triggerOptions) sendImported(ctx context.Context, c controlapi.Admin, stderr io.Writer) (*store.Delivery, error) {
	if o.fixture == "" || o.given["bulk"] || o.stage != 0 {
		return nil, nil
	}
	fx, err := c.Fixtures(ctx)
	if err != nil {
		return nil, err
	}
	imported := false
	for _, f := range fx {
		imported = imported || (f.Kind == fixtures.KindImported && f.Name == o.fixture)
	}
	if !imported {
		return nil, nil
	}
	if len(o.dataMap) > 0 {
		return nil, fmt.Errorf("--fixture %s is an imported fixture, sent with its captured webhook-data; leave out --data", o.fixture)
	}
	out, err := c.ReplayCapture(ctx, controlapi.ReplayRequest{PartnerID: o.partner, CompanyUUID: o.company, Fixture: o.fixture})
	if err != nil {
		return nil, fmt.Errorf("--fixture %s: %w", o.fixture, err)
	}
	fmt.Fprintf(stderr, "sent imported fixture %s as captured (rewritten: %s; %s from the webhook schema)\n", o.fixture, text.Count(len(out.RewrittenPaths), "path", "paths"), text.Count(len(out.Deviations), "deviation", "deviations"))
	for _, d := range out.Deviations {
		fmt.Fprintf(stderr, "  %s\n", d)
	}
	o.fixture = "" // sent; the other candidates go the usual way
	return out.Delivery, nil
}

// sendImportedAgain sends an imported fixture's webhook a second time for
// --twice: a replay keeps its event id and result, as the manual
// trigger's second sending does.
func (o *triggerOptions) sendImportedAgain(ctx context.Context, c controlapi.Admin, first *store.Delivery) (*store.Delivery, error) {
	if !o.twice || first == nil {
		return nil, nil
	}
	again, err := c.Replay(ctx, first.ID)
	if err != nil {
		return nil, fmt.Errorf("--twice: %w", err)
	}
	return &again, nil
}
