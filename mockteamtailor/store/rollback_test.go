package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// resultIDs lists the ids of partner 1's results, in order.
func resultIDs(t *testing.T, s *MemStore) []string {
	t.Helper()
	rs, _, err := s.Results(context.Background(), "1", Page{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID+"="+string(r.Status))
	}
	return ids
}

// breakLog makes every later write of s's log fail, as a full or failing
// disk does: its file is closed under it.
func breakLog(t *testing.T, s *MemStore) {
	t.Helper()
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if !s.file.log.Break() {
		t.Fatal("the log is not open")
	}
}

// A write the log refuses (ErrPersist, a 503) is undone in memory: the
// result it created, changed or deleted shows as it was, as a restart
// would load it, and a reset that could not be written leaves the store
// as it was.
func TestRefusedWritesAreUndone(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.json")
	s, err := OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutPartner(ctx, Partner{ID: "1", APIKey: "k"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "c"} {
		if _, err := s.CreateResult(ctx, PartnerResult{ID: id, PartnerID: "1", ResultAttributes: protocol.ResultAttributes{Status: "sent"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateActivation(ctx, Activation{PartnerID: "1", CompanyUUID: "co", ProviderKey: "pk"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkStart(ctx); err != nil {
		t.Fatal(err)
	}
	want := resultIDs(t, s)
	wantBytes, _, _ := s.Held()
	breakLog(t, s)

	refused := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, ErrPersist) {
			t.Fatalf("%s with a failing log = %v, want ErrPersist", what, err)
		}
		if got := resultIDs(t, s); !slices.Equal(got, want) {
			t.Errorf("after a refused %s the results are %v, want %v", what, got, want)
		}
		// The byte count the results' limit is held to is undone too.
		if got, _, _ := s.Held(); got != wantBytes {
			t.Errorf("after a refused %s the results are counted at %d bytes, want %d", what, got, wantBytes)
		}
	}
	_, err = s.CreateResult(ctx, PartnerResult{ID: "new", PartnerID: "1", ResultAttributes: protocol.ResultAttributes{Status: "sent"}})
	refused("create", err)
	if _, err := s.Result(ctx, "1", "new"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GET of a refused create = %v, want ErrNotFound", err)
	}
	_, err = s.UpdateResult(ctx, "1", "b", func(r *PartnerResult) error { r.Status = "completed"; return nil })
	refused("update", err)
	refused("delete", s.DeleteResult(ctx, "1", "b"))
	refused("reset", s.Reset(ctx))
	if acts, _, _ := s.Activations(ctx, "1", Page{}); len(acts) != 1 {
		t.Errorf("after a refused reset partner 1 has %d activations, want 1", len(acts))
	}
	refused("deactivation", s.DeleteActivation(ctx, "1", "1"))
	if acts, _, _ := s.Activations(ctx, "1", Page{}); len(acts) != 1 || acts[0].ProviderKey != "pk" {
		t.Errorf("after a refused deactivation the activations are %+v", acts)
	}
	refused("partner change", s.PutPartner(ctx, Partner{ID: "1", APIKey: "other"}))
	if p, _ := s.Partner(ctx, "1"); p.APIKey != "k" {
		t.Errorf("after a refused change partner 1's key is %q", p.APIKey)
	}
	refused("new partner", s.PutPartner(ctx, Partner{ID: "2", APIKey: "k2"}))
	if _, err := s.Partner(ctx, "2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a refused new partner shows: %v", err)
	}

	// What is on disk is what the store shows.
	again, err := OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := resultIDs(t, again); !slices.Equal(got, want) {
		t.Errorf("after a restart the results are %v, want %v", got, want)
	}
}

// Writers that share a failed write of the log all fail, and none of
// their changes shows; once the log can be written again, writes go on.
func TestConcurrentRefusedWritesAreUndone(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// The folder is missing: the log cannot be created until it exists.
	path := filepath.Join(dir, "later", "state.json")
	s, err := OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutPartner(ctx, Partner{ID: "1", APIKey: "k"}); !errors.Is(err, ErrPersist) {
		t.Fatalf("PutPartner into a missing folder = %v, want ErrPersist", err)
	}
	if _, err := s.Partner(ctx, "1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a refused PutPartner shows: %v", err)
	}
	if err := os.Mkdir(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPartner(ctx, Partner{ID: "1", APIKey: "k"}); err != nil {
		t.Fatal(err)
	}
	breakLog(t, s)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var acknowledged []string
	for i := range 32 {
		wg.Go(func() {
			id := fmt.Sprintf("r%02d", i)
			_, err := s.CreateResult(ctx, PartnerResult{ID: id, PartnerID: "1", ResultAttributes: protocol.ResultAttributes{Status: "sent"}})
			if err == nil {
				mu.Lock()
				acknowledged = append(acknowledged, id)
				mu.Unlock()
			} else if !errors.Is(err, ErrPersist) {
				t.Errorf("create %s = %v", id, err)
			}
		})
	}
	wg.Wait()
	if len(acknowledged) != 0 {
		t.Errorf("creates acknowledged with a broken log: %v", acknowledged)
	}
	if got := resultIDs(t, s); len(got) != 0 {
		t.Errorf("refused creates show: %v", got)
	}
}
