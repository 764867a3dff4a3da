package idgen

import (
	"context"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// nextAfter returns the first id a mock seeded with 7 hands out when it
// starts on st.
func nextAfter(t *testing.T, st store.Store) string {
	t.Helper()
	ids := NewSeeded(7)
	if err := ContinueAfter(context.Background(), st, ids); err != nil {
		t.Fatal(err)
	}
	return ids.UUID()
}

// Rule (docs/operators.md "--seed"): the same seed on the same stored state gives the
// same ids, on an empty store the ids of a first start, and on any other
// state, a result added or one updated, other ids.
func TestContinueAfterKeysIDsWithTheStoredState(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemStore()
	if got, want := nextAfter(t, st), NewSeeded(7).UUID(); got != want {
		t.Errorf("on an empty store: first id %s, want the first start's %s", got, want)
	}
	if err := st.PutPartner(ctx, store.Partner{ID: "1", Name: "Assessments"}); err != nil {
		t.Fatal(err)
	}
	partnerOnly := nextAfter(t, st)
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	r, err := st.CreateResult(ctx, store.PartnerResult{ID: "r-1", PartnerID: "1",
		ResultAttributes: protocol.ResultAttributes{Status: "sent", CandidateID: 1}, CreatedAt: at, UpdatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	one := nextAfter(t, st)
	if one == NewSeeded(7).UUID() || one == partnerOnly {
		t.Errorf("with a result stored the first id is %s, as without it", one)
	}
	if again := nextAfter(t, st); again != one {
		t.Errorf("the same state gave %s, then %s", one, again)
	}
	if _, err := st.UpdateResult(ctx, "1", r.ID, func(p *store.PartnerResult) error {
		p.UpdatedAt = at.Add(time.Second)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if updated := nextAfter(t, st); updated == one {
		t.Errorf("after an update the first id is still %s", one)
	}
}

// An unseeded generator is random: starting on a store changes nothing
// and reads nothing.
func TestContinueAfterLeavesRandomIDsAlone(t *testing.T) {
	if err := ContinueAfter(context.Background(), nil, New()); err != nil {
		t.Fatal(err)
	}
}
