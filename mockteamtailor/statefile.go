package mockteamtailor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// stateFormat and stateVersion identify a state file. A file with another
// format or a newer version is refused rather than misread.
const (
	stateFormat  = "mockteamtailor-state"
	stateVersion = 1
)

// state is the on-disk document of a durable MemStore.
type state struct {
	Format           string            `json:"format"`
	Version          int               `json:"version"`
	Partners         []Partner         `json:"partners"`
	Companies        []Company         `json:"companies"`
	Activations      []Activation      `json:"activations"`
	NextActivationID int               `json:"nextActivationId"`
	Results          []PartnerResult   `json:"results"`
	Jobs             []Job             `json:"jobs"`
	Candidates       []CandidateRecord `json:"candidates"`
	Triggers         []Trigger         `json:"triggers"`
	Next             counters          `json:"next"`
}

// journalState is the journal file beside the state file (FILE.journal).
// The journal is kept apart so that acknowledging a Partner API write
// does not rewrite every request and response the mock recorded.
type journalState struct {
	Format  string     `json:"format"`
	Version int        `json:"version"`
	Journal []Delivery `json:"journal"`
}

const journalFormat = "mockteamtailor-journal"

// journalPath is where the journal of the state file at path lives.
func journalPath(path string) string { return path + ".journal" }

// stateFile writes snapshots of a MemStore. Concurrent mutations share
// writes: a mutation waits for the first snapshot taken after it, and one
// snapshot acknowledges every mutation it contains (group commit).
type stateFile struct {
	path           string
	mu             sync.Mutex // serialises writes; guards durable and journalDurable
	durable        uint64     // store version known to be on disk
	journalDurable uint64     // journal version known to be on disk
}

// commitJournal writes the journal file if entries were added since it
// was last written.
func (s *MemStore) commitJournal() error {
	if s.file == nil {
		return nil
	}
	f := s.file
	f.mu.Lock()
	defer f.mu.Unlock()
	s.mu.RLock()
	v := s.journalVersion
	js := journalState{Format: journalFormat, Version: stateVersion, Journal: slices.Clone(s.journal)}
	s.mu.RUnlock()
	if f.journalDurable >= v {
		return nil
	}
	data, err := json.Marshal(js)
	if err != nil {
		return fmt.Errorf("encode journal: %w: %w", err, ErrPersist)
	}
	if err := writeFileAtomic(journalPath(f.path), data); err != nil {
		return fmt.Errorf("%w: %w", err, ErrPersist)
	}
	f.journalDurable = v
	return nil
}

// commit returns once the store at version v (or later) is on disk.
func (s *MemStore) commit(v uint64) error {
	if s.file == nil {
		return nil
	}
	f := s.file
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.durable >= v {
		return nil
	}
	st, cur := s.snapshot()
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode state: %w: %w", err, ErrPersist)
	}
	if err := writeFileAtomic(f.path, data); err != nil {
		return fmt.Errorf("%w: %w", err, ErrPersist)
	}
	f.durable = cur
	return nil
}

// snapshot copies the store under the read lock; encoding happens outside
// it so readers and writers wait only for the copy.
func (s *MemStore) snapshot() (state, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := state{
		Format:           stateFormat,
		Version:          stateVersion,
		NextActivationID: s.nextActivationID,
		Partners:         make([]Partner, 0, len(s.partners)),
		Companies:        make([]Company, 0, len(s.companies)),
		Activations:      make([]Activation, 0, len(s.activations)),
		Results:          make([]PartnerResult, 0, len(s.results)),
		Jobs:             make([]Job, 0, len(s.jobs)),
		Candidates:       make([]CandidateRecord, 0, len(s.candidates)),
		Triggers:         make([]Trigger, 0, len(s.triggers)),
		Next:             s.next,
	}
	for _, id := range slices.Sorted(maps.Keys(s.jobs)) {
		st.Jobs = append(st.Jobs, s.jobs[id])
	}
	for _, id := range slices.Sorted(maps.Keys(s.candidates)) {
		st.Candidates = append(st.Candidates, s.candidates[id])
	}
	for _, id := range slices.Sorted(maps.Keys(s.triggers)) {
		st.Triggers = append(st.Triggers, s.triggers[id])
	}
	for _, p := range s.partners {
		st.Partners = append(st.Partners, p)
	}
	slices.SortFunc(st.Partners, func(a, b Partner) int { return compareIDs(a.ID, b.ID) })
	for _, c := range s.companies {
		st.Companies = append(st.Companies, c)
	}
	slices.SortFunc(st.Companies, func(a, b Company) int { return compareIDs(a.UUID, b.UUID) })
	for _, p := range st.Partners {
		for _, id := range s.activationOrder[p.ID] {
			st.Activations = append(st.Activations, s.activations[id])
		}
		for _, id := range s.resultOrder[p.ID] {
			// Stored records are never written through, so sharing their
			// slices with the encoder is safe.
			st.Results = append(st.Results, s.results[id])
		}
	}
	return st, s.version
}

// restore fills an empty store from a loaded state, checking that the
// records hang together.
func (s *MemStore) restore(st *state) error {
	var problems []error
	for i, p := range st.Partners {
		if p.ID == "" || p.APIKey == "" {
			problems = append(problems, fmt.Errorf("partners[%d]: id and apiKey are required", i))
			continue
		}
		if _, dup := s.partners[p.ID]; dup {
			problems = append(problems, fmt.Errorf("partners[%d]: duplicate id %q", i, p.ID))
		}
		s.partners[p.ID] = p
	}
	for _, c := range st.Companies {
		s.companies[c.UUID] = c
	}
	for i, a := range st.Activations {
		if _, ok := s.partners[a.PartnerID]; !ok {
			problems = append(problems, fmt.Errorf("activations[%d]: unknown partner %q", i, a.PartnerID))
		}
		if _, dup := s.activations[a.ID]; dup || a.ID == "" {
			problems = append(problems, fmt.Errorf("activations[%d]: missing or duplicate id %q", i, a.ID))
		}
		s.activations[a.ID] = a
		s.activationOrder[a.PartnerID] = append(s.activationOrder[a.PartnerID], a.ID)
	}
	s.nextActivationID = max(st.NextActivationID, 1)
	for i, r := range st.Results {
		if _, ok := s.partners[r.PartnerID]; !ok {
			problems = append(problems, fmt.Errorf("results[%d]: unknown partner %q", i, r.PartnerID))
		}
		if _, dup := s.results[r.ID]; dup || r.ID == "" {
			problems = append(problems, fmt.Errorf("results[%d]: missing or duplicate id %q", i, r.ID))
		}
		s.results[r.ID] = r
		s.resultOrder[r.PartnerID] = append(s.resultOrder[r.PartnerID], r.ID)
	}
	for i, j := range st.Jobs {
		if _, ok := s.companies[j.CompanyUUID]; !ok {
			problems = append(problems, fmt.Errorf("jobs[%d]: unknown company %q", i, j.CompanyUUID))
		}
		s.jobs[j.ID] = j
	}
	for i, c := range st.Candidates {
		if _, ok := s.companies[c.CompanyUUID]; !ok {
			problems = append(problems, fmt.Errorf("candidates[%d]: unknown company %q", i, c.CompanyUUID))
		}
		s.candidates[c.ID] = c
	}
	for i, t := range st.Triggers {
		if _, ok := s.partners[t.PartnerID]; !ok {
			problems = append(problems, fmt.Errorf("triggers[%d]: unknown partner %q", i, t.PartnerID))
		}
		s.triggers[t.ID] = t
	}
	s.next = st.Next
	return errors.Join(problems...)
}

// loadState reads the state file at path. It returns nil and no error when
// the file does not exist yet.
func loadState(path string) (*state, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state file: %w", err)
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("state file %s is corrupt (%v); it was left untouched: move it away to start afresh", path, err)
	}
	if head.Format != stateFormat {
		return nil, fmt.Errorf("%s is not a mockteamtailor state file (format %q, want %q); it was left untouched", path, head.Format, stateFormat)
	}
	if head.Version != stateVersion {
		return nil, fmt.Errorf("state file %s has format version %d, this mockteamtailor reads version %d; it was left untouched", path, head.Version, stateVersion)
	}
	var st state
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("state file %s is corrupt (%v); it was left untouched: move it away to start afresh", path, err)
	}
	return &st, nil
}

// writeFileAtomic replaces path with data: it writes a temporary file in
// the same folder, fsyncs it, renames it over path and fsyncs the folder,
// so a crash leaves either the old file or the new one, never a mix.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("sync state file: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close state file: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace state file: %w", err)
	}
	// The rename is durable only once the folder is synced.
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync state folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync state folder: %w", err)
	}
	return nil
}

// removeStaleTemps deletes temporary files a killed process left beside
// the state file; they never hold acknowledged data that path lacks.
func removeStaleTemps(path string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	for _, m := range matches {
		os.Remove(m)
	}
}

// loadJournal reads the journal file beside the state file, if there is
// one. Like the state file, a corrupt one stops start-up untouched.
func (s *MemStore) loadJournal(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read journal file: %w", err)
	}
	var js journalState
	if err := json.Unmarshal(data, &js); err != nil {
		return fmt.Errorf("journal file %s is corrupt (%v); it was left untouched: move it away to start with an empty journal", path, err)
	}
	if js.Format != journalFormat || js.Version != stateVersion {
		return fmt.Errorf("%s is not a journal file this mockteamtailor reads (format %q version %d); it was left untouched", path, js.Format, js.Version)
	}
	s.journal = js.Journal
	if n := len(s.journal); n > 0 {
		// Entries appended after the state file's last write still count.
		s.next.Delivery = max(s.next.Delivery, s.journal[n-1].ID)
	}
	return nil
}
