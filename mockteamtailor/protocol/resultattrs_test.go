package protocol

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// resultRuleCases exercise every rule of the attribute table in docs/protocol.md
// §2.3; the mock's tests run the same cases over HTTP.
var resultRuleCases = loadRuleCases("testdata/result-rules.json")

// ruleCase is one case of testdata/result-rules.json. WantPointers lists
// the pointer of every expected problem, in order; WantDetail is a phrase
// the first problem must contain.
type ruleCase struct {
	Name         string   `json:"name"`
	Create       bool     `json:"create"`
	Attrs        string   `json:"attrs"`
	WantPointers []string `json:"wantPointers"`
	WantDetail   string   `json:"wantDetail"`
}

func loadRuleCases(path string) []ruleCase {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	var cases []ruleCase
	if err := json.Unmarshal(b, &cases); err != nil {
		panic(err)
	}
	return cases
}

// ValidateResultAttrs reports exactly the expected problems for every
// rule of docs/protocol.md §2.3, and the published schema agrees with it on what
// is valid, so partners validating with the schema see what the API says.
func TestResultAttributeRules(t *testing.T) {
	for _, tt := range resultRuleCases {
		t.Run(tt.Name, func(t *testing.T) {
			v, err := decodeValue([]byte(tt.Attrs))
			if err != nil {
				t.Fatal(err)
			}
			attrs, _ := v.(map[string]any)
			_, problems := ValidateResultAttrs(attrs, tt.Create)
			var got []string
			for _, p := range problems {
				got = append(got, p.Pointer)
				if p.Status != http.StatusUnprocessableEntity {
					t.Errorf("%s: status %d, want 422", p.Pointer, p.Status)
				}
			}
			if diff := cmp.Diff(tt.WantPointers, got); diff != "" {
				t.Errorf("problem pointers (-want +got):\n%s\nproblems: %v", diff, problems)
			}
			if tt.WantDetail != "" && len(problems) > 0 && !strings.Contains(problems[0].Detail, tt.WantDetail) {
				t.Errorf("first problem %q does not say %q", problems[0].Detail, tt.WantDetail)
			}

			schema, doc := "partner-result-update-request", `{"data":{"type":"partner-results","attributes":`+tt.Attrs+`}}`
			if tt.Create {
				schema = "partner-result-create-request"
			}
			serr := schemas.Validate(schema, []byte(doc))
			if (serr == nil) != (len(problems) == 0) {
				t.Errorf("schema %s disagrees with the API: schema says %v, API says %v", schema, serr, problems)
			}
		})
	}
}

// The same rules hold through the HTTP stack: a 422 with one JSON:API
// error per problem.
// candidate-id is immutable: the same value is accepted on update, a
// different one is a 422 and changes nothing.
// ParseDuration turns H:MM:SS and HH:MM:SS into seconds.
func TestParseDuration(t *testing.T) {
	for in, want := range map[string]int64{"0:32:14": 1934, "00:00:00": 0, "1:00:00": 3600, "99:59:59": 359999, "10:01:02": 36062} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1:2:3", "1:60:00", "1:00:60", "100:00:00", "-1:00:00", "1:00:00 ", "1:00", "a:bc:de", "１:00:00"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) succeeded, want an error", in)
		}
	}
}
