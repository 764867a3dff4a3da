package judge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnercall"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// Problem is one thing wrong with a document, at a JSON pointer.
type Problem = protocol.Problem

// Aspects of a document the checks judge one each. A document's problems
// are sorted into them, so that one defect fails exactly the check whose
// rule it breaks; AspectSchema holds whatever no specific check owns.
const (
	AspectSchema      = "schema"
	AspectTypes       = "types"
	AspectOptions     = "options"
	AspectIDs         = "ids"
	AspectCriteria    = "criteria"
	AspectStatus      = "status"
	AspectScore       = "score"
	AspectDetails     = "details"
	AspectAttachments = "attachments"
)

// Verdict is a document's problems sorted by aspect.
type Verdict map[string][]Problem

func (v Verdict) add(aspect string, p Problem) {
	if !slices.Contains(v[aspect], p) {
		v[aspect] = append(v[aspect], p)
	}
}

// List renders the problems of one aspect, one per line.
func (v Verdict) List(aspect string) string {
	var lines []string
	for _, p := range v[aspect] {
		lines = append(lines, "    "+p.String())
	}
	return strings.Join(lines, "\n")
}

// All returns every problem, in aspect order.
func (v Verdict) All() []Problem {
	var out []Problem
	for _, a := range []string{AspectSchema, AspectTypes, AspectOptions, AspectIDs, AspectCriteria, AspectStatus, AspectScore, AspectDetails, AspectAttachments} {
		out = append(out, v[a]...)
	}
	return out
}

var (
	fieldTypePointer   = regexp.MustCompile(`^/config/fields/\d+/type$`)
	fieldOptionPointer = regexp.MustCompile(`^/config/fields/\d+(/options|/optgroups)?$`)
)

// Config judges a config document (schema "config", docs/protocol.md §3) or
// an activation config (schema "activation-config", §4) with the mock's
// own protocol.CheckConfig, sorting its problems by aspect: the schema,
// field types, options of choice fields, unique ids and assessment
// criteria. It returns nil problems only for a document Teamtailor takes.
func Config(schema string, doc []byte) Verdict {
	v := Verdict{}
	for _, p := range protocol.CheckConfig(schema, doc) {
		switch {
		case p.Keyword == "" && strings.HasPrefix(p.Pointer, "/config/fields/"):
			v.add(AspectIDs, p) // a duplicate field id
		case strings.HasPrefix(p.Pointer, "/config/assessment-criteria"):
			v.add(AspectCriteria, p)
		case fieldTypePointer.MatchString(p.Pointer):
			v.add(AspectTypes, p)
		case fieldOptionPointer.MatchString(p.Pointer) && strings.Contains(p.Keyword, "/then/anyOf/"):
			v.add(AspectOptions, p)
		default:
			v.add(AspectSchema, p)
		}
	}
	return v
}

var (
	criterionIDPointer    = regexp.MustCompile(`^/data/attributes/assessment-criteria/\d+/id$`)
	criterionScorePointer = regexp.MustCompile(`^/data/attributes/assessment-criteria/\d+/score$`)
)

// resultPost judges the body of a PUT or PATCH to update-url
// (docs/protocol.md §2.3) with the Partner API's schema and rules, and checks the
// criteria ids against those the partner's config declared (declared nil:
// unknown, not checked).
func resultPost(body []byte, declared []string) Verdict {
	return judgeResult(body, declared, false)
}

// resultCreate judges the body of POST /partner-results, a result
// the partner creates itself (docs/protocol.md §2.3), by the same rules
// as an update, with status and candidate-id required.
func resultCreate(body []byte, declared []string) Verdict {
	return judgeResult(body, declared, true)
}

// ResultRequest judges what the partner sent for a result: a POST
// /partner-results as a create, anything else as an update.
func ResultRequest(x partner.Exchange, declared []string) Verdict {
	return judgeResult([]byte(x.RequestBody), declared, IsCreate(x))
}

func judgeResult(body []byte, declared []string, create bool) Verdict {
	v := Verdict{}
	var all []Problem
	schema, check := "partner-result-update-request", protocol.CheckResultUpdate
	if create {
		schema, check = "partner-result-create-request", protocol.CheckResultCreate
	}
	if err := schemas.Validate(schema, body); err != nil {
		var verr *schemas.ValidationError
		if errors.As(err, &verr) {
			for _, p := range verr.Problems {
				all = append(all, Problem{Pointer: p.Pointer, Message: p.Message})
			}
		} else {
			all = append(all, Problem{Message: err.Error()})
		}
	}
	all = append(all, check(body)...)
	for _, p := range all {
		switch ptr := p.Pointer; {
		case strings.HasPrefix(ptr, "/data/attributes/status"):
			v.add(AspectStatus, p)
		case strings.HasPrefix(ptr, "/data/attributes/assessment/score"), criterionScorePointer.MatchString(ptr):
			v.add(AspectScore, p)
		case strings.HasPrefix(ptr, "/data/attributes/details"):
			v.add(AspectDetails, p)
		case strings.HasPrefix(ptr, "/data/attributes/attachments"):
			v.add(AspectAttachments, p)
		case criterionIDPointer.MatchString(ptr):
			v.add(AspectCriteria, p)
		default:
			v.add(AspectSchema, p)
		}
	}
	if declared == nil {
		return v
	}
	for i, id := range PostedCriteria(body) {
		if !slices.Contains(declared, id) {
			v.add(AspectCriteria, Problem{Pointer: fmt.Sprintf("/data/attributes/assessment-criteria/%d/id", i),
				Message: fmt.Sprintf("%q is not among the assessment-criteria the config declared (%s)", id, quoted(declared))})
		}
	}
	return v
}

func quoted(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// postedAttributes decodes the attributes of a result post leniently.
func postedAttributes(body []byte) map[string]json.RawMessage {
	var doc struct {
		Data struct {
			Attributes map[string]json.RawMessage `json:"attributes"`
		} `json:"data"`
	}
	json.Unmarshal(body, &doc)
	return doc.Data.Attributes
}

// PostedStatus returns the status a result post sets, if any.
func PostedStatus(body []byte) (string, bool) {
	var s string
	raw, ok := postedAttributes(body)["status"]
	if !ok || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// PostedCriteria returns the criterion ids a result post scores, as text.
func PostedCriteria(body []byte) []string {
	var items []struct {
		ID json.RawMessage `json:"id"`
	}
	json.Unmarshal(postedAttributes(body)["assessment-criteria"], &items)
	var out []string
	for _, it := range items {
		var s string
		if json.Unmarshal(it.ID, &s) != nil {
			s = string(bytes.TrimSpace(it.ID))
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Action is an action button a result post declares (docs/protocol.md §2.3).
type Action = protocol.Action

// PostedActions returns the actions a result post declares.
func PostedActions(body []byte) []Action {
	var out []Action
	json.Unmarshal(postedAttributes(body)["actions"], &out)
	return slices.DeleteFunc(out, func(a Action) bool { return a.Endpoint == "" })
}

// Backwards returns the first move from a status to an earlier one in
// statuses, in the order of protocol.Status (docs/protocol.md §2.3: a result moves
// forward only; completed and failed are both final); unknown statuses
// are ignored. ok is false when there is no such move.
func Backwards(statuses []string) (from, to string, ok bool) {
	best, bestStatus := -1, ""
	for _, s := range statuses {
		r := protocol.Status(s).Rank()
		if r == 0 {
			continue
		}
		if r < best {
			return bestStatus, s, true
		}
		if r > best {
			best, bestStatus = r, s
		}
	}
	return "", "", false
}

// IsJSONAPI reports whether a Content-Type is the JSON:API media type
// (docs/protocol.md §2), parameters allowed as the Partner API allows them.
func IsJSONAPI(contentType string) bool {
	return protocol.CheckMediaType(contentType) == nil
}

// LooksStructured reports whether a body is JSON or markup rather than a
// plain string (docs/protocol.md §1.3: an error body is shown as the message).
func LooksStructured(body string) bool {
	return partnercall.LooksStructured([]byte(body))
}

// SupportedFieldTypes returns the field types Teamtailor supports
// (docs/protocol.md §3), read from config.schema.json.
func SupportedFieldTypes() []string {
	src, _ := schemas.Source("config")
	var s struct {
		Defs struct {
			Field struct {
				Properties struct {
					Type struct {
						Enum []string `json:"enum"`
					} `json:"type"`
				} `json:"properties"`
			} `json:"field"`
		} `json:"$defs"`
	}
	json.Unmarshal(src, &s)
	return s.Defs.Field.Properties.Type.Enum
}

// AnswerStatus returns the status a webhook answer's
// partner_result_attributes sets, if any (docs/protocol.md §1.3).
func AnswerStatus(body []byte) (string, bool) {
	s, ok := protocol.AnswerStatus(body)
	return string(s), ok
}

// AnswerAsResult returns the partner_result_attributes of a webhook answer
// that Teamtailor applies (docs/protocol.md §1.3) as the partner-results
// document they amount to, in the request body of a copy of the answer,
// so the result rules judge it as they judge a request to update-url.
func AnswerAsResult(answer *partner.Exchange, resultID string) (partner.Exchange, bool) {
	if answer == nil || !answer.Success() {
		return partner.Exchange{}, false
	}
	if applied, _, _ := protocol.CheckWebhookResponse([]byte(answer.ResponseBody)); !applied {
		return partner.Exchange{}, false
	}
	var doc struct {
		Attrs json.RawMessage `json:"partner_result_attributes"`
	}
	if json.Unmarshal([]byte(answer.ResponseBody), &doc) != nil {
		return partner.Exchange{}, false
	}
	body, err := json.Marshal(map[string]any{"data": map[string]any{"type": "partner-results", "id": resultID, "attributes": doc.Attrs}})
	if err != nil {
		return partner.Exchange{}, false
	}
	x := *answer
	x.RequestBody = string(body)
	return x, true
}

// resultsPath is where the partner creates a result with POST
// (docs/protocol.md §2.3).
const resultsPath = "/partner/v1/partner-results"

// IsCreate reports a partner's POST /partner-results: a result it
// created itself rather than updating the one at update-url.
func IsCreate(x partner.Exchange) bool {
	if x.Direction != partner.FromPartner || x.Method != http.MethodPost {
		return false
	}
	u, err := url.Parse(x.URL)
	return err == nil && strings.TrimRight(u.Path, "/") == resultsPath
}
