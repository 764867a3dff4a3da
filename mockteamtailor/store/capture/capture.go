// Package capture reads captured webhooks, as a partner team has them at
// hand (a body, a journal entry, a list of entries, JSONL), for a replay
// and for imported fixtures.
package capture

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/mockteamtailor/mockteamtailor/internal/orderedjson"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// MaxBytes bounds a file of captured webhooks the mock reads.
const MaxBytes = 16 << 20

// Capture is one captured webhook: the body of a POST BASE_URL/webhook as
// the partner received it (docs/protocol.md §1.1), and where it came from.
type Capture struct {
	// Source says where in the input the body was: "the document",
	// "line 3", "journal entry 12", "line 3 (journal entry 12)".
	Source string
	// Body is the webhook body, compact, with its keys in captured order
	// and its numbers as written.
	Body []byte
}

// Parse reads captured webhooks in any of the forms a partner
// team has at hand:
//   - a webhook body, {"partner-event": ..., "company": ...};
//   - a journal entry as the mock exports it (GET /mock/v1/deliveries/{id},
//     "mockteamtailor deliveries show --json"), whose request.body is the
//     webhook body;
//   - a list of journal entries, {"deliveries": [...]};
//   - JSONL: one of the above per line; blank lines are skipped.
//
// Every capture must be a webhook: a journal entry of a /config call, or
// one whose body the journal cut, is refused with the reason.
func Parse(data []byte) ([]Capture, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("the captures are %d bytes, more than the %d the mock reads", len(data), MaxBytes)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("there is nothing to replay: the input is empty")
	}
	if doc, err := orderedjson.Parse(trimmed); err == nil {
		return capturesOf(doc, "the document")
	}
	var out []Capture
	for i, line := range bytes.Split(trimmed, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		where := fmt.Sprintf("line %d", i+1)
		doc, err := orderedjson.Parse(line)
		if err != nil {
			return nil, fmt.Errorf("%s is not JSON (%v); give one webhook body, a journal entry, or JSONL with one of them per line", where, err)
		}
		cs, err := capturesOf(doc, where)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// capturesOf reads one JSON document of the input.
func capturesOf(doc *orderedjson.Value, where string) ([]Capture, error) {
	if doc.Kind != orderedjson.Object {
		return nil, fmt.Errorf("%s is a JSON %s; a captured webhook is an object with partner-event (a webhook body) or a journal entry with request.body", where, doc.Kind)
	}
	if list := doc.Get("deliveries"); list != nil && doc.Get("partner-event") == nil {
		if list.Kind != orderedjson.Array {
			return nil, fmt.Errorf("%s: deliveries is a %s, not a list of journal entries", where, list.Kind)
		}
		var out []Capture
		for i, d := range list.Items {
			c, err := captureOf(d, fmt.Sprintf("%s, deliveries[%d]", where, i))
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%s: the list of deliveries is empty", where)
		}
		return out, nil
	}
	c, err := captureOf(doc, where)
	if err != nil {
		return nil, err
	}
	return []Capture{c}, nil
}

// captureOf reads a webhook body or a journal entry holding one.
func captureOf(doc *orderedjson.Value, where string) (Capture, error) {
	if doc.Kind != orderedjson.Object {
		return Capture{}, fmt.Errorf("%s is a JSON %s, not a webhook body or a journal entry", where, doc.Kind)
	}
	if doc.Get("partner-event") != nil {
		return checkedCapture(doc, where)
	}
	req := doc.Get("request")
	if req == nil {
		return Capture{}, fmt.Errorf("%s has neither partner-event (a webhook body) nor request (a journal entry); it is not a captured webhook", where)
	}
	if id, ok := doc.Get("id").Int(); ok {
		where = fmt.Sprintf("%s (journal entry %d)", where, id)
	}
	if k := doc.Get("kind"); k != nil && k.Kind == orderedjson.String && k.String != store.KindWebhook && k.String != store.KindAction {
		return Capture{}, fmt.Errorf("%s is a %s call, not a webhook", where, k.String)
	}
	if t := req.Get("bodyTruncated"); t != nil && t.Kind == orderedjson.Bool && t.Bool {
		return Capture{}, fmt.Errorf("%s: the journal cut its body, so it cannot be replayed whole; raise the journal's body limit or capture the body at the partner", where)
	}
	body := req.Get("body")
	if body == nil || body.Kind != orderedjson.String {
		return Capture{}, fmt.Errorf("%s has no request.body string", where)
	}
	inner, err := orderedjson.Parse([]byte(body.String))
	if err != nil {
		return Capture{}, fmt.Errorf("%s: request.body is not JSON: %v", where, err)
	}
	return checkedCapture(inner, where)
}

func checkedCapture(body *orderedjson.Value, where string) (Capture, error) {
	pe := body.Get("partner-event")
	if pe == nil || pe.Kind != orderedjson.Object {
		return Capture{}, fmt.Errorf("%s: partner-event is missing or not an object; a webhook body is {\"partner-event\": {...}, \"company\": {...}} (docs/protocol.md §1.1)", where)
	}
	return Capture{Source: where, Body: body.Marshal("")}, nil
}
