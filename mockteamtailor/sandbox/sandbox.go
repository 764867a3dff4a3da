package sandbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// PartnerSettings are what an operator sets on a partner; empty fields
// keep the stored value, or get a generated one for a new partner.
type PartnerSettings struct {
	ID            string
	Name          string
	APIKey        string
	WebhookSecret string
	BaseURL       string
	// Adjust, when set, changes the partner before it is stored: its
	// capabilities and options (the conformance suite sets those of the
	// partner under test).
	Adjust func(*store.Partner)
	// ProviderKey and ActivationValues, when set, are those of a new
	// sandbox activation instead of a generated UUID key and no values
	// (the conformance suite sends a provider key of its own).
	ProviderKey      string
	ActivationValues map[string]string
}

// Seeded is the partner and the sandbox activation Seed ensured.
type Seeded struct {
	Partner    store.Partner
	Company    store.Company
	Activation store.Activation
}

// Store is what Seed reads and writes: the partner, its sandbox company
// with the company's jobs and candidates, and the activation. The methods
// return the errors store.Store documents.
type Store interface {
	Finder
	CompanyStore
	Partner(ctx context.Context, id string) (store.Partner, error)
	PutPartner(ctx context.Context, p store.Partner) error
	PutCompany(ctx context.Context, c store.Company) error
	CreateActivation(ctx context.Context, a store.Activation) (store.Activation, error)
}

// Seed makes sure the store holds the partner described by
// settings and its sandbox company with the integration activated, as
// Teamtailor does for integrations under development (docs/protocol.md §4). A
// partner already in the store keeps its keys unless settings give new
// ones; a new partner gets generated ones. The sandbox provider key is a
// UUID, as for an activation form without fields.
func Seed(ctx context.Context, st Store, ids *idgen.IDs, clock func() time.Time, settings PartnerSettings) (Seeded, error) {
	var sb Seeded
	if settings.ID == "" {
		return sb, errors.New("seed sandbox: the partner id is required")
	}
	if err := CheckPartnerBaseURL(settings.BaseURL); err != nil {
		return sb, fmt.Errorf("seed sandbox: %w", err)
	}
	p, err := st.Partner(ctx, settings.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// A new integration under development: an assessment tool that
		// allows bulk mode, like the bundled example partner.
		p = store.Partner{ID: settings.ID, Name: "Example Partner", AllowBulk: true, Assessment: true}
	case err != nil:
		return sb, fmt.Errorf("seed sandbox: %w", err)
	}
	for _, f := range []struct {
		dst     *string
		set     string
		prefix  string
		entropy int
	}{
		{&p.Name, settings.Name, "", 0},
		{&p.APIKey, settings.APIKey, "ttpk_", 20},
		{&p.WebhookSecret, settings.WebhookSecret, "ttws_", 24},
		{&p.BaseURL, settings.BaseURL, "", 0},
	} {
		switch {
		case f.set != "":
			*f.dst = f.set
		case *f.dst == "" && f.entropy > 0:
			*f.dst = ids.Secret(f.prefix, f.entropy)
		}
	}
	if settings.BaseURL != "" && p.Bundled {
		// The partner leaves the bundled example partner for its own
		// server: forget what was set for the example.
		p.Bundled, p.DynamicActivationConfig = false, false
	}
	if settings.Adjust != nil {
		settings.Adjust(&p)
	}
	if err := st.PutPartner(ctx, p); err != nil {
		return sb, fmt.Errorf("seed sandbox: %w", err)
	}
	sb.Partner = p

	a, c, ok, err := Of(ctx, st, p.ID)
	if err != nil {
		return sb, fmt.Errorf("seed sandbox: %w", err)
	}
	if ok {
		sb.Company, sb.Activation = c, a
		return sb, nil
	}
	// The sandbox company takes its users and custom fields from the
	// sandbox fixture, with its own uuid and name, and gets every job and
	// candidate fixture.
	tmpl, err := fixtures.CompanyByName("sandbox")
	if err != nil {
		return sb, fmt.Errorf("seed sandbox: %w", err)
	}
	sb.Company = CompanyFromFixture(tmpl)
	sb.Company.UUID = ids.Secret("sbx", 4)
	sb.Company.Name = "Sandbox: " + p.Name
	sb.Company.Sandbox = true
	sb.Company.APITokens = []string{ids.Secret("ttapi_", 16)}
	if err := st.PutCompany(ctx, sb.Company); err != nil {
		return sb, fmt.Errorf("seed sandbox: %w", err)
	}
	if err := SeedCompany(ctx, st, sb.Company.UUID); err != nil {
		return sb, fmt.Errorf("seed sandbox: %w", err)
	}
	key := settings.ProviderKey
	if key == "" {
		key = ids.SecretUUID()
	}
	sb.Activation, err = st.CreateActivation(ctx, store.Activation{
		PartnerID:   p.ID,
		CompanyUUID: sb.Company.UUID,
		CompanyName: sb.Company.Name,
		ProviderKey: key,
		// The sandbox's admin key, sent as Teamtailor-Api-Token when the
		// partner requires one (docs/public-api.md §2).
		APIToken:  sb.Company.APITokens[0],
		Values:    settings.ActivationValues,
		CreatedAt: clock().UTC(),
	})
	if err != nil {
		return sb, fmt.Errorf("seed sandbox: %w", err)
	}
	return sb, nil
}

// CheckPartnerBaseURL accepts "" (no base URL yet) or an absolute http(s)
// URL: the mock appends /config, /webhook and /activation to it, so a URL
// without a scheme or host could only fail later, on every call.
func CheckPartnerBaseURL(raw string) error {
	if raw == "" {
		return nil
	}
	var dst string
	if err := protocol.DecodeHTTPURL(raw, &dst); err != nil {
		return fmt.Errorf("partner base URL %w, such as http://localhost:3000", err)
	}
	return nil
}
