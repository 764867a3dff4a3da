package mockteamtailor

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// verifyHS256 checks a provider-key JWT without the providerkey package:
// header {"alg":"HS256"}, signature HMAC-SHA256(key, header.payload) in
// base64url. It returns the claims.
func verifyHS256(t *testing.T, token, key string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("%q is not a compact JWT", token)
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		t.Fatalf("the JWT signature does not verify with the partner API key (%v)", err)
	}
	var header struct {
		Alg string `json:"alg"`
	}
	raw, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if json.Unmarshal(raw, &header) != nil || header.Alg != "HS256" {
		t.Fatalf("JWT header %s, want alg HS256", raw)
	}
	raw, _ = base64.RawURLEncoding.DecodeString(parts[1])
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil {
		t.Fatalf("JWT claims %s: %v", raw, err)
	}
	return claims
}

// activationCompany creates a company from a fixture for a test to
// activate partners in.
func (e *e2eEnv) activationCompany(t *testing.T) store.Company {
	t.Helper()
	r := e.ctl(t, "POST", "/mock/v1/companies", map[string]any{"fixture": "orebro-vard"})
	wantStatus(t, r, http.StatusCreated)
	return decodeAs[store.Company](t, r)
}

// useActivationForm sets partner 1's static activation form to the
// named activation-config fixture.
func (e *e2eEnv) useActivationForm(t *testing.T, fixture string) {
	t.Helper()
	raw, err := fixtures.Raw(fixtures.KindActivationConfigs, fixture)
	if err != nil {
		t.Fatal(err)
	}
	e.patchPartner(t, "1", map[string]any{"webhookActivationConfig": json.RawMessage(raw)})
}

func (e *e2eEnv) activate(t *testing.T, body map[string]any) (response, controlapi.ActivateResult) {
	t.Helper()
	r := e.ctl(t, "POST", "/mock/v1/activations", body)
	if r.status >= 500 && r.status != http.StatusBadGateway {
		t.Fatalf("activation answered %d (only a partner's fault is a 502): %s", r.status, r.body)
	}
	var res controlapi.ActivateResult
	if r.status == http.StatusCreated || r.status == http.StatusUnprocessableEntity {
		json.Unmarshal(r.body, &res)
	}
	return r, res
}

// activatedIn reports whether partner 1 is activated in the company,
// as the control API lists it.
func (e *e2eEnv) activatedIn(t *testing.T, companyUUID string) bool {
	t.Helper()
	acts := decodeAs[struct{ Activations []store.Activation }](t, e.ctl(t, "GET", "/mock/v1/activations?partner=1", nil)).Activations
	return slices.ContainsFunc(acts, func(a store.Activation) bool { return a.CompanyUUID == companyUUID })
}

// The validation endpoint, named inside config or beside it, is called
// with the new provider key after the form is submitted: 200 activates;
// >= 400 with {"errors": [...]} shows those messages and activates
// nothing (docs/protocol.md §1.3, §4).
func TestActivateValidateEndpoint(t *testing.T) {
	for _, tt := range []struct {
		fixture, endpoint string
		values            map[string]string
	}{
		{"validate-endpoint", "/credentials/verify", map[string]string{"api_key": "pk_live_1", "region": "eu"}},
		{"validate-endpoint-top-level", "/teamtailor/activations/check", map[string]string{"api_key": "pk_live_1"}},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			env := newE2EEnv(t)
			env.useActivationForm(t, tt.fixture)
			company := env.activationCompany(t)
			body := map[string]any{"partnerId": "1", "companyUuid": company.UUID, "values": tt.values}

			t.Run("refused", func(t *testing.T) {
				env.partner.handle(tt.endpoint, serveDoc(http.StatusUnauthorized, `{"errors":["The API key is not valid","Region eu is not enabled for this account"]}`))
				r, res := env.activate(t, body)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				if want := []string{"The API key is not valid", "Region eu is not enabled for this account"}; res.Activated || !slices.Equal(res.Errors, want) {
					t.Errorf("activated %v, errors %q; want not activated with %q", res.Activated, res.Errors, want)
				}
				if env.activatedIn(t, company.UUID) {
					t.Error("a refused activation was stored")
				}
				d := decodeAs[store.Delivery](t, env.ctl(t, "GET", fmt.Sprintf("/mock/v1/deliveries/%d", res.ValidateDeliveryID), nil))
				if d.Kind != store.KindValidate || !strings.Contains(d.Reason, "The API key is not valid") {
					t.Errorf("validate journal entry: %s %q", d.Kind, d.Reason)
				}
			})
			t.Run("refused without an errors document", func(t *testing.T) {
				env.partner.handle(tt.endpoint, serveDoc(http.StatusForbidden, "nope"))
				r, res := env.activate(t, body)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				if res.Activated || len(res.Errors) != 1 || !strings.Contains(res.Errors[0], "403") {
					t.Errorf("activated %v, errors %q", res.Activated, res.Errors)
				}
				d := decodeAs[store.Delivery](t, env.ctl(t, "GET", fmt.Sprintf("/mock/v1/deliveries/%d", res.ValidateDeliveryID), nil))
				if d.Verdict != store.VerdictInvalid {
					t.Errorf("verdict %q, want invalid", d.Verdict)
				}
			})
			t.Run("redirect is a partner error", func(t *testing.T) {
				env.partner.handle(tt.endpoint, serveDoc(http.StatusFound, ""))
				r, _ := env.activate(t, body)
				wantStatus(t, r, http.StatusBadGateway)
				if !strings.Contains(errorDetails(t, r), "journal entry") {
					t.Errorf("detail names no journal entry: %s", r.body)
				}
			})
			t.Run("accepted", func(t *testing.T) {
				env.partner.handle(tt.endpoint, serveDoc(http.StatusOK, ""))
				r, res := env.activate(t, body)
				wantStatus(t, r, http.StatusCreated)
				if !res.Activated || res.ValidateDeliveryID == 0 || !env.activatedIn(t, company.UUID) {
					t.Fatalf("accepted activation: %+v", res)
				}
				calls := env.partner.requests(tt.endpoint)
				last := calls[len(calls)-1]
				if last.Method != http.MethodGet || last.Header.Get("Authorization") != "Bearer "+res.Activation.ProviderKey {
					t.Errorf("validation call %s with Authorization %q, want GET with the new provider key", last.Method, last.Header.Get("Authorization"))
				}
				claims := verifyHS256(t, res.Activation.ProviderKey, e2eKey1)
				for k, v := range tt.values {
					if claims[k] != v {
						t.Errorf("claim %s = %v, want %q", k, claims[k], v)
					}
				}
			})
		})
	}
}

// An empty static activation config, or the dynamic flag, makes the mock
// fetch the form from BASE_URL/activation?company_id=..., with the
// current provider key once there is one (docs/protocol.md §2.1, §4).
func TestActivateDynamicForm(t *testing.T) {
	form, _ := fixtures.Raw(fixtures.KindActivationConfigs, "credentials")
	for _, tt := range []struct {
		name     string
		settings map[string]any
	}{
		{"dynamic flag", map[string]any{"dynamicActivationConfig": true}},
		{"empty static config", map[string]any{"webhookActivationConfig": json.RawMessage(`{}`)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := newE2EEnv(t)
			env.partner.handle("/activation", serveDoc(http.StatusOK, string(form)))
			env.patchPartner(t, "1", tt.settings)
			company := env.activationCompany(t)

			r := env.ctl(t, "GET", "/mock/v1/partners/1/activation-form?company="+company.UUID, nil)
			wantStatus(t, r, http.StatusOK)
			shown := decodeAs[controlapi.ActivationFormResult](t, r)
			var ids []string
			for _, f := range shown.Form.Fields {
				ids = append(ids, f.ID)
			}
			if !shown.Dynamic || shown.DeliveryID == 0 || !slices.Equal(ids, []string{"", "account_id", "api_key", "region"}) {
				t.Errorf("form: dynamic %v, delivery %d, fields %q", shown.Dynamic, shown.DeliveryID, ids)
			}
			fetches := env.partner.requests("/activation")
			if len(fetches) != 1 || fetches[0].Query.Get("company_id") != company.UUID || fetches[0].Header.Get("Authorization") != "" {
				t.Fatalf("activation fetches: %+v", fetches)
			}

			values := map[string]string{"account_id": "acc_4f1c9e", "api_key": "pk_live_1", "region": "ap"}
			r, res := env.activate(t, map[string]any{"partnerId": "1", "companyUuid": company.UUID, "values": values})
			wantStatus(t, r, http.StatusCreated)
			claims := verifyHS256(t, res.Activation.ProviderKey, e2eKey1)
			for k, v := range values {
				if claims[k] != v {
					t.Errorf("claim %s = %v, want %q", k, claims[k], v)
				}
			}
			if len(claims) != len(values)+1 || claims["iat"] != json.Number(fmt.Sprint(fixedNow.Unix())) {
				t.Errorf("claims = %v, want the values and iat only", claims)
			}

			// Opening the settings of an active integration sends its key.
			wantStatus(t, env.ctl(t, "GET", "/mock/v1/partners/1/activation-form?company="+company.UUID, nil), http.StatusOK)
			fetches = env.partner.requests("/activation")
			if got := fetches[len(fetches)-1].Header.Get("Authorization"); got != "Bearer "+res.Activation.ProviderKey {
				t.Errorf("re-fetch Authorization = %q, want the activation's provider key", got)
			}

			env.partner.handle("/activation", serveDoc(http.StatusOK, `{"config":{"fields":[{"id":"a","type":"dropdown"}]}}`))
			r = env.ctl(t, "GET", "/mock/v1/partners/1/activation-form?company="+company.UUID, nil)
			wantStatus(t, r, http.StatusBadGateway)
			if !strings.Contains(errorDetails(t, r), "journal entry") {
				t.Errorf("invalid dynamic form: %s", r.body)
			}
		})
	}
}

// The provider key is a UUID for a form without fields, and otherwise an
// HS256 JWT signed with the partner API key whose claims are the values
// and iat; a default_key field gets a generated UUID (docs/protocol.md §4).
func TestActivateProviderKey(t *testing.T) {
	for _, tt := range []struct {
		fixture    string
		values     map[string]string
		wantJWT    bool
		defaultKey bool
	}{
		{"empty", nil, false, false},
		{"custom-field-mapping", nil, false, false},
		{"credentials", map[string]string{"account_id": "acc_1", "api_key": "pk_1", "region": "eu"}, true, false},
		{"default-key", map[string]string{"account_id": "acc_1", "default_key": "typed-by-the-user"}, true, true},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			env := newE2EEnv(t)
			env.useActivationForm(t, tt.fixture)
			company := env.activationCompany(t)
			r, res := env.activate(t, map[string]any{"partnerId": "1", "companyUuid": company.UUID, "values": tt.values})
			wantStatus(t, r, http.StatusCreated)
			key := res.Activation.ProviderKey
			if !tt.wantJWT {
				if !uuidPattern.MatchString(key) {
					t.Errorf("provider key %q, want a UUID", key)
				}
				return
			}
			claims := verifyHS256(t, key, e2eKey1)
			if tt.defaultKey {
				if !uuidPattern.MatchString(res.DefaultKey) || claims["default_key"] != res.DefaultKey {
					t.Errorf("defaultKey %q, claim %v; want a generated UUID in both", res.DefaultKey, claims["default_key"])
				}
			} else if res.DefaultKey != "" {
				t.Errorf("defaultKey %q for a form without default_key", res.DefaultKey)
			}
			for k, v := range tt.values {
				if k != "default_key" && claims[k] != v {
					t.Errorf("claim %s = %v, want %q", k, claims[k], v)
				}
			}
		})
	}
}

// Activation values are checked against the form: a missing required
// field or a select value that is no option is a 422 at /values/<id>,
// and nothing is activated.
func TestActivateChecksValues(t *testing.T) {
	env := newE2EEnv(t)
	env.useActivationForm(t, "credentials")
	company := env.activationCompany(t)
	for _, tt := range []struct {
		name   string
		values map[string]string
		want   string
	}{
		{"missing required", map[string]string{"api_key": "k", "region": "eu"}, "/values/account_id"},
		{"not an option", map[string]string{"account_id": "a", "api_key": "k", "region": "mars"}, "/values/region"},
		{"unknown field", map[string]string{"account_id": "a", "api_key": "k", "region": "eu", "colour": "red"}, "/values/colour"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := env.activate(t, map[string]any{"partnerId": "1", "companyUuid": company.UUID, "values": tt.values})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if !bytes.Contains(r.body, []byte(`"pointer":"`+tt.want+`"`)) {
				t.Errorf("want an error at %s: %s", tt.want, r.body)
			}
			if env.activatedIn(t, company.UUID) {
				t.Error("activated with bad values")
			}
		})
	}
}

// customFieldsOf returns a webhook's candidate custom-fields as api name
// -> {value, type, mapped-from}.
func customFieldsOf(t *testing.T, body []byte) map[string]map[string]any {
	t.Helper()
	var list []map[string]map[string]any
	if err := json.Unmarshal(candidateKeys(t, body)["custom-fields"], &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, one := range list {
		for k, v := range one {
			if _, dup := out[k]; dup {
				t.Errorf("custom field %q twice", k)
			}
			out[k] = v
		}
	}
	return out
}

// Custom field mapping (docs/protocol.md §4): apiName normalised to kebab-case,
// select/multiselect without options skipped, unknown types ignored;
// fields not mapped onto the company's own are created once, never
// twice across activations; webhooks carry mapped values under the
// apiName with mapped-from only when the candidate has a value.
func TestActivateCustomFieldMapping(t *testing.T) {
	env := newE2EEnv(t)
	env.useActivationForm(t, "custom-field-mapping")
	r := env.ctl(t, "POST", "/mock/v1/companies", map[string]any{"name": "Mapping AB", "customFields": []store.CustomFieldDef{{Name: "Years of experience", APIName: "years-of-experience", Type: "number"}}})
	wantStatus(t, r, http.StatusCreated)
	company := decodeAs[store.Company](t, r)
	mapping := map[string]string{"assessment-score": "years-of-experience"}

	r, _ = env.activate(t, map[string]any{"partnerId": "1", "companyUuid": company.UUID, "mapping": map[string]string{"assessment-score": "no-such-field"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	r, _ = env.activate(t, map[string]any{"partnerId": "1", "companyUuid": company.UUID, "mapping": map[string]string{"undeclared": "years-of-experience"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)

	r, res := env.activate(t, map[string]any{"partnerId": "1", "companyUuid": company.UUID, "mapping": mapping})
	wantStatus(t, r, http.StatusCreated)
	type row struct {
		api, from string
		created   bool
	}
	var got []row
	for _, m := range res.Activation.Mappings {
		got = append(got, row{m.APIName, m.MappedFrom, m.Created})
	}
	want := []row{
		{"assessment-score", "years-of-experience", false},
		{"assessment-completed-on", "assessment-completed-on", true},
		{"assessment-report-url", "assessment-report-url", true},
		{"test-taker-notes", "test-taker-notes", true},
		{"passed-assessment", "passed-assessment", true},
		{"proctor-phone", "proctor-phone", true},
		{"preferred-language", "preferred-language", true},
		{"certifications", "certifications", true},
	}
	if !slices.Equal(got, want) {
		t.Errorf("mappings:\n got %v\nwant %v", got, want)
	}
	fieldNames := func() []string {
		c := decodeAs[store.Company](t, env.ctl(t, "GET", "/mock/v1/companies/"+company.UUID, nil))
		var names []string
		for _, f := range c.CustomFields {
			names = append(names, f.APIName)
		}
		return names
	}
	first := fieldNames()
	if wantFields := []string{"years-of-experience", "assessment-completed-on", "assessment-report-url", "test-taker-notes", "passed-assessment", "proctor-phone", "preferred-language", "certifications"}; !slices.Equal(first, wantFields) {
		t.Errorf("company fields after activation:\n got %q\nwant %q", first, wantFields)
	}

	wantStatus(t, env.ctl(t, "DELETE", "/mock/v1/activations/"+res.Activation.ID, nil), http.StatusNoContent)
	r, res = env.activate(t, map[string]any{"partnerId": "1", "companyUuid": company.UUID, "mapping": mapping})
	wantStatus(t, r, http.StatusCreated)
	if again := fieldNames(); !slices.Equal(again, first) {
		t.Errorf("a second activation changed the company fields:\n got %q\nwant %q", again, first)
	}

	// Webhooks carry the mapped values.
	r = env.ctl(t, "POST", "/mock/v1/jobs", map[string]any{"companyUuid": company.UUID, "fixture": "support"})
	wantStatus(t, r, http.StatusCreated)
	job := decodeAs[store.Job](t, r)
	minimal, _ := fixtures.Raw(fixtures.KindCandidates, "minimal")
	withFields := func(fields string) json.RawMessage {
		return json.RawMessage(strings.Replace(string(minimal), `"custom-fields": []`, `"custom-fields": `+fields, 1))
	}
	for _, tt := range []struct {
		name, fields string
		want         map[string]map[string]any
	}{
		{
			name:   "values present",
			fields: `[{"years-of-experience":{"value":7,"type":"number"}},{"preferred-language":{"value":["English"],"type":"select"}}]`,
			want: map[string]map[string]any{
				"years-of-experience": {"value": float64(7), "type": "number"},
				"preferred-language":  {"value": []any{"English"}, "type": "select", "mapped-from": "preferred-language"},
				"assessment-score":    {"value": float64(7), "type": "number", "mapped-from": "years-of-experience"},
			},
		},
		{
			name:   "value null",
			fields: `[{"years-of-experience":{"value":null,"type":"number"}}]`,
			want:   map[string]map[string]any{"years-of-experience": {"value": nil, "type": "number"}},
		},
		{name: "no fields", fields: `[]`, want: map[string]map[string]any{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := env.ctl(t, "POST", "/mock/v1/candidates", map[string]any{"companyUuid": company.UUID, "jobId": job.ID, "candidate": withFields(tt.fields)})
			wantStatus(t, r, http.StatusCreated)
			cand := decodeAs[struct{ Candidates []store.CandidateRecord }](t, r).Candidates[0]
			out := env.manual(t, cand.ID, nil)
			var body []byte
			for _, h := range env.partner.requests("/webhook") {
				if eventIDOf(h.Body) == out.Delivery.EventID {
					body = h.Body
				}
			}
			got := customFieldsOf(t, body)
			gotJSON, _ := json.Marshal(got)
			wantJSON, _ := json.Marshal(tt.want)
			if !bytes.Equal(gotJSON, wantJSON) {
				t.Errorf("custom-fields:\n got %s\nwant %s", gotJSON, wantJSON)
			}
		})
	}
}

// A select or multiselect field created by custom field mapping carries
// the options the partner declared, so the company can fill it in
// (docs/protocol.md §4).
func TestActivateCreatedSelectFieldKeepsOptions(t *testing.T) {
	env := newE2EEnv(t)
	env.useActivationForm(t, "custom-field-mapping")
	company := env.activationCompany(t)
	r, _ := env.activate(t, map[string]any{"partnerId": "1", "companyUuid": company.UUID})
	wantStatus(t, r, http.StatusCreated)
	c := decodeAs[store.Company](t, env.ctl(t, "GET", "/mock/v1/companies/"+company.UUID, nil))
	want := map[string][]string{
		"preferred-language": {"Swedish", "English", "Finnish", "German"},
		"certifications":     {"AWS Solutions Architect", "ISTQB Foundation", "PRINCE2"},
	}
	for _, f := range c.CustomFields {
		if opts, ok := want[f.APIName]; ok && !slices.Equal(f.Options, opts) {
			t.Errorf("created field %s has options %q, want %q", f.APIName, f.Options, opts)
		}
	}
}

// KebabCase normalises apiName to lower-case words joined by "-"
// (docs/protocol.md §4).
func TestKebabCase(t *testing.T) {
	for in, want := range map[string]string{
		"Preferred Language":      "preferred-language",
		"preferredLanguage":       "preferred-language",
		"preferred_language":      "preferred-language",
		"preferred-language":      "preferred-language",
		"  Assessment -- Score  ": "assessment-score",
		"assessment-report-url":   "assessment-report-url",
		"Level 2 Score":           "level-2-score",
		"":                        "",
		"---":                     "",
	} {
		if got := KebabCase(in); got != want {
			t.Errorf("KebabCase(%q) = %q, want %q", in, got, want)
		}
	}
}
