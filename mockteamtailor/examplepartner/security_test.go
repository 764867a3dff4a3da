package examplepartner_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
)

// A webhook whose update-url is not on the Teamtailor the partner is
// configured for is refused, and nothing is posted there: the body is not
// signed, and the post would carry the API key (docs/protocol.md §8).
func TestForgedUpdateURLIsRefused(t *testing.T) {
	teamtailor, elsewhere := newFakeAPI(t, nil), newFakeAPI(t, nil)
	host := func(u string) string { p, _ := url.Parse(u); return p.Host }
	for _, tc := range []struct {
		name string
		edit func(*examplepartner.Config)
	}{
		{"TeamtailorURL", func(c *examplepartner.Config) { c.TeamtailorURL = teamtailor.URL }},
		{"UpdateHosts", func(c *examplepartner.Config) { c.UpdateHosts = []string{host(teamtailor.URL)} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPartner(t, tc.edit)
			// A JWT provider key: the partner needs no key lookup.
			key, err := providerkey.NewJWT(apiKey, map[string]string{"api_token": "abc"}, now)
			if err != nil {
				t.Fatal(err)
			}
			signed := func(eventID string, at time.Time) http.Header {
				h := signed(eventID, at)
				h.Set("Authorization", "Bearer "+key)
				return h
			}
			body, eventID, _ := eventFixture(t, "stage-trigger", elsewhere.URL, nil)
			w := call(p, "POST", "/webhook", body, signed(eventID, now))
			if w.Code != 400 || !strings.Contains(w.Body.String(), "not the Teamtailor this partner is configured for") {
				t.Errorf("POST /webhook with update-url elsewhere = %d %s, want 400 naming the host", w.Code, w.Body)
			}
			body, eventID, _ = eventFixture(t, "stage-trigger", teamtailor.URL, nil)
			if w := call(p, "POST", "/webhook", body, signed(eventID, now)); w.Code != 200 {
				t.Fatalf("POST /webhook with update-url on Teamtailor = %d %s", w.Code, w.Body)
			}
			closeNow(t, p)
			if n := len(elsewhere.requests()); n != 0 {
				t.Errorf("%d requests reached the other host", n)
			}
		})
	}
	if _, err := examplepartner.New(examplepartner.Config{APIKey: apiKey, WebhookSecret: webhookSecret, UpdateHosts: []string{"a"}, AnyUpdateHost: true}); err == nil {
		t.Error("New accepted UpdateHosts with AnyUpdateHost")
	}
}

// A second delivery of an accepted event id, with another body, gets a
// 2xx and no second result.
func TestSecondDeliveryIsNotActedOn(t *testing.T) {
	api := newFakeAPI(t, nil)
	p := newPartner(t, func(c *examplepartner.Config) { c.AnyUpdateHost = true })
	body, eventID, _ := eventFixture(t, "stage-trigger", api.URL, nil)
	if w := call(p, "POST", "/webhook", body, signed(eventID, now)); w.Code != 200 {
		t.Fatalf("first delivery = %d %s", w.Code, w.Body)
	}
	changed, _, _ := eventFixture(t, "stage-trigger", api.URL, func(ev map[string]any) {
		ev["webhook-data"] = map[string]any{"test": "changed-by-replay"}
	})
	if w := call(p, "POST", "/webhook", changed, signed(eventID, now)); w.Code != 200 {
		t.Fatalf("second delivery = %d %s", w.Code, w.Body)
	}
	closeNow(t, p)
	if n := len(api.requests()); n != 1 {
		t.Errorf("%d results posted, want 1", n)
	}
}
