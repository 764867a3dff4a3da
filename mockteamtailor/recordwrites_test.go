package mockteamtailor

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/companyevent"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// candidate.update fires once per write when a listed field changes, and
// never for an unlisted field or a no-op write (docs/company-webhooks.md
// §3).
func TestCandidateUpdateFiresWhen(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	c := worldCandidates(t, env, 1, 0)[0]
	rec := recordEvents(t, env.server)
	for _, tc := range []struct {
		name  string
		patch string
		fires bool
	}{
		{"first name", `{"first-name": "Ada"}`, true},
		{"same first name again (no-op)", `{"first-name": "Ada"}`, false},
		{"last name", `{"last-name": "Lovelace"}`, true},
		{"email", `{"email": "ada@example.com"}`, true},
		{"phone", `{"phone": "+46 70 000 00 00"}`, true},
		{"picture", `{"picture-url": "https://example.com/ada.png"}`, true},
		{"custom field", `{"custom-fields": [{"shoe-size": {"value": 38, "type": "CustomField::Number"}}]}`, true},
		{"locations", `{"locations": [{"name": "Stockholm", "address": null}]}`, true},
		{"tags (not listed)", `{"tags": ["vip"]}`, false},
		{"department (not listed)", `{"department": "R&D"}`, false},
		{"empty patch", `{}`, false},
		{"several listed fields in one write", `{"first-name": "Grace", "last-name": "Hopper", "email": "grace@example.com"}`, true},
	} {
		if _, err := env.server.UpdateCandidate(ctx, c.ID, json.RawMessage(tc.patch)); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		evs := rec.take()
		want := []string{}
		if tc.fires {
			want = []string{companyevent.CandidateUpdate}
		}
		if got := names(evs); !slices.Equal(got, want) {
			t.Errorf("%s: events %v, want %v", tc.name, got, want)
		}
	}
	got, _ := env.store.Candidate(ctx, c.ID)
	if *got.Data.FirstName != "Grace" || !slices.Equal(got.Data.Tags, []string{"vip"}) {
		t.Errorf("stored candidate %+v", got.Data)
	}
}

// Bad candidate patches are refused and fire nothing.
func TestCandidateUpdateRefused(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	c := worldCandidates(t, env, 1, 0)[0]
	rec := recordEvents(t, env.server)
	for _, patch := range []string{`[]`, `null`, `{"id": 5}`, `{"job": {}}`, `{"first-name": 5}`, `{"nickname": "x"}`} {
		if _, err := env.server.UpdateCandidate(ctx, c.ID, json.RawMessage(patch)); err == nil {
			t.Errorf("patch %s accepted", patch)
		}
	}
	if _, err := env.server.UpdateCandidate(ctx, 999999, json.RawMessage(`{"first-name":"x"}`)); err == nil {
		t.Error("patch of an unknown candidate accepted")
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("refused patches fired %v", names(got))
	}
}

// job.update fires when the title, tags or a custom field change, once per
// write; stages and no-op writes fire nothing.
func TestJobUpdateFiresWhen(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	job := worldJob(t, env)
	rec := recordEvents(t, env.server)
	str := func(s string) *string { return &s }
	tags := func(t ...string) *[]string { return &t }
	for _, tc := range []struct {
		name  string
		patch controlapi.JobPatch
		fires bool
	}{
		{"title", controlapi.JobPatch{Title: str("Staff engineer")}, true},
		{"same title (no-op)", controlapi.JobPatch{Title: str("Staff engineer")}, false},
		{"tags (listed for jobs)", controlapi.JobPatch{Tags: tags("go", "remote")}, true},
		{"same tags", controlapi.JobPatch{Tags: tags("go", "remote")}, false},
		{"custom field", controlapi.JobPatch{CustomFields: &[]protocol.CustomField{{APIName: "team", Value: json.RawMessage(`"core"`), Type: "CustomField::Text"}}}, true},
		{"title and tags in one write", controlapi.JobPatch{Title: str("Principal"), Tags: tags()}, true},
		{"nothing", controlapi.JobPatch{}, false},
	} {
		if _, err := env.server.UpdateJob(ctx, job.ID, tc.patch); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want := []string{}
		if tc.fires {
			want = []string{companyevent.JobUpdate}
		}
		if got := names(rec.take()); !slices.Equal(got, want) {
			t.Errorf("%s: events %v, want %v", tc.name, got, want)
		}
	}
	if _, err := env.server.AddStage(ctx, job.ID, "Offer"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.server.UpdateJob(ctx, job.ID, controlapi.JobPatch{Title: str(" ")}); err == nil {
		t.Error("a blank title was accepted")
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("a stage and a refused write fired %v", names(got))
	}
}

// Deleting a candidate fires job_application.destroy for each application,
// then candidate.destroy, with no attributes (docs/company-webhooks.md §3,
// §4.1).
func TestDeleteCandidateFiresDestroys(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	j1, j2 := worldJob(t, env), worldJob(t, env)
	c := worldCandidates(t, env, 1, j1.ID)[0]
	if _, err := env.server.MoveCandidate(ctx, controlapi.MoveRequest{CandidateID: c.ID, JobID: j2.ID, StageID: j2.Stages[1].ID}); err != nil {
		t.Fatal(err)
	}
	rec := recordEvents(t, env.server)
	if err := env.server.DeleteCandidate(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	evs := rec.take()
	want := []string{companyevent.ApplicationDestroy, companyevent.ApplicationDestroy, companyevent.CandidateDestroy}
	if got := names(evs); !slices.Equal(got, want) {
		t.Fatalf("delete: events %v, want %v", got, want)
	}
	if evs[0].Event.Data.ID != ApplicationID(c.ID, j1.ID) || evs[1].Event.Data.ID != ApplicationID(c.ID, j2.ID) || evs[2].Event.Data.ID != itoa(c.ID) {
		t.Errorf("destroy ids: %+v", evs)
	}
	for _, ev := range evs {
		if ev.Event.Data.Attributes != nil {
			t.Errorf("%s carries attributes", ev.Event.Name)
		}
	}
	if _, err := env.store.Candidate(ctx, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted candidate still there: %v", err)
	}
	if err := env.server.DeleteCandidate(ctx, c.ID); err == nil {
		t.Error("deleting twice succeeded")
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("a failed delete fired %v", names(got))
	}
}

// Application ids are unique per (candidate, job) pair.
func TestApplicationIDUnique(t *testing.T) {
	seen := map[string][2]int64{}
	for c := int64(1); c <= 60; c++ {
		for j := int64(1); j <= 60; j++ {
			id := ApplicationID(c, j)
			if p, ok := seen[id]; ok {
				t.Fatalf("ApplicationID(%d,%d) = ApplicationID(%d,%d) = %s", c, j, p[0], p[1], id)
			}
			seen[id] = [2]int64{c, j}
		}
	}
}
