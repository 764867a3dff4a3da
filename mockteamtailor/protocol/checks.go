package protocol

import (
	"encoding/json"
	"errors"
)

// This file exposes, for the conformance suite, checks the mock already
// makes on what a partner sends it, so the suite judges partners with the
// mock's own rules instead of a second copy of them.

// CheckResultUpdate checks the body of a PUT or PATCH to a partner
// result's update-url the way the Partner API does (docs/protocol.md §2.3): the
// JSON:API document's shape, then every attribute rule. It reports every
// problem, each with a JSON pointer into the body; nil means the Partner
// API would accept the body. The media type is not judged here: the
// caller checks the Content-Type header on its own.
func CheckResultUpdate(body []byte) []Problem {
	in, err := DecodeResource(body, "partner-results")
	if err != nil {
		return errorProblems(err)
	}
	_, problems := ValidateResultAttrs(in.Attributes, false)
	return errorProblems(problems)
}

// CheckResultCreate judges the body of POST /partner-results as the
// mock's Partner API does (docs/protocol.md §2.3): the update rules, plus
// status and candidate-id required.
func CheckResultCreate(body []byte) []Problem {
	in, err := DecodeResource(body, "partner-results")
	if err != nil {
		return errorProblems(err)
	}
	_, problems := ValidateResultAttrs(in.Attributes, true)
	return errorProblems(problems)
}

// CheckWebhookResponse judges the body of a 2xx answer to a webhook as the
// mock does when it delivers one (docs/protocol.md §1.3). applied reports that the
// body is a partner_result_attributes document Teamtailor would apply;
// invalid that it is one with a field Teamtailor rejects, which makes it
// ignore the whole document. note says which, in words. A body that is
// empty, not JSON, or without partner_result_attributes is neither:
// Teamtailor ignores it.
func CheckWebhookResponse(body []byte) (applied, invalid bool, note string) {
	apply, note, invalid := WebhookResponseAttrs(body)
	return apply != nil, invalid, note
}

// ParseFormLenient reads a config or activation config document (docs/protocol.md
// §3, §4) without judging it: the fields that decode, the assessment
// criteria, the validateEndpoint (inside config or beside it) and the
// custom field mapping. It fails only when the document is not a JSON
// object with a config object. ParseForm is the strict counterpart.
func ParseFormLenient(doc []byte) (Form, error) {
	var wire struct {
		Config *struct {
			Fields             json.RawMessage `json:"fields"`
			AssessmentCriteria json.RawMessage `json:"assessment-criteria"`
			ValidateEndpoint   json.RawMessage `json:"validateEndpoint"`
		} `json:"config"`
		ValidateEndpoint json.RawMessage `json:"validateEndpoint"`
	}
	if err := json.Unmarshal(doc, &wire); err != nil {
		return Form{}, err
	}
	if wire.Config == nil {
		return Form{}, errors.New("the document has no config object")
	}
	var f Form
	var fields []json.RawMessage
	if json.Unmarshal(wire.Config.Fields, &fields) == nil {
		for _, raw := range fields {
			if field, err := parseField(raw); err == nil {
				f.Fields = append(f.Fields, field)
			}
		}
	}
	var criteria []json.RawMessage
	if json.Unmarshal(wire.Config.AssessmentCriteria, &criteria) == nil {
		for _, raw := range criteria {
			var c struct {
				ID    json.RawMessage `json:"id"`
				Label string          `json:"label"`
			}
			if json.Unmarshal(raw, &c) == nil && len(c.ID) > 0 {
				f.AssessmentCriteria = append(f.AssessmentCriteria, AssessmentCriterion{ID: optionID(c.ID), Label: c.Label})
			}
		}
	}
	// docs/protocol.md §4 Decision: validateEndpoint inside config or beside it.
	for _, raw := range []json.RawMessage{wire.Config.ValidateEndpoint, wire.ValidateEndpoint} {
		var s string
		if f.ValidateEndpoint == "" && json.Unmarshal(raw, &s) == nil {
			f.ValidateEndpoint = s
		}
	}
	f.Fields = NonNil(f.Fields)
	return f, nil
}

// errorProblems turns the mock's *Error and Errors into problems.
func errorProblems(err error) []Problem {
	if err == nil {
		return nil
	}
	var list Errors
	if errors.As(err, &list) {
		if len(list) == 0 {
			return nil
		}
		out := make([]Problem, 0, len(list))
		for _, e := range list {
			out = append(out, Problem{Pointer: e.Pointer, Message: e.Detail})
		}
		return out
	}
	var one *Error
	if errors.As(err, &one) {
		return []Problem{{Pointer: one.Pointer, Message: one.Detail}}
	}
	return []Problem{{Message: err.Error()}}
}
