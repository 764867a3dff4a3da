package judge

import (
	"encoding/json"
	"slices"
	"testing"
)

// goodConfig is a config document every config check passes.
const goodConfig = `{"config": {"fields": [
  {"type": "infobox", "icon": "info", "content": "Hello"},
  {"id": "test", "type": "select", "label": "Test", "required": true, "optgroups": [{"label": "Logic", "options": [{"id": "algorithms", "label": "Algorithms"}]}]},
  {"id": "threshold", "type": "number", "label": "Threshold", "min": 0, "max": 100}
], "assessment-criteria": [{"id": "speed", "label": "Speed"}]}}`

// withField returns goodConfig with one more field or criteria list.
func withField(t *testing.T, field string, criteria string) []byte {
	t.Helper()
	var doc map[string]map[string][]json.RawMessage
	if err := json.Unmarshal([]byte(goodConfig), &doc); err != nil {
		t.Fatal(err)
	}
	if field != "" {
		doc["config"]["fields"] = append(doc["config"]["fields"], json.RawMessage(field))
	}
	if criteria != "" {
		doc["config"]["assessment-criteria"] = append(doc["config"]["assessment-criteria"], json.RawMessage(criteria))
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Each defect of a config document is a problem of exactly one aspect, so
// it fails exactly one check.
func TestConfigSortsEachDefectIntoOneAspect(t *testing.T) {
	if v := Config("config", []byte(goodConfig)); len(v.All()) != 0 {
		t.Fatalf("the good config has problems: %v", v.All())
	}
	tests := []struct {
		name, field, criteria, want string
	}{
		{"unknown type", `{"id": "x", "type": "slider"}`, "", AspectTypes},
		{"type not a string", `{"id": "x", "type": 5}`, "", AspectTypes},
		{"select without options", `{"id": "x", "type": "select"}`, "", AspectOptions},
		{"radio with empty options", `{"id": "x", "type": "radio", "options": []}`, "", AspectOptions},
		{"multiselect with empty optgroups", `{"id": "x", "type": "multiselect", "optgroups": []}`, "", AspectOptions},
		{"duplicate id", `{"id": "test", "type": "text"}`, "", AspectIDs},
		{"infobox without content", `{"type": "infobox"}`, "", AspectSchema},
		{"field without id", `{"type": "text", "label": "x"}`, "", AspectSchema},
		{"label not a string", `{"id": "x", "type": "text", "label": 3}`, "", AspectSchema},
		{"criterion without label", "", `{"id": "culture"}`, AspectCriteria},
		{"criterion with empty id", "", `{"id": "", "label": "x"}`, AspectCriteria},
		{"duplicate criterion", "", `{"id": "speed", "label": "Speed again"}`, AspectCriteria},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Config("config", withField(t, tt.field, tt.criteria))
			for aspect, problems := range v {
				if aspect != tt.want && len(problems) > 0 {
					t.Errorf("aspect %s has problems %v, want only %s", aspect, problems, tt.want)
				}
			}
			if len(v[tt.want]) == 0 {
				t.Errorf("aspect %s has no problem", tt.want)
			}
		})
	}
}

// goodPost is a result post every results check passes.
const goodPost = `{"data": {"type": "partner-results", "id": "r1", "attributes": {
  "status": "completed", "summary": "Done", "url": "https://example.com/r",
  "assessment": {"score": 81, "grade": "top_fit", "duration": "0:32:14"},
  "details": {"test": "go", "sections": {"logic": "strong"}},
  "attachments": [{"url": "https://example.com/r.pdf", "description": "Report"}],
  "actions": [{"buttonText": "Resend", "endpoint": "actions/resend"}],
  "assessment-criteria": [{"id": "speed", "score": 70}]}}}`

// withAttr returns goodPost with one attribute replaced.
func withAttr(t *testing.T, key, value string) []byte {
	t.Helper()
	var doc struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(goodPost), &doc); err != nil {
		t.Fatal(err)
	}
	if key == "type" {
		doc.Data["type"] = json.RawMessage(value)
	} else {
		var attrs map[string]json.RawMessage
		json.Unmarshal(doc.Data["attributes"], &attrs)
		attrs[key] = json.RawMessage(value)
		doc.Data["attributes"], _ = json.Marshal(attrs)
	}
	b, _ := json.Marshal(doc)
	return b
}

// Each defect of a result post is a problem of exactly one aspect.
func TestResultPostSortsEachDefectIntoOneAspect(t *testing.T) {
	declared := []string{"speed", "code_quality"}
	if v := resultPost([]byte(goodPost), declared); len(v.All()) != 0 {
		t.Fatalf("the good post has problems: %v", v.All())
	}
	tests := []struct {
		name, key, value, want string
	}{
		{"unknown status", "status", `"done"`, AspectStatus},
		{"score 150", "assessment", `{"score": 150}`, AspectScore},
		{"negative score", "assessment", `{"score": -1}`, AspectScore},
		{"criterion score 101", "assessment-criteria", `[{"id": "speed", "score": 101}]`, AspectScore},
		{"details three deep", "details", `{"a": {"b": {"c": 1}}}`, AspectDetails},
		{"attachment with extra key", "attachments", `[{"url": "https://example.com", "description": "d", "size": 1}]`, AspectAttachments},
		{"attachment without description", "attachments", `[{"url": "https://example.com"}]`, AspectAttachments},
		{"undeclared criterion", "assessment-criteria", `[{"id": "charisma"}]`, AspectCriteria},
		{"wrong type", "type", `"results"`, AspectSchema},
		{"unknown attribute", "colour", `"red"`, AspectSchema},
		{"url not http", "url", `"ftp://example.com"`, AspectSchema},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := resultPost(withAttr(t, tt.key, tt.value), declared)
			for aspect, problems := range v {
				if aspect != tt.want && len(problems) > 0 {
					t.Errorf("aspect %s has problems %v, want only %s", aspect, problems, tt.want)
				}
			}
			if len(v[tt.want]) == 0 {
				t.Errorf("aspect %s has no problem", tt.want)
			}
		})
	}
}

func TestBackwards(t *testing.T) {
	tests := []struct {
		statuses []string
		from, to string
	}{
		{[]string{"sending", "pending", "completed"}, "", ""},
		{[]string{"sending", "sent", "sent", "completed", "failed"}, "", ""},
		{[]string{"sending", "completed", "sending"}, "completed", "sending"},
		{[]string{"sending", "pending", "sent"}, "pending", "sent"},
		{[]string{"sending", "done", "pending"}, "", ""}, // unknown statuses are another check's
	}
	for _, tt := range tests {
		from, to, back := Backwards(tt.statuses)
		if from != tt.from || to != tt.to || back != (tt.from != "") {
			t.Errorf("Backwards(%v) = %q, %q, %v; want %q, %q", tt.statuses, from, to, back, tt.from, tt.to)
		}
	}
}

func TestSupportedFieldTypesComeFromTheSchema(t *testing.T) {
	types := SupportedFieldTypes()
	for _, want := range []string{"checkbox", "select", "multiselect", "week", "infobox", "error"} {
		if !slices.Contains(types, want) {
			t.Errorf("SupportedFieldTypes() lacks %q: %v", want, types)
		}
	}
}
