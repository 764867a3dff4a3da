package protocol

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
)

// edgeForms are forms the fixtures do not cover: numeric option ids, a
// required checkbox, a hidden field with a value, and ids whose
// webhook-data keys collide with another field's id.
var edgeForms = []string{
	`{"config":{"fields":[{"id":"level","type":"select","options":[{"id":1,"label":"Junior"},{"id":2,"label":"Senior"}]},{"id":"tags","type":"multiselect","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]},{"id":"agree","type":"checkbox","required":true}]}}`,
	`{"config":{"fields":[{"id":"source","type":"hidden","value":"teamtailor"},{"id":"tier","type":"radio","options":[{"id":"gold","label":"Gold"}]}]}}`,
	`{"config":{"fields":[{"id":"a_b","type":"select","options":[{"id":"x","label":"X"}]},{"id":"a-b","type":"text"},{"id":"c-d","type":"select","options":[{"id":"y","label":"Y"}]},{"id":"c_d","type":"text"}]}}`,
}

// checkForms parses every config and activation-config fixture and the
// edge forms.
func checkForms(tb testing.TB) []Form {
	tb.Helper()
	var forms []Form
	add := func(schema string, doc []byte, name string) {
		form, problems := ParseForm(schema, doc)
		if len(problems) > 0 {
			tb.Fatalf("%s: %v", name, problems)
		}
		forms = append(forms, form)
	}
	for _, k := range []struct{ kind, schema string }{{fixtures.KindConfigs, "config"}, {fixtures.KindActivationConfigs, "activation-config"}} {
		for _, name := range fixtures.Names(k.kind) {
			doc, err := fixtures.Raw(k.kind, name)
			if err != nil {
				tb.Fatal(err)
			}
			add(k.schema, doc, k.kind+"/"+name)
		}
	}
	for i, doc := range edgeForms {
		add("config", []byte(doc), "edge form "+string(rune('0'+i)))
	}
	return forms
}

func optionIDs(f FormField) []string {
	var ids []string
	for _, o := range f.AllOptions() {
		ids = append(ids, o.ID)
	}
	return ids
}

// FuzzCheckValues: the form validator never panics, returns only field
// ids as keys, never accepts a select or radio value that is not an
// option id (nor a multiselect part), and its problems point at field
// ids or at the keys it was given (docs/protocol.md §3, §4).
func FuzzCheckValues(f *testing.F) {
	forms := checkForms(f)
	for fi, form := range forms {
		for ki, field := range form.Fields {
			for _, id := range optionIDs(field) {
				f.Add(uint8(fi), uint8(ki), id, "", "")
				f.Add(uint8(fi), uint8(ki), id+","+id, WebhookDataKey(field.ID), " "+id)
			}
			f.Add(uint8(fi), uint8(ki), "not-an-option", WebhookDataKey(field.ID), "")
			f.Add(uint8(fi), uint8(ki), "", "unknown_field", "1")
		}
	}
	for _, v := range []string{"true", "on", "2026-06-01", "2026-W23", "#00ff00", "https://example.com", "a@example.com", "1e3", "NaN", "-0", "\x00", "é"} {
		f.Add(uint8(0), uint8(0), v, "", "")
	}
	f.Fuzz(func(t *testing.T, formIndex, fieldIndex uint8, value, extraKey, extraValue string) {
		form := forms[int(formIndex)%len(forms)]
		values := map[string]string{}
		if len(form.Fields) > 0 {
			values[form.Fields[int(fieldIndex)%len(form.Fields)].ID] = value
		}
		if extraKey != "" {
			values[extraKey] = extraValue
		}
		out, problems := form.CheckValues(values)
		fields := map[string]FormField{}
		for _, field := range form.Fields {
			if field.HasValue() {
				fields[field.ID] = field
			}
		}
		for k, v := range out {
			field, ok := fields[k]
			if !ok {
				t.Fatalf("CheckValues(%q) returned key %q, which is not the id of a field with a value", values, k)
			}
			switch field.Type {
			case "select", "radio":
				if !slices.Contains(optionIDs(field), v) {
					t.Fatalf("CheckValues(%q) accepted %q for %s %q, whose options are %q", values, v, field.Type, k, optionIDs(field))
				}
			case "multiselect":
				for part := range strings.SplitSeq(v, ",") {
					if !slices.Contains(optionIDs(field), part) {
						t.Fatalf("CheckValues(%q) accepted %q for multiselect %q, whose options are %q", values, v, k, optionIDs(field))
					}
				}
			}
		}
		for _, p := range problems {
			if _, isField := fields[p.Pointer]; !isField {
				if _, given := values[p.Pointer]; !given {
					t.Fatalf("problem %q points at neither a field id nor a given key", p)
				}
			}
		}
	})
}

// CheckValues accepts values keyed by field id or webhook-data key,
// normalises checkboxes and multiselects, fills hidden values in, and
// names the field of every problem (docs/protocol.md §3).
func TestCheckValues(t *testing.T) {
	everyType, _ := fixtures.Raw(fixtures.KindConfigs, "every-field-type")
	forms := map[string]Form{}
	for name, doc := range map[string]string{"every-field-type": string(everyType), "edge0": edgeForms[0], "edge1": edgeForms[1]} {
		form, problems := ParseForm("config", []byte(doc))
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		forms[name] = form
	}
	for _, tt := range []struct {
		name, form   string
		values, want map[string]string
		problems     []string // pointers
	}{
		{name: "numeric option ids", form: "edge0", values: map[string]string{"level": "2", "agree": "on"}, want: map[string]string{"level": "2", "agree": "true"}},
		{name: "multiselect normalised", form: "edge0", values: map[string]string{"tags": " a , b", "agree": "yes"}, want: map[string]string{"tags": "a,b", "agree": "true"}},
		{name: "multiselect with a stranger", form: "edge0", values: map[string]string{"tags": "a,c", "agree": "1"}, want: map[string]string{"agree": "true"}, problems: []string{"tags"}},
		{name: "required checkbox unchecked", form: "edge0", values: map[string]string{"agree": "false"}, want: map[string]string{}, problems: []string{"agree"}},
		{name: "required checkbox missing", form: "edge0", values: map[string]string{}, want: map[string]string{}, problems: []string{"agree"}},
		{name: "select value is no option", form: "edge0", values: map[string]string{"level": "Senior", "agree": "true"}, want: map[string]string{"agree": "true"}, problems: []string{"level"}},
		{name: "hidden value filled in", form: "edge1", values: map[string]string{"tier": "gold"}, want: map[string]string{"source": "teamtailor", "tier": "gold"}},
		{name: "unknown key", form: "edge1", values: map[string]string{"colour": "red"}, want: map[string]string{"source": "teamtailor"}, problems: []string{"colour"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, problems := forms[tt.form].CheckValues(tt.values)
			if !maps.Equal(out, tt.want) {
				t.Errorf("values = %q, want %q", out, tt.want)
			}
			var ptrs []string
			for _, p := range problems {
				ptrs = append(ptrs, p.Pointer)
			}
			if !slices.Equal(ptrs, tt.problems) {
				t.Errorf("problems at %q, want %q (%v)", ptrs, tt.problems, problems)
			}
		})
	}

	// Each typed field of every-field-type: one value it takes, one it
	// refuses; values keyed by webhook-data key (with "-") work too.
	form := forms["every-field-type"]
	good := map[string]string{
		"checkbox": "true", "color": "#1a2b3c", "date": "2026-06-01", "datetime": "2026-06-01T09:30",
		"datetime-local": "2026-06-01T09:30", "email": "a@example.com", "month": "2026-06", "number": "5",
		"range": "5", "url": "https://example.com/x", "week": "2026-W23",
	}
	bad := map[string]string{
		"checkbox": "maybe", "color": "red", "date": "2026-02-30", "datetime": "yesterday", "datetime-local": "2026-06-01",
		"email": "not an address", "month": "2026-13", "number": "five", "range": "x", "url": "ftp://example.com", "week": "2026-W54",
	}
	for _, field := range form.Fields {
		g, ok := good[field.Type]
		if !ok || !field.HasValue() {
			continue
		}
		t.Run(field.Type, func(t *testing.T) {
			if field.Type == "url" {
			}
			base := requiredValues(form, field.ID)
			base[WebhookDataKey(field.ID)] = g
			out, problems := form.CheckValues(base)
			if len(problems) > 0 || out[field.ID] == "" {
				t.Errorf("%s %q refused: %v", field.Type, g, problems)
			}
			base[WebhookDataKey(field.ID)] = bad[field.Type]
			if _, problems := form.CheckValues(base); len(problems) != 1 || problems[0].Pointer != field.ID {
				t.Errorf("%s %q: problems %v, want one at %s", field.Type, bad[field.Type], problems, field.ID)
			}
		})
	}
}

// requiredValues returns valid values for the required fields of form
// except skip, so a test can vary one field alone. (The forms it is used
// with require only fields with options.)
func requiredValues(form Form, skip string) map[string]string {
	out := map[string]string{}
	for _, f := range form.Fields {
		if f.Required && f.ID != skip && f.HasValue() && len(f.AllOptions()) > 0 {
			out[f.ID] = f.AllOptions()[0].ID
		}
	}
	return out
}
