package controlapi

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// ErrStreamClosed means the mock ended the delivery stream (it shut down).
var ErrStreamClosed = errors.New("the mock closed the delivery stream")

// Admin is the mock's admin model: everything the control API does, as
// Go methods. The mock (*mockteamtailor.Server) implements it in process;
// mockclient.Client implements it over HTTP, so the web UI, the CLI and
// tests drive either the same way. Errors name what went wrong; the
// server's are *protocol.Error values with the status the control API
// answers, the client's an *mockclient.APIError carrying that status and
// the same messages. An unknown id is a 404.
type Admin interface {
	// Partners and their forms.
	Partners(ctx context.Context) ([]PartnerView, error)
	Partner(ctx context.Context, id string) (PartnerView, error)
	CreatePartner(ctx context.Context, in PartnerInput) (PartnerCreated, error)
	UpdatePartner(ctx context.Context, id string, in PartnerInput) (PartnerView, error)
	ActivationForm(ctx context.Context, partnerID, companyUUID string) (ActivationFormResult, error)
	FetchConfig(ctx context.Context, req ConfigRequest) (ConfigResult, error)

	// Companies, jobs and candidates.
	Companies(ctx context.Context) ([]store.Company, error)
	Company(ctx context.Context, uuid string) (store.Company, error)
	CreateCompany(ctx context.Context, in CompanyInput) (store.Company, error)
	CreateAPIKey(ctx context.Context, companyUUID string, in APIKeyRequest) (store.APIKey, error)
	RevokeAPIKey(ctx context.Context, companyUUID, key string) error
	Jobs(ctx context.Context, companyUUID string) ([]store.Job, error)
	Job(ctx context.Context, id int64) (store.Job, error)
	CreateJob(ctx context.Context, in JobInput) (store.Job, error)
	UpdateJob(ctx context.Context, id int64, patch JobPatch) (store.Job, error)
	AddStage(ctx context.Context, jobID int64, name string) (store.Job, error)
	Candidates(ctx context.Context, companyUUID string, page, size int) (CandidatePage, error)
	Candidate(ctx context.Context, id int64) (store.CandidateRecord, error)
	CreateCandidates(ctx context.Context, in CandidateInput) ([]store.CandidateRecord, error)
	UpdateCandidate(ctx context.Context, id int64, patch json.RawMessage) (store.CandidateRecord, error)
	DeleteCandidate(ctx context.Context, id int64) error
	MoveCandidate(ctx context.Context, req MoveRequest) (MoveResult, error)
	RejectApplication(ctx context.Context, req RejectRequest) (RejectResult, error)

	// Activations and triggers.
	Activations(ctx context.Context, partnerID string) ([]store.Activation, error)
	Activate(ctx context.Context, req ActivateRequest) (ActivateResult, error)
	Deactivate(ctx context.Context, id string) error
	Triggers(ctx context.Context, partnerID string) ([]store.Trigger, error)
	CreateTrigger(ctx context.Context, req TriggerRequest) (store.Trigger, error)
	DeleteTrigger(ctx context.Context, id int64) error
	ManualTrigger(ctx context.Context, req ManualRequest) (Outcome, error)
	BulkTrigger(ctx context.Context, req BulkRequest) (BulkRun, error)
	BulkRun(ctx context.Context, id string) (BulkRun, error)

	// Company webhooks and partner webhook setups.
	Webhooks(ctx context.Context, companyUUID string) ([]Subscription, error)
	Webhook(ctx context.Context, id int64) (Subscription, error)
	CreateWebhook(ctx context.Context, in SubscriptionInput) (Subscription, error)
	DeleteWebhook(ctx context.Context, id int64) error
	WebhookSetup(ctx context.Context, partnerID string) (WebhookSetup, error)
	SetWebhookSetup(ctx context.Context, partnerID string, in WebhookSetup) (WebhookSetup, error)
	DeleteWebhookSetup(ctx context.Context, partnerID string) error

	// The journal and partner results.
	Deliveries(ctx context.Context, f store.JournalFilter) ([]store.Delivery, error)
	DeliveriesTotal(ctx context.Context, f store.JournalFilter) ([]store.Delivery, int, error)
	Delivery(ctx context.Context, id int64) (store.Delivery, error)
	// StreamDeliveries calls fn with each new journal entry, as the mock
	// records it, until ctx ends (it then returns ctx.Err()) or the mock
	// closes (ErrStreamClosed). Entries recorded before the call are not
	// sent; a subscriber too slow for the mock misses entries rather than
	// slowing deliveries down, and their ids tell.
	StreamDeliveries(ctx context.Context, fn func(store.Delivery)) error
	Curl(ctx context.Context, id int64) (string, error)
	Replay(ctx context.Context, id int64) (store.Delivery, error)
	ReplayAsNewEvent(ctx context.Context, id int64) (store.Delivery, error)
	ReplayCapture(ctx context.Context, req ReplayRequest) (ReplayOutcome, error)
	Results(ctx context.Context, f store.ResultFilter) ([]Result, error)
	Result(ctx context.Context, id string) (Result, error)
	WaitResult(ctx context.Context, id string, timeout time.Duration) (ResultWait, error)
	InvokeAction(ctx context.Context, resultID string, index int) (store.Delivery, error)

	// Faults, uploads, keys, fixtures and reset.
	Faults(ctx context.Context) (Faults, error)
	SetFaults(ctx context.Context, f Faults) (Faults, error)
	ClearFaults(ctx context.Context) (Faults, error)
	Upload(ctx context.Context, name, contentType string, data []byte) (Upload, error)
	Keys(ctx context.Context) (Keys, error)
	Fixtures(ctx context.Context) ([]fixtures.Info, error)
	Reset(ctx context.Context) error
}
