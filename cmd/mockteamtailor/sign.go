package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// signOptions are the flags of "mockteamtailor sign" and "sign verify".
type signOptions struct {
	secret, eventID, header, body string
	timestamp, now                int64
	tolerance                     time.Duration
	json                          bool
}

const signLong = `Compute a webhook's Teamtailor-Signature header as the mock sends it, offline;
"sign verify" checks a header and says why it does not verify.

The header is one line, comma separated, no spaces: t=<unix seconds>,v1=<hex>,v0=<hex>
v1 is hex(HMAC-SHA256(webhook secret, "<t>.<partner-event id>")). The body is NOT
signed: Teamtailor signed "<t>.<body>" until 2024-07-12, only the event id since.
v0 is a decoy of the same shape that never verifies: receivers check v1 only, ignore
other schemes, and refuse timestamps outside their window (5 minutes is typical).

Every flag can also be set with MOCKTT_<FLAG>, e.g. MOCKTT_WEBHOOK_SECRET;
--secret is an alias of --webhook-secret.

Examples:
  mockteamtailor sign --webhook-secret s3cret --event-id f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7
  SIG=$(mockteamtailor sign --webhook-secret s3cret --event-id f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7)
  mockteamtailor sign verify --webhook-secret s3cret --event-id f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7 --header "$SIG"`

func newSignCommand(getenv func(string) string, stdout, _ io.Writer) *cobra.Command {
	var o signOptions
	cmd := &cobra.Command{
		Use:   "sign",
		Short: "Compute (or, with verify, check) a webhook's Teamtailor-Signature, offline",
		Long:  signLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			given, err := bindEnv(cmd.Flags(), getenv)
			if err != nil {
				return err
			}
			if err := o.require(given, "event-id"); err != nil {
				return err
			}
			at := time.Now()
			if given["timestamp"] {
				if o.timestamp < 0 {
					return fmt.Errorf("--timestamp %d must be unix seconds, not negative", o.timestamp)
				}
				at = time.Unix(o.timestamp, 0)
			}
			h, ts := signature.Sign(o.secret, o.eventID, at), at.Unix()
			if !o.json {
				_, err := fmt.Fprintln(stdout, h)
				return err
			}
			return writeJSON(stdout, struct {
				Header    string `json:"header"`
				Timestamp int64  `json:"timestamp"`
				V1        string `json:"v1"`
				V0        string `json:"v0"`
				Message   string `json:"message"`
			}{h, ts, signature.Compute(o.secret, ts, o.eventID), signature.Decoy(o.secret, ts, o.eventID), signature.Message(ts, o.eventID)})
		},
	}
	addSignFlags(cmd.Flags(), &o)
	cmd.Flags().Int64Var(&o.timestamp, "timestamp", 0, "t to sign, in unix seconds (default: now)")
	cmd.AddCommand(newSignVerifyCommand(getenv, stdout), newSignCompanyCommand(getenv, stdout))
	return cmd
}

func newSignVerifyCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o signOptions
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check a Teamtailor-Signature header and explain why it does not verify",
		Long: signLong + `

verify prints "valid: ..." or "invalid:" and one reason per line, most likely cause
first, and exits non-zero when the header does not verify.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			given, err := bindEnv(cmd.Flags(), getenv)
			if err != nil {
				return err
			}
			if err := o.require(given, "header"); err != nil {
				return err
			}
			body, err := o.readBody(cmd.InOrStdin())
			if err != nil {
				return err
			}
			now := time.Now()
			if given["now"] {
				now = time.Unix(o.now, 0)
			}
			d := signature.Explain(o.header, o.secret, o.eventID, body, now, o.tolerance)
			if o.json {
				err = writeJSON(stdout, d)
			} else {
				_, err = fmt.Fprintln(stdout, d)
			}
			if err == nil && !d.Valid {
				err = errors.New("signature does not verify")
			}
			return err
		},
	}
	f := cmd.Flags()
	addSignFlags(f, &o)
	f.StringVar(&o.header, "header", "", "the Teamtailor-Signature value to check (required)")
	f.StringVar(&o.body, "body", "", "file with the raw webhook body, - for stdin: gives the event id when --event-id is unset, and reveals body-signed headers")
	f.DurationVar(&o.tolerance, "tolerance", signature.DefaultTolerance, "how far t may be from now, either way")
	f.Int64Var(&o.now, "now", 0, "time to check t against, in unix seconds (default: now)")
	return cmd
}

// addSignFlags adds the flags both commands share. The secret's flag is
// --webhook-secret, as for serve, so MOCKTT_WEBHOOK_SECRET works; --secret
// is normalised to it.
func addSignFlags(f *pflag.FlagSet, o *signOptions) {
	f.StringVar(&o.secret, "webhook-secret", "", "the partner's webhook secret (alias --secret; required)")
	f.StringVar(&o.eventID, "event-id", "", "partner-event.id of the webhook, the value v1 signs")
	f.BoolVar(&o.json, "json", false, "print JSON instead of text")
	f.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "secret" {
			name = "webhook-secret"
		}
		return pflag.NormalizedName(name)
	})
}

// require names the first required flag that is missing.
func (o *signOptions) require(given map[string]bool, flag string) error {
	switch {
	case o.secret == "":
		return errors.New("--webhook-secret is required (or MOCKTT_WEBHOOK_SECRET): the partner's webhook secret")
	case flag == "event-id" && o.eventID == "":
		return errors.New("--event-id is required: the partner-event.id of the webhook, the value v1 signs")
	case flag == "header" && !given["header"]:
		return errors.New("--header is required: the Teamtailor-Signature value to check (quote it)")
	}
	return nil
}

// readBody reads --body (- is stdin) and, without --event-id, takes the
// event id from it.
func (o *signOptions) readBody(stdin io.Reader) (body []byte, err error) {
	switch o.body {
	case "":
	case "-":
		body, err = io.ReadAll(stdin)
	default:
		body, err = os.ReadFile(o.body)
	}
	switch {
	case err != nil:
		return nil, fmt.Errorf("--body %s: %w", o.body, err)
	case o.eventID != "":
	case body == nil:
		return nil, errors.New("--event-id is required (or --body, to read partner-event.id from the webhook body)")
	default:
		if o.eventID, err = signature.EventID(body); err != nil {
			return nil, fmt.Errorf("no --event-id, and --body %s: %w", o.body, err)
		}
	}
	return body, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
