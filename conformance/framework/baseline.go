package framework

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A baseline lists a partner's known failures, so that a CI run fails
// only on new ones: a check that fails (or warns) while the baseline
// names it does not fail the run; it is shown as a known failure. An
// entry that no longer holds fails the run as stale: its check passes
// now, or its expiry date has passed, or the suite has no such check.
// Without the stale rule a baseline would silently mask a regression
// the day the check is fixed and broken again.

// BaselineVersion is the version of the baseline file format.
const BaselineVersion = 1

// maxBaselineFile bounds the baseline file read.
const maxBaselineFile = 1 << 20

// BaselineDateLayout is the layout of an entry's expiry: a date, the last
// day the entry holds.
const BaselineDateLayout = "2006-01-02"

// Baseline is a baseline file (baseline.schema.json).
type Baseline struct {
	Version       int             `json:"version"`
	KnownFailures []BaselineEntry `json:"knownFailures"`
}

// BaselineEntry is one known failure.
type BaselineEntry struct {
	// Check is the id of the check, as --list shows it.
	Check string `json:"check"`
	// Reason says why the failure is accepted for now (a ticket, a plan).
	Reason string `json:"reason"`
	// Expires, a date (2006-01-02), is the last day the entry holds; ""
	// never expires.
	Expires string `json:"expires,omitempty"`
}

// Statuses of a baseline entry in a run.
const (
	// BaselineKnown: the check failed (or warned) as the entry says; the
	// failure does not fail the run.
	BaselineKnown = "known"
	// BaselineNotJudged: the check did not run to a verdict (skipped, or
	// the suite could not run it); the entry neither holds nor is stale.
	BaselineNotJudged = "not-judged"
	// BaselineStalePassed: the check passes now; remove the entry.
	BaselineStalePassed = "stale-passes"
	// BaselineStaleExpired: the entry's expiry date has passed; the
	// check's failure, if any, fails the run again.
	BaselineStaleExpired = "stale-expired"
	// BaselineStaleUnknown: the suite has no check with this id.
	BaselineStaleUnknown = "stale-unknown-check"
)

// BaselineResult is a baseline as a run applied it (the results
// document's "baseline").
type BaselineResult struct {
	// File is the baseline file of --baseline (or --write-baseline): as
	// given when relative, its base name when absolute.
	File    string                `json:"file"`
	Entries []BaselineEntryResult `json:"entries"`
	// Stale are the stale entries, "<check>: <why>"; any fails the run.
	Stale []string `json:"stale"`
}

// BaselineEntryResult is an entry and what became of it in the run.
type BaselineEntryResult struct {
	BaselineEntry
	Status string `json:"status"`
	// Outcome is the check's outcome in the run ("" for an unknown check).
	Outcome string `json:"outcome"`
}

// ParseBaseline reads a baseline document, reporting every problem at
// once. Unknown fields are refused, so that a misspelt "expires" is not
// silently ignored.
func ParseBaseline(raw []byte) (Baseline, error) {
	var b Baseline
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return Baseline{}, fmt.Errorf("not a baseline document: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Baseline{}, errors.New("not a baseline document: more than one JSON value")
	}
	var problems []error
	if b.Version != BaselineVersion {
		problems = append(problems, fmt.Errorf("version is %d, want %d", b.Version, BaselineVersion))
	}
	if b.KnownFailures == nil {
		problems = append(problems, errors.New(`"knownFailures" is missing (an empty list is [])`))
	}
	seen := map[string]bool{}
	for i, e := range b.KnownFailures {
		where := fmt.Sprintf("knownFailures[%d]", i)
		if e.Check == "" {
			problems = append(problems, fmt.Errorf("%s: \"check\" is empty: give the check's id (ttconformance --list)", where))
		} else if seen[e.Check] {
			problems = append(problems, fmt.Errorf("%s: %s is listed twice", where, e.Check))
		}
		seen[e.Check] = true
		if strings.TrimSpace(e.Reason) == "" {
			problems = append(problems, fmt.Errorf("%s (%s): \"reason\" is empty: say why the failure is accepted for now", where, e.Check))
		}
		if e.Expires != "" {
			if _, err := time.Parse(BaselineDateLayout, e.Expires); err != nil {
				problems = append(problems, fmt.Errorf("%s (%s): \"expires\" %q is not a date such as 2027-01-31", where, e.Check, e.Expires))
			}
		}
	}
	if err := errors.Join(problems...); err != nil {
		return Baseline{}, err
	}
	return b, nil
}

// ReadBaseline reads and parses a baseline file.
func ReadBaseline(path string) (Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return Baseline{}, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxBaselineFile+1))
	if err != nil {
		return Baseline{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(raw) > maxBaselineFile {
		return Baseline{}, fmt.Errorf("%s: larger than %d KiB", path, maxBaselineFile>>10)
	}
	b, err := ParseBaseline(raw)
	if err != nil {
		return Baseline{}, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// expired says whether an entry no longer holds on the day of at (UTC):
// an entry expiring 2027-01-31 holds through that day.
func (e BaselineEntry) expired(at time.Time) bool {
	if e.Expires == "" {
		return false
	}
	d, err := time.Parse(BaselineDateLayout, e.Expires)
	if err != nil {
		return true // ParseBaseline refuses it; never let it excuse a failure
	}
	return at.UTC().Format(BaselineDateLayout) > d.Format(BaselineDateLayout)
}

// applyBaseline marks the failures and warnings of res that b knows as
// baselined and records what became of each entry. It runs after the
// outcomes and the summary are known.
func applyBaseline(res *Results, b Baseline, file string) {
	index := map[string]int{}
	for i, cr := range res.Checks {
		index[cr.ID] = i
	}
	br := &BaselineResult{File: file, Entries: []BaselineEntryResult{}, Stale: []string{}}
	for _, e := range b.KnownFailures {
		er := BaselineEntryResult{BaselineEntry: e}
		i, ok := index[e.Check]
		if ok {
			er.Outcome = res.Checks[i].Outcome
		}
		failed := ok && (er.Outcome == OutcomeFail || er.Outcome == OutcomeWarning)
		switch {
		case !ok:
			er.Status = BaselineStaleUnknown
			br.Stale = append(br.Stale, e.Check+": the suite has no such check (ttconformance --list); remove the entry")
		case e.expired(res.StartedAt):
			er.Status = BaselineStaleExpired
			br.Stale = append(br.Stale, fmt.Sprintf("%s: the entry expired after %s (it %s now); fix the check or renew the entry", e.Check, e.Expires, er.Outcome))
		case failed:
			er.Status = BaselineKnown
			res.Checks[i].Baselined = e.Reason
			if er.Outcome == OutcomeFail {
				res.Summary.BaselinedFailures++
			} else {
				res.Summary.BaselinedWarnings++
			}
		case er.Outcome == OutcomePass:
			er.Status = BaselineStalePassed
			br.Stale = append(br.Stale, e.Check+": the check passes now; remove the entry")
		default:
			er.Status = BaselineNotJudged
		}
		br.Entries = append(br.Entries, er)
	}
	res.Baseline = br
}

// BaselineOf returns the baseline that accepts every failure and warning
// of res as it stands: the entries of old (reasons and expiry kept) whose
// checks still fail, and a new entry for each other failure, its reason
// the first line of the failure. Expired entries of old are dropped, so
// their failures get a new entry.
func BaselineOf(res Results, old Baseline) Baseline {
	kept := map[string]BaselineEntry{}
	for _, e := range old.KnownFailures {
		if !e.expired(res.StartedAt) {
			kept[e.Check] = e
		}
	}
	out := Baseline{Version: BaselineVersion, KnownFailures: []BaselineEntry{}}
	for _, cr := range res.Checks {
		if cr.Outcome != OutcomeFail && cr.Outcome != OutcomeWarning {
			continue
		}
		e, ok := kept[cr.ID]
		if !ok {
			e = BaselineEntry{Check: cr.ID, Reason: fmt.Sprintf("failing since %s: %s", res.StartedAt.UTC().Format(BaselineDateLayout), firstLines(cr.Reason, 1))}
		}
		out.KnownFailures = append(out.KnownFailures, e)
	}
	slices.SortStableFunc(out.KnownFailures, func(a, b BaselineEntry) int { return strings.Compare(a.Check, b.Check) })
	return out
}

// WriteBaseline writes b to path, its folder created.
func WriteBaseline(path string, b Baseline) error {
	if err := ensureDir(path); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// reportedPath is how a baseline file is named in the reports: as given
// when relative (a path in the partner's repository), by its base name
// when absolute, so that the reports carry no path of the machine that
// ran the suite.
func reportedPath(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Base(path)
	}
	return filepath.ToSlash(path)
}

// finishBaseline applies the baseline settings to res: with
// --write-baseline it writes the baseline of the run and judges the run
// against it; with --baseline it judges the run against that file.
func finishBaseline(res *Results) error {
	c := &TestContext
	switch {
	case c.WriteBaseline != "":
		b := BaselineOf(*res, c.baseline)
		if err := WriteBaseline(c.WriteBaseline, b); err != nil {
			return err
		}
		applyBaseline(res, b, reportedPath(c.WriteBaseline))
	case c.BaselineFile != "":
		applyBaseline(res, c.baseline, reportedPath(c.BaselineFile))
	}
	return nil
}
