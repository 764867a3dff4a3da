package controlapi

import (
	"encoding/json"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// ActivateRequest is a company filling in a partner's activation form.
type ActivateRequest struct {
	PartnerID   string            `json:"partnerId"`
	CompanyUUID string            `json:"companyUuid"`
	Values      map[string]string `json:"values"`
	// APIToken is the company API key picked for a partner that requires
	// one (docs/protocol.md §1).
	APIToken string `json:"apiToken,omitempty"`
	// Mapping maps a customFieldMapping apiName onto an existing company
	// custom field (its api name); unmapped fields are created.
	Mapping map[string]string `json:"mapping,omitempty"`
	// NewCompanyFixture activates in a new company made from this company
	// fixture, with CompanyUUID as its uuid. The company is stored only
	// when the activation succeeds, so a refused or invalid activation
	// leaves nothing behind (validate, then act).
	NewCompanyFixture string `json:"newCompanyFixture,omitempty"`
}

// ActivateResult is what an activation attempt came to.
type ActivateResult struct {
	Activated  bool             `json:"activated"`
	Activation store.Activation `json:"activation,omitzero"`
	// Errors are the validation endpoint's messages when it refused.
	Errors []string `json:"errors,omitempty"`
	// DefaultKey is the generated value of a default_key field, shown
	// for the user to copy (docs/protocol.md §4).
	DefaultKey         string `json:"defaultKey,omitempty"`
	ValidateDeliveryID int64  `json:"validateDeliveryId,omitempty"`
	// Company is the company made for a NewCompanyFixture activation.
	Company *store.Company `json:"company,omitempty"`
}

// ActivationFormResult is the activation form a company is shown.
type ActivationFormResult struct {
	Form     protocol.Form   `json:"form"`
	Document json.RawMessage `json:"document"`
	// Dynamic is set when the form was fetched from BASE_URL/activation.
	Dynamic    bool  `json:"dynamic"`
	DeliveryID int64 `json:"deliveryId,omitempty"`
}

// BulkRun is the progress of one bulk trigger.
type BulkRun struct {
	ID         string    `json:"id"`
	PartnerID  string    `json:"partnerId"`
	Total      int       `json:"total"`
	Sent       int       `json:"sent"`   // delivered with a 2xx
	Failed     int       `json:"failed"` // delivered without a 2xx, or not at all
	Done       bool      `json:"done"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	ResultIDs  []string  `json:"resultIds"`
	ConfigID   int64     `json:"configDeliveryId,omitempty"`
}

// BulkRequest sends one webhook per candidate (docs/protocol.md §5 bulk mode).
type BulkRequest struct {
	PartnerID    string            `json:"partnerId"`
	CandidateIDs []int64           `json:"candidateIds"`
	Data         map[string]string `json:"data,omitempty"`
	// Wait makes BulkTrigger return only when every webhook is sent.
	Wait bool `json:"wait,omitempty"`
	// DryRun checks the request (partner, bulk mode, activation, the
	// picked values against the bulk config) and sends no webhook, so a
	// client can check before it adds candidates. CandidateIDs may then
	// be empty, with CompanyUUID naming the company instead.
	DryRun      bool   `json:"dryRun,omitempty"`
	CompanyUUID string `json:"companyUuid,omitempty"`
}

// ConfigRequest says what a /config fetch is for (docs/protocol.md §3, §5).
type ConfigRequest struct {
	PartnerID   string
	CompanyUUID string
	// JobID, StageID and UserID go into the query for stage and manual
	// triggers; bulk mode sends none of them.
	JobID, StageID, UserID int64
	Bulk                   bool
	// Picked are the values the user picked so far, by field id. Those of
	// refetch fields make the mock fetch again with them as query
	// parameters (docs/protocol.md §3 Decision).
	Picked map[string]string
	// Purpose marks the journal entries of the fetch (Delivery.Purpose):
	// PurposeForm when the form is only being shown.
	Purpose string
}

// ConfigResult is the form a trigger is configured with.
type ConfigResult struct {
	Form     protocol.Form   `json:"form"`
	Document json.RawMessage `json:"document"`
	// Static is set when the partner's static webhook-config was used and
	// nothing was fetched.
	Static bool `json:"static"`
	// DeliveryIDs are the journal entries of the fetches, first to last.
	DeliveryIDs []int64 `json:"deliveryIds,omitempty"`
	// ErrorMessage is the message of an error field: it blocks saving.
	ErrorMessage string `json:"errorMessage,omitempty"`
}

// Outcome is what a webhook delivery came to.
type Outcome struct {
	Delivery store.Delivery      `json:"delivery"`
	Result   store.PartnerResult `json:"result"`
	// Again is the second sending of the same event (same partner-event
	// id, same partner result, signed afresh) when a trigger asked for a
	// duplicate delivery (ManualRequest.Twice); Result is then the
	// result after both answers.
	Again *Outcome `json:"again,omitempty"`
}

// ReplayRequest replays a captured production webhook against the local
// partner: POST /mock/v1/replays, "mockteamtailor replay", the web UI.
type ReplayRequest struct {
	// PartnerID is the partner to send to; "" picks the only partner.
	PartnerID string `json:"partnerId,omitempty"`
	// CompanyUUID picks the local activation whose company and provider
	// key the replay uses; "" is the partner's sandbox company.
	CompanyUUID string `json:"companyUuid,omitempty"`
	// KeepEventID keeps the captured partner-event id instead of a fresh
	// one (a partner that deduplicates events by id will see a repeat).
	KeepEventID bool `json:"keepEventId,omitempty"`
	// DryRun builds, stores the partner result and signs, but does not
	// send: the outcome holds the request as a curl command.
	DryRun bool `json:"dryRun,omitempty"`
	// Capture is the captured webhook: a webhook body or a journal entry
	// as JSON, or a JSON string holding such a document (a paste box).
	Capture json.RawMessage `json:"capture,omitempty"`
	// Fixture names an imported fixture to send instead of Capture.
	Fixture string `json:"fixture,omitempty"`
}

// ReplayOutcome is what a replay came to.
type ReplayOutcome struct {
	store.CaptureReplay
	PartnerID   string `json:"partnerId"`
	CompanyUUID string `json:"companyUuid"`
	EventID     string `json:"eventId"`
	ResultID    string `json:"resultId"`
	UpdateURL   string `json:"updateUrl"`
	DryRun      bool   `json:"dryRun,omitempty"`
	// Curl is the rewritten, signed request as a shell command (dry run).
	Curl string `json:"curl,omitempty"`
	// Delivery is the journal entry of the send; nil on a dry run.
	Delivery *store.Delivery `json:"delivery,omitempty"`
	// Result is the partner result after the partner's answer. A partner
	// that posts its result later through update-url changes it again:
	// GET /mock/v1/results/{resultId} shows the latest.
	Result *store.PartnerResult `json:"result,omitempty"`
}

// ManualRequest is a manual trigger from a candidate card (docs/protocol.md §5).
type ManualRequest struct {
	PartnerID   string `json:"partnerId"`
	CandidateID int64  `json:"candidateId"`
	// JobID is the application's job; 0 picks the candidate's first.
	JobID  int64             `json:"jobId,omitempty"`
	UserID int64             `json:"userId,omitempty"`
	Data   map[string]string `json:"data,omitempty"`
	// DryRun checks the request (candidate, job, activation, the picked
	// values against the config for the job stage) and sends no webhook,
	// so a client can check before it adds a candidate. CandidateID may
	// then be 0, with JobID naming the job a new candidate would apply to
	// and StageID its stage (0: the job's first stage, where a new
	// applicant lands).
	DryRun  bool  `json:"dryRun,omitempty"`
	StageID int64 `json:"stageId,omitempty"`
	// Twice sends the webhook a second time once the partner has answered
	// the first: the same partner-event id and partner result, signed
	// afresh, as a sender that could not tell it was delivered would
	// (docs/protocol.md §1.3). The journal marks the second as a replay
	// of the first.
	Twice bool `json:"twice,omitempty"`
}

// TriggerRequest attaches a partner trigger to a job stage (docs/protocol.md §5).
type TriggerRequest struct {
	PartnerID string `json:"partnerId"`
	JobID     int64  `json:"jobId"`
	StageID   int64  `json:"stageId"`
	// UserID is the recruiter setting the trigger up; 0 picks the
	// company's first user.
	UserID int64 `json:"userId,omitempty"`
	// Data are the values picked in the partner's config form, by field id.
	Data map[string]string `json:"data,omitempty"`
	// DryRun checks the request (job, stage, user, the picked values
	// against the partner's config for the stage) and stores nothing, so a
	// client can check before it adds or moves candidates.
	DryRun bool `json:"dryRun,omitempty"`
}

// MoveRequest moves a candidate into a stage of a job.
type MoveRequest struct {
	CandidateID int64 `json:"candidateId"`
	JobID       int64 `json:"jobId"`
	StageID     int64 `json:"stageId"`
	UserID      int64 `json:"userId,omitempty"`
}

// MoveResult is what moving a candidate set off.
type MoveResult struct {
	Candidate store.CandidateRecord `json:"candidate"`
	Outcomes  []Outcome             `json:"outcomes"`
	// Skipped says why triggers on the stage did not fire.
	Skipped []string `json:"skipped,omitempty"`
	// Unchanged is set when the candidate already was in the stage: the
	// move changed nothing and fired nothing.
	Unchanged bool `json:"unchanged,omitempty"`
}

// RejectRequest rejects a candidate's application to a job, or with Undo
// takes the rejection back. Webhooks for the application then carry
// job.status.rejected (docs/protocol.md §5).
type RejectRequest struct {
	CandidateID int64 `json:"candidateId"`
	// JobID is the application's job; 0 picks the candidate's only
	// application (a candidate in several jobs must name one).
	JobID int64 `json:"jobId,omitempty"`
	Undo  bool  `json:"undo,omitempty"`
	// RejectReasonID is one of the company's reject reasons, kept with
	// the rejection; 0 keeps none. Undoing clears it.
	RejectReasonID int64 `json:"rejectReasonId,omitempty"`
}

// RejectResult is the candidate after a rejection or its undoing.
type RejectResult struct {
	Candidate store.CandidateRecord `json:"candidate"`
	JobID     int64                 `json:"jobId"`
	Rejected  bool                  `json:"rejected"`
	// Unchanged is set when the application already was in that state.
	Unchanged bool `json:"unchanged,omitempty"`
}

// DeliveryReplayRequest is the optional body of POST
// /mock/v1/deliveries/{id}/replay.
type DeliveryReplayRequest struct {
	// KeepEventID, true when unset, sends a webhook again with its
	// partner-event id and partner result: a duplicate delivery. False
	// sends it as a new event: a fresh event id and a fresh partner
	// result, so a partner that skips events it has seen handles it.
	KeepEventID *bool `json:"keepEventId,omitempty"`
}
