package settings

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// The ways a receiver of company events is fed (--company-webhook-scheme,
// docs/company-webhooks.md §1).
const (
	// CompanySchemeSetup is a partner webhook setup: Bearer provider key,
	// Teamtailor-Host, Teamtailor-Api-Token when required,
	// Teamtailor-Signature over "<t>.<payload.data.id>" and a v1
	// TT-Signature, both keyed with the webhook secret (§6).
	CompanySchemeSetup = "setup"
	// CompanySchemeV1 is a company webhook subscription signing v1: the
	// resource id (§5.1).
	CompanySchemeV1 = signature.CompanyV1
	// CompanySchemeV2 is one signing v2: "<t>.<raw body>" (§5.2).
	CompanySchemeV2 = signature.CompanyV2
)

// validateCompanyWebhooks checks the company-webhook flags.
func validateCompanyWebhooks(c *Settings) []error {
	var problems []error
	if !slices.Contains([]string{CompanySchemeSetup, CompanySchemeV1, CompanySchemeV2}, c.CompanyWebhookScheme) {
		problems = append(problems, fmt.Errorf("--company-webhook-scheme %q must be %s, %s or %s", c.CompanyWebhookScheme, CompanySchemeSetup, CompanySchemeV1, CompanySchemeV2))
	}
	if c.CompanyWebhookKey != "" && c.CompanyWebhookScheme == CompanySchemeSetup {
		problems = append(problems, fmt.Errorf("--company-webhook-key is the key of a company webhook subscription (--company-webhook-scheme v1 or v2); a partner setup signs with --webhook-secret (docs/company-webhooks.md §6)"))
	}
	if strings.Contains(c.CompanyWebhooks, "://") || strings.ContainsAny(c.CompanyWebhooks, "?#") {
		problems = append(problems, fmt.Errorf("--company-webhooks %q must be a path under --base-url, such as teamtailor/events", c.CompanyWebhooks))
	}
	return problems
}
