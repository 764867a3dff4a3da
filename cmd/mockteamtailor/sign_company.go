package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// companySignOptions are the flags of "sign company" and "sign company
// verify".
type companySignOptions struct {
	key, version, id, body, header string
	timestamp, now                 int64
	tolerance                      time.Duration
	json                           bool
}

const companySignLong = `Compute a company webhook's TT-Signature header as the mock sends it, offline;
"sign company verify" checks one (docs/company-webhooks.md §5).

The value is base64 text, and what it decodes to depends on the subscription's version:
  v1 (legacy): base64(hex(HMAC-SHA256(signature key, payload.data.id))): the resource id
      only, no timestamp, no body. Give --id, or --body to read payload.data.id.
  v2: base64("t=<unix seconds>,v2=" + hex(HMAC-SHA256(signature key, "<t>.<raw body>")))
      over the exact body bytes. Give --body.
Partner webhook setups send a v1 TT-Signature keyed with the partner's webhook secret.

Every flag can also be set with MOCKTT_<FLAG>, e.g. MOCKTT_SIGNATURE_KEY.

Examples:
  mockteamtailor sign company --signature-key tt-sig-key-123 --version v1 --id 2
  BODY='{"payload":{"event_name":"job.update","data":{"id":"2","type":"jobs","attributes":{"title":"IT Designer 1","status":"archived"}}}}'
  printf %s "$BODY" | mockteamtailor sign company --signature-key tt-sig-key-123 --body - --timestamp 1701234567
  SIG=$(printf %s "$BODY" | mockteamtailor sign company --signature-key tt-sig-key-123 --body -)
  printf %s "$BODY" | mockteamtailor sign company verify --signature-key tt-sig-key-123 --body - --header "$SIG"`

func newSignCompanyCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o companySignOptions
	cmd := &cobra.Command{
		Use:   "company",
		Short: "Compute (or, with verify, check) a company webhook's TT-Signature (v1 or v2), offline",
		Long:  companySignLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			given, err := bindEnv(cmd.Flags(), getenv)
			if err != nil {
				return err
			}
			if o.key == "" {
				return errors.New("--signature-key is required (or MOCKTT_SIGNATURE_KEY): the subscription's signature key")
			}
			body, err := readCompanyBody(o.body, cmd.InOrStdin())
			if err != nil {
				return err
			}
			at := time.Now()
			if given["timestamp"] {
				if o.timestamp < 0 {
					return fmt.Errorf("--timestamp %d must be unix seconds, not negative", o.timestamp)
				}
				at = time.Unix(o.timestamp, 0)
			}
			var h, message string
			switch o.version {
			case signature.CompanyV1:
				if o.id == "" {
					if body == nil {
						return errors.New("v1 signs the resource id: give --id, or --body to read payload.data.id")
					}
					if o.id, err = signature.ResourceID(body); err != nil {
						return fmt.Errorf("--body %s: %w", o.body, err)
					}
				}
				h, message = signature.SignCompanyV1(o.key, o.id), o.id
			case signature.CompanyV2:
				if body == nil {
					return errors.New("v2 signs the raw body: give --body FILE (- for stdin)")
				}
				h, message = signature.SignCompanyV2(o.key, body, at), signature.CompanyV2Message(at.Unix(), body)
			default:
				return fmt.Errorf("--version %q must be v1 or v2", o.version)
			}
			if !o.json {
				_, err := fmt.Fprintln(stdout, h)
				return err
			}
			dec, _ := base64.StdEncoding.DecodeString(h)
			return writeJSON(stdout, struct {
				Header  string `json:"header"`
				Version string `json:"version"`
				Decoded string `json:"decoded"`
				Message string `json:"message"`
			}{h, o.version, string(dec), message})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.key, "signature-key", "", "the subscription's signature key (for a partner setup: the webhook secret; required)")
	f.StringVar(&o.version, "version", signature.CompanyV2, "signature version, v1 or v2")
	f.StringVar(&o.id, "id", "", "payload.data.id, the value v1 signs")
	f.StringVar(&o.body, "body", "", "file with the raw webhook body, - for stdin (v2 signs it; v1 reads payload.data.id from it)")
	f.Int64Var(&o.timestamp, "timestamp", 0, "v2's t, in unix seconds (default: now)")
	f.BoolVar(&o.json, "json", false, "print JSON instead of text")
	cmd.AddCommand(newSignCompanyVerifyCommand(getenv, stdout))
	return cmd
}

func newSignCompanyVerifyCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o companySignOptions
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check a company webhook's TT-Signature, v1 or v2, as a receiver should",
		Long: companySignLong + `

verify decodes the header: a value starting with t= is v2 and is checked over the raw
body, anything else is v1 and is checked over --id (or payload.data.id of --body). It
prints "valid: v1" or "valid: v2", or "invalid: <reason>" and exits non-zero.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			given, err := bindEnv(cmd.Flags(), getenv)
			if err != nil {
				return err
			}
			switch {
			case o.key == "":
				return errors.New("--signature-key is required (or MOCKTT_SIGNATURE_KEY): the subscription's signature key")
			case !given["header"]:
				return errors.New("--header is required: the TT-Signature value to check")
			}
			body, err := readCompanyBody(o.body, cmd.InOrStdin())
			if err != nil {
				return err
			}
			now := time.Now()
			if given["now"] {
				now = time.Unix(o.now, 0)
			}
			p, err := signature.ParseCompany(o.header)
			if err == nil {
				switch {
				case p.Version == signature.CompanyV2 && body == nil:
					return errors.New("the header is v2, which signs the raw body: give --body FILE (- for stdin)")
				case p.Version == signature.CompanyV2:
					err = signature.VerifyCompanyV2(o.header, o.key, body, now, o.tolerance)
				case o.id != "":
					err = signature.VerifyCompanyV1(o.header, o.key, o.id)
				case body == nil:
					return errors.New("the header is v1, which signs the resource id: give --id, or --body to read payload.data.id")
				default:
					err = signature.VerifyCompany(o.header, o.key, body, now, o.tolerance)
				}
			}
			verdict := struct {
				Valid   bool   `json:"valid"`
				Version string `json:"version,omitempty"`
				Reason  string `json:"reason,omitempty"`
			}{err == nil, p.Version, ""}
			if err != nil {
				verdict.Reason = err.Error()
			}
			var werr error
			switch {
			case o.json:
				werr = writeJSON(stdout, verdict)
			case err == nil:
				_, werr = fmt.Fprintf(stdout, "valid: %s\n", p.Version)
			default:
				_, werr = fmt.Fprintf(stdout, "invalid: %v\n", err)
			}
			if werr == nil && err != nil {
				werr = errors.New("signature does not verify")
			}
			return werr
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.key, "signature-key", "", "the subscription's signature key (for a partner setup: the webhook secret; required)")
	f.StringVar(&o.header, "header", "", "the TT-Signature value to check (required)")
	f.StringVar(&o.id, "id", "", "payload.data.id, the value v1 signs (default: read from --body)")
	f.StringVar(&o.body, "body", "", "file with the raw webhook body, - for stdin")
	f.DurationVar(&o.tolerance, "tolerance", signature.DefaultTolerance, "how far v2's t may be from now, either way")
	f.Int64Var(&o.now, "now", 0, "time to check v2's t against, in unix seconds (default: now)")
	f.BoolVar(&o.json, "json", false, "print JSON instead of text")
	return cmd
}

// readCompanyBody reads --body (- is stdin); nil when not given.
func readCompanyBody(path string, stdin io.Reader) ([]byte, error) {
	var body []byte
	var err error
	switch path {
	case "":
		return nil, nil
	case "-":
		body, err = io.ReadAll(stdin)
	default:
		body, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("--body %s: %w", path, err)
	}
	if body == nil {
		body = []byte{}
	}
	return body, nil
}
