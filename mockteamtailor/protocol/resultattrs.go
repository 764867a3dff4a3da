package protocol

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// grades are the assessment grades a partner result can have (docs/protocol.md
// §2.3); a grade may also be null.
var grades = []string{"top_fit", "might_be_fit", "might_not_be_fit", "unknown"}

// Grades returns the assessment grades a partner result can have.
func Grades() []string { return slices.Clone(grades) }

// resultAttributeNames lists the writable partner-result attributes in the
// order errors are reported.
var resultAttributeNames = []string{"status", "candidate-id", "job-id", "summary", "url", "assessment", "details", "attachments", "actions", "assessment-criteria"}

// optional is an attribute that may be absent, null or set.
type optional[T any] struct {
	Set  bool // present in the request
	Null bool // present and null
	V    T
}

// ResultPatch is a validated set of partner-result attributes.
type ResultPatch struct {
	Status      optional[string]
	CandidateID optional[int64]
	JobID       optional[int64]
	Summary     optional[string]
	URL         optional[string]
	Assessment  optional[Assessment]
	Details     optional[json.RawMessage]
	Attachments optional[[]Attachment]
	Actions     optional[[]Action]
	Criteria    optional[[]Criterion]
}

// ValidateResultAttrs checks every attribute of a partner-result request
// against the rules of docs/protocol.md §2.3 and reports every problem at once.
// On create, status and candidate-id are required.
func ValidateResultAttrs(attrs map[string]any, create bool) (ResultPatch, Errors) {
	var p ResultPatch
	var problems Errors
	bad := func(name, sub, format string, args ...any) {
		problems = append(problems, errInvalid("/data/attributes/"+name+sub, format, args...))
	}
	if hasOtherKey(attrs, resultAttributeNames) {
		for _, name := range SortedKeys(attrs) {
			if !slices.Contains(resultAttributeNames, name) {
				bad(PointerEscape(name), "", "%q is not a partner-results attribute; the attributes are %s", name, strings.Join(resultAttributeNames, ", "))
			}
		}
	}
	for _, name := range resultAttributeNames {
		raw, ok := attrs[name]
		if !ok {
			if create && (name == "status" || name == "candidate-id") {
				bad(name, "", "%s is required when creating a partner result", name)
			}
			continue
		}
		null := raw == nil
		switch name {
		case "status":
			p.Status.Set = true
			if err := decodeEnum(raw, statusNameList, false, &p.Status.V); err != nil {
				bad(name, "", "status %v", err)
			}
		case "candidate-id":
			p.CandidateID.Set = true
			n, err := decodeID(raw)
			if err != nil {
				bad(name, "", "candidate-id %v", err)
			}
			p.CandidateID.V = n
		case "job-id":
			p.JobID = optional[int64]{Set: true, Null: null}
			if !null {
				n, err := decodeID(raw)
				if err != nil {
					bad(name, "", "job-id %v, or null", err)
				}
				p.JobID.V = n
			}
		case "summary":
			p.Summary = optional[string]{Set: true, Null: null}
			if str, ok := raw.(string); ok {
				p.Summary.V = str
			} else if !null {
				bad(name, "", "summary must be a string or null, got %s", KindOf(raw))
			}
		case "url":
			p.URL = optional[string]{Set: true, Null: null}
			if !null {
				if err := DecodeHTTPURL(raw, &p.URL.V); err != nil {
					bad(name, "", "url %v", err)
				}
			}
		case "assessment":
			p.Assessment = optional[Assessment]{Set: true, Null: null}
			if !null {
				a, errs := validateAssessment(raw)
				p.Assessment.V = a
				problems = append(problems, errs...)
			}
		case "details":
			p.Details = optional[json.RawMessage]{Set: true, Null: null}
			if !null {
				if ptr, err := checkDetails(raw); err != nil {
					bad(name, ptr, "%v", err)
				}
				// Like Teamtailor's JSON column, the mock keeps the object,
				// not its key order.
				p.Details.V, _ = json.Marshal(raw)
			}
		case "attachments":
			p.Attachments = optional[[]Attachment]{Set: true, Null: null}
			if !null {
				v, errs := validateAttachments(raw)
				p.Attachments.V = v
				problems = append(problems, errs...)
			}
		case "actions":
			p.Actions = optional[[]Action]{Set: true, Null: null}
			if !null {
				v, errs := validateActions(raw)
				p.Actions.V = v
				problems = append(problems, errs...)
			}
		case "assessment-criteria":
			p.Criteria = optional[[]Criterion]{Set: true, Null: null}
			if !null {
				v, errs := validateCriteria(raw)
				p.Criteria.V = v
				problems = append(problems, errs...)
			}
		}
	}
	return p, problems
}

// apply writes the patch onto r. Pointer fields are replaced, never
// written through, so copies made before stay intact.
func (p ResultPatch) Apply(r *ResultAttributes) {
	if p.Status.Set {
		r.Status = Status(p.Status.V)
	}
	if p.CandidateID.Set {
		r.CandidateID = p.CandidateID.V
	}
	// The new job-id, summary and url share one allocation.
	var v *appliedValues
	values := func() *appliedValues {
		if v == nil {
			v = new(appliedValues)
		}
		return v
	}
	if p.JobID.Set {
		r.JobID = nil
		if !p.JobID.Null {
			values().jobID = p.JobID.V
			r.JobID = &v.jobID
		}
	}
	if p.Summary.Set {
		r.Summary = nil
		if !p.Summary.Null {
			values().summary = p.Summary.V
			r.Summary = &v.summary
		}
	}
	if p.URL.Set {
		r.URL = nil
		if !p.URL.Null {
			values().url = p.URL.V
			r.URL = &v.url
		}
	}
	if p.Assessment.Set {
		// The assessment is one attribute: a new one replaces the old as a
		// whole, and null clears it.
		r.Assessment = p.Assessment.V
	}
	if p.Details.Set {
		r.Details = nil
		if !p.Details.Null {
			r.Details = p.Details.V
		}
	}
	if p.Attachments.Set {
		r.Attachments = p.Attachments.V
	}
	if p.Actions.Set {
		r.Actions = p.Actions.V
	}
	if p.Criteria.Set {
		r.AssessmentCriteria = p.Criteria.V
	}
}

// appliedValues holds what the pointers Apply sets point to.
type appliedValues struct {
	jobID        int64
	summary, url string
}

var assessmentKeys = []string{"score", "grade", "duration"}

func validateAssessment(raw any) (Assessment, Errors) {
	var a Assessment
	var problems Errors
	const base = "/data/attributes/assessment"
	members, ok := raw.(map[string]any)
	if !ok {
		return a, Errors{errInvalid(base, "assessment must be an object with score, grade and duration, or null, got %s", KindOf(raw))}
	}
	if hasOtherKey(members, assessmentKeys) {
		for _, k := range SortedKeys(members) {
			if !slices.Contains(assessmentKeys, k) {
				problems = append(problems, errInvalid(base+"/"+PointerEscape(k), "%q is not an assessment member; the members are score, grade and duration", k))
			}
		}
	}
	if raw, ok := members["score"]; ok && raw != nil {
		score, err := decodeScore(raw)
		if err != nil {
			problems = append(problems, errInvalid(base+"/score", "score %v", err))
		}
		a.Score = &score
	}
	if raw, ok := members["grade"]; ok && raw != nil {
		var g string
		if err := decodeEnum(raw, grades, true, &g); err != nil {
			problems = append(problems, errInvalid(base+"/grade", "grade %v", err))
		}
		a.Grade = &g
	}
	if raw, ok := members["duration"]; ok && raw != nil {
		d, err := decodeDuration(raw)
		if err != nil {
			problems = append(problems, errInvalid(base+"/duration", "duration %v", err))
		}
		a.Duration = &d
	}
	return a, problems
}

func validateAttachments(raw any) ([]Attachment, Errors) {
	const base = "/data/attributes/attachments"
	items, ok := raw.([]any)
	if !ok {
		return nil, Errors{errInvalid(base, "attachments must be a list of {url, description} objects, or null, got %s", KindOf(raw))}
	}
	out := make([]Attachment, 0, len(items))
	var problems Errors
	for i, item := range items {
		ptr := fmt.Sprintf("%s/%d", base, i)
		members, ok := item.(map[string]any)
		if !ok {
			problems = append(problems, errInvalid(ptr, "an attachment must be an object with exactly url and description, got %s", KindOf(item)))
			continue
		}
		var a Attachment
		if hasOtherKey(members, attachmentKeys) {
			for _, k := range SortedKeys(members) {
				if k != "url" && k != "description" {
					problems = append(problems, errInvalid(ptr+"/"+PointerEscape(k), "an attachment has exactly url and description; %q is not allowed", k))
				}
			}
		}
		if raw, ok := members["url"]; !ok {
			problems = append(problems, errInvalid(ptr+"/url", "url is required on an attachment"))
		} else if err := DecodeHTTPURL(raw, &a.URL); err != nil {
			problems = append(problems, errInvalid(ptr+"/url", "url %v", err))
		}
		if raw, ok := members["description"]; !ok {
			problems = append(problems, errInvalid(ptr+"/description", "description is required on an attachment"))
		} else if d, ok := raw.(string); ok {
			a.Description = d
		} else {
			problems = append(problems, errInvalid(ptr+"/description", "description must be a string, got %s", KindOf(raw)))
		}
		out = append(out, a)
	}
	return out, problems
}

func validateActions(raw any) ([]Action, Errors) {
	const base = "/data/attributes/actions"
	items, ok := raw.([]any)
	if !ok {
		return nil, Errors{errInvalid(base, "actions must be a list of {buttonText, endpoint} objects, or null, got %s", KindOf(raw))}
	}
	out := make([]Action, 0, len(items))
	var problems Errors
	for i, item := range items {
		ptr := fmt.Sprintf("%s/%d", base, i)
		members, ok := item.(map[string]any)
		if !ok {
			problems = append(problems, errInvalid(ptr, "an action must be an object with buttonText and endpoint, got %s", KindOf(item)))
			continue
		}
		var a Action
		for _, f := range []struct {
			key string
			dst *string
		}{{"buttonText", &a.ButtonText}, {"endpoint", &a.Endpoint}} {
			raw, ok := members[f.key]
			switch {
			case !ok:
				problems = append(problems, errInvalid(ptr+"/"+f.key, "%s is required on an action", f.key))
			case func() bool { v, ok := raw.(string); *f.dst = v; return !ok || v == "" }():
				problems = append(problems, errInvalid(ptr+"/"+f.key, "%s must be a non-empty string, got %s", f.key, KindOf(raw)))
			}
		}
		out = append(out, a)
	}
	return out, problems
}

func validateCriteria(raw any) ([]Criterion, Errors) {
	const base = "/data/attributes/assessment-criteria"
	items, ok := raw.([]any)
	if !ok {
		return nil, Errors{errInvalid(base, "assessment-criteria must be a list of {id, score} objects, or null, got %s", KindOf(raw))}
	}
	out := make([]Criterion, 0, len(items))
	var problems Errors
	for i, item := range items {
		ptr := fmt.Sprintf("%s/%d", base, i)
		members, ok := item.(map[string]any)
		if !ok {
			problems = append(problems, errInvalid(ptr, "a criterion must be an object with id and an optional score, got %s", KindOf(item)))
			continue
		}
		var c Criterion
		id, ok := members["id"]
		s, isString := id.(string)
		n, isNumber := id.(json.Number)
		switch {
		case !ok:
			problems = append(problems, errInvalid(ptr+"/id", "id is required on a criterion: one of the assessment-criteria ids your config declared"))
		case isString && s != "":
			c.ID, _ = json.Marshal(s)
		case isNumber && isInteger(n):
			c.ID = json.RawMessage(n.String())
		default:
			problems = append(problems, errInvalid(ptr+"/id", "id must be a non-empty string or an integer, got %s", KindOf(id)))
		}
		if raw, ok := members["score"]; ok && raw != nil {
			score, err := decodeScore(raw)
			if err != nil {
				problems = append(problems, errInvalid(ptr+"/score", "score %v", err))
			}
			c.Score = &score
		}
		out = append(out, c)
	}
	return out, problems
}

// checkDetails enforces docs/protocol.md §2.3's nesting limit: details is an
// object whose values are scalars, lists of scalars, or objects whose
// values are scalars. It returns the pointer suffix of the first offence.
func checkDetails(raw any) (string, error) {
	members, ok := raw.(map[string]any)
	if !ok {
		return "", fmt.Errorf("details must be an object (at most 2 levels deep), or null, got %s", KindOf(raw))
	}
	if detailsWithinLimit(members) {
		return "", nil
	}
	// Sorted, so the offence reported is the same on every request.
	for _, k := range SortedKeys(members) {
		v := members[k]
		ptr := "/" + PointerEscape(k)
		switch KindOf(v) {
		case "an object":
			inner, _ := v.(map[string]any)
			for _, ik := range SortedKeys(inner) {
				if kind := KindOf(inner[ik]); kind == "an object" || kind == "an array" {
					return ptr + "/" + PointerEscape(ik), fmt.Errorf("details may nest at most 2 levels: %s.%s is %s; flatten it into a string or a top-level key", k, ik, kind)
				}
			}
		case "an array":
			items, _ := v.([]any)
			for i, item := range items {
				if kind := KindOf(item); kind == "an object" || kind == "an array" {
					return fmt.Sprintf("%s/%d", ptr, i), fmt.Errorf("details may nest at most 2 levels: %s[%d] is %s; a list in details holds only scalars", k, i, kind)
				}
			}
		}
	}
	return "", nil
}
