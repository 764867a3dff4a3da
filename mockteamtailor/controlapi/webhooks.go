package controlapi

import "github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"

// Subscription is a company webhook: the company's own endpoint for
// data-change events (docs/company-webhooks.md §2).
type Subscription struct {
	ID          int64    `json:"id"`
	CompanyUUID string   `json:"companyUuid"`
	Label       string   `json:"label"`
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	// SignatureKey signs every delivery; generated (32 random bytes, hex)
	// unless given.
	SignatureKey string `json:"signatureKey"`
	// SignatureVersion is "v1" (the resource id is signed) or "v2" (the
	// body is signed; the default).
	SignatureVersion string `json:"signatureVersion"`
}

// SubscriptionInput creates a subscription: every field but Label, Events
// (default: all nine), SignatureKey and SignatureVersion is required.
type SubscriptionInput struct {
	CompanyUUID      string   `json:"companyUuid"`
	Label            string   `json:"label"`
	URL              string   `json:"url"`
	Events           []string `json:"events"`
	SignatureKey     string   `json:"signatureKey"`
	SignatureVersion string   `json:"signatureVersion"`
}

// WebhookSetup is a partner's webhook setup: where Teamtailor sends the
// data-change events of every company that activated the partner, and
// which (docs/company-webhooks.md §6).
type WebhookSetup struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// JobPatch changes a job: only the fields given change.
type JobPatch struct {
	Title        *string                 `json:"title,omitempty"`
	Tags         *[]string               `json:"tags,omitempty"`
	CustomFields *[]protocol.CustomField `json:"customFields,omitempty"`
}
