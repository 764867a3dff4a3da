package protocol

import (
	"errors"
	"strconv"
	"strings"
)

// ParseAuthorization extracts the partner API key from an Authorization
// header in one of the accepted forms: "Token <key>", "Token token=<key>"
// (optionally quoted) or "Bearer <key>".
func ParseAuthorization(header string) (string, error) {
	const forms = `send "Authorization: Token <partner API key>" (also accepted: "Token token=<key>", "Bearer <key>")`
	header = strings.TrimSpace(header)
	if header == "" {
		return "", errors.New("the Authorization header is missing; " + forms)
	}
	scheme, rest, _ := strings.Cut(header, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(scheme) {
	case "token":
		if v, ok := strings.CutPrefix(rest, "token="); ok {
			rest = strings.Trim(v, `"`)
		}
	case "bearer":
	default:
		return "", errors.New("the Authorization scheme " + strconv.Quote(scheme) + " is not accepted; " + forms)
	}
	if rest == "" || strings.ContainsAny(rest, " \t,") {
		return "", errors.New("the Authorization header has no single key after the scheme; " + forms)
	}
	return rest, nil
}
