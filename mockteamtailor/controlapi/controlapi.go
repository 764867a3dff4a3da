// Package controlapi holds the documents of the mock's control API
// (/mock/v1, docs/partner-developers.md "The control API"): what its handlers decode and
// encode, and what its Go client, package mockclient, sends and reads.
package controlapi

import (
	"encoding/json"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// PartnerInput creates a partner (ID is required; nil fields get the
// mock's defaults: generated keys, "Partner <id>") or changes its
// settings (nil fields keep their value; a config set to the JSON null
// is cleared).
type PartnerInput struct {
	ID                      *string         `json:"id,omitempty"`
	Name                    *string         `json:"name,omitempty"`
	APIKey                  *string         `json:"apiKey,omitempty"`
	WebhookSecret           *string         `json:"webhookSecret,omitempty"`
	BaseURL                 *string         `json:"baseUrl,omitempty"`
	WebhookConfig           json.RawMessage `json:"webhookConfig,omitempty"`
	WebhookActivationConfig json.RawMessage `json:"webhookActivationConfig,omitempty"`
	DynamicActivationConfig *bool           `json:"dynamicActivationConfig,omitempty"`
	RequireAPIToken         *bool           `json:"requireApiToken,omitempty"`
	APITokenScope           *string         `json:"apiTokenScope,omitempty"`
	APITokenPermissions     *string         `json:"apiTokenPermissions,omitempty"`
	IncludeJobOffers        *bool           `json:"includeJobOffers,omitempty"`
	IncludeUploads          *bool           `json:"includeUploads,omitempty"`
	AllowBulk               *bool           `json:"allowBulk,omitempty"`
	Assessment              *bool           `json:"assessment,omitempty"`
	CTAVerb                 *string         `json:"ctaVerb,omitempty"`
	CTANoun                 *string         `json:"ctaNoun,omitempty"`
}

// PartnerView is a partner as the control API shows it: with its keys and
// the label of its button on the candidate card.
type PartnerView struct {
	store.Partner
	CTA string `json:"cta"`
}

// PartnerCreated is a new partner with the sandbox company it was
// activated in.
type PartnerCreated struct {
	Partner    PartnerView      `json:"partner"`
	Sandbox    store.Company    `json:"sandbox"`
	Activation store.Activation `json:"activation"`
}

// CompanyInput creates a company: from a fixture (acme, orebro-vard,
// sandbox), with the other fields overriding it, or from the fields alone
// (Name is then required). An empty UUID is generated; SeedData adds every
// job and candidate fixture.
type CompanyInput struct {
	Fixture      string                 `json:"fixture,omitempty"`
	UUID         string                 `json:"uuid,omitempty"`
	Name         string                 `json:"name,omitempty"`
	URL          string                 `json:"url,omitempty"`
	Logotype     string                 `json:"logotype,omitempty"`
	Users        []protocol.User        `json:"users,omitempty"`
	CustomFields []store.CustomFieldDef `json:"customFields,omitempty"`
	APITokens    []string               `json:"apiTokens,omitempty"`
	SeedData     bool                   `json:"seedData,omitempty"`
}

// JobInput creates a job in a company: from a fixture (developer, sales,
// support), with the other fields overriding it, or from Title and Stages.
type JobInput struct {
	CompanyUUID  string                 `json:"companyUuid"`
	Fixture      string                 `json:"fixture,omitempty"`
	Title        string                 `json:"title,omitempty"`
	Tags         []string               `json:"tags,omitempty"`
	Stages       []store.Stage          `json:"stages,omitempty"`
	CustomFields []protocol.CustomField `json:"customFields,omitempty"`
}

// CandidateInput adds candidates to a company from exactly one of: a
// candidate fixture, a webhook candidate object, or Generate realistic ones
// (from Seed). JobID applies them to a job, in StageID or its first stage.
type CandidateInput struct {
	CompanyUUID string          `json:"companyUuid"`
	Fixture     string          `json:"fixture,omitempty"`
	Candidate   json.RawMessage `json:"candidate,omitempty"`
	Generate    int             `json:"generate,omitempty"`
	Seed        uint64          `json:"seed,omitempty"`
	JobID       int64           `json:"jobId,omitempty"`
	StageID     int64           `json:"stageId,omitempty"`
}

// CandidatePage is one page of a company's candidates.
type CandidatePage struct {
	Candidates []store.CandidateRecord `json:"candidates"`
	Page       int                     `json:"page"`
	Size       int                     `json:"size"`
	Total      int                     `json:"total"`
}

// Result is a partner result as the control API shows it: the Partner
// API attributes, where it came from, and its update-url.
type Result struct {
	store.PartnerResult
	UpdateURL string `json:"updateUrl"`
}

const (
	// DefaultResultWait is how long a wait for a result lasts without
	// ?timeout=.
	DefaultResultWait = 30 * time.Second
	// MaxResultWait bounds ?timeout=: a wait longer than this is refused,
	// so no request holds a connection for long (ask again to wait more).
	MaxResultWait = 60 * time.Second
)

// ResultWait answers a wait for a result (GET /mock/v1/results/{id}/wait):
// the result as it stood when the wait ended, and whether it is final
// (completed or failed). Final is false when the wait's timeout passed
// first.
type ResultWait struct {
	Final  bool   `json:"final"`
	Result Result `json:"result"`
}

// Faults is the fault injection on the Partner API, durations as text
// ("250ms"). The zero value injects nothing.
type Faults struct {
	Latency    string     `json:"latency,omitempty"`
	Status     int        `json:"status,omitempty"`
	Count      int        `json:"count,omitempty"`
	Fraction   float64    `json:"fraction,omitempty"`
	Connection string     `json:"connection,omitempty"`
	RateLimit  *RateLimit `json:"rateLimit,omitempty"`
	// ResultRateLimited answers the next N result posts (POST, PUT or
	// PATCH of partner-results) with 429 and Retry-After: RetryAfter
	// seconds (default 1); the post after them is accepted.
	ResultRateLimited int `json:"resultRateLimited,omitempty"`
	RetryAfter        int `json:"retryAfter,omitempty"`
}

// RateLimit is the Partner API rate limit: Limit requests per Window and
// partner, refused with 429 beyond it when Enforce is set.
type RateLimit struct {
	Limit   int    `json:"limit"`
	Window  string `json:"window"`
	Enforce bool   `json:"enforce"`
}

// Upload is a stored file for a form's file field; Value is what to put
// in the form.
type Upload struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Size  int    `json:"size"`
	Value string `json:"value"`
}

// Keys is every credential of every partner (GET /mock/v1/keys), so CI
// scripts never scrape logs.
type Keys struct {
	Partners []PartnerKeys `json:"partners"`
	// Companies are the companies' keys of Teamtailor's public API (/v1).
	Companies []CompanyKeys `json:"companies"`
}

// CompanyKeys are one company's public-API keys, one or more of each
// scope (docs/public-api.md §2).
type CompanyKeys struct {
	UUID    string         `json:"uuid"`
	Name    string         `json:"name"`
	APIKeys []store.APIKey `json:"apiKeys"`
}

// PartnerKeys are one partner's credentials and its activations.
type PartnerKeys struct {
	ID            string           `json:"id"`
	Name          string           `json:"name"`
	APIKey        string           `json:"apiKey"`
	WebhookSecret string           `json:"webhookSecret"`
	Activations   []ActivationKeys `json:"activations"`
}

// ActivationKeys is one activation's company and provider key.
type ActivationKeys struct {
	ID          string `json:"id"`
	CompanyUUID string `json:"companyUuid"`
	CompanyName string `json:"companyName"`
	ProviderKey string `json:"providerKey"`
}

// Ptr returns a pointer to v, for the optional fields of PartnerInput.
func Ptr[T any](v T) *T { return &v }

// APIKeyRequest creates a company key of the public API (/v1): its scope
// (public, internal or admin) and permissions (read, write or
// read/write), as a company admin creates one in Teamtailor's settings.
type APIKeyRequest struct {
	Scope       string `json:"scope"`
	Permissions string `json:"permissions"`
}
