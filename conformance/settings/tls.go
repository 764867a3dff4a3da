package settings

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// Profiles of --profile.
const (
	ProfileDevelopment = "development"
	ProfileProduction  = "production"
)

// validateSecurity checks --profile and --ca-file and, with a CA file,
// makes every call to the partner trust it (docs/protocol.md §8).
func validateSecurity(c *Settings) []error {
	var problems []error
	if c.Profile != ProfileDevelopment && c.Profile != ProfileProduction {
		problems = append(problems, fmt.Errorf("--profile %q must be %s or %s", c.Profile, ProfileDevelopment, ProfileProduction))
	}
	c.tlsConfig = nil
	if c.CAFile == "" {
		return problems
	}
	pool, err := loadCAFile(c.CAFile)
	if err != nil {
		return append(problems, fmt.Errorf("--ca-file: %w", err))
	}
	c.tlsConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return problems
}

// loadCAFile returns the system's certificate pool (or an empty one) with
// the PEM certificates of path added.
func loadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return pool, nil
}

// TLSClientConfig returns the TLS settings every call to the partner
// uses: the --ca-file pool, or nil for the system's.
func (s *Settings) TLSClientConfig() *tls.Config { return s.tlsConfig }

// TLSConfig returns the TLS settings of calls to the partner: the
// --ca-file pool, if any. The security checks copy it to probe versions.
func TLSConfig() *tls.Config {
	if c := TestContext.tlsConfig; c != nil {
		return c.Clone()
	}
	return &tls.Config{}
}
