package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// shownDelivery is what "deliveries show --json" prints: the journal
// entry, and for a signed request what its signature check says.
type shownDelivery struct {
	store.Delivery
	Signature *signature.Diagnosis `json:"signature,omitempty"`
}

func newDeliveryShowCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var secret string
	return deliveryCommand(getenv, "show", "Show one journaled exchange: request, response, verdict, signature",
		`Show one journal entry: the request line, headers and pretty-printed JSON body, the
response status, headers and body, the verdict and its reason. A signed request
(Teamtailor-Signature) gets its signature checked as the partner would at the time
of the delivery, with the partner's webhook secret as the mock knows it, or with
--webhook-secret (MOCKTT_WEBHOOK_SECRET) to check the secret your integration uses.

Examples:
  WEBHOOK=$(mockteamtailor deliveries --kind webhook --limit 1 -q)
  mockteamtailor deliveries show "$WEBHOOK"
  mockteamtailor deliveries show "$WEBHOOK" --webhook-secret "$(mockteamtailor keys --json | jq -r '.partners[0].webhookSecret')"
`, func(cmd *cobra.Command) {
			cmd.Flags().StringVar(&secret, "webhook-secret", "", "check the signature with this `secret` (default: the partner's, from the mock)")
		}, func(ctx context.Context, c controlapi.Admin, o *clientOptions, id int64) error {
			d, err := c.Delivery(ctx, id)
			if err != nil {
				return err
			}
			shown := shownDelivery{Delivery: d}
			whose := "the given --webhook-secret"
			if header := d.Request.Header.Get(signature.Header); header != "" {
				if secret == "" {
					p, err := c.Partner(ctx, d.PartnerID)
					if err != nil {
						return err
					}
					secret, whose = p.WebhookSecret, fmt.Sprintf("partner %s's webhook secret", p.ID)
				}
				diag := explainSignature(d, header, secret)
				shown.Signature = &diag
			}
			if o.json {
				return writeJSON(stdout, shown)
			}
			printShown(stdout, shown, whose)
			return nil
		})
}

// explainSignature checks a journaled request's signature at the time it
// was sent.
func explainSignature(d store.Delivery, header, secret string) signature.Diagnosis {
	var body []byte
	if !d.Request.BodyTruncated {
		body = []byte(d.Request.Body)
	}
	eventID := d.EventID
	if id, err := signature.EventID(body); err == nil {
		eventID = id
	}
	if d.Kind == store.KindCompanyWebhook {
		// A webhook setup's Teamtailor-Signature signs the record's id
		// (docs/company-webhooks.md §6).
		eventID, _ = signature.ResourceID(body)
	}
	return signature.Explain(header, secret, eventID, body, d.Time, 0)
}

func printShown(w io.Writer, s shownDelivery, whose string) {
	d := s.Delivery
	fmt.Fprintf(w, "delivery %d: %s, partner %s, %s, %.0f ms\n", d.ID, deliveryKind(d), d.PartnerID, d.Time.Local().Format(time.DateTime), d.DurationMS)
	fmt.Fprintf(w, "verdict %s: %s\n", d.Verdict, d.Reason)
	var refs []string
	for _, r := range []struct{ name, v string }{{"event", d.EventID}, {"result", d.ResultID}, {"company", d.CompanyUUID}, {"bulk run", d.BulkRunID}} {
		if r.v != "" {
			refs = append(refs, r.name+" "+r.v)
		}
	}
	for _, r := range []struct {
		name string
		v    int64
	}{{"candidate", d.CandidateID}, {"trigger", d.TriggerID}, {"replay of", d.ReplayOf}} {
		if r.v != 0 {
			refs = append(refs, fmt.Sprintf("%s %d", r.name, r.v))
		}
	}
	if len(refs) > 0 {
		fmt.Fprintln(w, strings.Join(refs, ", "))
	}

	fmt.Fprintf(w, "\nrequest\n  %s %s\n", d.Request.Method, d.Request.URL)
	printMessage(w, d.Request)
	fmt.Fprintln(w, "\nresponse")
	if d.Response == nil {
		fmt.Fprintln(w, "  none: nothing came back (see the reason above)")
	} else {
		fmt.Fprintf(w, "  %d %s\n", d.Response.Status, http.StatusText(d.Response.Status))
		printMessage(w, *d.Response)
	}
	if s.Signature != nil {
		fmt.Fprintf(w, "\nsignature, checked with %s at the time of the delivery\n", whose)
		fmt.Fprintln(w, indent(s.Signature.String()))
	}
}

// printMessage prints headers, sorted, then the body, JSON indented.
func printMessage(w io.Writer, m store.HTTPMessage) {
	for _, name := range slices.Sorted(maps.Keys(m.Header)) {
		for _, v := range m.Header[name] {
			fmt.Fprintf(w, "  %s: %s\n", name, v)
		}
	}
	if m.Body == "" {
		return
	}
	fmt.Fprintf(w, "\n%s\n", indent(prettyBody(m.Body)))
	if m.BodyTruncated {
		fmt.Fprintf(w, "  (the journal kept %d of its %d bytes)\n", len(m.Body), m.BodySize)
	}
}

// indent puts two spaces before every line.
func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}
