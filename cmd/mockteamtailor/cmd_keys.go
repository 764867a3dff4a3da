package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

func newKeysCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o clientOptions
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Print every partner's API key, webhook secret and provider keys, and the companies' /v1 keys",
		Long: `Print the credentials a running mock holds, per partner: its id and name, the
partner API key, the webhook secret, and each activation with its company and
provider key; then, per company, its keys of Teamtailor's public API (/v1) with
their scope and permissions. With --json it prints the /mock/v1/keys document,
so CI scripts read keys from it and never scrape logs.
` + clientEnvNote + `

Examples:
  mockteamtailor keys
  export TT_API_KEY=$(mockteamtailor keys --json | jq -r '.partners[0].apiKey')
  export TT_WEBHOOK_SECRET=$(mockteamtailor keys --json | jq -r '.partners[0].webhookSecret')
  export TT_COMPANY_KEY=$(mockteamtailor keys --json | jq -r '.companies[0].apiKeys[] | select(.scope == "admin") | .key')`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			keys, err := c.Keys(cmd.Context())
			if err != nil || o.json {
				if err == nil {
					err = writeJSON(stdout, keys)
				}
				return err
			}
			for i, p := range keys.Partners {
				if i > 0 {
					fmt.Fprintln(stdout)
				}
				fmt.Fprintf(stdout, "partner %s %q\n", p.ID, p.Name)
				tw := newTable(stdout)
				fmt.Fprintf(tw, "  API key\t%s\n", p.APIKey)
				fmt.Fprintf(tw, "  webhook secret\t%s\n", p.WebhookSecret)
				tw.Flush()
				if len(p.Activations) == 0 {
					fmt.Fprintln(stdout, "  not activated in any company (mockteamtailor activate)")
					continue
				}
				tw = newTable(stdout)
				fmt.Fprintln(tw, "  ACTIVATION\tCOMPANY\tUUID\tPROVIDER KEY")
				for _, a := range p.Activations {
					fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.ID, a.CompanyName, a.CompanyUUID, a.ProviderKey)
				}
				tw.Flush()
			}
			for _, c := range keys.Companies {
				fmt.Fprintf(stdout, "\ncompany %q (uuid %s): public API (/v1) keys\n", c.Name, c.UUID)
				tw := newTable(stdout)
				fmt.Fprintln(tw, "  SCOPE\tPERMISSIONS\tKEY")
				for _, k := range c.APIKeys {
					fmt.Fprintf(tw, "  %s\t%s\t%s\n", k.Scope, permissions(k), k.Key)
				}
				tw.Flush()
			}
			return nil
		},
	}
	addClientFlags(cmd.Flags(), &o, false, "")
	return cmd
}

// permissions names a key's permissions the way Teamtailor's settings do.
func permissions(k store.APIKey) string {
	switch {
	case k.Read && k.Write:
		return "read/write"
	case k.Write:
		return "write"
	}
	return "read"
}

func newFixturesCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o clientOptions
	cmd := &cobra.Command{
		Use:   "fixtures",
		Short: "List the fixtures the mock ships: candidates, jobs, companies, configs, ...",
		Long: `List the fixtures a running mock ships, by kind, with what each exercises. Use a
candidate fixture's name with "mockteamtailor trigger --fixture NAME". Imported
fixtures (serve --fixtures DIR) are listed with kind "imported"; "fixtures import"
makes one from a captured webhook.
` + clientEnvNote + `

Examples:
  mockteamtailor fixtures
  mockteamtailor fixtures --json | jq -r '.fixtures[] | select(.kind == "candidates") | .name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			fx, err := c.Fixtures(cmd.Context())
			if err != nil || o.json {
				if err == nil {
					err = writeJSON(stdout, controlapi.FixtureList{Fixtures: fx})
				}
				return err
			}
			tw := newTable(stdout)
			fmt.Fprintln(tw, "KIND\tNAME\tDESCRIPTION")
			for _, f := range fx {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Kind, f.Name, cut(f.Description, 90))
			}
			return tw.Flush()
		},
	}
	addClientFlags(cmd.Flags(), &o, false, "")
	cmd.AddCommand(newFixturesImportCommand(stdout))
	return cmd
}
