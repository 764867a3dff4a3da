package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Form is a parsed config or activation config document (docs/protocol.md §3, §4).
type Form struct {
	Fields             []FormField           `json:"fields"`
	AssessmentCriteria []AssessmentCriterion `json:"assessment-criteria,omitempty"`
	// ValidateEndpoint is the activation config's validation path, found
	// inside config or beside it (docs/protocol.md §4 Decision: accept both).
	ValidateEndpoint   string                   `json:"validateEndpoint,omitempty"`
	CustomFieldMapping []CustomFieldMappingDecl `json:"customFieldMapping,omitempty"`
}

// FormField is one field of a form. Attrs keeps the whole field object so
// HTML-like attributes (min, max, step, disabled...) reach the UI.
type FormField struct {
	ID          string          `json:"id,omitempty"`
	Type        string          `json:"type"`
	Label       string          `json:"label,omitempty"`
	Placeholder string          `json:"placeholder,omitempty"`
	Description string          `json:"description,omitempty"`
	Required    bool            `json:"required,omitempty"`
	Refetch     bool            `json:"refetch,omitempty"`
	Options     []FormOption    `json:"options,omitempty"`
	Optgroups   []FormOptgroup  `json:"optgroups,omitempty"`
	Content     string          `json:"content,omitempty"` // infobox HTML
	Icon        string          `json:"icon,omitempty"`    // infobox icon
	Message     string          `json:"message,omitempty"` // error field
	Attrs       json.RawMessage `json:"attrs,omitempty"`
}

// FormOption is an option of a select, multiselect or radio field. IDs
// may be strings or numbers on the wire; they are kept as text.
type FormOption struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// FormOptgroup is a labelled group of options.
type FormOptgroup struct {
	Label   string       `json:"label"`
	Options []FormOption `json:"options"`
}

// AssessmentCriterion is a criterion a config declares; results score it.
type AssessmentCriterion struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// CustomFieldMappingDecl is one customFieldMapping entry of an activation
// config (docs/protocol.md §4).
type CustomFieldMappingDecl struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	APIName string   `json:"apiName"`
	Options []string `json:"options,omitempty"`
}

// AllOptions returns the field's options, those in optgroups included.
func (f FormField) AllOptions() []FormOption {
	out := slices.Clone(f.Options)
	for _, g := range f.Optgroups {
		out = append(out, g.Options...)
	}
	return out
}

// HasValue reports whether the field takes a value (infobox, error and
// reset do not).
func (f FormField) HasValue() bool {
	return f.ID != "" && f.Type != "infobox" && f.Type != "error" && f.Type != "reset"
}

// ErrorMessage returns the message of the form's first error field: such
// a form blocks saving the trigger (docs/protocol.md §3).
func (f Form) ErrorMessage() (string, bool) {
	for _, field := range f.Fields {
		if field.Type == "error" {
			return field.Message, true
		}
	}
	return "", false
}

// ParseForm checks doc against the schema (schema "config" or
// "activation-config") and parses it. Problems are returned, not an error,
// so callers can show every one.
func ParseForm(schema string, doc []byte) (Form, []Problem) {
	if problems := CheckConfig(schema, doc); len(problems) > 0 {
		return Form{}, problems
	}
	var wire struct {
		Config struct {
			Fields             []json.RawMessage     `json:"fields"`
			AssessmentCriteria []AssessmentCriterion `json:"assessment-criteria"`
			ValidateEndpoint   string                `json:"validateEndpoint"`
			CustomFieldMapping []json.RawMessage     `json:"customFieldMapping"`
		} `json:"config"`
		ValidateEndpoint   string            `json:"validateEndpoint"`
		CustomFieldMapping []json.RawMessage `json:"customFieldMapping"`
	}
	if err := json.Unmarshal(doc, &wire); err != nil {
		return Form{}, []Problem{{Message: err.Error()}}
	}
	f := Form{AssessmentCriteria: wire.Config.AssessmentCriteria, ValidateEndpoint: wire.Config.ValidateEndpoint}
	if f.ValidateEndpoint == "" {
		f.ValidateEndpoint = wire.ValidateEndpoint
	}
	var problems []Problem
	for i, raw := range wire.Config.Fields {
		field, err := parseField(raw)
		if err != nil {
			problems = append(problems, Problem{Pointer: fmt.Sprintf("/config/fields/%d", i), Message: err.Error()})
			continue
		}
		f.Fields = append(f.Fields, field)
	}
	for _, raw := range append(wire.Config.CustomFieldMapping, wire.CustomFieldMapping...) {
		var d struct {
			Name    string            `json:"name"`
			Type    string            `json:"type"`
			APIName string            `json:"apiName"`
			Options []json.RawMessage `json:"options"`
		}
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		decl := CustomFieldMappingDecl{Name: d.Name, Type: d.Type, APIName: d.APIName}
		for _, o := range d.Options {
			var s string
			var opt struct {
				Label string `json:"label"`
			}
			switch {
			case json.Unmarshal(o, &s) == nil:
				decl.Options = append(decl.Options, s)
			case json.Unmarshal(o, &opt) == nil && opt.Label != "":
				decl.Options = append(decl.Options, opt.Label)
			}
		}
		f.CustomFieldMapping = append(f.CustomFieldMapping, decl)
	}
	f.Fields = NonNil(f.Fields)
	return f, problems
}

func parseField(raw json.RawMessage) (FormField, error) {
	var w struct {
		ID          string          `json:"id"`
		Type        string          `json:"type"`
		Label       string          `json:"label"`
		Placeholder string          `json:"placeholder"`
		Description string          `json:"description"`
		Required    json.RawMessage `json:"required"`
		Refetch     bool            `json:"refetch"`
		Options     []struct {
			ID    json.RawMessage `json:"id"`
			Label string          `json:"label"`
		} `json:"options"`
		Optgroups []struct {
			Label   string `json:"label"`
			Options []struct {
				ID    json.RawMessage `json:"id"`
				Label string          `json:"label"`
			} `json:"options"`
		} `json:"optgroups"`
		Content string `json:"content"`
		Icon    string `json:"icon"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return FormField{}, err
	}
	f := FormField{ID: w.ID, Type: w.Type, Label: w.Label, Placeholder: w.Placeholder, Description: w.Description,
		Refetch: w.Refetch, Content: w.Content, Icon: w.Icon, Message: w.Message, Attrs: CompactJSON(raw)}
	// The public error-field example writes "required": "true".
	switch strings.Trim(string(bytes.TrimSpace(w.Required)), `"`) {
	case "true":
		f.Required = true
	}
	for _, o := range w.Options {
		f.Options = append(f.Options, FormOption{ID: optionID(o.ID), Label: o.Label})
	}
	for _, g := range w.Optgroups {
		group := FormOptgroup{Label: g.Label}
		for _, o := range g.Options {
			group.Options = append(group.Options, FormOption{ID: optionID(o.ID), Label: o.Label})
		}
		f.Optgroups = append(f.Optgroups, group)
	}
	return f, nil
}

// optionID renders an option id (string or number) as text.
func optionID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

// Attr returns a number attribute of the field (min, max, step...).
func (f FormField) Attr(name string) (float64, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(f.Attrs, &m) != nil {
		return 0, false
	}
	raw, ok := m[name]
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.Trim(string(raw), `"`), 64)
	return v, err == nil
}

// DefaultValue returns the field's "value" attribute as text, if any
// (hidden fields carry their value this way).
func (f FormField) DefaultValue() (string, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(f.Attrs, &m) != nil {
		return "", false
	}
	raw, ok := m["value"]
	if !ok || string(raw) == "null" {
		return "", false
	}
	return optionID(raw), true
}

var (
	datePattern     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	monthPattern    = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)
	weekPattern     = regexp.MustCompile(`^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$`)
	colorPattern    = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	datetimePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$`)
)

// CheckValues checks values (keyed by field id, or by the field id with
// "_" turned into "-") against the form's fields: required fields, option
// ids, and the format of each type. It returns the values keyed by field
// id, normalised (checkboxes "true"/"false", multiselect ids joined with
// ","), hidden fields' values filled in. Problems name the field id.
func (f Form) CheckValues(values map[string]string) (map[string]string, []Problem) {
	out := map[string]string{}
	var problems []Problem
	byKey := map[string]FormField{}
	var ids []string
	for _, field := range f.Fields {
		if field.HasValue() {
			byKey[field.ID] = field
			byKey[WebhookDataKey(field.ID)] = field
			ids = append(ids, field.ID)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if _, ok := byKey[k]; !ok {
			problems = append(problems, Problem{Pointer: k, Message: fmt.Sprintf("the form has no field %q; its fields are %s", k, QuoteList(ids))})
		}
	}
	for _, field := range f.Fields {
		if !field.HasValue() {
			continue
		}
		v, given := values[field.ID]
		if !given {
			v, given = values[WebhookDataKey(field.ID)]
		}
		if !given || v == "" {
			if def, ok := field.DefaultValue(); ok && field.Type == "hidden" {
				out[field.ID] = def
				continue
			}
			if field.Required && field.Type != "checkbox" {
				problems = append(problems, Problem{Pointer: field.ID, Message: fmt.Sprintf("%s is required", FieldName(field))})
			}
			if field.Type == "checkbox" && field.Required {
				problems = append(problems, Problem{Pointer: field.ID, Message: fmt.Sprintf("%s must be checked", FieldName(field))})
			}
			continue
		}
		norm, err := checkValue(field, v)
		if err != nil {
			problems = append(problems, Problem{Pointer: field.ID, Message: fmt.Sprintf("%s: %v", FieldName(field), err)})
			continue
		}
		if field.Type == "checkbox" && field.Required && norm != "true" {
			problems = append(problems, Problem{Pointer: field.ID, Message: fmt.Sprintf("%s must be checked", FieldName(field))})
			continue
		}
		out[field.ID] = norm
	}
	return out, problems
}

// checkValue checks one value against its field's type.
func checkValue(f FormField, v string) (string, error) {
	switch f.Type {
	case "select", "radio":
		if !hasOption(f, v) {
			return "", fmt.Errorf("%q is not one of the options %s", v, optionList(f))
		}
	case "multiselect":
		parts := strings.Split(v, ",")
		for i, p := range parts {
			parts[i] = strings.TrimSpace(p)
			if !hasOption(f, parts[i]) {
				return "", fmt.Errorf("%q is not one of the options %s", parts[i], optionList(f))
			}
		}
		return strings.Join(parts, ","), nil
	case "checkbox":
		switch strings.ToLower(v) {
		case "true", "on", "1", "yes":
			return "true", nil
		case "false", "off", "0", "no":
			return "false", nil
		}
		return "", fmt.Errorf("%q is not a checkbox value: use true or false", v)
	case "number", "range":
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", fmt.Errorf("%q is not a number", v)
		}
		if lo, ok := f.Attr("min"); ok && n < lo {
			return "", fmt.Errorf("%s is below the minimum %v", v, lo)
		}
		if hi, ok := f.Attr("max"); ok && n > hi {
			return "", fmt.Errorf("%s is above the maximum %v", v, hi)
		}
	case "email":
		if _, err := mail.ParseAddress(v); err != nil || strings.ContainsAny(v, "<> ") {
			return "", fmt.Errorf("%q is not an e-mail address", v)
		}
	case "url":
		var s string
		if err := DecodeHTTPURL(v, &s); err != nil {
			return "", fmt.Errorf("%q is not an http(s) URL", v)
		}
	case "date":
		if _, err := time.Parse("2006-01-02", v); err != nil || !datePattern.MatchString(v) {
			return "", fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)
		}
	case "month":
		if !monthPattern.MatchString(v) {
			return "", fmt.Errorf("%q is not a month (YYYY-MM)", v)
		}
	case "week":
		if !weekPattern.MatchString(v) {
			return "", fmt.Errorf("%q is not a week (YYYY-Www)", v)
		}
	case "datetime", "datetime-local":
		if !datetimePattern.MatchString(v) {
			return "", fmt.Errorf("%q is not a date and time (YYYY-MM-DDTHH:MM)", v)
		}
	case "color":
		if !colorPattern.MatchString(v) {
			return "", fmt.Errorf("%q is not a colour (#rrggbb)", v)
		}
	}
	return v, nil
}

func hasOption(f FormField, id string) bool {
	for _, o := range f.AllOptions() {
		if o.ID == id {
			return true
		}
	}
	return false
}

func optionList(f FormField) string {
	var ids []string
	for _, o := range f.AllOptions() {
		ids = append(ids, o.ID+" ("+o.Label+")")
	}
	return strings.Join(ids, ", ")
}

func FieldName(f FormField) string {
	if f.Label != "" {
		return fmt.Sprintf("%s (%s)", f.ID, f.Label)
	}
	return f.ID
}

func QuoteList(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// WebhookData turns checked form values (keyed by field id) into
// webhook-data: keys with "_" turned into "-", values as strings
// (docs/protocol.md §1.1).
func WebhookData(values map[string]string) map[string]string {
	out := make(map[string]string, len(values))
	for k, v := range values {
		out[WebhookDataKey(k)] = v
	}
	return out
}
