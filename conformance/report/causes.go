package report

import (
	"strings"
)

// Cause is a root cause the suite recognised in the failures: one defect
// that explains them, what shows it, and the one fix.
type Cause struct {
	// ID names the cause: hang, webhook-secret, provider-key, base-url,
	// redirect, tls, dns, mock, and the causes checks recognise from their
	// probes: no-verification, crash, legacy-signature, docs-sample,
	// key-lookup (framework/verifier.go), and the company-event receiver's
	// company-header-name, company-v1-body, company-reserialised-body,
	// company-unverified (framework/companyhooks.go).
	ID       string `json:"id"`
	Title    string `json:"title"`
	Evidence string `json:"evidence"`
	Fix      string `json:"fix"`
	// Checks are the checks it explains (failed, erred or skipped).
	Checks []string `json:"checks"`
}

// FirstLines returns the first n lines of s.
func FirstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[:min(n, len(lines))], " ")
}
