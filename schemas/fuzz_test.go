package schemas

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
)

// fuzzSchemas are the schemas FuzzValidate checks every input against: the
// documents partners send, and the one with the deepest references.
var fuzzSchemas = []string{"webhook-response", "partner-result-create-request", "partner-update-request", "webhook"}

// Validate never panics, whatever the bytes, and its error is always one of
// the documented kinds.
func FuzzValidate(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*", "*", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		f.Add(readFile(f, p))
	}
	f.Add([]byte(`{"data": {"attributes": {"details": {"a": {"b": {"c": {}}}}}}}`))
	f.Add([]byte(`{"partner_result_attributes": {"assessment": {"score": 1e400}}}`))
	f.Add([]byte(`"\ud800"`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, name := range fuzzSchemas {
			err := Validate(name, doc)
			if err == nil {
				continue
			}
			var ve *ValidationError
			var se *json.SyntaxError
			switch {
			case errors.As(err, &ve):
				if len(ve.Problems) == 0 {
					t.Errorf("Validate(%q) = ValidationError without problems", name)
				}
			case errors.As(err, &se):
			default:
				t.Errorf("Validate(%q) = %T %v, want a *ValidationError or a *json.SyntaxError", name, err, err)
			}
		}
	})
}
