package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
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

// Expired says whether an entry no longer holds on the day of at (UTC):
// an entry expiring 2027-01-31 holds through that day.
func (e BaselineEntry) Expired(at time.Time) bool {
	if e.Expires == "" {
		return false
	}
	d, err := time.Parse(BaselineDateLayout, e.Expires)
	if err != nil {
		return true // ParseBaseline refuses it; never let it excuse a failure
	}
	return at.UTC().Format(BaselineDateLayout) > d.Format(BaselineDateLayout)
}
