package protocol

import (
	"strings"
	"testing"
)

// CheckResultUpdate reports what the Partner API would answer 422 (or 400)
// to, with pointers.
func TestCheckResultUpdate(t *testing.T) {
	tests := []struct {
		name, body, pointer string
	}{
		{"valid", `{"data": {"type": "partner-results", "id": "r", "attributes": {"status": "completed", "assessment": {"score": 80}}}}`, ""},
		{"score above 100", `{"data": {"type": "partner-results", "attributes": {"assessment": {"score": 150}}}}`, "/data/attributes/assessment/score"},
		{"attachment with an extra key", `{"data": {"type": "partner-results", "attributes": {"attachments": [{"url": "https://x.example", "description": "d", "x": 1}]}}}`, "/data/attributes/attachments/0"},
		{"wrong type", `{"data": {"type": "results", "attributes": {}}}`, "/data/type"},
		{"not JSON", `{`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := CheckResultUpdate([]byte(tt.body))
			if tt.name == "valid" {
				if len(problems) != 0 {
					t.Fatalf("problems = %v, want none", problems)
				}
				return
			}
			if len(problems) == 0 {
				t.Fatal("no problem reported")
			}
			if tt.pointer != "" && !strings.HasPrefix(problems[0].Pointer, tt.pointer) {
				t.Errorf("pointer = %q, want %q (problems %v)", problems[0].Pointer, tt.pointer, problems)
			}
		})
	}
}

func TestCheckWebhookResponse(t *testing.T) {
	tests := []struct {
		body             string
		applied, invalid bool
	}{
		{`{"partner_result_attributes": {"status": "pending"}}`, true, false},
		{`{"partner_result_attributes": {"status": "queued"}}`, false, true},
		{`{"ok": true}`, false, false},
		{`OK`, false, false},
		{``, false, false},
	}
	for _, tt := range tests {
		applied, invalid, note := CheckWebhookResponse([]byte(tt.body))
		if applied != tt.applied || invalid != tt.invalid || note == "" {
			t.Errorf("CheckWebhookResponse(%q) = %v, %v, %q; want %v, %v and a note", tt.body, applied, invalid, note, tt.applied, tt.invalid)
		}
	}
}

// ParseFormLenient reads what it can of a document the schema refuses.
func TestParseFormLenient(t *testing.T) {
	doc := `{"config": {"fields": [{"id": "a", "type": "slider"}, {"id": "b", "type": "select"}, {"id": 3}],
	  "assessment-criteria": [{"id": "speed"}]}, "validateEndpoint": "activation/validate"}`
	f, err := ParseFormLenient([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Fields) != 2 || f.Fields[0].Type != "slider" || f.ValidateEndpoint != "activation/validate" ||
		len(f.AssessmentCriteria) != 1 || f.AssessmentCriteria[0].ID != "speed" {
		t.Errorf("form = %+v", f)
	}
	if _, err := ParseFormLenient([]byte(`{"fields": []}`)); err == nil {
		t.Error("a document without config was read")
	}
}
