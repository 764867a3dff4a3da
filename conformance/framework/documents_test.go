package framework

import (
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
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
func TestJudgeConfigSortsEachDefectIntoOneAspect(t *testing.T) {
	if v := JudgeConfig("config", []byte(goodConfig)); len(v.All()) != 0 {
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
			v := JudgeConfig("config", withField(t, tt.field, tt.criteria))
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
func TestJudgeResultPostSortsEachDefectIntoOneAspect(t *testing.T) {
	declared := []string{"speed", "code_quality"}
	if v := JudgeResultPost([]byte(goodPost), declared); len(v.All()) != 0 {
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
			v := JudgeResultPost(withAttr(t, tt.key, tt.value), declared)
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

// PickValues fills every field a recruiter can fill, with values the
// mock's form code accepts as they are.
func TestPickValuesFillsEveryFieldType(t *testing.T) {
	raw, err := fixtures.Raw(fixtures.KindConfigs, "every-field-type")
	if err != nil {
		t.Fatal(err)
	}
	form, problems := protocol.ParseForm("config", raw)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	srv, err := mockteamtailor.NewServer(slog.New(slog.DiscardHandler), mockteamtailor.DefaultConfig(), store.NewMemStore(), idgen.New(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	m := &Mock{Server: srv}
	picked := PickValues(m, form)
	if _, err := srv.PickValues(form, picked); err != nil {
		t.Fatalf("the mock refuses the picked values: %v", err)
	}
	data := WebhookData(m, form, picked)
	for _, f := range form.Fields {
		if f.HasValue() && f.Type != "hidden" {
			if _, ok := data[protocol.WebhookDataKey(f.ID)]; !ok {
				t.Errorf("field %s (%s) got no value", f.ID, f.Type)
			}
		}
	}
}

func TestRedactorHidesSecrets(t *testing.T) {
	s := settings.Settings{APIKey: "ttpk_secret_api_key", WebhookSecret: "ttws_secret_hook", ProviderKey: "5f0c7b52-3a1e-4b6f-9d2a-0e8c1f4a7b33"}
	r := partner.NewRedactor(s)
	x := r.Exchange(partner.Exchange{
		URL:           "http://partner/validate?key=ttpk_secret_api_key",
		RequestHeader: map[string][]string{"Authorization": {"Bearer 5f0c7b52-3a1e-4b6f-9d2a-0e8c1f4a7b33"}, "X-Note": {"ttws_secret_hook"}},
		RequestBody:   `{"token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjF9.c2lnbmF0dXJl"}`,
		ResponseBody:  "echo ttws_secret_hook",
	})
	b, _ := json.Marshal(x)
	for _, secret := range []string{s.APIKey, s.WebhookSecret, s.ProviderKey, "eyJhbGciOiJIUzI1NiIs"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the redacted exchange shows %q: %s", secret, b)
		}
	}
	if got := x.RequestHeader.Get("Authorization"); got != "Bearer [REDACTED]" {
		t.Errorf("Authorization = %q, want the scheme kept", got)
	}
}

func TestCurlReproducesTheRequest(t *testing.T) {
	x := partner.Exchange{Method: "POST", URL: "http://partner/webhook", RequestBody: `{"a": "it's"}`,
		RequestHeader: map[string][]string{"Content-Type": {"application/json"}, "Content-Length": {"12"}}}
	got := x.Curl()
	want := "curl -sS -i -X POST 'http://partner/webhook' \\\n    -H 'Content-Type: application/json' \\\n    --data-binary '{\"a\": \"it'\\''s\"}'"
	if got != want {
		t.Errorf("Curl() =\n%s\nwant\n%s", got, want)
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
