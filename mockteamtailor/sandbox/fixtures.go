package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// CompanyFromFixture converts a company fixture into a Company.
func CompanyFromFixture(f fixtures.Company) store.Company {
	c := store.Company{UUID: f.UUID, Name: f.Name, URL: f.URL, Logotype: f.Logotype}
	for _, u := range f.Users {
		c.Users = append(c.Users, protocol.User{ID: u.ID, Email: u.Email, Name: u.Name})
	}
	for _, d := range f.CustomFields {
		c.CustomFields = append(c.CustomFields, store.CustomFieldDef{Name: d.Name, APIName: d.APIName, Type: d.Type, Options: d.Options})
	}
	return c
}

// JobFromFixture converts a job fixture into a Job of a company. With
// fresh, ids are left for the store to assign, so the same fixture can
// seed several companies.
func JobFromFixture(f fixtures.Job, companyUUID string, fresh bool) (store.Job, error) {
	j := store.Job{ID: f.ID, CompanyUUID: companyUUID, Title: f.Title, Tags: protocol.NonNil(f.Tags)}
	for i, raw := range f.CustomFields {
		var cf protocol.CustomField
		if err := json.Unmarshal(raw, &cf); err != nil {
			return store.Job{}, fmt.Errorf("job fixture %q: custom-fields[%d]: %w", f.Title, i, err)
		}
		j.CustomFields = append(j.CustomFields, cf)
	}
	for _, st := range f.Stages {
		j.Stages = append(j.Stages, store.Stage{ID: st.ID, Name: st.Name})
	}
	if fresh {
		j.ID = 0
		for i := range j.Stages {
			j.Stages[i].ID = 0
		}
	}
	return j, nil
}

// CandidateFixture decodes a candidate fixture by name.
func CandidateFixture(name string) (protocol.Candidate, error) {
	raw, err := fixtures.Raw(fixtures.KindCandidates, name)
	if err != nil {
		return protocol.Candidate{}, err
	}
	c, err := protocol.DecodeCandidate(raw)
	if err != nil {
		return protocol.Candidate{}, fmt.Errorf("candidate fixture %q: %w", name, err)
	}
	return c, nil
}

// CompanyStore is what SeedCompany writes: jobs and candidates.
type CompanyStore interface {
	PutJob(ctx context.Context, j store.Job) (store.Job, error)
	PutCandidate(ctx context.Context, c store.CandidateRecord) (store.CandidateRecord, error)
}

// SeedCompany fills a new company with every job fixture (fresh ids)
// and every candidate fixture, each applied to the first job in its first
// stage, so a sandbox has something to trigger on.
func SeedCompany(ctx context.Context, st CompanyStore, companyUUID string) error {
	jobs, err := fixtures.Jobs()
	if err != nil {
		return err
	}
	var first store.Job
	for i, f := range jobs {
		j, err := JobFromFixture(f, companyUUID, true)
		if err != nil {
			return err
		}
		if j, err = st.PutJob(ctx, j); err != nil {
			return fmt.Errorf("seed job %q: %w", f.Title, err)
		}
		if i == 0 {
			first = j
		}
	}
	for _, name := range fixtures.Names(fixtures.KindCandidates) {
		c, err := CandidateFixture(name)
		if err != nil {
			return err
		}
		rec := store.CandidateRecord{CompanyUUID: companyUUID, Data: c}
		if len(first.Stages) > 0 {
			rec.Applications = []store.Application{{JobID: first.ID, StageID: first.Stages[0].ID}}
		}
		if _, err := st.PutCandidate(ctx, rec); err != nil {
			return fmt.Errorf("seed candidate %q: %w", name, err)
		}
	}
	return nil
}

// ImportedCandidate returns the candidate of an imported fixture as the
// mock stores candidates: partner-event.candidate without its job. Keys
// the mock does not know are left out, so a drifted capture still makes
// a candidate; a value of another type than the protocol's cannot be
// stored, and the error says to send the fixture whole with a replay.
func ImportedCandidate(f fixtures.Imported) (protocol.Candidate, error) {
	var doc struct {
		PartnerEvent struct {
			Candidate map[string]json.RawMessage `json:"candidate"`
		} `json:"partner-event"`
	}
	if err := json.Unmarshal(f.Body, &doc); err != nil {
		return protocol.Candidate{}, fmt.Errorf("imported fixture %q: %w", f.Name, err)
	}
	cand := doc.PartnerEvent.Candidate
	delete(cand, "job")
	raw, _ := json.Marshal(cand)
	var c protocol.Candidate
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil {
		return protocol.Candidate{}, fmt.Errorf("imported fixture %q: its candidate does not fit the protocol's types (%s); \"trigger --fixture %s\" and \"replay\" send it whole", f.Name, protocol.JSONProblem(err), f.Name)
	}
	if c.ID <= 0 {
		c.ID = 1 // the store assigns its own id
	}
	return c, nil
}
