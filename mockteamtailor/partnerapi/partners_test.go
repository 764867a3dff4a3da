package partnerapi

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// GET /partners/{id} renders the partner with its settings; unset
// configs are null (docs/protocol.md §2.1).
func TestPartnerGet(t *testing.T) {
	env := newTestEnv(t)
	r := env.do(t, req{Method: "GET", Path: "/partner/v1/partners/1"})
	want := fmt.Sprintf(`{"data": {"id": "1", "type": "partners", "links": {"self": "%s/partner/v1/partners/1"},
		"attributes": {"name": "Pied Piper", "base-url": "https://piedpiper.example", "webhook-config": null,
			"webhook-activation-config": null, "dynamic-activation-config": false}}}`, env.srv.URL)
	if diff := cmp.Diff(jsonValue(t, want), doc(t, r)); r.Status != 200 || diff != "" {
		t.Errorf("status %d (-want +got):\n%s", r.Status, diff)
	}
	mustMatchSchema(t, "partner", r.Body)
}

const staticConfig = `{"config":{"fields":[{"id":"type","label":"Test","type":"select","options":[{"id":1,"label":"Sales test"}]},{"id":"threshold","label":"Threshold","type":"number","step":5,"min":0,"max":100}]}}`
const staticActivation = `{"config":{"fields":[{"type":"infobox","content":"<b>hi</b>","icon":"info"},{"id":"token","type":"text","label":"Token","required":true}]},"validateEndpoint":"activation/validate"}`

// PUT updates every writable attribute, accepts a numeric data.id and the
// unchanged name, and the change is what GET returns afterwards.
func TestPartnerUpdate(t *testing.T) {
	env := newTestEnv(t)
	body := `{"data":{"id":1,"type":"partners","attributes":{"name":"Pied Piper","base-url":"https://new.example/","webhook-config":` + staticConfig + `,"webhook-activation-config":` + staticActivation + `,"dynamic-activation-config":false}}}`
	r := env.do(t, req{Method: "PUT", Path: "/partner/v1/partners/1", Body: body})
	want := fmt.Sprintf(`{"data": {"id": "1", "type": "partners", "links": {"self": "%s/partner/v1/partners/1"},
		"attributes": {"name": "Pied Piper", "base-url": "https://new.example", "webhook-config": %s,
			"webhook-activation-config": %s, "dynamic-activation-config": false}}}`, env.srv.URL, staticConfig, staticActivation)
	if diff := cmp.Diff(jsonValue(t, want), doc(t, r)); r.Status != 200 || diff != "" {
		t.Fatalf("status %d (-want +got):\n%s\n%s", r.Status, diff, r.Body)
	}
	mustMatchSchema(t, "partner", r.Body)
	g := env.do(t, req{Method: "GET", Path: "/partner/v1/partners/1"})
	if diff := cmp.Diff(jsonValue(t, want), doc(t, g)); diff != "" {
		t.Errorf("GET after PUT (-want +got):\n%s", diff)
	}

	// {} means "dynamic" and is kept as given; null clears a config.
	r = env.do(t, req{Method: "PUT", Path: "/partner/v1/partners/1", Body: `{"data":{"id":"1","type":"partners","attributes":{"webhook-activation-config":{},"webhook-config":null,"dynamic-activation-config":true}}}`})
	attrs := doc(t, r)["data"].(map[string]any)["attributes"].(map[string]any)
	if diff := cmp.Diff(map[string]any{"name": "Pied Piper", "base-url": "https://new.example", "webhook-config": nil, "webhook-activation-config": map[string]any{}, "dynamic-activation-config": true}, attrs); r.Status != 200 || diff != "" {
		t.Errorf("status %d (-want +got):\n%s", r.Status, diff)
	}
}

// PUT refuses what docs/protocol.md §2.1 forbids, with one 422 per problem, and
// changes nothing.
func TestPartnerUpdateErrors(t *testing.T) {
	env := newTestEnv(t)
	tests := []struct {
		name       string
		path, body string
		wantStatus int
		wantDoc    string
	}{
		{"name is immutable", "/partner/v1/partners/1", `{"data":{"id":"1","type":"partners","attributes":{"name":"Hooli XYZ"}}}`, 422,
			errDoc(errEntry(422, "Invalid attribute", `name is immutable: it is "Pied Piper" and can only be changed by Teamtailor`, "/data/attributes/name"))},
		{"unknown attribute and bad base-url", "/partner/v1/partners/1", `{"data":{"id":"1","type":"partners","attributes":{"base_url":"x","base-url":"piedpiper.com"}}}`, 422,
			errDoc(
				errEntry(422, "Invalid attribute", `"base_url" is not a partners attribute; the attributes are name, base-url, webhook-config, webhook-activation-config, dynamic-activation-config`, "/data/attributes/base_url"),
				errEntry(422, "Invalid attribute", `base-url must be an absolute http or https URL, got "piedpiper.com"`, "/data/attributes/base-url"))},
		{"select without options", "/partner/v1/partners/1", `{"data":{"id":"1","type":"partners","attributes":{"webhook-config":{"config":{"fields":[{"id":"t","type":"select","label":"T"}]}}}}}`, 422, ""},
		{"duplicate field ids", "/partner/v1/partners/1", `{"data":{"id":"1","type":"partners","attributes":{"webhook-config":{"config":{"fields":[{"id":"t","type":"text"},{"id":"t","type":"number"}]}}}}}`, 422,
			errDoc(errEntry(422, "Invalid attribute", `webhook-config is not a valid config document: field id "t" is used already by /config/fields/0; ids must be unique, they become webhook-data keys`, "/data/attributes/webhook-config/config/fields/1/id"))},
		{"bad activation config", "/partner/v1/partners/1", `{"data":{"id":"1","type":"partners","attributes":{"webhook-activation-config":{"fields":[]}}}}`, 422, ""},
		{"dynamic flag not boolean", "/partner/v1/partners/1", `{"data":{"id":"1","type":"partners","attributes":{"dynamic-activation-config":"yes"}}}`, 422,
			errDoc(errEntry(422, "Invalid attribute", "dynamic-activation-config must be true or false, got a string", "/data/attributes/dynamic-activation-config"))},
		{"id does not match", "/partner/v1/partners/1", `{"data":{"id":"3","type":"partners","attributes":{}}}`, 422,
			errDoc(errEntry(422, "Invalid attribute", `data.id "3" does not match the id in the URL "1"`, "/data/id"))},
		{"another partner", "/partner/v1/partners/2", `{"data":{"id":"2","type":"partners","attributes":{}}}`, 403,
			errDoc(errEntry(403, "Forbidden", `partner "2" is not the partner of this API key ("1")`, ""))},
		{"unknown partner", "/partner/v1/partners/77", `{"data":{"id":"77","type":"partners","attributes":{}}}`, 404,
			errDoc(errEntry(404, "Not found", `there is no partner "77"`, ""))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := env.do(t, req{Method: "PUT", Path: tt.path, Body: tt.body})
			if r.Status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", r.Status, tt.wantStatus, r.Body)
			}
			mustMatchSchema(t, "jsonapi-errors", r.Body)
			if tt.wantDoc != "" {
				if diff := cmp.Diff(jsonValue(t, tt.wantDoc), doc(t, r)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			}
		})
	}
	p, err := env.store.Partner(t.Context(), "1")
	if err != nil || p.BaseURL != "https://piedpiper.example" || p.WebhookConfig != nil || p.Name != "Pied Piper" {
		t.Errorf("refused PUTs changed the partner: %+v, %v", p, err)
	}
}

// GET of another partner is a 403, of an unknown one a 404.
func TestPartnerGetOthers(t *testing.T) {
	env := newTestEnv(t)
	for path, want := range map[string]int{"/partner/v1/partners/2": http.StatusForbidden, "/partner/v1/partners/x": http.StatusNotFound} {
		if r := env.do(t, req{Method: "GET", Path: path}); r.Status != want {
			t.Errorf("GET %s: status = %d, want %d", path, r.Status, want)
		}
	}
}
