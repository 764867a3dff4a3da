package settings

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/internal/secret"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
)

// Settings is everything the suite is told about the partner under test.
// Flags fill it (RegisterFlags), AfterReadingAllFlags validates it and
// derives the provider key; after that it is read-only.
type Settings struct {
	// BaseURL is the partner's BASE_URL (docs/protocol.md §1).
	BaseURL string
	// APIKey is the partner API key: it signs JWT provider keys (§4) and
	// authenticates the partner's calls to the embedded mock (§2).
	APIKey string
	// WebhookSecret signs webhooks and actions (§1.2).
	WebhookSecret string
	// ProviderKey is sent as "Authorization: Bearer <key>" (§1). Given, or
	// built from ActivationFields, or a random UUID.
	ProviderKey string
	// ActivationFields are activation form values to build a JWT provider
	// key from, as Teamtailor does (§4).
	ActivationFields map[string]string
	// ActivationConfig is the path of a static activation config (§4); the
	// partner's GET /activation is used when it is empty.
	ActivationConfig string
	// WebhookConfig is the path of the partner's static webhook-config
	// (§2.1, §3): Teamtailor does not fetch /config then. "" when the
	// partner serves /config (or PUTs its static config on the embedded
	// mock's Partner API during the run).
	WebhookConfig string
	// webhookConfigDoc is the content of WebhookConfig, read by
	// AfterReadingAllFlags.
	webhookConfigDoc []byte
	// APIToken is the company's public-API token Teamtailor sends as
	// Teamtailor-Api-Token on every call to a partner set to require it
	// (§1); "" sends none.
	APIToken string
	// RequiresAPIToken claims that the partner requires Teamtailor-Api-Token:
	// the checks that a missing or wrong token is refused run.
	RequiresAPIToken bool
	// CompanyWebhooks is the path under BASE_URL of the partner's receiver
	// of company events (docs/company-webhooks.md): "" claims none, and
	// the company-webhooks checks are skipped.
	CompanyWebhooks string
	// CompanyWebhookScheme is how that receiver is fed: CompanySchemeSetup
	// (a partner webhook setup, the default), CompanySchemeV1 or
	// CompanySchemeV2 (a company webhook subscription of that signature
	// version).
	CompanyWebhookScheme string
	// CompanyWebhookKey is the signature key of a company webhook
	// subscription; "" is WebhookSecret, which a partner setup signs with.
	CompanyWebhookKey string

	// MockListen is where the embedded mock listens; port 0 picks a free
	// port, so each parallel process gets its own mock.
	MockListen string
	// MockPublicURL is the mock's URL as the partner reaches it, used in
	// update-url; by default http://<the address it listens on>.
	MockPublicURL string
	// TeamtailorHost is the host[:port] every call to the partner carries
	// as Teamtailor-Host: "" is the EU stack's host, as Teamtailor sends
	// it, and TeamtailorHostMock the embedded mock's own host:port
	// (docs/protocol.md §1, Decision).
	TeamtailorHost string
	// Timeout bounds each call to the partner and each wait for it.
	Timeout time.Duration

	// Capabilities the partner claims; a check that needs one it does not
	// claim is skipped.
	VerifiesSignatures bool
	Assessment         bool
	Bulk               bool
	Actions            bool

	// Fixtures is a folder of imported fixtures (mockteamtailor fixtures
	// import): scrubbed captured webhooks that webhook/edge-case-candidates
	// sends besides the shipped candidate fixtures.
	Fixtures string
	// imported are the fixtures of Fixtures, read by AfterReadingAllFlags.
	imported []fixtures.Imported
	// Strict makes warnings (failed SHOULD checks) fail the run.
	Strict bool
	// Profile is "development" (the default) or "production": in
	// production a BASE_URL on plain http is a warning (docs/protocol.md §8).
	Profile string
	// CAFile is a PEM file of certificate authorities the suite trusts for
	// an https BASE_URL besides the system's, e.g. a local self-signed one.
	CAFile string

	// BaselineFile lists known failures (--baseline); WriteBaseline is
	// where to write the run's baseline (--write-baseline); baseline is
	// BaselineFile read by AfterReadingAllFlags.
	BaselineFile  string
	WriteBaseline string
	baseline      Baseline
	// tlsConfig is what --ca-file makes calls to the partner trust.
	tlsConfig *tls.Config

	// Reports to write besides the console output.
	JUnitReport string
	JSONReport  string
	HTMLReport  string

	// providerKeySource says how ProviderKey was obtained, for messages.
	providerKeySource string
}

// TestContext is the suite's settings. It is written only before the specs
// run (flags, then AfterReadingAllFlags) and only read while they run.
var TestContext Settings

// EnvPrefix starts the environment variable of every flag: --base-url is
// also TTCONF_BASE_URL.
const EnvPrefix = "TTCONF_"

// EnvName returns the environment variable matching a flag name.
func EnvName(flagName string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// TeamtailorHostMock is the --teamtailor-host value that announces the
// embedded mock's own host:port.
const TeamtailorHostMock = "mock"

// defaultTimeout is the default of --timeout.
const defaultTimeout = 10 * time.Second

// fieldsFlag collects repeated --activation-field key=value flags.
type fieldsFlag map[string]string

func (f fieldsFlag) String() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(f)) {
		parts = append(parts, k+"="+f[k])
	}
	return strings.Join(parts, ",")
}

func (f fieldsFlag) Set(v string) error {
	for _, pair := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || k == "" {
			return fmt.Errorf("%q is not key=value", pair)
		}
		f[k] = val
	}
	return nil
}

// RegisterFlags binds the suite's flags to fs, each defaulting to its
// TTCONF_* environment variable read through getenv. Bad environment
// values are reported by AfterReadingAllFlags.
func RegisterFlags(fs *flag.FlagSet, getenv func(string) string) {
	c := &TestContext
	c.ActivationFields = fieldsFlag{}
	envProblems = nil
	str := func(dst *string, name, def, usage string) {
		v := getenv(EnvName(name))
		if v == "" {
			v = def
		}
		fs.StringVar(dst, name, v, usage+"; env "+EnvName(name))
	}
	boolean := func(dst *bool, name, usage string) {
		v := false
		if s := getenv(EnvName(name)); s != "" {
			b, err := strconv.ParseBool(s)
			if err != nil {
				envProblems = append(envProblems, fmt.Errorf("%s=%q is not a boolean (use true or false)", EnvName(name), s))
			}
			v = b
		}
		fs.BoolVar(dst, name, v, usage+"; env "+EnvName(name))
	}
	str(&c.BaseURL, "base-url", "", "the partner's BASE_URL, e.g. http://localhost:3000 (required)")
	str(&c.APIKey, "api-key", "", "the partner API key, as in the integration's settings (required): signs JWT provider keys and authenticates the partner's result posts")
	str(&c.WebhookSecret, "webhook-secret", "", "the webhook secret (signature key) (required): every webhook is signed, docs/protocol.md §1.2")
	str(&c.ProviderKey, "provider-key", "", "the provider key sent as \"Authorization: Bearer <key>\"; default: a JWT built from --activation-field values, or a random UUID (a form without fields)")
	fields := fieldsFlag(c.ActivationFields)
	if v := getenv(EnvName("activation-field")); v != "" {
		if err := fields.Set(v); err != nil {
			envProblems = append(envProblems, fmt.Errorf("%s: %w", EnvName("activation-field"), err))
		}
	}
	fs.Var(fields, "activation-field", "an activation form value key=value (repeatable, or comma separated): the provider key becomes a JWT (HS256, signed with the API key) carrying them, as Teamtailor builds it; env "+EnvName("activation-field"))
	str(&c.ActivationConfig, "activation-config", "", "file holding the partner's static activation config; default: GET BASE_URL/activation")
	str(&c.WebhookConfig, "webhook-config", "", "`FILE` holding the partner's static webhook-config (the config document it gives Teamtailor instead of serving /config, docs/protocol.md §2.1): the /config calls are skipped, the document is judged by the config rules and webhook-data is built from it; default: GET BASE_URL/config, unless the partner PUTs a webhook-config on the embedded mock's Partner API")
	str(&c.APIToken, "api-token", "", "send `TOKEN`, the company's public-API token, as Teamtailor-Api-Token on every call, as Teamtailor does for a partner set to require one (docs/protocol.md §1); default: none")
	str(&c.MockListen, "mock-listen", "127.0.0.1:0", "address of the embedded mock that receives the partner's result posts; port 0 picks a free one (a fixed port needs a single process, not ginkgo -p)")
	str(&c.MockPublicURL, "mock-public-url", "", "the embedded mock's URL as the partner reaches it (update-url points there); default http://<mock-listen address>")
	str(&c.TeamtailorHost, "teamtailor-host", "", "the host[:port] sent as Teamtailor-Host; \""+TeamtailorHostMock+"\" sends the embedded mock's own host:port, for a partner that builds its Partner API URL from that header; default: api.teamtailor.com, as Teamtailor sends it")
	timeout := defaultTimeout
	if s := getenv(EnvName("timeout")); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			envProblems = append(envProblems, fmt.Errorf("%s=%q is not a duration such as 10s", EnvName("timeout"), s))
		}
		timeout = d
	}
	fs.DurationVar(&c.Timeout, "timeout", timeout, "how long the partner may take to answer a call or to post a result; env "+EnvName("timeout"))
	boolean(&c.VerifiesSignatures, "verifies-signatures", "the partner verifies Teamtailor-Signature: run the signature checks")
	boolean(&c.Assessment, "assessment", "the partner has the assessment capability and posts results: run the results checks")
	boolean(&c.Bulk, "bulk", "the partner allows bulk mode: run the bulk checks (config without job, bulk webhook)")
	boolean(&c.Actions, "actions", "the partner's results declare actions: run the actions checks")
	str(&c.CompanyWebhooks, "company-webhooks", "", "`PATH` under BASE_URL of the partner's receiver of company events (candidate.*, job.*, job_application.*, docs/company-webhooks.md): run the company-webhooks checks, e.g. --company-webhooks teamtailor/events")
	str(&c.CompanyWebhookScheme, "company-webhook-scheme", CompanySchemeSetup, "how the --company-webhooks receiver is fed: `setup` (a partner webhook setup: Bearer provider key, Teamtailor-Signature and a v1 TT-Signature, keyed with --webhook-secret), v1 or v2 (a company webhook subscription signing TT-Signature that way with --company-webhook-key)")
	str(&c.CompanyWebhookKey, "company-webhook-key", "", "the signature key of the company webhook subscription (--company-webhook-scheme v1 or v2); default: --webhook-secret")
	boolean(&c.RequiresAPIToken, "requires-api-token", "the partner requires Teamtailor-Api-Token: run the checks that a missing or wrong token is refused (give the token with --api-token)")
	str(&c.Fixtures, "fixtures", "", "folder of imported fixtures (mockteamtailor fixtures import): webhook/edge-case-candidates also sends each of them, named in its verdict")
	str(&c.Profile, "profile", ProfileDevelopment, "`development` or `production`: with production, a BASE_URL on plain http is a warning (security/https)")
	str(&c.CAFile, "ca-file", "", "PEM `FILE` of certificate authorities to trust for an https BASE_URL besides the system's (a local or self-signed certificate)")
	boolean(&c.Strict, "strict", "fail the run (exit 1) on warnings too: failed SHOULD checks (replay window, 401 without a provider key, ...)")
	str(&c.BaselineFile, "baseline", "", "a JSON file of known failures (check, reason, optional expires date): a failure it lists does not fail the run (it is shown); an entry whose check passes now, or that expired, fails the run as stale")
	str(&c.WriteBaseline, "write-baseline", "", "write the baseline of this run to this file (every failure and warning; with --baseline, its entries' reasons and expiry kept, stale ones dropped) and judge the run against it")
	str(&c.JUnitReport, "junit-report", "", "write a JUnit XML report to this file (its folder is created)")
	str(&c.JSONReport, "json-report", "", "write the results document (report.schema.json) to this file")
	str(&c.HTMLReport, "html-report", "", "write an HTML report with every request and response, secrets redacted, to this file")
}

// maxStaticConfig bounds the --webhook-config file read: the Partner API
// takes bodies of at most 1 MiB (docs/protocol.md §2).
const maxStaticConfig = 1 << 20

// envProblems are bad environment values RegisterFlags met.
var envProblems []error

// AfterReadingAllFlags validates TestContext, reporting every problem at
// once, and derives what the flags leave implicit: the provider key.
func AfterReadingAllFlags() error {
	c := &TestContext
	problems := append([]error(nil), envProblems...)
	if c.BaseURL == "" {
		problems = append(problems, fmt.Errorf("--base-url (or %s) is required: the partner's BASE_URL, e.g. --base-url http://localhost:3000", EnvName("base-url")))
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, fmt.Errorf("--base-url %q must be an absolute http(s) URL such as http://localhost:3000", c.BaseURL))
	}
	if c.APIKey == "" {
		problems = append(problems, fmt.Errorf("--api-key (or %s) is required: the partner API key from the integration's settings", EnvName("api-key")))
	}
	if c.WebhookSecret == "" {
		problems = append(problems, fmt.Errorf("--webhook-secret (or %s) is required: the webhook secret (signature key) from the integration's settings", EnvName("webhook-secret")))
	}
	if c.ProviderKey != "" && len(c.ActivationFields) > 0 {
		problems = append(problems, errors.New("give --provider-key or --activation-field, not both: the activation fields build the provider key"))
	}
	if _, _, err := net.SplitHostPort(c.MockListen); err != nil {
		problems = append(problems, fmt.Errorf("--mock-listen %q must be host:port, e.g. 0.0.0.0:8081", c.MockListen))
	}
	if c.MockPublicURL != "" {
		if u, err := url.Parse(c.MockPublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, fmt.Errorf("--mock-public-url %q must be an absolute http(s) URL such as http://suite:8081", c.MockPublicURL))
		}
	}
	if h := c.TeamtailorHost; h != "" && h != TeamtailorHostMock {
		if u, err := url.Parse("http://" + h); err != nil || u.Host != h || u.User != nil || u.Hostname() == "" {
			problems = append(problems, fmt.Errorf("--teamtailor-host %q must be a host with an optional port, such as 127.0.0.1:8081, or %q (no scheme or path)", h, TeamtailorHostMock))
		}
	}
	if c.Timeout <= 0 {
		problems = append(problems, fmt.Errorf("--timeout must be positive, got %s", c.Timeout))
	}
	if c.ActivationConfig != "" {
		if _, err := os.Stat(c.ActivationConfig); err != nil {
			problems = append(problems, fmt.Errorf("--activation-config: %w", err))
		}
	}
	if c.RequiresAPIToken && c.APIToken == "" {
		problems = append(problems, fmt.Errorf("--requires-api-token needs --api-token (or %s): the token the partner accepts", EnvName("api-token")))
	}
	c.baseline = Baseline{}
	if c.BaselineFile != "" {
		b, err := ReadBaseline(c.BaselineFile)
		if err != nil {
			problems = append(problems, fmt.Errorf("--baseline: %w", err))
		}
		c.baseline = b
	}
	c.webhookConfigDoc = nil
	if c.WebhookConfig != "" {
		doc, err := os.ReadFile(c.WebhookConfig)
		switch {
		case err != nil:
			problems = append(problems, fmt.Errorf("--webhook-config: %w", err))
		case len(doc) > maxStaticConfig:
			problems = append(problems, fmt.Errorf("--webhook-config %s holds %d bytes; a config document is at most %d", filepath.Base(c.WebhookConfig), len(doc), maxStaticConfig))
		default:
			c.webhookConfigDoc = doc
		}
	}
	problems = append(problems, validateSecurity(c)...)
	problems = append(problems, validateCompanyWebhooks(c)...)
	c.imported = nil
	if c.Fixtures != "" {
		fs, err := fixtures.LoadImported(c.Fixtures)
		switch {
		case err != nil:
			problems = append(problems, fmt.Errorf("--fixtures: %w", err))
		case len(fs) == 0:
			problems = append(problems, fmt.Errorf("--fixtures %s holds no *.json fixtures (mockteamtailor fixtures import writes them)", c.Fixtures))
		}
		c.imported = fs
	}
	if err := errors.Join(problems...); err != nil {
		return err
	}
	switch {
	case c.ProviderKey != "":
		c.providerKeySource = "--provider-key"
	case len(c.ActivationFields) > 0:
		// docs/protocol.md §4: a form with fields gives a JWT signed with the API key.
		key, err := providerkey.NewJWT(c.APIKey, c.ActivationFields, time.Now())
		if err != nil {
			return fmt.Errorf("--activation-field: %w", err)
		}
		c.ProviderKey, c.providerKeySource = key, "a JWT built from --activation-field"
	default:
		// docs/protocol.md §4: a form without fields gives a random UUID.
		c.ProviderKey, c.providerKeySource = uuid.NewString(), "a random UUID (no --provider-key or --activation-field)"
	}
	return nil
}

// Capability is a partner capability a check may need: the flag that
// claims it.
type Capability string

// The capabilities, named by their flags.
const (
	CapSignatures Capability = "--verifies-signatures"
	CapAssessment Capability = "--assessment"
	CapBulk       Capability = "--bulk"
	CapActions    Capability = "--actions"
	CapAPIToken   Capability = "--requires-api-token"
	// CapCompanyWebhooks is claimed by giving the receiver's path.
	CapCompanyWebhooks Capability = "--company-webhooks"
)

// Claims reports whether the partner claims capability c, or each of
// the comma-separated capabilities c names.
func (s Settings) Claims(c Capability) bool {
	return s.missing(c) == ""
}

// missing returns the capabilities of c the partner does not claim,
// comma-separated, or "".
func (s Settings) missing(c Capability) Capability {
	var out []string
	for _, one := range strings.Split(string(c), ",") {
		if one == "" {
			continue
		}
		if !s.claims(Capability(one)) {
			out = append(out, one)
		}
	}
	return Capability(strings.Join(out, ","))
}

func (s Settings) claims(c Capability) bool {
	switch c {
	case "":
		return true
	case CapSignatures:
		return s.VerifiesSignatures
	case CapAssessment:
		return s.Assessment
	case CapBulk:
		return s.Bulk
	case CapActions:
		return s.Actions
	case CapAPIToken:
		return s.RequiresAPIToken
	case CapCompanyWebhooks:
		return s.CompanyWebhooks != ""
	}
	return false
}

// CapabilityPrefix starts the reason of every check skipped because the
// partner does not claim what it needs.
const CapabilityPrefix = "capability not claimed: "

// Secrets returns the values reports must never show, longest first.
func (s Settings) Secrets() []string {
	var out []string
	for _, v := range []string{s.APIKey, s.WebhookSecret, s.ProviderKey, s.APIToken, s.CompanyWebhookKey} {
		if v != "" {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// MaskSecret shows the start of a secret and hides the rest, as the mock
// does in its journal.
func MaskSecret(s string) string { return secret.Mask(s) }

// WebhookConfigDoc returns the content of --webhook-config, nil without it.
func (s *Settings) WebhookConfigDoc() []byte { return s.webhookConfigDoc }

// Imported returns the fixtures of --fixtures.
func (s *Settings) Imported() []fixtures.Imported { return s.imported }

// ProviderKeySource says how ProviderKey was obtained, for messages.
func (s *Settings) ProviderKeySource() string { return s.providerKeySource }

// Baseline returns the baseline of --baseline, empty without it.
func (s *Settings) Baseline() Baseline { return s.baseline }
