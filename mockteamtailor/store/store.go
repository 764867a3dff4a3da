package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// Partner is one partner integration registered with the mock: its
// credentials and the settings Teamtailor keeps for it (docs/protocol.md §2.1).
type Partner struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	APIKey        string `json:"apiKey"`
	WebhookSecret string `json:"webhookSecret"`
	BaseURL       string `json:"baseUrl,omitempty"`
	// WebhookConfig is the static /config document; nil when the partner
	// serves /config itself.
	WebhookConfig json.RawMessage `json:"webhookConfig,omitempty"`
	// WebhookActivationConfig is the static activation form; nil when unset,
	// and the empty object {} when it means "dynamic" (docs/protocol.md §2.1).
	WebhookActivationConfig json.RawMessage `json:"webhookActivationConfig,omitempty"`
	DynamicActivationConfig bool            `json:"dynamicActivationConfig"`

	// Settings Teamtailor keeps for the integration (docs/protocol.md §1, §1.1, §5).
	RequireAPIToken bool `json:"requireApiToken,omitempty"` // send Teamtailor-Api-Token
	// APITokenScope and APITokenPermissions are what the company key an
	// activation picks must allow: a scope (public, internal, admin) and
	// permissions (read, write, read/write); empty means admin and
	// read/write (docs/public-api.md §2).
	APITokenScope       string `json:"apiTokenScope,omitempty"`
	APITokenPermissions string `json:"apiTokenPermissions,omitempty"`
	IncludeJobOffers    bool   `json:"includeJobOffers,omitempty"` // add job-offers to webhooks
	IncludeUploads      bool   `json:"includeUploads,omitempty"`   // add uploads and resume to webhooks
	AllowBulk           bool   `json:"allowBulk,omitempty"`        // bulk mode allowed
	Assessment          bool   `json:"assessment,omitempty"`       // capability to make assessments
	CTAVerb             string `json:"ctaVerb,omitempty"`          // default "Send"
	CTANoun             string `json:"ctaNoun,omitempty"`          // default "webhook", or "test" with Assessment
	// Bundled is set while BaseURL points at the example partner that
	// "mockteamtailor serve" runs in-process; a restart points it at the
	// new one.
	Bundled bool `json:"bundled,omitempty"`
	// WebhookSetup is the partner's webhook setup, set by the mock's
	// operator; nil when it has none (docs/company-webhooks.md §6). Kept
	// here so that serve --state keeps it across a restart.
	WebhookSetup *WebhookSetup `json:"webhookSetup,omitempty"`
}

// WebhookSetup is where a partner's setup delivers company events, and
// which (docs/company-webhooks.md §6).
type WebhookSetup struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// CompanyWebhook is one company webhook subscription
// (docs/company-webhooks.md §2). Kept on its company so that serve
// --state keeps it across a restart.
type CompanyWebhook struct {
	ID               int64    `json:"id"`
	Label            string   `json:"label"`
	URL              string   `json:"url"`
	Events           []string `json:"events"`
	SignatureKey     string   `json:"signatureKey"`
	SignatureVersion string   `json:"signatureVersion"`
}

// CTALabel is the button label recruiters see: "<verb> <partner name>
// <noun>" with verb "Send" and noun "webhook", or "test" for assessment
// partners, unless set (docs/protocol.md §5).
func (p Partner) CTALabel() string {
	verb, noun := p.CTAVerb, p.CTANoun
	if verb == "" {
		verb = "Send"
	}
	if noun == "" {
		noun = "webhook"
		if p.Assessment {
			noun = "test"
		}
	}
	return verb + " " + p.Name + " " + noun
}

// Company is a Teamtailor customer that can activate a partner's
// integration. The sandbox company is the one Teamtailor gives a partner
// whose integration is under development.
type Company struct {
	UUID     string `json:"uuid"`
	Name     string `json:"name"`
	URL      string `json:"url"`
	Logotype string `json:"logotype"`
	Sandbox  bool   `json:"sandbox"`
	// Users are the company's recruiters; triggers name one as triggered-by.
	Users []protocol.User `json:"users,omitempty"`
	// CustomFields are the company's own custom fields, which custom field
	// mapping maps partner fields onto (docs/protocol.md §4).
	CustomFields []CustomFieldDef `json:"customFields,omitempty"`
	// APITokens are the company's public-API keys; an activation of a
	// partner that requires one picks one of them (docs/protocol.md §1).
	APITokens []string `json:"apiTokens,omitempty"`
	// Keys, when KeysSet, are the company's public-API keys of every
	// scope, created and revoked through the control API; otherwise
	// APIKeys derives them from APITokens.
	Keys    []APIKey `json:"apiKeys,omitempty"`
	KeysSet bool     `json:"apiKeysSet,omitempty"`
	// RejectReasons are the reasons a recruiter picks when rejecting an
	// application (docs/public-api.md §9); LastRejectReasonID is the
	// highest id handed out, so a deleted reason's id is never reused.
	RejectReasons      []RejectReason `json:"rejectReasons,omitempty"`
	LastRejectReasonID int64          `json:"lastRejectReasonId,omitempty"`
	// Webhooks are the company's own webhook subscriptions, by id
	// (docs/company-webhooks.md §2); LastWebhookID is the highest id it
	// was given, so a deleted subscription's id is never reused.
	Webhooks      []CompanyWebhook `json:"webhooks,omitempty"`
	LastWebhookID int64            `json:"lastWebhookId,omitempty"`
}

// RejectReason is a company's reason for rejecting an application;
// RejectedByCompany is false when it says the candidate withdrew.
type RejectReason struct {
	ID                int64  `json:"id"`
	Reason            string `json:"reason"`
	RejectedByCompany bool   `json:"rejectedByCompany"`
}

// RejectReason returns the company's reject reason id.
func (c Company) RejectReason(id int64) (RejectReason, bool) {
	for _, r := range c.RejectReasons {
		if r.ID == id {
			return r, true
		}
	}
	return RejectReason{}, false
}

// CustomFieldDef is a custom field defined in a company's account.
type CustomFieldDef struct {
	Name    string   `json:"name"`
	APIName string   `json:"apiName"`
	Type    string   `json:"type"`
	Options []string `json:"options,omitempty"`
}

// FieldMapping maps one of the partner's customFieldMapping entries onto a
// company custom field (docs/protocol.md §4).
type FieldMapping struct {
	Name       string   `json:"name"`              // the partner's label
	APIName    string   `json:"apiName"`           // the partner's key, normalised to kebab-case
	Type       string   `json:"type"`              // the partner's type
	MappedFrom string   `json:"mappedFrom"`        // api name of the company's field
	Created    bool     `json:"created"`           // the field was created by this activation
	Options    []string `json:"options,omitempty"` // of a select or multiselect, for the created field
}

// Job is a job of a company with its pipeline of stages.
type Job struct {
	ID           int64                  `json:"id"`
	CompanyUUID  string                 `json:"companyUuid"`
	Title        string                 `json:"title"`
	Tags         []string               `json:"tags"`
	CustomFields []protocol.CustomField `json:"customFields"`
	Stages       []Stage                `json:"stages"`
}

// Stage is one step of a job's pipeline.
type Stage struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Stage returns the job's stage with id.
func (j Job) Stage(id int64) (Stage, bool) {
	for _, s := range j.Stages {
		if s.ID == id {
			return s, true
		}
	}
	return Stage{}, false
}

// CandidateRecord is a candidate in a company and the jobs it applied to.
type CandidateRecord struct {
	ID           int64              `json:"id"`
	CompanyUUID  string             `json:"companyUuid"`
	Data         protocol.Candidate `json:"data"` // the webhook candidate object, without job
	Applications []Application      `json:"applications"`
	// Notes are what recruiters and integrations (through the public
	// API) wrote about the candidate.
	Notes []Note `json:"notes,omitempty"`
	// LastNoteID is the highest note id handed out on the candidate, so
	// a deleted note's id is never reused.
	LastNoteID int64 `json:"lastNoteId,omitempty"`
}

// Note is a note on a candidate (docs/public-api.md §10).
type Note struct {
	ID        int64     `json:"id"`
	Note      string    `json:"note"`
	UserID    int64     `json:"userId"`
	Private   bool      `json:"private,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt is when the text last changed; zero when it never did.
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// Application is a candidate's place in one job's pipeline.
type Application struct {
	JobID    int64 `json:"jobId"`
	StageID  int64 `json:"stageId"`
	Rejected bool  `json:"rejected"`
	// RejectReasonID is the company's reject reason of a rejected
	// application, 0 for none.
	RejectReasonID int64 `json:"rejectReasonId,omitempty"`
}

// Application returns the candidate's application to jobID.
func (c CandidateRecord) Application(jobID int64) (Application, bool) {
	for _, a := range c.Applications {
		if a.JobID == jobID {
			return a, true
		}
	}
	return Application{}, false
}

// Trigger is a partner trigger attached to a job stage: moving a candidate
// into the stage sends a webhook with the trigger's webhook-data
// (docs/protocol.md §5).
type Trigger struct {
	ID          int64             `json:"id"`
	PartnerID   string            `json:"partnerId"`
	JobID       int64             `json:"jobId"`
	StageID     int64             `json:"stageId"`
	WebhookData map[string]string `json:"webhookData"`
	CreatedBy   protocol.User     `json:"createdBy"`
	CreatedAt   time.Time         `json:"createdAt"`
	// Replaced lists the triggers of the partner on the same stage this
	// one replaced; it is set only in the answer to its creation.
	Replaced []int64 `json:"replaced,omitempty"`
}

// Activation is a company's activation of a partner's integration. The
// provider key is the credential Teamtailor sends the partner as
// "Authorization: Bearer <provider key>" (docs/protocol.md §1, §4).
type Activation struct {
	ID          string    `json:"id"`
	PartnerID   string    `json:"partnerId"`
	CompanyUUID string    `json:"companyUuid"`
	CompanyName string    `json:"companyName"`
	ProviderKey string    `json:"providerKey"`
	CreatedAt   time.Time `json:"createdAt"`
	// Values are the submitted activation form values by field id.
	Values map[string]string `json:"values,omitempty"`
	// APIToken is the company API token picked for a partner that
	// requires one; sent as Teamtailor-Api-Token.
	APIToken string         `json:"apiToken,omitempty"`
	Mappings []FieldMapping `json:"mappings,omitempty"`
}

// PartnerResult is a result a partner reports on a candidate (docs/protocol.md
// §2.3). Optional attributes are nil when unset.
type PartnerResult struct {
	ID        string `json:"id"`
	PartnerID string `json:"partnerId"`
	// ResultAttributes are what the partner reports: the attribute table
	// of docs/protocol.md §2.3.
	protocol.ResultAttributes
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`

	// Where the result came from, for results the mock created by
	// sending a webhook; never rendered by the Partner API.
	CompanyUUID string          `json:"companyUuid,omitempty"`
	EventID     string          `json:"eventId,omitempty"`
	TriggerID   *int64          `json:"triggerId,omitempty"`
	Event       json.RawMessage `json:"event,omitempty"` // the webhook body, POSTed again by actions
	// Message is the failure message shown on a failed result: the
	// partner's plain-string error body, or what went wrong (docs/protocol.md §1.3).
	Message string `json:"message,omitempty"`
	// DeliveryFailed is set when the mock itself marked the result
	// failed because its webhook failed; a later 2xx (a replay) clears it.
	DeliveryFailed bool `json:"deliveryFailed,omitempty"`
}

// Page selects a window of a list; Number counts from 1.
type Page struct {
	Number int
	Size   int
}

// Store holds everything the mock knows. Implementations are safe for
// concurrent use and return copies: changing a returned record never
// changes stored state. Every mutating method returns only once the change
// is durable (when the store is durable at all); if it could not be made
// durable it returns an error wrapping ErrPersist.
type Store interface {
	// Partner returns a partner by id. Returns ErrNotFound.
	Partner(ctx context.Context, id string) (Partner, error)
	// PartnerByAPIKey returns the partner whose API key is key. Returns
	// ErrNotFound.
	PartnerByAPIKey(ctx context.Context, key string) (Partner, error)
	// Partners returns every partner, ordered by id.
	Partners(ctx context.Context) ([]Partner, error)
	// PutPartner creates or replaces a partner. Returns ErrConflict when
	// another partner already uses the same API key.
	PutPartner(ctx context.Context, p Partner) error

	// PutCompany creates or replaces a company by UUID.
	PutCompany(ctx context.Context, c Company) error
	// Company returns a company by UUID. Returns ErrNotFound.
	Company(ctx context.Context, uuid string) (Company, error)

	// CreateActivation stores a new activation and assigns its id.
	// Returns ErrConflict if the company already activated the partner.
	CreateActivation(ctx context.Context, a Activation) (Activation, error)
	// Activation returns one activation of partnerID. Returns ErrNotFound,
	// or ErrForbidden when it belongs to another partner.
	Activation(ctx context.Context, partnerID, id string) (Activation, error)
	// Activations returns one page of partnerID's activations, oldest
	// first, and how many there are in all.
	Activations(ctx context.Context, partnerID string, page Page) ([]Activation, int, error)

	// CreateResult stores a new partner result; r.ID must be set and
	// unique (ErrConflict otherwise).
	CreateResult(ctx context.Context, r PartnerResult) (PartnerResult, error)
	// Result returns one result of partnerID. Returns ErrNotFound, or
	// ErrForbidden when it belongs to another partner.
	Result(ctx context.Context, partnerID, id string) (PartnerResult, error)
	// Results returns one page of partnerID's results, oldest first, and
	// how many there are in all.
	Results(ctx context.Context, partnerID string, page Page) ([]PartnerResult, int, error)
	// UpdateResult applies update to a copy of the result and stores the
	// copy if update returns nil; update's error is returned as is.
	// update may run more than once, each time on a fresh copy of the
	// newest result (another writer changed it meanwhile): it must change
	// nothing but its argument.
	// Returns ErrNotFound or ErrForbidden like Result.
	UpdateResult(ctx context.Context, partnerID, id string, update func(*PartnerResult) error) (PartnerResult, error)
	// DeleteResult removes a result. Returns ErrNotFound or ErrForbidden
	// like Result.
	DeleteResult(ctx context.Context, partnerID, id string) error
	// AllResults returns the results matching f across partners, oldest
	// first (for the mock's own control API, not the Partner API).
	AllResults(ctx context.Context, f ResultFilter) ([]PartnerResult, error)

	// Companies returns every company, ordered by name.
	Companies(ctx context.Context) ([]Company, error)
	// UpdateCompany applies update to a copy of the company and stores it
	// if update returns nil. Returns ErrNotFound.
	UpdateCompany(ctx context.Context, uuid string, update func(*Company) error) (Company, error)
	// ActivationFor returns partnerID's activation in a company. Returns
	// ErrNotFound.
	ActivationFor(ctx context.Context, partnerID, companyUUID string) (Activation, error)
	// DeleteActivation removes an activation. Returns ErrNotFound or
	// ErrForbidden like Activation.
	DeleteActivation(ctx context.Context, partnerID, id string) error

	// PutJob creates (ID 0: an id is assigned) or replaces a job, and
	// assigns ids to stages that have none. Returns ErrNotFound when the
	// company does not exist.
	PutJob(ctx context.Context, j Job) (Job, error)
	// Job returns a job by id. Returns ErrNotFound.
	Job(ctx context.Context, id int64) (Job, error)
	// Jobs returns a company's jobs ("" for all), by id.
	Jobs(ctx context.Context, companyUUID string) ([]Job, error)

	// PutCandidate creates (ID 0: an id is assigned) or replaces a
	// candidate. Returns ErrNotFound when the company does not exist.
	PutCandidate(ctx context.Context, c CandidateRecord) (CandidateRecord, error)
	// Candidate returns a candidate by id. Returns ErrNotFound.
	Candidate(ctx context.Context, id int64) (CandidateRecord, error)
	// Candidates returns one page of a company's candidates ("" for all),
	// by id, and how many there are in all.
	Candidates(ctx context.Context, companyUUID string, page Page) ([]CandidateRecord, int, error)
	// UpdateCandidate applies update to a copy of the candidate and stores
	// it if update returns nil. Returns ErrNotFound.
	UpdateCandidate(ctx context.Context, id int64, update func(*CandidateRecord) error) (CandidateRecord, error)
	// DeleteCandidate removes a candidate and its applications and
	// returns what was removed. Returns ErrNotFound.
	DeleteCandidate(ctx context.Context, id int64) (CandidateRecord, error)

	// CreateTrigger stores a trigger and assigns its id.
	CreateTrigger(ctx context.Context, t Trigger) (Trigger, error)
	// Triggers returns the triggers of partnerID ("" for all), by id.
	Triggers(ctx context.Context, partnerID string) ([]Trigger, error)
	// DeleteTrigger removes a trigger. Returns ErrNotFound.
	DeleteTrigger(ctx context.Context, id int64) error

	// AppendJournal records a journal entry and assigns its id. The
	// journal keeps only its newest entries; appending does not wait for
	// the state file (the journal is a record, not an acknowledgement).
	AppendJournal(ctx context.Context, d Delivery) (Delivery, error)
	// Journal returns the entries matching f, oldest first.
	Journal(ctx context.Context, f JournalFilter) ([]Delivery, error)
	// JournalEntry returns one entry. Returns ErrNotFound.
	JournalEntry(ctx context.Context, id int64) (Delivery, error)

	// MarkStart remembers the store as it is now as its start state, the
	// one Reset returns to.
	MarkStart(ctx context.Context) error
	// Reset returns the store to its start state: every record and id
	// counter as MarkStart found them, with an empty journal. Partners of
	// the start state keep their current keys, so integrations configured
	// with them go on working. Without a start state it removes everything.
	Reset(ctx context.Context) error
}

// ResultFilter selects partner results in the control API.
type ResultFilter struct {
	PartnerID   string
	CandidateID int64
	EventID     string
	Status      protocol.Status
}
