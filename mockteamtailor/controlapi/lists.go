package controlapi

import (
	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// The documents below are the control API's list envelopes and small
// answers. Their fields are declared in the order of their JSON names, so
// they encode exactly as the maps they replace did (encoding/json sorts a
// map's keys).

// Index is the control API's own description (GET /mock/v1).
type Index struct {
	About     string   `json:"about"`
	Endpoints []string `json:"endpoints"`
}

// PartnerList answers GET /mock/v1/partners.
type PartnerList struct {
	Partners []PartnerView `json:"partners"`
}

// CompanyList answers GET /mock/v1/companies.
type CompanyList struct {
	Companies []store.Company `json:"companies"`
}

// JobList answers GET /mock/v1/jobs.
type JobList struct {
	Jobs []store.Job `json:"jobs"`
}

// CandidateList answers POST /mock/v1/candidates: the candidates added.
type CandidateList struct {
	Candidates []store.CandidateRecord `json:"candidates"`
}

// ActivationList answers GET /mock/v1/activations.
type ActivationList struct {
	Activations []store.Activation `json:"activations"`
}

// TriggerList answers GET /mock/v1/triggers.
type TriggerList struct {
	Triggers []store.Trigger `json:"triggers"`
}

// DeliveryList answers GET /mock/v1/deliveries: the entries selected and
// how many matched before the limit.
type DeliveryList struct {
	Deliveries []store.Delivery `json:"deliveries"`
	Total      int              `json:"total"`
}

// ResultList answers GET /mock/v1/results.
type ResultList struct {
	Results []Result `json:"results"`
}

// SubscriptionList answers GET /mock/v1/webhooks.
type SubscriptionList struct {
	Webhooks []Subscription `json:"webhooks"`
}

// FixtureList answers GET /mock/v1/fixtures: the catalogue of fixtures.
type FixtureList struct {
	Fixtures []fixtures.Info `json:"fixtures"`
}

// ResetDone answers POST /mock/v1/reset.
type ResetDone struct {
	Reset bool `json:"reset"`
}

// DryRunOK answers a manual trigger's dry run that found nothing wrong.
type DryRunOK struct {
	DryRun bool `json:"dryRun"`
	OK     bool `json:"ok"`
}

// StageInput appends a stage to a job (POST /mock/v1/jobs/{id}/stages).
type StageInput struct {
	Name string `json:"name"`
}
