package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// Rule: activate with no --company makes a fresh company from fixture
// acme, activates the partner there and prints the provider key.
func TestActivateFreshCompany(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	stdout, stderr := e.mustCLI(t, "activate")
	mustContain(t, "stderr", stderr, "from fixture acme")
	acts, err := e.client.Activations(ctx, "1")
	if err != nil || len(acts) != 2 {
		t.Fatalf("activations = %+v, %v; want the sandbox one and a new one", acts, err)
	}
	a := acts[1]
	mustContain(t, "stdout", stdout, "activated partner 1 (Pied Piper) in Acme Logistik AB ("+a.CompanyUUID+")", "provider key  "+a.ProviderKey)

	stdout, _ = e.mustCLI(t, "activate", "--json")
	var res controlapi.ActivateResult
	decodeInto(t, stdout, &res)
	if !res.Activated || res.Activation.ProviderKey == "" || res.Activation.CompanyUUID == a.CompanyUUID {
		t.Errorf("--json result = %+v, want a new activation in another fresh company", res)
	}
}

// Rule: a refusal by the partner's validation endpoint prints its
// messages and exits 1; form values the form does not take are refused
// with the field named, before anything is stored.
func TestActivateRefused(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	if _, err := e.client.UpdatePartner(ctx, "1", controlapi.PartnerInput{WebhookActivationConfig: json.RawMessage(clientActivationConfig)}); err != nil {
		t.Fatal(err)
	}
	e.refuse.Store(true)
	err, stdout, _ := e.cli(t, "activate", "--field", "api_key=wrong")
	if err == nil || !strings.Contains(err.Error(), "refused the activation: bad key") {
		t.Fatalf("err = %v, want the refusal with the partner's message", err)
	}
	mustContain(t, "stdout", stdout, "refused the activation", "  bad key", "mockteamtailor deliveries show ")

	err, _, _ = e.cli(t, "activate")
	if err == nil || !strings.Contains(err.Error(), "api_key") {
		t.Errorf("without the required field: err = %v, want it to name api_key", err)
	}
	if acts, _ := e.client.Activations(ctx, "1"); len(acts) != 1 {
		t.Errorf("refused activations were stored: %+v", acts)
	}
	// Validate, then act: a failed activation leaves no company behind.
	if cs, err := e.client.Companies(ctx); err != nil || len(cs) != 1 {
		t.Errorf("after two failed activations the mock has %d companies (%v), want only the sandbox", len(cs), err)
	}

	e.refuse.Store(false)
	stdout, _ = e.mustCLI(t, "activate", "--field", "api_key=right")
	mustContain(t, "stdout", stdout, "activated partner 1", "provider key  eyJ")
}
