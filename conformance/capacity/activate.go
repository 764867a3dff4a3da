package capacity

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// keySource says where a run's provider key comes from: the console
// names it, and a partner refusing it is told the cause and the flag that
// fixes it.
type keySource int

const (
	keyGiven  keySource = iota // --provider-key
	keyFields                  // a JWT built from --activation-field
	keyForm                    // a JWT built from the partner's own activation form
	keyUUID                    // a random UUID: the partner's activation form has no fields
)

// ProviderKey is the provider key of a run and how it was made.
type ProviderKey struct {
	source keySource
	// values are the activation values a JWT carries.
	values map[string]string
}

// GivenKey is the provider key of settings that name one: --provider-key
// or --activation-field. defaulted reports that they name none, and the
// run is to activate the partner itself (Activate).
func GivenKey() (key ProviderKey, defaulted bool) {
	tc := settings.TestContext
	switch {
	case len(tc.ActivationFields) > 0:
		return ProviderKey{source: keyFields, values: maps.Clone(tc.ActivationFields)}, false
	case tc.ProviderKey != "":
		return ProviderKey{source: keyGiven}, false
	}
	return ProviderKey{source: keyUUID}, true
}

// Activate activates the partner in the embedded mock's sandbox company
// as Teamtailor does when a company activates an integration (docs/protocol.md
// §4): it reads the partner's activation form (--activation-config, or GET
// BASE_URL/activation?company_id=…), and when the form has fields the
// provider key becomes a JWT signed with the API key carrying a value for
// each, picked as a recruiter could; without fields it stays the random
// UUID the mock's partner-activations lists.
//
// Why not always the UUID, as the suite does: a partner that accepts the
// JWTs of its own form checks them with the API key alone, while a UUID
// makes it look the key up in its Teamtailor, which is not the embedded
// mock unless the partner was pointed there. The example partner as the
// README starts it refuses every webhook of a UUID run, and a capacity
// run's thousands of lookups would land on whatever mock the partner does
// point at (a user's own on :8080).
func Activate(ctx context.Context, mock *embedded.Mock) (ProviderKey, error) {
	form, ok := activationForm(ctx, mock)
	if !ok || !slices.ContainsFunc(form.Fields, protocol.FormField.HasValue) {
		return ProviderKey{source: keyUUID}, nil
	}
	values, _ := form.CheckValues(partner.PickValues(mock.Server, form))
	key, err := providerkey.NewJWT(settings.TestContext.APIKey, values, time.Now())
	if err != nil {
		return ProviderKey{}, fmt.Errorf("the provider key could not be made from the partner's activation form: %w", err)
	}
	st := mock.Server.Store()
	act := mock.Activation
	if err := st.DeleteActivation(ctx, act.PartnerID, act.ID); err != nil {
		return ProviderKey{}, fmt.Errorf("embedded mock: %w", err)
	}
	act.ProviderKey, act.Values = key, values
	if mock.Activation, err = st.CreateActivation(ctx, store.Activation{PartnerID: act.PartnerID, CompanyUUID: act.CompanyUUID,
		CompanyName: act.CompanyName, ProviderKey: key, Values: values, CreatedAt: time.Now().UTC()}); err != nil {
		return ProviderKey{}, fmt.Errorf("embedded mock: %w", err)
	}
	settings.TestContext.ProviderKey = key
	return ProviderKey{source: keyForm, values: values}, nil
}

// activationForm reads the partner's activation form; ok is false when
// it has none that can be read (the reachability check comes next, with
// GET /config).
func activationForm(ctx context.Context, mock *embedded.Mock) (protocol.Form, bool) {
	var x *partner.Exchange
	if path := settings.TestContext.ActivationConfig; path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return protocol.Form{}, false
		}
		x = &partner.Exchange{Status: http.StatusOK, ResponseBody: string(raw)}
	} else {
		client := partner.NewClient(&partner.Transcript{})
		// The first fetch comes before any provider key exists.
		got := client.Send(ctx, partner.Call{Step: "activation form", Method: http.MethodGet, Path: "activation",
			Query: url.Values{"company_id": {mock.Company.UUID}}, Auth: partner.AuthNone})
		x = got
	}
	form, err := partner.ReadForm(x)
	return form, err == nil
}

// String says what the key is, for the console.
func (k ProviderKey) String() string {
	switch k.source {
	case keyGiven:
		return "--provider-key"
	case keyFields:
		return "a JWT built from --activation-field (" + fieldNames(k.values) + ")"
	case keyForm:
		return "a JWT built from the partner's activation form (" + fieldList(k.values) + "), as Teamtailor issues it when a company activates; --activation-field or --provider-key picks another"
	}
	return "a random UUID (the partner has no activation form with fields), listed in the embedded mock's partner-activations"
}

// Refused says why a partner that refuses the key refuses it, and the
// flag that fixes it.
func (k ProviderKey) Refused(mockURL string) (cause, fix string) {
	switch k.source {
	case keyGiven:
		if providerkey.KindOf(settings.TestContext.ProviderKey) == providerkey.KindUUID {
			return "the partner does not accept the provider key given with --provider-key, a UUID: a partner looks such a key up in the partner-activations of the Teamtailor it is configured with, and only the embedded mock (" + strings.TrimRight(mockURL, "/") + "/partner/v1) lists it",
				"give --provider-key a key of one of the partner's activations, point the partner's Teamtailor URL at the embedded mock on a fixed address (--mock-listen 127.0.0.1:8081, and e.g. examplepartner --teamtailor-url http://127.0.0.1:8081), or give --activation-field with values of its activation form"
		}
		return "the partner does not accept the provider key given with --provider-key",
			"give --provider-key a key of one of the partner's activations, or --activation-field with values of its activation form (the key is then a JWT signed with --api-key)"
	case keyFields, keyForm:
		how := "--activation-field values (" + fieldNames(k.values) + ")"
		if k.source == keyForm {
			how = "values picked in the partner's activation form (" + fieldList(k.values) + ")"
		}
		return "the provider key is a JWT signed with --api-key carrying " + how + ", and the partner refuses it: its API key is not --api-key, or it refuses these values",
			"give --api-key the partner's API key, --activation-field values it accepts, or --provider-key a key it knows"
	}
	return "the provider key is a random UUID, which only the embedded mock's partner-activations (" + strings.TrimRight(mockURL, "/") + "/partner/v1) lists; a partner that looks keys up asks the Teamtailor it is configured with, not the embedded mock",
		"point the partner's Teamtailor URL at the embedded mock on a fixed address (--mock-listen 127.0.0.1:8081, and e.g. examplepartner --teamtailor-url http://127.0.0.1:8081), or give --provider-key a key the partner knows, or --activation-field with values of its activation form"
}

// fieldList is activation values as key=value pairs, sorted.
func fieldList(values map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(values)) {
		parts = append(parts, k+"="+values[k])
	}
	return strings.Join(parts, ", ")
}

// fieldNames is the keys of activation values a user gave, which may be
// secrets (an API token), sorted.
func fieldNames(values map[string]string) string {
	return strings.Join(slices.Sorted(maps.Keys(values)), ", ")
}
