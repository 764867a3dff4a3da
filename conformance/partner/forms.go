package partner

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"net/http"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// Form is a parsed config or activation config.
type Form = protocol.Form

// ReadForm reads the config document of an answer to GET /config or GET
// /activation leniently, so checks of other rules can use a form that
// breaks one. It fails when the answer is not a 200 with a JSON object
// holding a config object.
func ReadForm(x *Exchange) (Form, error) {
	switch {
	case !x.Answered():
		return Form{}, fmt.Errorf("%s %s got no answer (%s)", x.Method, x.URL, x.Error)
	case x.Status != http.StatusOK:
		return Form{}, fmt.Errorf("%s %s answered %d", x.Method, x.URL, x.Status)
	}
	form, err := protocol.ParseFormLenient([]byte(x.ResponseBody))
	if err != nil {
		return Form{}, fmt.Errorf("%s %s answered no config document: %v", x.Method, x.URL, err)
	}
	return form, nil
}

// IsConfigDocument reports whether body is a JSON object with a config
// object, the least a config document is.
func IsConfigDocument(body string) bool { return ConfigDocumentProblem(body) == "" }

// PickValues picks a value for every field of form the way a recruiter
// could: the first option of a select, multiselect or radio, the minimum
// of a number or range, a checked checkbox, an uploaded file for a file
// field, a well-formed value of every other type. Fields of unknown types
// are left out. The values are keyed by field id.
func PickValues(srv *mockteamtailor.Server, form Form) map[string]string {
	picked := map[string]string{}
	for _, f := range form.Fields {
		if !f.HasValue() {
			continue
		}
		var v string
		switch f.Type {
		case "select", "radio", "multiselect":
			if opts := f.AllOptions(); len(opts) > 0 {
				v = opts[0].ID
			}
		case "checkbox":
			v = "true"
		case "number", "range":
			n := 1.0
			lo, hasLo := f.Attr("min")
			hi, hasHi := f.Attr("max")
			switch {
			case hasLo:
				n = lo
			case hasHi && hi < n:
				n = hi
			}
			v = strconv.FormatFloat(n, 'f', -1, 64)
		case "email":
			v = "candidate@example.com"
		case "url":
			v = "https://example.com/conformance"
		case "tel":
			v = "+46701234567"
		case "date":
			v = "2026-01-15"
		case "month":
			v = "2026-01"
		case "week":
			v = "2026-W03"
		case "datetime", "datetime-local":
			v = "2026-01-15T10:30"
		case "color":
			v = "#336699"
		case "hidden":
			// CheckValues fills in the field's own value.
		case "file":
			if up, err := srv.Upload(context.Background(), "conformance.pdf", "application/pdf", []byte("%PDF-1.4\n% conformance suite test file\n")); err == nil {
				v = up.Value
			}
		case "text", "password", "search":
			v = "conformance"
		}
		if v != "" {
			picked[f.ID] = v
		}
	}
	return picked
}

// WebhookData returns the webhook-data Teamtailor sends for values picked
// in form (docs/protocol.md §1.1): checked and normalised by the mock's form code,
// keys with "_" turned into "-", file fields as signed URLs. Values the
// form refuses are left out.
func WebhookData(srv *mockteamtailor.Server, form Form, picked map[string]string) map[string]string {
	if data, err := srv.PickValues(form, picked); err == nil {
		return data
	}
	values, _ := form.CheckValues(picked)
	for _, f := range form.Fields {
		if v := values[f.ID]; f.Type == "file" && strings.HasPrefix(v, "upload:") {
			delete(values, f.ID)
		}
	}
	return protocol.WebhookData(values)
}

// CheckedValues returns picked as the form normalises them (checkbox
// "true", multiselect ids joined), for query parameters of a refetch.
func CheckedValues(form Form, picked map[string]string) map[string]string {
	values, _ := form.CheckValues(picked)
	return values
}

// ConfigDocumentProblem says why a body is not a config document (a JSON
// object with a config object), or "".
func ConfigDocumentProblem(body string) string {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		return "the body is not a JSON object: " + err.Error()
	}
	var config map[string]json.RawMessage
	if json.Unmarshal(doc["config"], &config) != nil || config == nil {
		return "the JSON object has no \"config\" object"
	}
	return ""
}
