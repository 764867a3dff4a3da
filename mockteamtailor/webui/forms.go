package webui

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// Names of form inputs that are the UI's own, not the partner's fields.
// Partner field ids are echoed as input names, so the UI's start with
// "__", which no sensible field id does.
const (
	reservedPrefix = "__"
	nameRefetch    = "__refetch"
	nameCompany    = "__company"
	nameAPIToken   = "__api_token"
	nameMapPrefix  = "__map:"
	nameCandidate  = "__candidate"
	nameJob        = "__job"
)

// formView is a partner form (a /config or activation config, docs/protocol.md
// §3, §4) ready to render as Teamtailor shows it.
type formView struct {
	Fields []fieldView
	// Multipart is set when a file field needs multipart/form-data.
	Multipart bool
	// Refetch is set when a field asks for the form to be fetched again
	// when it changes.
	Refetch bool
	// Blocked is the message of an error field: it blocks saving.
	Blocked string
	// Problems are messages that belong to no single field.
	Problems []string
	// FieldErrors counts the fields with a message.
	FieldErrors int
}

// fieldView is one field. Kind picks the template: input, checkbox,
// radio, select, infobox, error, hidden, reset.
type fieldView struct {
	Kind        string
	Type        string // HTML input type
	ID          string // field id, the input's name
	InputID     string // the element id
	Label       string
	Description string
	Placeholder string
	Required    bool
	Refetch     bool
	Multiple    bool
	Value       string
	Checked     bool
	Options     []optionView
	Groups      []groupView
	Attrs       []attr
	Error       string
	// Infobox and error fields.
	Content   template.HTML
	Icon      string
	IconLabel string
	Message   string
}

func (f fieldView) DescID() string { return f.InputID + "-desc" }
func (f fieldView) ErrID() string  { return f.InputID + "-err" }

// DescribedBy is the aria-describedby of the input: its description and
// its error message.
func (f fieldView) DescribedBy() string {
	var ids []string
	if f.Description != "" {
		ids = append(ids, f.DescID())
	}
	if f.Error != "" {
		ids = append(ids, f.ErrID())
	}
	return strings.Join(ids, " ")
}

type optionView struct {
	ID       string
	Label    string
	InputID  string // radios
	Selected bool
}

type groupView struct {
	Label   string
	Options []optionView
}

// attr is an HTML attribute passed through from a field's definition;
// Name is from a fixed list, so it is safe to write as an attribute name.
type attr struct {
	Name  template.HTMLAttr
	Value string
}

// passAttrs are the HTML-like attributes of a field (docs/protocol.md §3) the UI
// puts on its input.
var passAttrs = []string{"min", "max", "step", "minlength", "maxlength", "pattern", "disabled", "readonly", "autocomplete", "accept", "size"}

// inputTypes maps field types to HTML input types. "datetime" is gone
// from HTML; datetime-local gives the same YYYY-MM-DDTHH:MM value.
var inputTypes = map[string]string{
	"color": "color", "date": "date", "datetime": "datetime-local", "datetime-local": "datetime-local",
	"email": "email", "file": "file", "month": "month", "number": "number", "password": "password",
	"range": "range", "search": "search", "tel": "tel", "text": "text", "url": "url", "week": "week",
}

var iconLabels = map[string]string{"info": "Information", "error": "Error", "warning": "Warning", "success": "Success", "default": "Note"}

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// buildForm turns a parsed form, the values picked so far (by field id)
// and the problems of the last submission into a view.
func buildForm(form protocol.Form, values map[string]string, errs map[string]string, general []string) formView {
	v := formView{Problems: general}
	used := map[string]int{}
	for i, f := range form.Fields {
		fv := fieldView{ID: f.ID, Label: f.Label, Description: f.Description, Placeholder: f.Placeholder, Required: f.Required, Refetch: f.Refetch}
		base := idUnsafe.ReplaceAllString(f.ID, "-")
		if base == "" {
			base = fmt.Sprintf("field%d", i)
		}
		fv.InputID = "f-" + base
		if n := used[fv.InputID]; n > 0 {
			fv.InputID = fmt.Sprintf("%s-%d", fv.InputID, n+1)
		}
		used[fv.InputID]++
		if fv.Label == "" {
			fv.Label = humanize(f.ID)
		}
		value, given := values[f.ID]
		if !given {
			value, given = values[protocol.WebhookDataKey(f.ID)]
		}
		if def, ok := f.DefaultValue(); ok && !given {
			value = def
		}
		fv.Value = value
		fv.Attrs = fieldAttrs(f)
		if msg, ok := errs[f.ID]; ok && f.HasValue() && f.Type != "hidden" {
			fv.Error = fieldMessage(f, msg)
			v.FieldErrors++
			delete(errs, f.ID)
		}
		switch f.Type {
		case "infobox":
			fv.Kind, fv.Icon = "infobox", f.Icon
			if _, ok := iconLabels[fv.Icon]; !ok {
				fv.Icon = "default"
			}
			fv.IconLabel = iconLabels[fv.Icon]
			fv.Content = sanitizeHTML(f.Content)
		case "error":
			fv.Kind, fv.Message = "error", f.Message
			if v.Blocked == "" {
				v.Blocked = f.Message
			}
		case "hidden":
			fv.Kind = "hidden"
		case "reset":
			fv.Kind = "reset"
		case "checkbox":
			fv.Kind = "checkbox"
			switch strings.ToLower(value) {
			case "true", "on", "1", "yes":
				fv.Checked = true
			}
		case "radio":
			fv.Kind = "radio"
			for j, o := range f.AllOptions() {
				fv.Options = append(fv.Options, optionView{ID: o.ID, Label: o.Label, InputID: fmt.Sprintf("%s-o%d", fv.InputID, j), Selected: o.ID == value})
			}
		case "select", "multiselect":
			fv.Kind, fv.Multiple = "select", f.Type == "multiselect"
			picked := []string{value}
			if fv.Multiple {
				picked = splitList(value)
			}
			mark := func(opts []protocol.FormOption) []optionView {
				var out []optionView
				for _, o := range opts {
					out = append(out, optionView{ID: o.ID, Label: o.Label, Selected: slices.Contains(picked, o.ID)})
				}
				return out
			}
			fv.Options = mark(f.Options)
			for _, g := range f.Optgroups {
				fv.Groups = append(fv.Groups, groupView{Label: g.Label, Options: mark(g.Options)})
			}
		default:
			fv.Kind, fv.Type = "input", inputTypes[f.Type]
			if fv.Type == "" {
				fv.Type = "text"
			}
			if fv.Type == "file" {
				v.Multipart = true
				fv.Value = ""
			}
			if fv.Type == "password" {
				fv.Value = "" // never echoed back into the page
			}
		}
		if f.Refetch && f.HasValue() {
			v.Refetch = true
		}
		v.Fields = append(v.Fields, fv)
	}
	// Problems about fields the form does not show stay visible.
	for _, id := range sortedKeys(errs) {
		v.Problems = append(v.Problems, sentence(errs[id]))
	}
	return v
}

// fieldMessage words a library message for the field it is shown under:
// the library names the field as `id (Label)`, which the form shows
// already.
func fieldMessage(f protocol.FormField, msg string) string {
	label := f.Label
	if label == "" {
		label = humanize(f.ID)
	}
	if f.Label != "" {
		msg = strings.ReplaceAll(msg, f.ID+" ("+f.Label+")", label)
	}
	if rest, ok := strings.CutPrefix(msg, f.ID+" "); ok {
		msg = label + " " + rest
	}
	return sentence(msg)
}

func fieldAttrs(f protocol.FormField) []attr {
	var m map[string]json.RawMessage
	if json.Unmarshal(f.Attrs, &m) != nil {
		return nil
	}
	var out []attr
	for _, name := range passAttrs {
		raw, ok := m[name]
		if !ok {
			continue
		}
		var val any
		if json.Unmarshal(raw, &val) != nil {
			continue
		}
		switch x := val.(type) {
		case bool:
			if x {
				out = append(out, attr{Name: template.HTMLAttr(name), Value: name})
			}
		case float64:
			out = append(out, attr{Name: template.HTMLAttr(name), Value: strings.TrimSpace(string(raw))})
		case string:
			if name == "disabled" || name == "readonly" {
				if x == "true" || x == name {
					out = append(out, attr{Name: template.HTMLAttr(name), Value: name})
				}
				continue
			}
			out = append(out, attr{Name: template.HTMLAttr(name), Value: x})
		}
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// maxForm caps a submitted form; files beyond memory go to temporary files.
const maxForm = 12 << 20

// submitted reads a posted (or, for refetches, queried) form: the
// partner's field values by field id, with several values of a field (a
// multiselect) joined with ",", empty values left out, and files stored
// with Server.Upload as "upload:<id>" (docs/protocol.md §1.1). The UI's own inputs
// ("__...") come back apart.
func (u *UI) submitted(r *http.Request) (values map[string]string, own map[string][]string, err error) {
	values, own = map[string]string{}, map[string][]string{}
	form := r.URL.Query()
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(nil, r.Body, maxForm)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			if err := r.ParseMultipartForm(4 << 20); err != nil {
				return nil, nil, &protocol.Error{Status: http.StatusBadRequest, Title: "Bad request", Detail: "the form could not be read: " + err.Error()}
			}
		} else if err := r.ParseForm(); err != nil {
			return nil, nil, &protocol.Error{Status: http.StatusBadRequest, Title: "Bad request", Detail: "the form could not be read: " + err.Error()}
		}
		form = r.PostForm
	}
	for k, vs := range form {
		if strings.HasPrefix(k, reservedPrefix) {
			own[k] = vs
			continue
		}
		var kept []string
		for _, v := range vs {
			if v != "" {
				kept = append(kept, v)
			}
		}
		if len(kept) > 0 {
			values[k] = strings.Join(kept, ",")
		}
	}
	if r.MultipartForm != nil {
		for name, files := range r.MultipartForm.File {
			if len(files) == 0 || files[0].Filename == "" || strings.HasPrefix(name, reservedPrefix) {
				continue
			}
			fh := files[0]
			f, err := fh.Open()
			if err != nil {
				return nil, nil, err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, nil, err
			}
			up, err := u.srv.Upload(r.Context(), fh.Filename, fh.Header.Get("Content-Type"), data)
			if err != nil {
				return nil, nil, err
			}
			values[name] = up.Value
		}
	}
	return values, own, nil
}
