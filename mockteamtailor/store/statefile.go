package store

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
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/statelog"
)

// stateFormat and stateVersion identify a state file (the snapshot). A
// file with another format or a newer version is refused rather than
// misread. Older versions are read once and migrated to the current one:
// version 1 (the whole state as JSON, rewritten on every write, with the
// journal in FILE.journal) and version 2 (a JSON snapshot, journal
// included, plus the append-only log). Version 3 is version 2 with the
// snapshot in the framed, partly binary form of statesnapshot.go.
const (
	stateFormat  = "mockteamtailor-state"
	stateVersion = 3
)

// state is the on-disk document of a durable MemStore: a snapshot, which
// the log generations from LogGeneration on bring up to date.
type state struct {
	Format        string `json:"format"`
	Version       int    `json:"version"`
	LogGeneration int    `json:"logGeneration,omitempty"`
	// LogID is the identity of log generation LogGeneration, which a
	// version 3 snapshot written since logs have identities names: that
	// log must be there. Older snapshots lack it (docs/operators.md "State").
	LogID            string            `json:"logId,omitempty"`
	Partners         []Partner         `json:"partners"`
	Companies        []Company         `json:"companies"`
	Activations      []Activation      `json:"activations"`
	NextActivationID int               `json:"nextActivationId"`
	Results          []PartnerResult   `json:"results"`
	Jobs             []Job             `json:"jobs"`
	Candidates       []CandidateRecord `json:"candidates"`
	Triggers         []Trigger         `json:"triggers"`
	Next             counters          `json:"next"`
	Journal          []Delivery        `json:"journal,omitempty"`

	// ResultBlobs holds the results of a snapshot of the store as their
	// blocks (resultblob.go), shared with the store, in place of Results:
	// copying them is all a snapshot does under the store's lock.
	ResultBlobs [][]byte `json:"-"`
}

// decodeResultBlobs puts the results of st.ResultBlobs in st.Results.
func (st *state) decodeResultBlobs() {
	if st.ResultBlobs == nil {
		return
	}
	st.Results = make([]PartnerResult, len(st.ResultBlobs))
	for i, blob := range st.ResultBlobs {
		st.Results[i] = decodeResultBlob(blob)
	}
	st.ResultBlobs = nil
}

// journalState is the journal file of a version 1 state file
// (FILE.journal), read when migrating.
type journalState struct {
	Format  string     `json:"format"`
	Version int        `json:"version"`
	Journal []Delivery `json:"journal"`
}

const journalFormat = "mockteamtailor-journal"

// journalPath is where the journal of a version 1 state file at path lives.
func journalPath(path string) string { return path + ".journal" }

// stateFile is the durable side of a MemStore: the snapshot at path and
// the log beside it.
type stateFile struct {
	path       string
	log        *statelog.Log
	compacting sync.Mutex // one compaction at a time
	// snapshotBytes is the size of the last snapshot; the log is
	// compacted when it outgrows it (and compactMinBytes).
	snapshotBytes atomic.Int64
	compactions   atomic.Int64
	compactErr    atomic.Pointer[error] // of the last background compaction
}

// snapshotLocked copies the store (with s.mu held); encoding happens
// outside the lock, so readers and writers wait only for the copy.
func (s *MemStore) snapshotLocked() state {
	st, results := s.snapshotViewLocked(false)
	st.ResultBlobs = results.blobs()
	return st
}

// snapshotViewLocked copies the store but its results (with s.mu held),
// and returns the view of the results that resultsView.blobs lists them
// from. Detached, the view is a copy, taken in two large copies (the
// result map, and each partner's order), so that the blobs can be listed
// after s.mu is released: looking up 100,000 results one by one held a
// compaction's writers up for 35 to 100 ms.
func (s *MemStore) snapshotViewLocked(detached bool) (state, resultsView) {
	st := state{
		Format:           stateFormat,
		Version:          stateVersion,
		NextActivationID: s.nextActivationID,
		Partners:         make([]Partner, 0, len(s.partners)),
		Companies:        make([]Company, 0, len(s.companies)),
		Activations:      make([]Activation, 0, len(s.activations)),
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
	v := resultsView{results: s.results, order: make([][]string, 0, len(st.Partners))}
	if detached {
		v.results = maps.Clone(s.results)
	}
	for _, p := range st.Partners {
		for _, id := range s.activationOrder[p.ID] {
			st.Activations = append(st.Activations, s.activations[id])
		}
		order := s.resultOrder[p.ID]
		if detached {
			order = slices.Clone(order)
		}
		v.order = append(v.order, order)
	}
	return st, v
}

// resultsView is the results of a snapshot: each partner's result ids in
// order, partners in order, and the blocks by id.
type resultsView struct {
	order   [][]string
	results map[string][]byte
}

// blobs lists the blocks of the results in snapshot order. Blocks are
// never written through: sharing them is safe.
func (v resultsView) blobs() [][]byte {
	n := 0
	for _, ids := range v.order {
		n += len(ids)
	}
	out := make([][]byte, 0, n)
	for _, ids := range v.order {
		for _, id := range ids {
			out = append(out, v.results[id])
		}
	}
	return out
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
	putResult := func(i int, id, partnerID string, blob []byte) {
		if _, ok := s.partners[partnerID]; !ok {
			problems = append(problems, fmt.Errorf("results[%d]: unknown partner %q", i, partnerID))
		}
		if _, dup := s.results[id]; dup || id == "" {
			problems = append(problems, fmt.Errorf("results[%d]: missing or duplicate id %q", i, id))
		}
		s.results[id] = blob
		s.resultOrder[partnerID] = append(s.resultOrder[partnerID], id)
	}
	for i := range st.Results {
		r := &st.Results[i]
		putResult(i, r.ID, r.PartnerID, encodeResultBlob(r))
	}
	for i, blob := range st.ResultBlobs {
		id, partnerID := blobIdentity(blob)
		putResult(i, id, partnerID, blob)
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
	s.recountLocked()
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
	if len(bytes.TrimSpace(data)) == 0 {
		// An empty file (touched by a script, or a new volume) holds no
		// state: start afresh and write it on the first change.
		return nil, nil
	}
	if isSnapshotV3(data) {
		st, err := decodeSnapshotV3(data)
		if err != nil {
			var se *snapshotError
			if errors.As(err, &se) {
				return nil, &DamageError{State: path, File: path, Offset: int64(se.offset), Problem: se.reason}
			}
			return nil, fmt.Errorf("state file %s is %w; it was left untouched: move it away to start afresh", path, err)
		}
		return st, nil
	}
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && !strings.ContainsRune(`{["-0123456789tfn`, rune(trimmed[0])) {
		// Neither a snapshot nor an older JSON state file: name the first
		// byte that differs from a snapshot's header.
		at := 0
		for at < len(data) && at < len(snapshotMagic) && data[at] == snapshotMagic[at] {
			at++
		}
		return nil, &DamageError{State: path, File: path, Offset: int64(at), Problem: fmt.Sprintf("not a mockteamtailor state file: it starts %q, a state file %q or {", data[:min(len(data), len(snapshotMagic))], snapshotMagic)}
	}
	if st, err := decodeSnapshot(data); err == nil && st.Format == stateFormat && (st.Version == 1 || st.Version == 2) {
		if st.Version == 1 && (st.LogGeneration != 0 || st.Journal != nil) {
			return nil, fmt.Errorf("state file %s is corrupt (version 1 has no log generation or journal); it was left untouched: move it away to start afresh", path)
		}
		return st, nil
	}
	// Not a state this version reads: find out why, for the message.
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("state file %s is corrupt (%s); it was left untouched: move it away to start afresh", path, protocol.JSONProblem(err))
	}
	if head.Format != stateFormat {
		return nil, fmt.Errorf("%s is not a mockteamtailor state file (format %q, want %q); it was left untouched", path, head.Format, stateFormat)
	}
	if head.Version < 1 || head.Version > stateVersion {
		return nil, fmt.Errorf("state file %s has format version %d, this mockteamtailor reads versions 1 to %d; it was left untouched", path, head.Version, stateVersion)
	}
	if head.Version == stateVersion {
		return nil, fmt.Errorf("state file %s is corrupt (a version %d state file starts with %q, not JSON); it was left untouched: move it away to start afresh", path, stateVersion, snapshotMagic[:len(snapshotMagic)-1])
	}
	var st state
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("state file %s is corrupt (%s); it was left untouched: move it away to start afresh", path, protocol.JSONProblem(err))
	}
	if st.Version == 1 && (st.LogGeneration != 0 || st.Journal != nil) {
		return nil, fmt.Errorf("state file %s is corrupt (version 1 has no log generation or journal); it was left untouched: move it away to start afresh", path)
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
		return fmt.Errorf("write state file %s: %w", path, fsReason(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = writeBehind(tmp, data); err != nil {
		return fmt.Errorf("write state file %s: %w", path, fsReason(err))
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("sync state file %s: %w", path, fsReason(err))
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close state file %s: %w", path, fsReason(err))
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace state file %s: %w", path, fsReason(err))
	}
	// The rename is durable only once the folder is synced.
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync the folder of state file %s: %w", path, fsReason(err))
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync the folder of state file %s: %w", path, fsReason(err))
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

// loadLegacyJournal reads the journal file of a version 1 state file, if
// there is one. A corrupt one stops start-up, untouched.
func loadLegacyJournal(path string) ([]Delivery, bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read journal file: %w", err)
	}
	var js journalState
	if err := json.Unmarshal(data, &js); err != nil {
		return nil, false, fmt.Errorf("journal file %s is corrupt (%v); it was left untouched: move it away to start with an empty journal", path, err)
	}
	if js.Format != journalFormat || js.Version != 1 {
		return nil, false, fmt.Errorf("%s is not a journal file this mockteamtailor reads (format %q version %d); it was left untouched", path, js.Format, js.Version)
	}
	return js.Journal, true, nil
}

// fsReason is the reason of a file-system error without the path it
// names: write errors name the state file, never the temporary file the
// write went through.
func fsReason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
