package providerkey

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// issuedAtClaim is the one claim beside the form values. docs/protocol.md §4
// Decision: the claims carry iat and nothing else.
const issuedAtClaim = "iat"

// jwtAlg is the only algorithm provider-key JWTs use (docs/protocol.md §4).
const jwtAlg = "HS256"

// NewJWT returns the provider key of an activation whose form has fields
// (docs/protocol.md §4): a JWT signed HS256 with the partner API key whose claims are
// the submitted values keyed by field id, plus iat, issuedAt in unix
// seconds. A value keyed "iat" is an error, since it would overwrite the
// claim. Empty values give a token carrying only iat; a form without fields
// gets a UUID instead, which is the caller's choice to make.
func NewJWT(apiKey string, values map[string]string, issuedAt time.Time) (string, error) {
	if apiKey == "" {
		return "", errors.New("jwt: the partner API key is empty")
	}
	claims := jwt.MapClaims{issuedAtClaim: issuedAt.Unix()}
	for k, v := range values {
		if k == issuedAtClaim {
			return "", fmt.Errorf("jwt: a form value may not be keyed %q, the issued-at claim", issuedAtClaim)
		}
		claims[k] = v
	}
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(apiKey))
	if err != nil {
		return "", fmt.Errorf("jwt: %w", err)
	}
	return token, nil
}

// ParseJWT verifies a provider-key JWT with the partner API key and returns
// its values (every claim except iat) and its iat. It accepts only HS256
// (alg none and every other algorithm are refused), requires iat to be a
// whole number of unix seconds and every other claim to be a string, and
// does not compare iat or any other claim with the clock, so it is a pure
// function of its inputs.
func ParseJWT(apiKey, token string) (values map[string]string, issuedAt time.Time, err error) {
	if apiKey == "" {
		return nil, time.Time{}, errors.New("jwt: the partner API key is empty")
	}
	header, err := jwtHeader(token)
	if err != nil {
		return nil, time.Time{}, err
	}
	if header.Alg != jwtAlg {
		return nil, time.Time{}, fmt.Errorf("jwt: alg %q is refused; provider keys are signed %s", header.Alg, jwtAlg)
	}
	claims := jwt.MapClaims{}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{jwtAlg}), jwt.WithJSONNumber(), jwt.WithoutClaimsValidation())
	if _, err := parser.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return []byte(apiKey), nil }); err != nil {
		if errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			return nil, time.Time{}, errors.New("jwt: the signature does not verify with this partner API key")
		}
		return nil, time.Time{}, fmt.Errorf("jwt: %w", err)
	}
	iat, ok := claims[issuedAtClaim].(json.Number)
	if !ok {
		return nil, time.Time{}, fmt.Errorf("jwt: claim %q must be unix seconds, got %s", issuedAtClaim, jsonKind(claims[issuedAtClaim]))
	}
	seconds, err := iat.Int64()
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("jwt: claim %q must be whole unix seconds, got %s", issuedAtClaim, iat)
	}
	values = make(map[string]string, len(claims)-1)
	for _, k := range slices.Sorted(maps.Keys(claims)) {
		if k == issuedAtClaim {
			continue
		}
		s, ok := claims[k].(string)
		if !ok {
			return nil, time.Time{}, fmt.Errorf("jwt: claim %q is %s; every claim but iat must be a string", k, jsonKind(claims[k]))
		}
		values[k] = s
	}
	return values, time.Unix(seconds, 0), nil
}

// jsonKind names the JSON type of a decoded value, for error messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null or missing"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}
