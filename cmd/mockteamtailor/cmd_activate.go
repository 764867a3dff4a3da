package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/internal/secret"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// activateOptions are the flags of "mockteamtailor activate".
type activateOptions struct {
	clientOptions
	company, apiToken string
	fields, mapping   []string
}

func newActivateCommand(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	var o activateOptions
	cmd := &cobra.Command{
		Use:   "activate",
		Short: "Activate the partner's integration in a company, as a Teamtailor admin would",
		Long: `Fill in the partner's activation form for a company, through a running mock: the
form (static, or fetched from BASE_URL/activation when dynamic) is checked, the
provider key made, the partner's validation endpoint asked, custom fields mapped.

Without --company a fresh company is made from the company fixture "acme", with a
new uuid, so it is not activated yet. A partner that requires a company API token
gets the company's first key of the scope and permissions it requires (admin,
read/write unless set) unless --api-token picks another.

It prints the provider key (and the generated value of a default_key field, for
the user to copy). When a value is missing or wrong, or the partner's validation
endpoint refuses, it prints the errors and exits with status 1; the new company
is then not made, so a failed attempt leaves nothing behind.
` + clientEnvNote + `

Examples:
  mockteamtailor activate --field api_token=demo
  mockteamtailor activate --field api_token=demo --json
  mockteamtailor activate --field api_token=reject-me   # fails: refused the activation`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			return o.run(cmd.Context(), c, stdout, stderr)
		},
	}
	f := cmd.Flags()
	addClientFlags(f, &o.clientOptions, true, "1")
	f.StringVar(&o.company, "company", "", "`UUID` of the company to activate in (default: a new company from fixture acme)")
	f.StringArrayVar(&o.fields, "field", nil, "activation form value as `key=value`, the key a field id (repeatable)")
	f.StringVar(&o.apiToken, "api-token", "", "company API `token` to pick, for partners that require one (default: the company's first)")
	f.StringArrayVar(&o.mapping, "map", nil, "map a customFieldMapping apiName onto an existing company custom field, as `apiName=companyField` (repeatable; unmapped fields are created)")
	return cmd
}

func (o *activateOptions) run(ctx context.Context, c controlapi.Admin, stdout, stderr io.Writer) error {
	values, err := parsePairs("field", o.fields)
	if err != nil {
		return err
	}
	mapping, err := parsePairs("map", o.mapping)
	if err != nil {
		return err
	}
	p, err := c.Partner(ctx, o.partner)
	if err != nil {
		return err
	}
	// Without --company the activation runs in a new company from fixture
	// acme, which the mock stores only if the activation succeeds: a
	// failed attempt leaves no company behind.
	req := controlapi.ActivateRequest{PartnerID: p.ID, Values: values, APIToken: o.apiToken, Mapping: mapping}
	var company store.Company
	if o.company == "" {
		req.CompanyUUID, req.NewCompanyFixture = newCompanyUUID(), "acme"
		company = store.Company{UUID: req.CompanyUUID, Name: "a new company from fixture acme"}
	} else {
		if company, err = c.Company(ctx, o.company); err != nil {
			return fmt.Errorf("--company %s: %w (mockteamtailor keys lists the companies the partner is activated in)", o.company, err)
		}
		req.CompanyUUID = company.UUID
		if tokens := company.TokensFor(p.APITokenScope, p.APITokenPermissions); req.APIToken == "" && p.RequireAPIToken && len(tokens) > 0 {
			req.APIToken = tokens[0]
			fmt.Fprintf(stderr, "partner %s requires a company API token: picked %s\n", p.ID, secret.Mask(req.APIToken))
		}
	}
	res, err := c.Activate(ctx, req)
	if err != nil {
		return err
	}
	if res.Company != nil {
		company = *res.Company
		fmt.Fprintf(stderr, "created company %s (%s) from fixture acme\n", company.UUID, company.Name)
	}
	if o.json {
		err = writeJSON(stdout, res)
	} else {
		printActivation(stdout, p, company, res)
	}
	if err == nil && !res.Activated {
		err = fmt.Errorf("the partner's validation endpoint refused the activation: %s (delivery %d)", strings.Join(res.Errors, "; "), res.ValidateDeliveryID)
	}
	return err
}

func printActivation(w io.Writer, p controlapi.PartnerView, company store.Company, res controlapi.ActivateResult) {
	if !res.Activated {
		fmt.Fprintf(w, "partner %s (%s) refused the activation in %s:\n", p.ID, p.Name, company.Name)
		for _, e := range res.Errors {
			fmt.Fprintf(w, "  %s\n", e)
		}
		fmt.Fprintf(w, "inspect: mockteamtailor deliveries show %d\n", res.ValidateDeliveryID)
		return
	}
	a := res.Activation
	fmt.Fprintf(w, "activated partner %s (%s) in %s (%s)\n", p.ID, p.Name, company.Name, company.UUID)
	tw := newTable(w)
	fmt.Fprintf(tw, "  activation\t%s\n", a.ID)
	fmt.Fprintf(tw, "  provider key\t%s\n", a.ProviderKey)
	if res.DefaultKey != "" {
		fmt.Fprintf(tw, "  default key\t%s\t(paste it into the integration's settings)\n", res.DefaultKey)
	}
	for _, m := range a.Mappings {
		how := "mapped onto " + m.MappedFrom
		if m.Created {
			how = "created"
		}
		fmt.Fprintf(tw, "  custom field\t%s\t%s\n", m.APIName, how)
	}
	tw.Flush()
}

// newCompanyUUID makes an 11-character uuid like Teamtailor's, so a new
// company never collides with one the mock has.
func newCompanyUUID() string {
	return "c" + rand.Text()[:10]
}
