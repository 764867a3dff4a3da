// Package secret shows secrets (API keys, tokens, webhook secrets) in
// logs, journals, consoles and pages without giving them away.
package secret

import (
	"fmt"
	"strings"
)

// Mask shows the start of a secret and hides the rest.
func Mask(s string) string {
	if len(s) <= 8 {
		return strings.Repeat("•", len(s))
	}
	return s[:6] + "…" + fmt.Sprintf("(%d chars)", len(s))
}
