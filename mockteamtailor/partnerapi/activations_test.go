package partnerapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"
)

// decryptWithPublishedRecipe opens a provider-key JWE the way Teamtailor
// tells partners to, with an independent JOSE implementation: key =
// sha256(secret) as hex, first 32 hex characters decoded (docs/protocol.md §2.2).
func decryptWithPublishedRecipe(t *testing.T, secret, token string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(secret))
	key, err := hex.DecodeString(hex.EncodeToString(sum[:])[:32])
	if err != nil {
		t.Fatal(err)
	}
	obj, err := jose.ParseEncrypted(token, []jose.KeyAlgorithm{jose.DIRECT}, []jose.ContentEncryption{jose.A128GCM})
	if err != nil {
		t.Fatalf("parse JWE %q: %v", token, err)
	}
	plain, err := obj.Decrypt(key)
	if err != nil {
		t.Fatalf("decrypt JWE: %v", err)
	}
	return string(plain)
}

// The sandbox activation is listed with its provider key as a JWE that
// the published recipe decrypts to the key the mock sends as Bearer.
func TestActivationListAndJWE(t *testing.T) {
	env := newTestEnv(t)
	r := env.do(t, req{Method: "GET", Path: "/partner/v1/partner-activations"})
	if r.Status != http.StatusOK {
		t.Fatalf("status = %d; body %s", r.Status, r.Body)
	}
	mustMatchSchema(t, "partner-activation-list", r.Body)
	d := doc(t, r)
	items := d["data"].([]any)
	if len(items) != 1 {
		t.Fatalf("want exactly the sandbox activation, got %d: %s", len(items), r.Body)
	}
	item := items[0].(map[string]any)
	attrs := item["attributes"].(map[string]any)
	if got := decryptWithPublishedRecipe(t, "secret-one", attrs["provider-key"].(string)); got != env.sandbox.Activation.ProviderKey {
		t.Errorf("JWE decrypts to %q, want the sandbox provider key %q", got, env.sandbox.Activation.ProviderKey)
	}
	delete(attrs, "provider-key")
	want := fmt.Sprintf(`{"id": %[1]q, "type": "partner-activations", "links": {"self": "%[2]s/partner/v1/partner-activations/%[1]s"},
		"attributes": {"company-name": "Sandbox: Pied Piper", "company-uuid": %[3]q}}`, env.sandbox.Activation.ID, env.srv.URL, env.sandbox.Company.UUID)
	if diff := cmp.Diff(jsonValue(t, want), item); diff != "" {
		t.Errorf("activation (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"record-count": 1.0, "page-count": 1.0}, d["meta"]); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}

	g := env.do(t, req{Method: "GET", Path: "/partner/v1/partner-activations/" + env.sandbox.Activation.ID})
	mustMatchSchema(t, "partner-activation", g.Body)
	ga := doc(t, g)["data"].(map[string]any)["attributes"].(map[string]any)
	if got := decryptWithPublishedRecipe(t, "secret-one", ga["provider-key"].(string)); g.Status != 200 || got != env.sandbox.Activation.ProviderKey {
		t.Errorf("GET one: status %d, key %q", g.Status, got)
	}
}

// Activations of another partner are a 403, unknown ids a 404, and a
// partner lists only its own.
func TestActivationIsolation(t *testing.T) {
	env := newTestEnv(t)
	o := *env
	o.key = env.otherKey
	r := o.do(t, req{Method: "GET", Path: "/partner/v1/partner-activations"})
	items := doc(t, r)["data"].([]any)
	if len(items) != 1 {
		t.Fatalf("partner 2 sees %d activations, want its own 1", len(items))
	}
	otherID := items[0].(map[string]any)["id"].(string)
	if otherID == env.sandbox.Activation.ID {
		t.Fatal("both partners share an activation id")
	}
	if r := env.do(t, req{Method: "GET", Path: "/partner/v1/partner-activations/" + otherID}); r.Status != http.StatusForbidden {
		t.Errorf("other partner's activation: status = %d, want 403", r.Status)
	}
	if r := env.do(t, req{Method: "GET", Path: "/partner/v1/partner-activations/999"}); r.Status != http.StatusNotFound {
		t.Errorf("unknown activation: status = %d, want 404", r.Status)
	}
}
