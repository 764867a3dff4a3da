package providerkey

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Kind is what a provider key is made of (docs/protocol.md §4).
type Kind int

// The kinds of provider key.
const (
	// KindUnknown is neither of the others.
	KindUnknown Kind = iota
	// KindUUID is the key of an activation whose form has no fields.
	KindUUID
	// KindJWT is the key of an activation whose form has fields: an HS256
	// JWT of the submitted values.
	KindJWT
)

// String returns "unknown", "UUID" or "JWT".
func (k Kind) String() string {
	switch k {
	case KindUnknown:
		return "unknown"
	case KindUUID:
		return "UUID"
	case KindJWT:
		return "JWT"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// KindOf tells a provider key's kind from its shape alone, without
// verifying anything: a UUID of any version in canonical 8-4-4-4-12 form
// (either case), or a three-part base64url JWT whose header says HS256,
// whose payload is a JSON object and whose signature is not empty.
func KindOf(providerKey string) Kind {
	if isUUID(providerKey) {
		return KindUUID
	}
	if h, err := jwtHeader(providerKey); err == nil && h.Alg == jwtAlg && !strings.HasSuffix(providerKey, ".") {
		return KindJWT
	}
	return KindUnknown
}

// Check reports whether providerKey is a provider key Teamtailor could have
// issued to the partner with this API key (docs/protocol.md §4): nil for a UUID; for
// a JWT, ParseJWT must succeed. Otherwise the error says what the key looks
// like, without quoting it.
func Check(apiKey, providerKey string) error {
	switch KindOf(providerKey) {
	case KindUUID:
		return nil
	case KindJWT:
		if _, _, err := ParseJWT(apiKey, providerKey); err != nil {
			return fmt.Errorf("provider key is an HS256 JWT that is not valid: %w", err)
		}
		return nil
	}
	parts := strings.Split(providerKey, ".")
	switch {
	case providerKey == "":
		return errors.New("provider key is empty")
	case strings.HasPrefix(providerKey, "Bearer ") || strings.HasPrefix(providerKey, "Token "):
		return errors.New("provider key starts with an Authorization scheme; give the key alone")
	case len(parts) == 5:
		// docs/protocol.md §2.2: partner-activations wrap the key in a JWE.
		return errors.New("provider key looks like a compact JWE (5 parts), as partner-activations return it; decrypt it with the webhook secret first")
	case len(parts) == 3:
		h, err := jwtHeader(providerKey)
		if err != nil {
			return fmt.Errorf("provider key has three parts but is not a JWT: %w", err)
		}
		if h.Alg == jwtAlg {
			return errors.New("provider key is an HS256 JWT without a signature")
		}
		return fmt.Errorf("provider key is a JWT with alg %q; provider keys are a UUID or a JWT signed %s with the partner API key", h.Alg, jwtAlg)
	}
	return fmt.Errorf("provider key (%d characters) is neither a UUID nor an %s JWT", len(providerKey), jwtAlg)
}

// isUUID reports whether s is a UUID in canonical 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// joseHeader is the part of a JWT header KindOf and ParseJWT look at.
type joseHeader struct {
	Alg string `json:"alg"`
}

// jwtHeader checks that token has the shape of a compact JWS (three
// base64url parts, a JSON object header and payload; the signature may be
// empty, as with alg none) and returns its header. It verifies nothing.
func jwtHeader(token string) (joseHeader, error) {
	var h joseHeader
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return h, fmt.Errorf("jwt: want 3 dot-separated parts, got %d", len(parts))
	}
	for i, name := range []string{"header", "payload"} {
		raw, err := unb64(parts[i])
		var obj map[string]any
		if err != nil || json.Unmarshal(raw, &obj) != nil || obj == nil {
			return h, fmt.Errorf("jwt: the %s is not a base64url JSON object", name)
		}
		if i == 0 && json.Unmarshal(raw, &h) != nil {
			return h, errors.New("jwt: the header's alg is not a string")
		}
	}
	if _, err := unb64(parts[2]); err != nil {
		return h, errors.New("jwt: the signature is not base64url")
	}
	return h, nil
}
