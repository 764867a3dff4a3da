// Package companyevent holds the data-change events Teamtailor sends to
// company webhooks and partner webhook setups (docs/company-webhooks.md):
// their names, their payloads, and the bodies that carry them. The mock
// builds its deliveries with it and the conformance suite can build the
// same bodies; signing lives in package signature.
//
// A body is compact JSON, members in the documented order:
//
//	{"payload":{"event_name":"job.update","data":{"id":"2","type":"jobs","attributes":{...}}},"signature":"..."}
//
// v1 subscriptions and partner setups carry the TT-Signature value in
// "signature"; v2 bodies have no such member, since v2 signs the body
// itself (docs/company-webhooks.md §4).
package companyevent

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// The nine events (docs/company-webhooks.md §3).
const (
	CandidateCreate    = "candidate.create"
	CandidateUpdate    = "candidate.update"
	CandidateDestroy   = "candidate.destroy"
	JobCreate          = "job.create"
	JobUpdate          = "job.update"
	JobDestroy         = "job.destroy"
	ApplicationCreate  = "job_application.create"
	ApplicationUpdate  = "job_application.update"
	ApplicationDestroy = "job_application.destroy"
)

// The types of data: plural, kebab-case (docs/company-webhooks.md §4.1).
const (
	TypeCandidates      = "candidates"
	TypeJobs            = "jobs"
	TypeJobApplications = "job-applications"
)

// timeLayout is the public API's: milliseconds and the offset.
const timeLayout = "2006-01-02T15:04:05.000-07:00"

// Names lists the nine events in the documented order.
var Names = []string{
	CandidateCreate, CandidateUpdate, CandidateDestroy,
	JobCreate, JobUpdate, JobDestroy,
	ApplicationCreate, ApplicationUpdate, ApplicationDestroy,
}

// Known reports whether name is one of the nine events.
func Known(name string) bool { return slices.Contains(Names, name) }

// Event is one event: its name and the record it is about.
type Event struct {
	Name string `json:"event_name"`
	Data Data   `json:"data"`
}

// Data is the record: id, plural kebab-case type, kebab-case attributes.
// Destroy events carry no attributes (docs/company-webhooks.md §4.1
// Decision).
type Data struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Attributes any    `json:"attributes,omitempty"`
}

// Time renders t as the public API does: milliseconds and the offset
// (docs/company-webhooks.md §4.1).
func Time(t time.Time) string { return t.Format(timeLayout) }

// TimePtr renders t, or null when t is nil.
func TimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := Time(*t)
	return &s
}

// JobAttributes are a job's attributes: the 13 of Teamtailor's example plus
// pitch, start-date and end-date (docs/company-webhooks.md §4.1).
type JobAttributes struct {
	Title                  string   `json:"title"`
	Body                   string   `json:"body"`
	CompanyName            string   `json:"company-name"`
	CoverLetterRequirement string   `json:"cover-letter-requirement"`
	CreatedAt              string   `json:"created-at"`
	EmploymentLevel        string   `json:"employment-level"`
	EmploymentType         string   `json:"employment-type"`
	HumanStatus            string   `json:"human-status"`
	Internal               bool     `json:"internal"`
	RemoteStatus           string   `json:"remote-status"`
	Status                 string   `json:"status"`
	Tags                   []string `json:"tags"`
	UpdatedAt              string   `json:"updated-at"`
	Pitch                  *string  `json:"pitch"`
	StartDate              *string  `json:"start-date"`
	EndDate                *string  `json:"end-date"`
}

// NewJobAttributes fills the attributes the mock's jobs have no value for
// with the defaults docs/company-webhooks.md §4.1 decides: an open,
// public, on-site job, cover letter optional, employment "none".
func NewJobAttributes(title, companyName string, tags []string, created, updated time.Time) JobAttributes {
	return JobAttributes{
		Title: title, CompanyName: companyName, CoverLetterRequirement: "cover_letter_optional",
		CreatedAt: Time(created), EmploymentLevel: "none", EmploymentType: "none",
		HumanStatus: "open", RemoteStatus: "none", Status: "open",
		Tags: protocol.NonNil(tags), UpdatedAt: Time(updated),
	}
}

// CandidateAttributes are a candidate's attributes (docs/company-webhooks.md
// §4.1 Decision). Custom fields have the partner webhook's shape.
type CandidateAttributes struct {
	FirstName     *string                `json:"first-name"`
	LastName      *string                `json:"last-name"`
	Email         *string                `json:"email"`
	Phone         *string                `json:"phone"`
	Pitch         *string                `json:"pitch"`
	LinkedinURL   *string                `json:"linkedin-url"`
	Picture       *string                `json:"picture"`
	ReferringSite *string                `json:"referring-site"`
	ReferringURL  *string                `json:"referring-url"`
	Internal      bool                   `json:"internal"`
	RestrictedAt  *string                `json:"restricted-at"`
	Tags          []string               `json:"tags"`
	CustomFields  []protocol.CustomField `json:"custom-fields"`
	CreatedAt     string                 `json:"created-at"`
	UpdatedAt     string                 `json:"updated-at"`
}

// ApplicationAttributes are a job application's attributes, in the order
// of Teamtailor's field list, kebab-case (docs/company-webhooks.md §4.1).
type ApplicationAttributes struct {
	UpdatedAt                      string  `json:"updated-at"`
	JobID                          int64   `json:"job-id"`
	JobTitle                       string  `json:"job-title"`
	LastMovedAt                    string  `json:"last-moved-at"`
	StageName                      string  `json:"stage-name"`
	ReferringSite                  *string `json:"referring-site"`
	ReferringURL                   *string `json:"referring-url"`
	RefererID                      *int64  `json:"referer-id"`
	RejectedAt                     *string `json:"rejected-at"`
	PromotionID                    *int64  `json:"promotion-id"`
	CompanyUUID                    string  `json:"company-uuid"`
	TransparentRecruitingVisibleAt *string `json:"transparent-recruiting-visible-at"`
}

// Rejection sets rejected-at and transparent-recruiting-visible-at:
// rejected-at plus the company's delay when rejected, both null otherwise
// (docs/company-webhooks.md §4.1 Decision).
func (a *ApplicationAttributes) Rejection(rejectedAt *time.Time, delay time.Duration) {
	a.RejectedAt, a.TransparentRecruitingVisibleAt = nil, nil
	if rejectedAt != nil {
		visible := rejectedAt.Add(delay)
		a.RejectedAt, a.TransparentRecruitingVisibleAt = TimePtr(rejectedAt), TimePtr(&visible)
	}
}

// envelope is a body; Signature is left out when empty (v2).
type envelope struct {
	Payload   Event  `json:"payload"`
	Signature string `json:"signature,omitempty"`
}

// Body returns the compact body of ev, with the "signature" member when
// sig is not empty (v1 and partner setups) and without it otherwise (v2).
// HTML characters are not escaped: the bytes are those Teamtailor's
// example shows, and what is signed is exactly what is sent.
func Body(ev Event, sig string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(envelope{Payload: ev, Signature: sig}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Parse reads a body back into its event and its "signature" member (""
// without one): the inverse of Body, for an event sent again. The
// attributes stay the JSON they were.
func Parse(body []byte) (Event, string, error) {
	var doc struct {
		Payload struct {
			Name string `json:"event_name"`
			Data struct {
				ID         string          `json:"id"`
				Type       string          `json:"type"`
				Attributes json.RawMessage `json:"attributes"`
			} `json:"data"`
		} `json:"payload"`
		Signature string `json:"signature"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Event{}, "", err
	}
	d := doc.Payload.Data
	ev := Event{Name: doc.Payload.Name, Data: Data{ID: d.ID, Type: d.Type}}
	if d.Attributes != nil {
		// A nil json.RawMessage in Attributes would not be left out.
		ev.Data.Attributes = d.Attributes
	}
	return ev, doc.Signature, nil
}
