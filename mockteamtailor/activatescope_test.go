package mockteamtailor

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// A partner that requires a company token of a scope and permissions
// gets only a key that allows them: a smaller key is refused, a fresh
// company's activation picks the smallest key that does, and that key
// is what /v1 then authenticates. Bad settings are refused.
func TestActivateRequiredScope(t *testing.T) {
	env := newE2EEnv(t)
	wantStatus(t, env.ctl(t, "PATCH", "/mock/v1/partners/1", map[string]any{"apiTokenScope": "owner"}), http.StatusUnprocessableEntity)
	wantStatus(t, env.ctl(t, "PATCH", "/mock/v1/partners/1", map[string]any{"apiTokenPermissions": "delete"}), http.StatusUnprocessableEntity)
	env.patchPartner(t, "1", map[string]any{"requireApiToken": true, "apiTokenScope": "internal", "apiTokenPermissions": "read"})

	company := env.activationCompany(t)
	var internal, public string
	for _, k := range company.APIKeys() {
		switch k.Scope {
		case store.ScopeInternal:
			internal = k.Key
		case store.ScopePublic:
			public = k.Key
		}
	}
	body := map[string]any{"partnerId": "1", "companyUuid": company.UUID, "apiToken": public}
	r, _ := env.activate(t, body)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(string(r.body), "a key of scope internal with read permissions") || strings.Contains(string(r.body), public) {
		t.Errorf("refusal of a public key: %s", r.body)
	}
	body["apiToken"] = internal
	r, _ = env.activate(t, body)
	wantStatus(t, r, http.StatusCreated)
	act, err := env.store.ActivationFor(t.Context(), "1", company.UUID)
	if err != nil || act.APIToken != internal {
		t.Fatalf("activation token = %q (%v), want the internal key", act.APIToken, err)
	}
	// A fresh company gets its internal key, the smallest that allows
	// what the partner requires.
	r, res := env.activate(t, map[string]any{"partnerId": "1", "companyUuid": "fresh-scope", "newCompanyFixture": "acme"})
	wantStatus(t, r, http.StatusCreated)
	fresh, _ := env.store.Company(t.Context(), "fresh-scope")
	act, _ = env.store.ActivationFor(t.Context(), "1", "fresh-scope")
	if k, ok := fresh.APIKey(act.APIToken); !res.Activated || !ok || k.Scope != store.ScopeInternal {
		t.Errorf("fresh company's activation token: %+v %v", k, ok)
	}
	// The key reads jobs through /v1 but not candidates (internal scope).
	if status, b := env.v1(t, "GET", "/v1/jobs", act.APIToken, ""); status != http.StatusOK {
		t.Errorf("/v1/jobs with the activation's key: %d %s", status, b)
	}
	if status, _ := env.v1(t, "GET", "/v1/candidates", act.APIToken, ""); status != http.StatusForbidden {
		t.Errorf("/v1/candidates with the activation's key: %d", status)
	}
}
