package protocol

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/mockteamtailor/mockteamtailor/internal/orderedjson"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// Kinds of deviations of a captured webhook from the webhook schema.
const (
	DeviationUnknownKey = "unknown-key" // a key the protocol does not name
	DeviationType       = "type-change" // a value of another JSON type than the protocol's
	DeviationMissing    = "missing-key" // a key the protocol requires is absent
	DeviationRule       = "rule"        // any other rule: format, enum, bounds
)

// MaxDeviations bounds the report a capture gets (and the journal keeps).
const MaxDeviations = 100

// Deviation is one way a captured webhook differs from the webhook
// schema: possible protocol drift, reported, never a reason to refuse.
type Deviation struct {
	Pointer string `json:"pointer"`
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

func (d Deviation) String() string {
	p := d.Pointer
	if p == "" {
		p = "(root)"
	}
	return fmt.Sprintf("%s %s: %s", d.Kind, p, d.Message)
}

// CheckCapture compares a webhook body with schemas/webhook.schema.json
// and returns every deviation, unknown keys first, then schema problems
// (type changes, missing keys, other rules), each sorted by pointer, at
// most 100. The schema allows additional properties because Teamtailor
// may add keys, so unknown keys are found by walking the schema's
// declared properties.
func CheckCapture(body []byte) []Deviation {
	doc, err := orderedjson.Parse(body)
	if err != nil {
		return []Deviation{{Kind: DeviationRule, Message: "the body is not JSON: " + err.Error()}}
	}
	var out []Deviation
	if root, defs := webhookSchema(); root != nil {
		unknownKeys(doc, root, defs, "", &out)
	}
	var ve *schemas.ValidationError
	if err := schemas.Validate("webhook", body); errors.As(err, &ve) {
		for _, p := range ve.Problems {
			kind := DeviationRule
			switch path.Base(p.Keyword) {
			case "type":
				kind = DeviationType
			case "required":
				kind = DeviationMissing
			}
			out = append(out, Deviation{Pointer: p.Pointer, Kind: kind, Message: p.Message})
		}
	} else if err != nil {
		out = append(out, Deviation{Kind: DeviationRule, Message: err.Error()})
	}
	if len(out) > MaxDeviations {
		n := len(out)
		out = append(out[:MaxDeviations-1], Deviation{Kind: DeviationRule, Message: fmt.Sprintf("and %d more deviations", n-MaxDeviations+1)})
	}
	return out
}

var webhookSchemaOnce = sync.OnceValues(func() (map[string]any, map[string]any) {
	src, ok := schemas.Source("webhook")
	if !ok {
		return nil, nil
	}
	var root map[string]any
	if json.Unmarshal(src, &root) != nil {
		return nil, nil
	}
	defs, _ := root["$defs"].(map[string]any)
	return root, defs
})

func webhookSchema() (map[string]any, map[string]any) { return webhookSchemaOnce() }

// resolve follows local $refs; a reference to another file ends the walk
// (those are leaves such as the status enum).
func resolve(s map[string]any, defs map[string]any) map[string]any {
	for range 20 {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		name, ok := strings.CutPrefix(ref, "#/$defs/")
		if !ok {
			return nil
		}
		next, ok := defs[name].(map[string]any)
		if !ok {
			return nil
		}
		s = next
	}
	return nil
}

// unknownKeys reports the keys of objects whose schema declares its
// properties and takes no others by schema.
func unknownKeys(v *orderedjson.Value, s, defs map[string]any, ptr string, out *[]Deviation) {
	s = resolve(s, defs)
	if s == nil {
		return
	}
	branches := []map[string]any{s}
	if alts, ok := s["anyOf"].([]any); ok {
		for _, b := range alts {
			if bm, ok := b.(map[string]any); ok {
				if r := resolve(bm, defs); r != nil {
					branches = append(branches, r)
				}
			}
		}
	}
	switch v.Kind {
	case orderedjson.Object:
		props := map[string]map[string]any{}
		var additional map[string]any
		declared := false
		for _, b := range branches {
			if p, ok := b["properties"].(map[string]any); ok {
				declared = true
				for k, ps := range p {
					if m, ok := ps.(map[string]any); ok {
						props[k] = m
					}
				}
			}
			if a, ok := b["additionalProperties"].(map[string]any); ok {
				additional = a
			}
		}
		for _, m := range v.Members {
			child := ptr + "/" + orderedjson.Pointer(m.Key)
			switch ps, ok := props[m.Key]; {
			case ok:
				unknownKeys(m.Value, ps, defs, child, out)
			case additional != nil:
				unknownKeys(m.Value, additional, defs, child, out)
			case declared:
				*out = append(*out, Deviation{Pointer: child, Kind: DeviationUnknownKey,
					Message: fmt.Sprintf("key %q is not in the protocol (a %s); possible protocol drift", m.Key, m.Value.Kind)})
			}
		}
	case orderedjson.Array:
		for _, b := range branches {
			if items, ok := b["items"].(map[string]any); ok {
				for i, it := range v.Items {
					unknownKeys(it, items, defs, fmt.Sprintf("%s/%d", ptr, i), out)
				}
				return
			}
		}
	}
}
