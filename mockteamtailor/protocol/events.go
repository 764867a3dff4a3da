package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// WebhookBody is what Teamtailor POSTs to BASE_URL/webhook (docs/protocol.md §1.1).
type WebhookBody struct {
	PartnerEvent PartnerEvent `json:"partner-event"`
	Company      EventCompany `json:"company"`
}

// PartnerEvent is the partner-event block of a webhook body.
type PartnerEvent struct {
	ID            string            `json:"id"`
	WebhookData   map[string]string `json:"webhook-data"`
	PartnerResult EventResult       `json:"partner-result"`
	Candidate     Candidate         `json:"candidate"`
}

// EventResult points the partner at the partner result it should update.
type EventResult struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	UpdateURL string `json:"update-url"`
}

// EventCompany is the company block of a webhook body.
type EventCompany struct {
	UUID     string `json:"uuid"`
	Name     string `json:"name"`
	URL      string `json:"url"`
	Logotype string `json:"logotype"`
}

// Candidate is a candidate as a webhook carries it. Scalars the candidate
// lacks are null; optional blocks (job-offers, onboardings, uploads,
// resume, and job in bulk mode) are absent, never null (docs/protocol.md §1.1).
type Candidate struct {
	ID           int64         `json:"id"`
	UUID         string        `json:"uuid"`
	FirstName    *string       `json:"first-name"`
	LastName     *string       `json:"last-name"`
	Email        *string       `json:"email"`
	Phone        *string       `json:"phone"`
	PictureURL   *string       `json:"picture-url"`
	Tags         []string      `json:"tags"`
	Department   *string       `json:"department"`
	Role         *string       `json:"role"`
	Job          *EventJob     `json:"job,omitempty"`
	Recruiter    *Recruiter    `json:"recruiter"`
	Locations    []Location    `json:"locations"`
	Questions    []Question    `json:"questions"`
	CustomFields []CustomField `json:"custom-fields"`
	// Optional blocks: nil is absent, an empty list is [].
	JobOffers   *[]JobOffer   `json:"job-offers,omitempty"`
	Referrals   []Referral    `json:"referrals"`
	Onboardings *[]Onboarding `json:"onboardings,omitempty"`
	Uploads     *[]File       `json:"uploads,omitempty"`
	Resume      *File         `json:"resume,omitempty"`
}

// EventJob is the job a trigger runs on. StageID, TriggerID and
// TriggeredBy are set only for stage triggers (docs/protocol.md §5).
type EventJob struct {
	ID           int64         `json:"id"`
	Title        string        `json:"title"`
	Stage        string        `json:"stage"`
	Tags         []string      `json:"tags"`
	CustomFields []CustomField `json:"custom-fields"`
	Status       JobStatus     `json:"status"`
	StageID      *int64        `json:"stage-id,omitempty"`
	TriggerID    *int64        `json:"trigger-id,omitempty"`
	TriggeredBy  *User         `json:"triggered-by,omitempty"`
}

// JobStatus is the candidate's status on the job.
type JobStatus struct {
	Rejected bool `json:"rejected"`
}

// User is a recruiter in a company; triggered-by names one.
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// Recruiter is the candidate's recruiter.
type Recruiter struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
	Phone *string `json:"phone"`
}

// Location is one of the job's locations.
type Location struct {
	Name    *string `json:"name"`
	Address *string `json:"address"`
}

// Question is a screening question and the candidate's answer: text (a
// string), choice (a list of strings), boolean ("yes"/"no"), range (e.g.
// "10 years") or file (a URL valid one hour) (docs/protocol.md §1.1).
type Question struct {
	Question string          `json:"question"`
	Answer   json.RawMessage `json:"answer"`
}

// CustomField is one entry of a custom-fields list, written on the wire as
// a one-key object {"<api-name>": {"value": V, "type": T}}.
type CustomField struct {
	APIName    string
	Value      json.RawMessage
	Type       string
	MappedFrom string // set for fields delivered through custom field mapping (docs/protocol.md §4)
}

type customFieldValue struct {
	Value      json.RawMessage `json:"value"`
	Type       string          `json:"type"`
	MappedFrom string          `json:"mapped-from,omitempty"`
}

// MarshalJSON writes the one-key object form. It is written by hand:
// every webhook carries many custom fields.
func (c CustomField) MarshalJSON() ([]byte, error) {
	v := c.Value
	if len(v) == 0 {
		v = json.RawMessage("null")
	} else if !json.Valid(v) {
		return nil, fmt.Errorf("custom field %q: value is not JSON", c.APIName)
	}
	name, _ := json.Marshal(c.APIName)
	typ, _ := json.Marshal(c.Type)
	b := make([]byte, 0, len(name)+len(v)+len(typ)+40)
	b = append(b, '{')
	b = append(b, name...)
	b = append(b, `:{"value":`...)
	b = append(b, v...)
	b = append(b, `,"type":`...)
	b = append(b, typ...)
	if c.MappedFrom != "" {
		from, _ := json.Marshal(c.MappedFrom)
		b = append(b, `,"mapped-from":`...)
		b = append(b, from...)
	}
	return append(b, '}', '}'), nil
}

// UnmarshalJSON reads the one-key object form.
func (c *CustomField) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if len(m) != 1 {
		return fmt.Errorf("a custom field is an object with exactly one key (its api name), got %d keys", len(m))
	}
	for name, raw := range m {
		var v customFieldValue
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("custom field %q: %w", name, err)
		}
		*c = CustomField{APIName: name, Value: v.Value, Type: v.Type, MappedFrom: v.MappedFrom}
	}
	return nil
}

// JobOffer is a job offer; its keys are snake_case, a quirk of Teamtailor's
// webhook that partners parse and the mock keeps (docs/protocol.md §1.1).
type JobOffer struct {
	ID         json.RawMessage `json:"id"`
	CreatedAt  *string         `json:"created_at"`
	Salary     *Salary         `json:"salary"`
	Status     *string         `json:"status"`
	Response   *string         `json:"response"`
	Message    *string         `json:"message"`
	Name       *string         `json:"name"`
	AnsweredAt *string         `json:"answered_at"`
	StartDate  *string         `json:"start_date"`
}

// Salary is a job offer's salary (snake_case, docs/protocol.md §1.1).
type Salary struct {
	Amount         json.RawMessage `json:"amount"` // a string or a number
	Currency       *string         `json:"currency"`
	SalaryTimeUnit *string         `json:"salary_time_unit"`
}

// Referral is someone who referred the candidate.
type Referral struct {
	ID    json.RawMessage `json:"id"`
	Name  *string         `json:"name"`
	Email *string         `json:"email"`
}

// Onboarding is an onboarding of the candidate (snake_case keys,
// docs/protocol.md §1.1).
type Onboarding struct {
	ID         json.RawMessage `json:"id"`
	Status     *string         `json:"status"`
	Progress   json.RawMessage `json:"progress"`
	CreatedAt  *string         `json:"created_at"`
	StartDate  *string         `json:"start_date"`
	Department *string         `json:"department"`
	Role       *string         `json:"role"`
	Job        *string         `json:"job"`
	User       *string         `json:"user"`
}

// File is an uploaded document or the resume.
type File struct {
	FileName string `json:"file-name"`
	URL      string `json:"url"`
}

// DecodeCandidate decodes a candidate object strictly: unknown keys are an
// error, so a typo in a fixture does not silently vanish.
func DecodeCandidate(data []byte) (Candidate, error) {
	var c Candidate
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil {
		return Candidate{}, fmt.Errorf("decode candidate: %w", err)
	}
	if c.ID <= 0 {
		return Candidate{}, errors.New("decode candidate: id must be a positive integer")
	}
	return c, nil
}

// WebhookDataKey turns a config field id into its webhook-data key: every
// "_" becomes "-" (docs/protocol.md §1.1: test_assessment -> test-assessment).
func WebhookDataKey(fieldID string) string { return strings.ReplaceAll(fieldID, "_", "-") }
