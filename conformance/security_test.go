package conformance_test

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
)

// testedElsewhere are the checks no partner of the broken partner table
// can break, since the table serves plain http with every capability
// claimed: TestSecurityTransport breaks the transport ones,
// TestCapabilitiesNotClaimedSkipTheirChecks capabilities/claims-match,
// TestCompanyWebhookReceivers the company-webhooks checks, with receivers
// of their own.
var testedElsewhere = []string{"security/https", "security/tls-version", "security/hsts", "capabilities/claims-match",
	"company-webhooks/events-accepted", "company-webhooks/raw-body-accepted", "company-webhooks/forged-refused"}

// serveTLS serves the example partner over https with a local
// self-signed certificate, optionally allowing TLS 1.0 and adding HSTS,
// and returns its URL and a PEM file of its certificate for --ca-file.
func serveTLS(t *testing.T, minVersion uint16, hsts bool) (string, string) {
	t.Helper()
	listen := freeAddr(t)
	ep, err := examplepartner.New(examplepartner.Config{APIKey: selfAPIKey, WebhookSecret: selfSecret, TeamtailorURL: "http://" + listen})
	if err != nil {
		t.Fatal(err)
	}
	h := http.Handler(ep)
	if hsts {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000")
			ep.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{MinVersion: minVersion}
	srv.StartTLS()
	mockListen.Store(srv.URL, listen)
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ep.Close(ctx)
	})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv.URL, ca
}

// TestSecurityTransport: an https partner with TLS ≥ 1.2 and HSTS passes
// the transport checks; each defect fails (or warns on) exactly its check;
// plain http is a warning in the production profile only.
func TestSecurityTransport(t *testing.T) {
	skipWhenSuiteRequested(t)
	focus := []string{"--focus", "security/", "--activation-field", selfActivation, "--assessment", "--actions"}
	cases := []struct {
		name    string
		serve   func(t *testing.T) (string, []string)
		outcome map[string]string // the checks not passing
		exit    int
	}{
		{"https with HSTS", func(t *testing.T) (string, []string) {
			u, ca := serveTLS(t, tls.VersionTLS12, true)
			return u, []string{"--ca-file", ca, "--profile", "production"}
		}, nil, 0},
		{"https without HSTS", func(t *testing.T) (string, []string) {
			u, ca := serveTLS(t, tls.VersionTLS12, false)
			return u, []string{"--ca-file", ca}
		}, map[string]string{"security/hsts": report.OutcomeWarning}, 0},
		{"https taking TLS 1.0", func(t *testing.T) (string, []string) {
			u, ca := serveTLS(t, tls.VersionTLS10, true)
			return u, []string{"--ca-file", ca}
		}, map[string]string{"security/tls-version": report.OutcomeFail}, 1},
		{"plain http in production", func(t *testing.T) (string, []string) {
			return fakePartner{}.serve(t), []string{"--profile", "production"}
		}, map[string]string{"security/https": report.OutcomeWarning}, 0},
		{"plain http in development", func(t *testing.T) (string, []string) {
			return fakePartner{}.serve(t), nil
		}, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base, extra := tc.serve(t)
			r := runSuite(t, base, append(append([]string(nil), focus...), extra...)...)
			if r.exit != tc.exit {
				t.Errorf("exit = %d, want %d\n%s\n%s", r.exit, tc.exit, r.stdout, r.stderr)
			}
			for _, c := range r.results.Checks {
				if c.Label != "security" {
					continue
				}
				want := report.OutcomePass
				if o, ok := tc.outcome[c.ID]; ok {
					want = o
				}
				if c.Outcome != want {
					t.Errorf("%s: %s, want %s: %s", c.ID, c.Outcome, want, c.Reason)
				}
			}
		})
	}
}
