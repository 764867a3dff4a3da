package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

const webhooksLong = `Manage where the mock sends data-change events (candidate.*, job.*,
job_application.*; docs/company-webhooks.md):

  company webhooks   a company's own endpoints, each with a label, the events it
                     wants (default: all nine), a signature key and TT-Signature
                     version v1 (signs the resource id) or v2 (signs the body; the
                     default)
  webhook setups     a partner's endpoint (webhooks setup): every company that has
                     activated the partner sends its events there, with the
                     activation's provider key, Teamtailor-Signature and TT-Signature

Every write the mock makes (moving a candidate, adding or changing a candidate or a
job, deleting a candidate) is delivered right after it is stored, one delivery at a
time per endpoint, in order, never retried; "mockteamtailor deliveries --kind
company-webhook" lists them.
` + clientEnvNote

func newWebhooksCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o clientOptions
	var company string
	cmd := &cobra.Command{
		Use:   "webhooks",
		Short: "List, add or remove company webhooks, and set partners' webhook setups",
		Long: webhooksLong + `
Without a subcommand it lists the company webhooks.

Examples:
  COMPANY=$(mockteamtailor keys --json | jq -r '.partners[0].activations[0].companyUuid')
  mockteamtailor webhooks add --company "$COMPANY" --url https://hr.example/teamtailor --label HR --version v1
  mockteamtailor webhooks --company "$COMPANY"
  mockteamtailor webhooks setup --partner 1 --url https://partner.example/teamtailor/events --event job_application.update
  mockteamtailor webhooks setup --partner 1 --remove`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			subs, err := c.Webhooks(cmd.Context(), company)
			if err != nil || o.json {
				if err == nil {
					err = writeJSON(stdout, subs)
				}
				return err
			}
			if len(subs) == 0 {
				_, err := fmt.Fprintln(stdout, "no company webhooks (mockteamtailor webhooks add)")
				return err
			}
			tw := newTable(stdout)
			fmt.Fprintln(tw, "ID\tCOMPANY\tLABEL\tVERSION\tURL\tEVENTS")
			for _, s := range subs {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.CompanyUUID, s.Label, s.SignatureVersion, s.URL, eventList(s.Events))
			}
			return tw.Flush()
		},
	}
	addClientFlags(cmd.Flags(), &o, false, "")
	cmd.Flags().StringVar(&company, "company", "", "only the webhooks of the company with this `UUID`")
	cmd.AddCommand(newWebhooksAddCommand(getenv, stdout), newWebhooksRemoveCommand(getenv, stdout), newWebhooksSetupCommand(getenv, stdout))
	return cmd
}

// eventList shortens the full list of nine to "all".
func eventList(events []string) string {
	if len(events) == 9 {
		return "all"
	}
	return strings.Join(events, ",")
}

func newWebhooksAddCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o clientOptions
	var in controlapi.SubscriptionInput
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add a company webhook and print its id and signature key",
		Long: webhooksLong + `
add prints the webhook's id and its signature key (generated unless
--signature-key gives one): the receiver verifies TT-Signature with it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			switch {
			case in.CompanyUUID == "":
				return errors.New("--company is required: the UUID of the company whose events to send (mockteamtailor keys lists them)")
			case in.URL == "":
				return errors.New("--url is required: where to POST the events")
			}
			sub, err := c.CreateWebhook(cmd.Context(), in)
			if err != nil || o.json {
				if err == nil {
					err = writeJSON(stdout, sub)
				}
				return err
			}
			tw := newTable(stdout)
			fmt.Fprintf(tw, "company webhook\t%d\n", sub.ID)
			fmt.Fprintf(tw, "signature key\t%s\n", sub.SignatureKey)
			fmt.Fprintf(tw, "TT-Signature\t%s\n", sub.SignatureVersion)
			fmt.Fprintf(tw, "events\t%s\n", eventList(sub.Events))
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	addClientFlags(f, &o, false, "")
	f.StringVar(&in.CompanyUUID, "company", "", "`UUID` of the company (required)")
	f.StringVar(&in.URL, "url", "", "`URL` to POST events to (required)")
	f.StringVar(&in.Label, "label", "", "the webhook's label")
	f.StringSliceVar(&in.Events, "event", nil, "an `EVENT` to send, repeatable or comma separated (default: all nine)")
	f.StringVar(&in.SignatureVersion, "version", "v2", "TT-Signature version: v1 (signs the resource id) or v2 (signs the body)")
	f.StringVar(&in.SignatureKey, "signature-key", "", "the signature `KEY` (default: 32 random bytes, hex)")
	return cmd
}

func newWebhooksRemoveCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o clientOptions
	cmd := &cobra.Command{
		Use:   "remove ID",
		Short: "Remove a company webhook",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg("company webhook", args[0])
			if err != nil {
				return err
			}
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			if err := c.DeleteWebhook(cmd.Context(), id); err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "removed company webhook %d\n", id)
			return err
		},
	}
	addClientFlags(cmd.Flags(), &o, false, "")
	return cmd
}

func newWebhooksSetupCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o clientOptions
	var in controlapi.WebhookSetup
	var remove bool
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Show, set or remove a partner's webhook setup",
		Long: webhooksLong + `
setup shows the partner's webhook setup; with --url it sets it (Teamtailor's role:
partners ask Teamtailor for one), with --remove it removes it. Activating the
partner in a company starts that company's deliveries; deactivating stops them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd, getenv)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			switch {
			case remove && in.URL != "":
				return errors.New("give --url to set the setup or --remove to remove it, not both")
			case remove:
				if err := c.DeleteWebhookSetup(ctx, o.partner); err != nil {
					return err
				}
				_, err := fmt.Fprintf(stdout, "removed the webhook setup of partner %s\n", o.partner)
				return err
			}
			var st controlapi.WebhookSetup
			if in.URL != "" {
				st, err = c.SetWebhookSetup(ctx, o.partner, in)
			} else {
				st, err = c.WebhookSetup(ctx, o.partner)
			}
			if err != nil || o.json {
				if err == nil {
					err = writeJSON(stdout, st)
				}
				return err
			}
			_, err = fmt.Fprintf(stdout, "partner %s webhook setup: %s (events: %s)\n", o.partner, st.URL, eventList(st.Events))
			return err
		},
	}
	f := cmd.Flags()
	addClientFlags(f, &o, true, "1")
	f.StringVar(&in.URL, "url", "", "set the setup: the partner's `URL` for events")
	f.StringSliceVar(&in.Events, "event", nil, "with --url, an `EVENT` to send, repeatable or comma separated (default: all nine)")
	f.BoolVar(&remove, "remove", false, "remove the setup")
	return cmd
}
