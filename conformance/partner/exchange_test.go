package partner

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// The embedded mock serves only what a partner calls: the control API
// (keys, reset) is not reachable on --mock-listen.
// print as a few lines saying how much was cut.
func TestDescribeCapsHeaders(t *testing.T) {
	h := http.Header{}
	for i := range 500 {
		h.Set("X-Junk-"+strings.Repeat("a", i%7)+string(rune('a'+i%26))+strings.Repeat("b", i/26), strings.Repeat("v", 20000))
	}
	x := &Exchange{Direction: ToPartner, Method: "GET", URL: "http://p/config", Status: 200, ResponseHeader: h, ResponseBody: strings.Repeat("x", 1<<20)}
	out := x.Describe()
	if len(out) > 10000 {
		t.Errorf("Describe printed %d bytes", len(out))
	}
	for _, want := range []string{"more header bytes not shown", "(20000 bytes in all)", "bytes in all)"} {
		if !strings.Contains(out, want) {
			t.Errorf("Describe does not say %q", want)
		}
	}
}

// Levels: a failed SHOULD is a warning that fails the run only with
// --strict; the summary line agrees with the exit status.

func TestRedactorHidesSecrets(t *testing.T) {
	s := settings.Settings{APIKey: "ttpk_secret_api_key", WebhookSecret: "ttws_secret_hook", ProviderKey: "5f0c7b52-3a1e-4b6f-9d2a-0e8c1f4a7b33"}
	r := NewRedactor(s)
	x := r.Exchange(Exchange{
		URL:           "http://partner/validate?key=ttpk_secret_api_key",
		RequestHeader: map[string][]string{"Authorization": {"Bearer 5f0c7b52-3a1e-4b6f-9d2a-0e8c1f4a7b33"}, "X-Note": {"ttws_secret_hook"}},
		RequestBody:   `{"token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjF9.c2lnbmF0dXJl"}`,
		ResponseBody:  "echo ttws_secret_hook",
	})
	b, _ := json.Marshal(x)
	for _, secret := range []string{s.APIKey, s.WebhookSecret, s.ProviderKey, "eyJhbGciOiJIUzI1NiIs"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the redacted exchange shows %q: %s", secret, b)
		}
	}
	if got := x.RequestHeader.Get("Authorization"); got != "Bearer [REDACTED]" {
		t.Errorf("Authorization = %q, want the scheme kept", got)
	}
}

func TestCurlReproducesTheRequest(t *testing.T) {
	x := Exchange{Method: "POST", URL: "http://partner/webhook", RequestBody: `{"a": "it's"}`,
		RequestHeader: map[string][]string{"Content-Type": {"application/json"}, "Content-Length": {"12"}}}
	got := x.Curl()
	want := "curl -sS -i -X POST 'http://partner/webhook' \\\n    -H 'Content-Type: application/json' \\\n    --data-binary '{\"a\": \"it'\\''s\"}'"
	if got != want {
		t.Errorf("Curl() =\n%s\nwant\n%s", got, want)
	}
}
