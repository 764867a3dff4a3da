package mockteamtailor

import (
	"context"
	"encoding/json"
	"time"
)

// Partner is one partner integration registered with the mock: its
// credentials and the settings Teamtailor keeps for it (PROTOCOL §2.1).
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
	// and the empty object {} when it means "dynamic" (PROTOCOL §2.1).
	WebhookActivationConfig json.RawMessage `json:"webhookActivationConfig,omitempty"`
	DynamicActivationConfig bool            `json:"dynamicActivationConfig"`
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
}

// Activation is a company's activation of a partner's integration. The
// provider key is the credential Teamtailor sends the partner as
// "Authorization: Bearer <provider key>" (PROTOCOL §1, §4).
type Activation struct {
	ID          string    `json:"id"`
	PartnerID   string    `json:"partnerId"`
	CompanyUUID string    `json:"companyUuid"`
	CompanyName string    `json:"companyName"`
	ProviderKey string    `json:"providerKey"`
	CreatedAt   time.Time `json:"createdAt"`
}

// Assessment is the assessment block of a partner result. Nil fields are
// unset and rendered as null (PROTOCOL §2.3).
type Assessment struct {
	Score    *float64 `json:"score"`
	Grade    *string  `json:"grade"`
	Duration *int64   `json:"duration"` // seconds
}

// Attachment is a link shown on a partner result.
type Attachment struct {
	URL         string `json:"url"`
	Description string `json:"description"`
}

// Action is a button on a partner result; clicking it POSTs the original
// partner event to BASE_URL/<endpoint> (PROTOCOL §2.3).
type Action struct {
	ButtonText string `json:"buttonText"`
	Endpoint   string `json:"endpoint"`
}

// Criterion is a score for one of the assessment criteria a partner's
// config declared.
type Criterion struct {
	ID    json.RawMessage `json:"id"` // string or integer, kept as sent
	Score *float64        `json:"score,omitempty"`
}

// PartnerResult is a result a partner reports on a candidate (PROTOCOL
// §2.3). Optional attributes are nil when unset.
type PartnerResult struct {
	ID          string     `json:"id"`
	PartnerID   string     `json:"partnerId"`
	Status      string     `json:"status"`
	CandidateID int64      `json:"candidateId"`
	JobID       *int64     `json:"jobId,omitempty"`
	Summary     *string    `json:"summary,omitempty"`
	URL         *string    `json:"url,omitempty"`
	Assessment  Assessment `json:"assessment"`
	// Details is the free-form details object, kept as sent; nil is {}.
	Details            json.RawMessage `json:"details,omitempty"`
	Attachments        []Attachment    `json:"attachments"`        // nil is null
	Actions            []Action        `json:"actions"`            // nil is null
	AssessmentCriteria []Criterion     `json:"assessmentCriteria"` // nil is null
	CreatedAt          time.Time       `json:"createdAt"`
	UpdatedAt          time.Time       `json:"updatedAt"`
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
	// Returns ErrNotFound or ErrForbidden like Result.
	UpdateResult(ctx context.Context, partnerID, id string, update func(*PartnerResult) error) (PartnerResult, error)
	// DeleteResult removes a result. Returns ErrNotFound or ErrForbidden
	// like Result.
	DeleteResult(ctx context.Context, partnerID, id string) error
}
