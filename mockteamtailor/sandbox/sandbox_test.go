package sandbox

import (
	"context"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

var now = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

// Rule: Seed makes the partner, its sandbox company (with jobs and
// candidates) and the activation once; seeding again keeps them and the
// keys.
func TestSeedIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemStore()
	ids := idgen.NewSeeded(3)
	first, err := Seed(ctx, st, ids, now, PartnerSettings{ID: "1", BaseURL: "http://localhost:3000"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Partner.APIKey == "" || first.Partner.WebhookSecret == "" || !first.Company.Sandbox || first.Activation.ProviderKey == "" {
		t.Fatalf("seeded %+v", first)
	}
	jobs, err := st.Jobs(ctx, first.Company.UUID)
	if err != nil || len(jobs) == 0 {
		t.Fatalf("sandbox jobs: %d, %v", len(jobs), err)
	}
	again, err := Seed(ctx, st, ids, now, PartnerSettings{ID: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if again.Partner.APIKey != first.Partner.APIKey || again.Company.UUID != first.Company.UUID || again.Activation.ID != first.Activation.ID {
		t.Errorf("seeding again changed the sandbox: %+v, was %+v", again, first)
	}
}

// Rule: the options of the partner under test and its own provider key
// are there from the start (the conformance suite's embedded mock).
func TestSeedWithOptions(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemStore()
	sb, err := Seed(ctx, st, idgen.NewSeeded(3), now, PartnerSettings{
		ID: "1", Adjust: func(p *store.Partner) { p.AllowBulk, p.IncludeUploads = false, true },
		ProviderKey: "the-suites-key", ActivationValues: map[string]string{"region": "eu"},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Partner(ctx, "1")
	if err != nil || p.AllowBulk || !p.IncludeUploads {
		t.Errorf("stored partner %+v, %v; want the adjusted options", p, err)
	}
	acts, _, err := st.Activations(ctx, "1", store.Page{})
	if err != nil || len(acts) != 1 || acts[0].ProviderKey != "the-suites-key" || acts[0].Values["region"] != "eu" || acts[0].ID != sb.Activation.ID {
		t.Errorf("activations %+v, %v; want the one with the given key and values", acts, err)
	}
}

// Rule: a base URL that is not an absolute http(s) URL is refused before
// anything is stored.
func TestSeedRefusesABadBaseURL(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemStore()
	if _, err := Seed(ctx, st, idgen.NewSeeded(3), now, PartnerSettings{ID: "1", BaseURL: "localhost:3000"}); err == nil {
		t.Fatal("a base URL without a scheme was accepted")
	}
	if ps, _ := st.Partners(ctx); len(ps) != 0 {
		t.Errorf("a refused seed stored %d partners", len(ps))
	}
}
