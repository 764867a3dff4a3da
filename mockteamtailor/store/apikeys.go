package store

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// Scopes of a company API key (docs/public-api.md §2): what part of
// the company's data a key of Teamtailor's public API sees.
const (
	ScopePublic   = "public"
	ScopeInternal = "internal"
	ScopeAdmin    = "admin"
)

// APIKey is a company API key of Teamtailor's public API (/v1): the key,
// its scope and its permissions.
type APIKey struct {
	Key   string `json:"key"`
	Scope string `json:"scope"`
	Read  bool   `json:"read"`
	Write bool   `json:"write"`
}

// APIKeys returns the company's public-API keys. Each of APITokens is an
// admin key with read and write permissions: those are the keys an
// activation of a partner that requires a token picks from, and the
// partner needs an admin key to read candidates. The first token also
// gives the company an internal key (read and write) and a public key
// (read only), derived from it rather than stored, so that a state file
// written before keys had scopes, and a seeded run, get the same keys
// without drawing anything more from the id source.
//
// Once keys were created or revoked, Keys holds them all and APIKeys
// returns those.
func (c Company) APIKeys() []APIKey {
	if c.KeysSet {
		return slices.Clone(c.Keys)
	}
	keys := make([]APIKey, 0, len(c.APITokens)+2)
	for _, t := range c.APITokens {
		keys = append(keys, APIKey{Key: t, Scope: ScopeAdmin, Read: true, Write: true})
	}
	if len(c.APITokens) > 0 {
		keys = append(keys,
			APIKey{Key: derivedKey(c.APITokens[0], ScopeInternal), Scope: ScopeInternal, Read: true, Write: true},
			APIKey{Key: derivedKey(c.APITokens[0], ScopePublic), Scope: ScopePublic, Read: true})
	}
	return keys
}

// APIKey returns the company's key whose value is key.
func (c Company) APIKey(key string) (APIKey, bool) {
	for _, k := range c.APIKeys() {
		if k.Key == key {
			return k, true
		}
	}
	return APIKey{}, false
}

// derivedKey is the key of scope derived from an admin key: one way, so
// a public key never reveals the admin key it came from.
func derivedKey(admin, scope string) string {
	sum := sha256.Sum256([]byte("mockteamtailor public-api key\x00" + scope + "\x00" + admin))
	return "ttapi_" + hex.EncodeToString(sum[:16])
}

// AddAPIKey adds a key to the company's keys, which from then on are
// kept in Keys. An admin key with read and write is also one of
// APITokens, which activations pick from.
func (c *Company) AddAPIKey(k APIKey) {
	c.Keys, c.KeysSet = append(c.APIKeys(), k), true
	if k.Scope == ScopeAdmin && k.Read && k.Write {
		c.APITokens = append(c.APITokens, k.Key)
	}
}

// RevokeAPIKey removes a key from the company's keys and APITokens; it
// reports false when the company has no such key. Activations that carry
// it keep it, and /v1 refuses it, as Teamtailor does with a deleted key.
func (c *Company) RevokeAPIKey(key string) bool {
	keys := c.APIKeys()
	i := slices.IndexFunc(keys, func(k APIKey) bool { return k.Key == key })
	if i < 0 {
		return false
	}
	c.Keys, c.KeysSet = slices.Delete(keys, i, i+1), true
	c.APITokens = slices.DeleteFunc(slices.Clone(c.APITokens), func(t string) bool { return t == key })
	return true
}

// scopeRank orders scopes: a key of a scope sees what the smaller ones see.
var scopeRank = map[string]int{ScopePublic: 0, ScopeInternal: 1, ScopeAdmin: 2}

// Satisfies reports whether the key allows scope and permissions (read,
// write or read/write; "" means read/write): its scope is scope or a
// larger one, and it has every permission asked for.
func (k APIKey) Satisfies(scope, permissions string) bool {
	if scope == "" {
		scope = ScopeAdmin
	}
	rank, ok := scopeRank[scope]
	if !ok || scopeRank[k.Scope] < rank {
		return false
	}
	switch permissions {
	case "read":
		return k.Read
	case "write":
		return k.Write
	case "read/write", "":
		return k.Read && k.Write
	}
	return false
}

// TokensFor returns the company's keys an activation of a partner that
// requires scope and permissions may pick: the smallest scope first (the
// one an activation picks when none is chosen), then the company's order.
func (c Company) TokensFor(scope, permissions string) []string {
	var keys []APIKey
	for _, k := range c.APIKeys() {
		if k.Satisfies(scope, permissions) {
			keys = append(keys, k)
		}
	}
	slices.SortStableFunc(keys, func(a, b APIKey) int { return scopeRank[a.Scope] - scopeRank[b.Scope] })
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.Key
	}
	return out
}
