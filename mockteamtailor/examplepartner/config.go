package examplepartner

import (
	"net/http"
	"strings"
)

// The tests the partner offers, in groups: the trigger form shows them as a
// select with optgroups (docs/protocol.md §3).
var testGroups = []optgroup{
	{Label: "Logical tests", Options: []option{{"algorithms", "Algorithms"}, {"data_structures", "Data structures"}}},
	{Label: "Programming tests", Options: []option{{"go", "Go"}, {"ruby", "Ruby"}}},
}

// criteria are the assessment criteria the config declares; results score
// each of them (docs/protocol.md §2.3, §3).
var criteria = []option{
	{"problem_solving", "Problem solving"},
	{"code_quality", "Code quality"},
	{"speed", "Speed"},
}

// configDocument is a /config response (docs/protocol.md §3).
type configDocument struct {
	Config configBody `json:"config"`
}

type configBody struct {
	Fields             []field  `json:"fields"`
	AssessmentCriteria []option `json:"assessment-criteria,omitempty"`
	// ValidateEndpoint is for activation forms only (docs/protocol.md §4).
	ValidateEndpoint string `json:"validateEndpoint,omitempty"`
}

// field is a form field. Its id comes back in webhook-data with every "_"
// turned into "-" (docs/protocol.md §1.1); the trigger form's ids have no "_", so
// they come back unchanged.
type field struct {
	ID          string     `json:"id,omitempty"` // infobox fields have none
	Type        string     `json:"type"`
	Label       string     `json:"label,omitempty"`
	Placeholder string     `json:"placeholder,omitempty"`
	Description string     `json:"description,omitempty"`
	Required    bool       `json:"required,omitempty"`
	Optgroups   []optgroup `json:"optgroups,omitempty"`
	Min         *int       `json:"min,omitempty"`
	Max         *int       `json:"max,omitempty"`
	Step        *int       `json:"step,omitempty"`
	Content     string     `json:"content,omitempty"` // infobox HTML
	Icon        string     `json:"icon,omitempty"`    // infobox icon
}

type optgroup struct {
	Label   string   `json:"label"`
	Options []option `json:"options"`
}

type option struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// config serves the trigger form. Teamtailor sends job_id, stage_id and
// user_id when a trigger is set up on a job, and none of them in bulk mode
// (docs/protocol.md §1, §5); this form is the same either way.
func (p *Partner) config(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.log.Info("config requested", "job_id", q.Get("job_id"), "stage_id", q.Get("stage_id"), "user_id", q.Get("user_id"), "bulk", !q.Has("job_id"))
	writeJSON(w, http.StatusOK, configDocument{Config: configBody{
		Fields: []field{
			{Type: "infobox", Icon: "info", Content: "Example Partner e-mails the candidate a test and posts the score here when it is done."},
			{ID: "test", Type: "select", Label: "Test", Placeholder: "Pick a test", Required: true, Optgroups: testGroups},
			{ID: "threshold", Type: "number", Label: "Pass threshold", Description: "Candidates scoring at least this pass.", Min: new(0), Max: new(100), Step: new(5)},
		},
		AssessmentCriteria: criteria,
	}})
}

// testLabel returns the label of the test with this option id, or "".
func testLabel(id string) string {
	for _, g := range testGroups {
		for _, o := range g.Options {
			if o.ID == id {
				return o.Label
			}
		}
	}
	return ""
}

// rejectedToken is the API token that makes activation/validate refuse, so
// demos can show a refused activation.
const rejectedToken = "reject-me"

// activationForm serves the activation form a company fills when it
// activates the integration (docs/protocol.md §4). Because the form has a field,
// the provider key Teamtailor issues is a JWT carrying api_token. The first
// call comes before any provider key exists, so none is required here.
func (p *Partner) activationForm(w http.ResponseWriter, r *http.Request) {
	p.log.Info("activation form requested", "company_id", r.URL.Query().Get("company_id"))
	writeJSON(w, http.StatusOK, configDocument{Config: configBody{
		Fields: []field{
			{ID: "api_token", Type: "text", Label: "Example Partner API token", Required: true,
				Description: `Any value activates; "` + rejectedToken + `" shows how a refusal looks.`},
		},
		ValidateEndpoint: "activation/validate",
	}})
}

// validationErrors is the body of a refused activation (docs/protocol.md §1.3).
type validationErrors struct {
	Errors []string `json:"errors"`
}

// validateActivation answers Teamtailor's check after a company submitted
// the activation form: 200 activates, >= 400 shows the errors (docs/protocol.md
// §1.3). Teamtailor sends the new provider key, so its claims are the
// values the company just entered.
func (p *Partner) validateActivation(w http.ResponseWriter, r *http.Request) {
	values, err := p.providerKey(r)
	switch {
	case err != nil:
		p.log.Warn("activation refused", "reason", err.Error())
		writeJSON(w, http.StatusUnauthorized, validationErrors{[]string{"invalid provider key: " + err.Error()}})
	case strings.TrimSpace(values["api_token"]) == rejectedToken:
		p.log.Info("activation refused", "reason", "rejected API token")
		writeJSON(w, http.StatusUnprocessableEntity, validationErrors{[]string{"The API token was rejected by Example Partner"}})
	default:
		p.log.Info("activation accepted")
		writeJSON(w, http.StatusOK, struct{}{})
	}
}
