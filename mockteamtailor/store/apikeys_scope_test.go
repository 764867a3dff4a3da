package store

import (
	"slices"
	"testing"
)

// A key satisfies a required scope when its own is that or larger, and
// has every permission asked for; an activation may pick only those, the
// smallest scope first.
func TestTokensFor(t *testing.T) {
	c := Company{APITokens: []string{"adm"}}
	keys := c.APIKeys()
	internal, public := keys[1].Key, keys[2].Key
	c.AddAPIKey(APIKey{Key: "pubw", Scope: ScopePublic, Write: true})
	for _, tc := range []struct {
		scope, perms string
		want         []string
	}{
		{"", "", []string{"adm"}},
		{ScopeAdmin, "read/write", []string{"adm"}},
		{ScopeInternal, "read", []string{internal, "adm"}},
		{ScopePublic, "read", []string{public, internal, "adm"}},
		{ScopePublic, "write", []string{"pubw", internal, "adm"}},
		{ScopePublic, "read/write", []string{internal, "adm"}},
		{"owner", "read", nil},
		{ScopeAdmin, "delete", nil},
	} {
		if got := c.TokensFor(tc.scope, tc.perms); !slices.Equal(got, tc.want) {
			t.Errorf("TokensFor(%q, %q) = %v, want %v", tc.scope, tc.perms, got, tc.want)
		}
	}
}
