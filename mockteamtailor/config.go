package mockteamtailor

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/guard"
)

// stacks maps Teamtailor's stacks to their Partner API hosts (docs/protocol.md §1).
// The host is what the mock sends as Teamtailor-Host.
var stacks = map[string]string{
	"eu": "api.teamtailor.com",
	"na": "api.na.teamtailor.com",
	"ap": "api.au.teamtailor.com",
}

// StackHost returns the Partner API host of a stack ("eu", "na", "ap"),
// and whether there is such a stack.
func StackHost(stack string) (string, bool) {
	h, ok := stacks[stack]
	return h, ok
}

// Config is the mock's configuration, plain data. DefaultConfig holds the
// documented defaults; Validate reports every problem at once.
type Config struct {
	// PublicURL is the base URL the mock hands out in links.self, paging
	// links and update-url, e.g. "http://127.0.0.1:8080". A partner must be
	// able to reach it.
	PublicURL string
	// Stack is eu, na or ap; its host goes into Teamtailor-Host unless
	// TeamtailorHost is set.
	Stack string
	// TeamtailorHost, when set, is the host[:port] the mock announces in
	// Teamtailor-Host instead of the stack's host, such as the host of
	// PublicURL, so a partner that builds its Partner API URL from the
	// header reaches the mock (docs/protocol.md §1, Decision).
	TeamtailorHost string
	// MaxBodyBytes caps request bodies; larger ones get a 413.
	MaxBodyBytes int64
	// DefaultPageSize and MaxPageSize bound JSON:API paging
	// (docs/protocol.md §2.3: default 10, at most 30).
	DefaultPageSize int
	MaxPageSize     int
	// AcceptUnknownCandidates lets a partner create a result for a
	// candidate id the mock does not hold; by default that is a 422
	// (docs/protocol.md §2.3, Decision).
	AcceptUnknownCandidates bool
	// RateLimit is how many Partner API requests one partner may make per
	// RateWindow. The X-Rate-Limit-* headers always report it; requests
	// over it get a 429 only when EnforceRateLimit is set.
	RateLimit        int
	RateWindow       time.Duration
	EnforceRateLimit bool

	// DeliveryTimeout bounds every call the mock makes to a partner.
	// docs/protocol.md §1.3 Decision: 30 s by default, and no retries.
	DeliveryTimeout time.Duration
	// BulkConcurrency is how many webhooks of a bulk trigger are in
	// flight at once.
	BulkConcurrency int
	// JournalBodyLimit is how many bytes of each body the journal keeps.
	JournalBodyLimit int
	// FileURLTTL is how long a signed URL of an uploaded file works
	// (docs/protocol.md §1.1: 60 seconds).
	FileURLTTL time.Duration
	// UserAgent is sent on every call to a partner.
	UserAgent string

	// AllowedHosts are host names the mock answers besides IP addresses,
	// localhost, *.localhost and the host of PublicURL ("*" answers any
	// Host: unsafe, it lets DNS rebinding through; "*.example.com" any
	// subdomain). Every other Host gets a 403 (package guard). Validate
	// refuses names that could never match (guard.CheckAllowedHost), and
	// NewServer logs a warning for "*".
	AllowedHosts []string
	// ControlToken, when set, is required by the control API and the web
	// UI (Authorization: Bearer, or the UI's cookie). serve sets one
	// whenever it listens beyond loopback.
	ControlToken string
}

// DefaultConfig returns the defaults: a mock on 127.0.0.1:8080 on the EU
// stack, 1 MiB bodies, pages of 10 (at most 30, Teamtailor's cap), and Teamtailor's
// published rate limit of 50 requests per 10 seconds, reported but not
// enforced.
func DefaultConfig() Config {
	return Config{
		PublicURL:        "http://127.0.0.1:8080",
		Stack:            "eu",
		MaxBodyBytes:     1 << 20,
		DefaultPageSize:  10,
		MaxPageSize:      30,
		RateLimit:        50,
		RateWindow:       10 * time.Second,
		DeliveryTimeout:  30 * time.Second,
		BulkConcurrency:  8,
		JournalBodyLimit: 64 << 10,
		FileURLTTL:       60 * time.Second,
		UserAgent:        "mockteamtailor/dev (Teamtailor partner protocol emulator)",
	}
}

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var problems []error
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, fmt.Errorf("public URL %q must be an absolute http(s) URL such as http://127.0.0.1:8080", c.PublicURL))
	} else if u.RawQuery != "" || u.Fragment != "" {
		problems = append(problems, fmt.Errorf("public URL %q must not have a query or fragment", c.PublicURL))
	}
	if _, ok := StackHost(c.Stack); !ok {
		problems = append(problems, fmt.Errorf("stack %q is not one of eu, na, ap", c.Stack))
	}
	if c.TeamtailorHost != "" {
		if err := checkHostPort(c.TeamtailorHost); err != nil {
			problems = append(problems, fmt.Errorf("Teamtailor-Host %q %w", c.TeamtailorHost, err))
		}
	}
	if c.MaxBodyBytes <= 0 {
		problems = append(problems, errors.New("max body bytes must be positive"))
	}
	if c.DefaultPageSize <= 0 || c.MaxPageSize < c.DefaultPageSize {
		problems = append(problems, fmt.Errorf("page sizes must satisfy 0 < default (%d) <= max (%d)", c.DefaultPageSize, c.MaxPageSize))
	}
	if c.RateLimit <= 0 {
		problems = append(problems, fmt.Errorf("rate limit must be positive, got %d", c.RateLimit))
	}
	if c.DeliveryTimeout <= 0 {
		problems = append(problems, fmt.Errorf("delivery timeout must be positive, got %s", c.DeliveryTimeout))
	}
	if c.BulkConcurrency < 1 || c.BulkConcurrency > 256 {
		problems = append(problems, fmt.Errorf("bulk concurrency must be 1 to 256, got %d", c.BulkConcurrency))
	}
	if c.JournalBodyLimit < 0 {
		problems = append(problems, fmt.Errorf("journal body limit must not be negative, got %d", c.JournalBodyLimit))
	}
	if c.FileURLTTL <= 0 {
		problems = append(problems, fmt.Errorf("file URL lifetime must be positive, got %s", c.FileURLTTL))
	}
	if c.RateWindow < time.Second {
		problems = append(problems, fmt.Errorf("rate window must be at least 1s, got %s", c.RateWindow))
	}
	for _, h := range c.AllowedHosts {
		if err := guard.CheckAllowedHost(h); err != nil {
			problems = append(problems, fmt.Errorf("allowed host %w", err))
		}
	}
	return errors.Join(problems...)
}

// StackHost returns the Partner API host of the configured stack.
func (c Config) StackHost() string { return stacks[c.Stack] }

// HostHeader is the value of Teamtailor-Host on every call to a partner:
// TeamtailorHost when set, else the stack's host.
func (c Config) HostHeader() string {
	if c.TeamtailorHost != "" {
		return c.TeamtailorHost
	}
	return c.StackHost()
}

// checkHostPort accepts a host name or IP address with an optional port,
// as the Host header carries it: no scheme, path or user.
func checkHostPort(hp string) error {
	u, err := url.Parse("http://" + hp)
	switch {
	case err != nil || u.Host != hp || u.User != nil || u.Hostname() == "":
		return errors.New("must be a host with an optional port, such as api.teamtailor.com or 127.0.0.1:8080 (no scheme or path)")
	case u.Port() != "":
		if n, err := strconv.Atoi(u.Port()); err != nil || n < 1 || n > 65535 {
			return errors.New("has a port that is not 1 to 65535")
		}
	}
	return nil
}

// baseURL is PublicURL without a trailing slash.
func (c Config) baseURL() string { return strings.TrimRight(c.PublicURL, "/") }
