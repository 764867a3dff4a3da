package protocol

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// Problem is one thing wrong with a document, at a JSON pointer into it.
type Problem struct {
	Pointer string
	Message string
}

func (p Problem) String() string {
	if p.Pointer == "" {
		return p.Message
	}
	return p.Pointer + ": " + p.Message
}

// CheckConfig checks a config document (schema "config", PROTOCOL §3) or
// an activation config (schema "activation-config", PROTOCOL §4): the
// schema, plus what a schema cannot say, that field ids are unique.
func CheckConfig(schema string, doc []byte) []Problem {
	if err := schemas.Validate(schema, doc); err != nil {
		var verr *schemas.ValidationError
		if !errors.As(err, &verr) {
			return []Problem{{Message: err.Error()}}
		}
		out := make([]Problem, 0, len(verr.Problems))
		for _, p := range verr.Problems {
			out = append(out, Problem{Pointer: p.Pointer, Message: p.Message})
		}
		return out
	}
	var d struct {
		Config struct {
			Fields []struct {
				ID *string `json:"id"`
			} `json:"fields"`
		} `json:"config"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return []Problem{{Message: err.Error()}}
	}
	var out []Problem
	seen := map[string]int{}
	for i, f := range d.Config.Fields {
		if f.ID == nil {
			continue
		}
		if first, dup := seen[*f.ID]; dup {
			out = append(out, Problem{
				Pointer: fmt.Sprintf("/config/fields/%d/id", i),
				Message: fmt.Sprintf("field id %q is used already by /config/fields/%d; ids must be unique, they become webhook-data keys", *f.ID, first),
			})
			continue
		}
		seen[*f.ID] = i
	}
	return out
}
