package mockteamtailor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

func TestMemStoreStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, err := store.OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	ids := idgen.NewSeeded(1)
	sb, err := sandbox.Seed(ctx, s, ids, func() time.Time { return fixedNow }, sandbox.PartnerSettings{ID: "1", Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	score, grade, dur, job, sum := 82.5, "top_fit", int64(1934), int64(4), "s"
	want := store.PartnerResult{ID: "r1", PartnerID: "1", CreatedAt: fixedNow, UpdatedAt: fixedNow, ResultAttributes: protocol.ResultAttributes{Status: "completed", CandidateID: 3, JobID: &job, Summary: &sum, Assessment: protocol.Assessment{Score: &score, Grade: &grade, Duration: &dur}, Details: []byte(`{"a":{"b":1}}`), Attachments: []protocol.Attachment{}, Actions: []protocol.Action{{ButtonText: "b", Endpoint: "e"}}, AssessmentCriteria: []protocol.Criterion{{ID: []byte(`"c"`), Score: &score}}}}
	if _, err := s.CreateResult(ctx, want); err != nil {
		t.Fatal(err)
	}
	re, err := store.OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := re.Result(ctx, "1", "r1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result after reopen (-want +got):\n%s", diff)
	}
	act, err := re.Activation(ctx, "1", sb.Activation.ID)
	if err != nil || act.ProviderKey != sb.Activation.ProviderKey {
		t.Errorf("activation after reopen: %+v, %v", act, err)
	}
	// Seeding again finds the sandbox instead of creating a second one.
	sb2, err := sandbox.Seed(ctx, re, ids, func() time.Time { return fixedNow }, sandbox.PartnerSettings{ID: "1"})
	if err != nil || sb2.Activation.ID != sb.Activation.ID || sb2.Partner.APIKey != sb.Partner.APIKey {
		t.Errorf("reseeding changed the sandbox: %+v vs %+v (%v)", sb2, sb, err)
	}
	if _, n, _ := re.Activations(ctx, "1", store.Page{}); n != 1 {
		t.Errorf("reseeding made %d activations, want 1", n)
	}
}
