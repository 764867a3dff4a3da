package mockteamtailor

import (
	"context"
	"fmt"
	"slices"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// SetImportedFixtures makes imported fixtures (scrubbed captured webhooks,
// "serve --fixtures DIR") known to the server: the control API lists them
// with kind "imported", a candidate can be added from one by name
// ("trigger --fixture NAME"), and a replay can send one whole.
func (s *Server) SetImportedFixtures(fs []fixtures.Imported) error {
	m := make(map[string]fixtures.Imported, len(fs))
	for _, f := range fs {
		if err := fixtures.CheckImportedName(f.Name); err != nil {
			return err
		}
		m[f.Name] = f
	}
	s.imported.Store(&m)
	return nil
}

func (s *Server) importedFixture(name string) (fixtures.Imported, bool) {
	m := s.imported.Load()
	if m == nil {
		return fixtures.Imported{}, false
	}
	f, ok := (*m)[name]
	return f, ok
}

func (s *Server) importedFixtureNames() []string {
	var out []string
	if m := s.imported.Load(); m != nil {
		for name := range *m {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// candidateFixture returns a shipped candidate fixture, or the candidate
// of an imported one.
func (s *Server) candidateFixture(name string) (protocol.Candidate, error) {
	if f, ok := s.importedFixture(name); ok {
		return sandbox.ImportedCandidate(f)
	}
	return sandbox.CandidateFixture(name)
}

// importedCatalogue lists the imported fixtures for the control API.
func (s *Server) importedCatalogue() []fixtures.Info {
	var out []fixtures.Info
	for _, name := range s.importedFixtureNames() {
		out = append(out, fixtures.Info{Kind: fixtures.KindImported, Name: name, Description: "Imported from a captured webhook, personal data scrubbed (mockteamtailor fixtures import)."})
	}
	return out
}

// AddImportedCandidates adds the candidate of every imported fixture to a
// company, applied to its first job's first stage so a manual trigger can
// send it, unless a candidate with the same uuid is there already (a
// restart with --state). It returns the candidates added, and why the
// fixtures whose candidate does not fit the protocol's types were left
// out (a replay still sends those whole).
func (s *Server) AddImportedCandidates(ctx context.Context, companyUUID string) (added []store.CandidateRecord, skipped []string, err error) {
	jobs, err := s.store.Jobs(ctx, companyUUID)
	if err != nil {
		return nil, nil, err
	}
	existing, _, err := s.store.Candidates(ctx, companyUUID, store.Page{})
	if err != nil {
		return nil, nil, err
	}
	for _, name := range s.importedFixtureNames() {
		f, _ := s.importedFixture(name)
		c, err := sandbox.ImportedCandidate(f)
		if err != nil {
			skipped = append(skipped, err.Error())
			continue
		}
		if slices.ContainsFunc(existing, func(r store.CandidateRecord) bool { return r.Data.UUID == c.UUID }) {
			continue
		}
		rec := store.CandidateRecord{CompanyUUID: companyUUID, Data: c}
		if len(jobs) > 0 && len(jobs[0].Stages) > 0 {
			rec.Applications = []store.Application{{JobID: jobs[0].ID, StageID: jobs[0].Stages[0].ID}}
		}
		if rec, err = s.store.PutCandidate(ctx, rec); err != nil {
			return added, skipped, fmt.Errorf("imported fixture %q: %w", name, err)
		}
		added = append(added, rec)
	}
	return added, skipped, nil
}
