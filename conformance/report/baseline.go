package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

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
	settings.BaselineEntry
	Status string `json:"status"`
	// Outcome is the check's outcome in the run ("" for an unknown check).
	Outcome string `json:"outcome"`
}

// applyBaseline marks the failures and warnings of res that b knows as
// baselined and records what became of each entry. It runs after the
// outcomes and the summary are known.
func applyBaseline(res *Results, b settings.Baseline, file string) {
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
		case e.Expired(res.StartedAt):
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

// baselineOf returns the baseline that accepts every failure and warning
// of res as it stands: the entries of old (reasons and expiry kept) whose
// checks still fail, and a new entry for each other failure, its reason
// the first line of the failure. Expired entries of old are dropped, so
// their failures get a new entry.
func baselineOf(res Results, old settings.Baseline) settings.Baseline {
	kept := map[string]settings.BaselineEntry{}
	for _, e := range old.KnownFailures {
		if !e.Expired(res.StartedAt) {
			kept[e.Check] = e
		}
	}
	out := settings.Baseline{Version: settings.BaselineVersion, KnownFailures: []settings.BaselineEntry{}}
	for _, cr := range res.Checks {
		if cr.Outcome != OutcomeFail && cr.Outcome != OutcomeWarning {
			continue
		}
		e, ok := kept[cr.ID]
		if !ok {
			e = settings.BaselineEntry{Check: cr.ID, Reason: fmt.Sprintf("failing since %s: %s", res.StartedAt.UTC().Format(settings.BaselineDateLayout), FirstLines(cr.Reason, 1))}
		}
		out.KnownFailures = append(out.KnownFailures, e)
	}
	slices.SortStableFunc(out.KnownFailures, func(a, b settings.BaselineEntry) int { return strings.Compare(a.Check, b.Check) })
	return out
}

// WriteBaseline writes b to path, its folder created.
func WriteBaseline(path string, b settings.Baseline) error {
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
	c := &settings.TestContext
	switch {
	case c.WriteBaseline != "":
		b := baselineOf(*res, c.Baseline())
		if err := WriteBaseline(c.WriteBaseline, b); err != nil {
			return err
		}
		applyBaseline(res, b, reportedPath(c.WriteBaseline))
	case c.BaselineFile != "":
		applyBaseline(res, c.Baseline(), reportedPath(c.BaselineFile))
	}
	return nil
}
