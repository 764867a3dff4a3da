package mockteamtailor

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// With Config.TeamtailorHost set to the mock's own host, a partner that
// builds its Partner API URL from Teamtailor-Host, over http for a local
// host, reaches the mock and its result post lands (docs/protocol.md §1
// Decision); by default the header names the stack's host.
func TestTeamtailorHostLeadsBackToTheMock(t *testing.T) {
	env := newE2EEnv(t, func(c *Config) {
		u, _ := url.Parse(c.PublicURL)
		c.TeamtailorHost = u.Host
	})
	posted := make(chan int, 1)
	env.partner.handle("/webhook", func(w http.ResponseWriter, r *http.Request, body []byte) {
		var ev struct {
			PartnerEvent struct {
				PartnerResult struct{ ID string } `json:"partner-result"`
			} `json:"partner-event"`
		}
		json.Unmarshal(body, &ev)
		// What a partner does: https://<Teamtailor-Host>/partner/v1, with
		// http for the mock on a local address.
		u := "http://" + r.Header.Get("Teamtailor-Host") + "/partner/v1/partner-results/" + ev.PartnerEvent.PartnerResult.ID
		res := partnerAPI(t, http.MethodPatch, u, e2eKey1, `{"data":{"type":"partner-results","attributes":{"status":"completed","summary":"via Teamtailor-Host"}}}`)
		posted <- res.status
		w.WriteHeader(http.StatusOK)
	})
	typical := env.candidate(t, "typical")
	out := env.manual(t, typical.ID, nil)
	if got := <-posted; got != http.StatusOK {
		t.Fatalf("the partner's PATCH through Teamtailor-Host answered %d, want 200", got)
	}
	hook := env.partner.onlyHook(t)
	if got, want := hook.Header.Get("Teamtailor-Host"), env.srv.Listener.Addr().String(); got != want {
		t.Errorf("Teamtailor-Host = %q, want the mock's %q", got, want)
	}
	res, err := env.store.Result(t.Context(), "1", out.Result.ID)
	if err != nil || res.Status != "completed" || res.Summary == nil || *res.Summary != "via Teamtailor-Host" {
		t.Errorf("result after the post: %+v, %v", res, err)
	}

	plain := newE2EEnv(t)
	plain.manual(t, plain.candidate(t, "typical").ID, nil)
	if got := plain.partner.onlyHook(t).Header.Get("Teamtailor-Host"); got != "api.teamtailor.com" {
		t.Errorf("default Teamtailor-Host = %q, want the EU stack's api.teamtailor.com", got)
	}
}

// Config.Validate refuses a Teamtailor-Host that is not a host[:port].
func TestTeamtailorHostValidation(t *testing.T) {
	for _, h := range []string{"127.0.0.1:8080", "api.teamtailor.com", "mock.localhost:9", "[::1]:8080"} {
		c := DefaultConfig()
		c.TeamtailorHost = h
		if err := c.Validate(); err != nil {
			t.Errorf("%q refused: %v", h, err)
		}
	}
	for _, h := range []string{"http://127.0.0.1:8080", "127.0.0.1:8080/partner", "user@host", "host:0", "host:99999", ":8080", "a b"} {
		c := DefaultConfig()
		c.TeamtailorHost = h
		if err := c.Validate(); err == nil {
			t.Errorf("%q accepted", h)
		}
	}
}
