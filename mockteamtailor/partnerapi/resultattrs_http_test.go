package partnerapi

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

func TestResultAttributeRulesOverHTTP(t *testing.T) {
	env := newTestEnv(t)
	existing := env.createResult(t, `{"status":"sending","candidate-id":1}`)
	for _, tt := range loadRuleCases(t) {
		t.Run(tt.Name, func(t *testing.T) {
			rq := req{Method: "POST", Path: createPath, Body: `{"data":{"type":"partner-results","attributes":` + tt.Attrs + `}}`}
			wantOK := http.StatusCreated
			if !tt.Create {
				rq.Method, rq.Path, wantOK = "PATCH", createPath+"/"+existing, http.StatusOK
			}
			r := env.do(t, rq)
			if len(tt.WantPointers) == 0 {
				if r.Status != wantOK {
					t.Fatalf("status = %d, want %d; body: %s", r.Status, wantOK, r.Body)
				}
				mustMatchSchema(t, "partner-result", r.Body)
				return
			}
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422; body: %s", r.Status, r.Body)
			}
			var doc protocol.ErrorDocument
			if err := json.Unmarshal(r.Body, &doc); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range doc.Errors {
				if e.Status != "422" || e.Source == nil {
					t.Errorf("error %+v: want status 422 and a source pointer", e)
					continue
				}
				got = append(got, e.Source.Pointer)
			}
			if diff := cmp.Diff(tt.WantPointers, got); diff != "" {
				t.Errorf("pointers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResultCandidateIDImmutable(t *testing.T) {
	env := newTestEnv(t)
	id := env.createResult(t, `{"status":"sending","candidate-id":7}`)
	if r := env.do(t, req{Method: "PUT", Path: createPath + "/" + id, Body: `{"data":{"type":"partner-results","attributes":{"candidate-id":7,"status":"sent"}}}`}); r.Status != 200 {
		t.Fatalf("same candidate-id: status = %d; body %s", r.Status, r.Body)
	}
	r := env.do(t, req{Method: "PUT", Path: createPath + "/" + id, Body: `{"data":{"type":"partner-results","attributes":{"candidate-id":8,"status":"completed"}}}`})
	want := errDoc(errEntry(422, "Invalid attribute", "candidate-id is immutable: this result belongs to candidate 7, got 8", "/data/attributes/candidate-id"))
	if diff := cmp.Diff(jsonValue(t, want), doc(t, r)); r.Status != 422 || diff != "" {
		t.Errorf("status %d (-want +got):\n%s", r.Status, diff)
	}
	g := env.do(t, req{Method: "GET", Path: createPath + "/" + id})
	attrs := doc(t, g)["data"].(map[string]any)["attributes"].(map[string]any)
	if attrs["status"] != "sent" || attrs["candidate-id"] != 7.0 {
		t.Errorf("a refused update changed the result: %v", attrs)
	}
}

// ruleCase is one case of the result attribute rules the protocol package
// tests (protocol/testdata/result-rules.json); here they run over HTTP.
type ruleCase struct {
	Name         string   `json:"name"`
	Create       bool     `json:"create"`
	Attrs        string   `json:"attrs"`
	WantPointers []string `json:"wantPointers"`
	WantDetail   string   `json:"wantDetail"`
}

func loadRuleCases(t *testing.T) []ruleCase {
	b, err := os.ReadFile(filepath.Join("..", "protocol", "testdata", "result-rules.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []ruleCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}
