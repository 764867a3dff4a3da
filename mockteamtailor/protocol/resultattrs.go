package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Grades are the assessment grades a partner result can have (PROTOCOL
// §2.3); a grade may also be null.
var Grades = []string{"top_fit", "might_be_fit", "might_not_be_fit", "unknown"}

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
// against the rules of PROTOCOL §2.3 and reports every problem at once.
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
		if err := decodeEnum(raw, Grades, true, &g); err != nil {
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

// checkDetails enforces PROTOCOL §2.3's nesting limit: details is an
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

var durationPattern = regexp.MustCompile(`^([0-9]{1,2}):([0-5][0-9]):([0-5][0-9])$`)

// ParseDuration reads an assessment duration written as H:MM:SS or
// HH:MM:SS and returns it in seconds ("0:32:14" is 1934), as Teamtailor
// stores it (PROTOCOL §2.3).
func ParseDuration(s string) (int64, error) {
	m := durationPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not H:MM:SS or HH:MM:SS (minutes and seconds 00-59)", s)
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	se, _ := strconv.Atoi(m[3])
	return int64(h*3600 + mi*60 + se), nil
}

// decodeDuration accepts seconds as a non-negative integer or a
// H:MM:SS/HH:MM:SS string.
func decodeDuration(raw any) (int64, error) {
	if s, ok := raw.(string); ok {
		return ParseDuration(s)
	}
	n, ok := raw.(json.Number)
	if !ok {
		return 0, fmt.Errorf("must be seconds (an integer) or \"H:MM:SS\", got %s", KindOf(raw))
	}
	v, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || !isInteger(n) || v < 0 || v > math.MaxInt32 {
		return 0, fmt.Errorf("must be a whole number of seconds from 0 or \"H:MM:SS\", got %s", n)
	}
	return int64(v), nil
}

// decodeScore accepts a number from 0 to 100.
func decodeScore(raw any) (float64, error) {
	n, ok := raw.(json.Number)
	if !ok {
		return 0, fmt.Errorf("must be a number from 0 to 100, got %s", KindOf(raw))
	}
	v, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || v < 0 || v > 100 {
		return 0, fmt.Errorf("must be a number from 0 to 100, got %s", n)
	}
	return v, nil
}

// decodeID accepts a positive integer (a Teamtailor record id).
func decodeID(raw any) (int64, error) {
	n, ok := raw.(json.Number)
	if !ok {
		return 0, fmt.Errorf("must be an integer id, got %s", KindOf(raw))
	}
	if !isInteger(n) {
		return 0, fmt.Errorf("must be an integer id, got %s", n)
	}
	v, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || v < 1 || v > 1<<53 {
		return 0, fmt.Errorf("must be a positive integer id, got %s", n)
	}
	return int64(v), nil
}

// decodeEnum accepts a string among allowed.
func decodeEnum(raw any, allowed []string, nullable bool, dst *string) error {
	orNull := ""
	if nullable {
		orNull = ", or null"
	}
	v, ok := raw.(string)
	*dst = v
	if !ok || !slices.Contains(allowed, v) {
		return fmt.Errorf("must be one of %s%s, got %s", strings.Join(allowed, ", "), orNull, literal(raw))
	}
	return nil
}

// DecodeHTTPURL accepts an absolute http or https URL.
func DecodeHTTPURL(raw any, dst *string) error {
	v, ok := raw.(string)
	if !ok {
		return fmt.Errorf("must be an http(s) URL string, got %s", KindOf(raw))
	}
	*dst = v
	u, err := url.Parse(*dst)
	if err != nil || (strings.ToLower(u.Scheme) != "http" && strings.ToLower(u.Scheme) != "https") || u.Host == "" {
		return fmt.Errorf("must be an absolute http or https URL, got %q", *dst)
	}
	return nil
}

// isInteger reports whether n is written as a whole number (1934, 1934.0,
// 1.934e3 all are).
func isInteger(n json.Number) bool {
	f, err := strconv.ParseFloat(n.String(), 64)
	return err == nil && f == math.Trunc(f) && !math.IsInf(f, 0)
}

func IsNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func CompactJSON(raw json.RawMessage) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return slices.Clone(raw)
	}
	return buf.Bytes()
}

// PointerEscape escapes a key for use in a JSON pointer (RFC 6901).
func PointerEscape(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// KindOf names the JSON type of a decoded value for error messages.
func KindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// literal renders a decoded value as JSON for error messages.
func literal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return KindOf(v)
	}
	return Cut(string(b), 100)
}

var attachmentKeys = []string{"url", "description"}

// hasOtherKey reports whether m has a key not in allowed, without
// allocating: the sorted key list is only built to report one.
func hasOtherKey(m map[string]any, allowed []string) bool {
	for k := range m {
		if !slices.Contains(allowed, k) {
			return true
		}
	}
	return false
}

// SortedKeys returns the keys of m, sorted.
func SortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// detailsWithinLimit reports whether details nest at most 2 levels
// (PROTOCOL §2.3); checkDetails then names the first offence.
func detailsWithinLimit(members map[string]any) bool {
	deep := func(v any) bool {
		switch v.(type) {
		case map[string]any, []any:
			return true
		}
		return false
	}
	for _, v := range members {
		switch v := v.(type) {
		case map[string]any:
			for _, iv := range v {
				if deep(iv) {
					return false
				}
			}
		case []any:
			for _, iv := range v {
				if deep(iv) {
					return false
				}
			}
		}
	}
	return true
}

// decodeValue decodes one JSON document into plain values, numbers as
// json.Number so integers and large values keep their text.
func decodeValue(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
