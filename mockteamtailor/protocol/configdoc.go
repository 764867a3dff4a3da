package protocol

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// Problem is one thing wrong with a document, at a JSON pointer into it.
// Keyword is the schema keyword that failed (its location in the schema),
// or empty for a rule beyond the schema.
type Problem struct {
	Pointer string
	Message string
	Keyword string
}

func (p Problem) String() string {
	if p.Pointer == "" {
		return p.Message
	}
	return p.Pointer + ": " + p.Message
}

// CheckConfig checks a config document (schema "config", docs/protocol.md §3) or
// an activation config (schema "activation-config", docs/protocol.md §4): the
// schema, plus what a schema cannot say: field ids are unique (they become
// webhook-data keys) and so are assessment-criteria ids. The mock checks a
// partner's configs with it, and the conformance suite judges them with it.
func CheckConfig(schema string, doc []byte) []Problem {
	var out []Problem
	if err := schemas.Validate(schema, doc); err != nil {
		var verr *schemas.ValidationError
		if !errors.As(err, &verr) {
			return []Problem{{Message: err.Error()}}
		}
		for _, p := range verr.Problems {
			out = append(out, Problem{Pointer: p.Pointer, Message: p.Message, Keyword: p.Keyword})
		}
	}
	var d struct {
		Config struct {
			Fields   []map[string]json.RawMessage `json:"fields"`
			Criteria []map[string]json.RawMessage `json:"assessment-criteria"`
		} `json:"config"`
	}
	if json.Unmarshal(doc, &d) != nil {
		return out
	}
	uniqueIDs := func(items []map[string]json.RawMessage, base, what, why string) {
		seen := map[string]int{}
		for i, item := range items {
			var id string
			if json.Unmarshal(item["id"], &id) != nil || id == "" {
				continue
			}
			if first, dup := seen[id]; dup {
				out = append(out, Problem{Pointer: fmt.Sprintf("%s/%d/id", base, i),
					Message: fmt.Sprintf("%s id %q is used already by %s/%d; %s", what, id, base, first, why)})
				continue
			}
			seen[id] = i
		}
	}
	uniqueIDs(d.Config.Fields, "/config/fields", "field", "ids must be unique, they become webhook-data keys")
	uniqueIDs(d.Config.Criteria, "/config/assessment-criteria", "criterion", "ids must be unique, results score them by id")
	return out
}
