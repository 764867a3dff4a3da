package guard

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"
)

// The token cookie's name carries the port the browser reached the mock
// at, so mocks on two ports of one host keep a cookie each.
func TestTokenCookieNameCarriesThePort(t *testing.T) {
	tests := []struct {
		host string
		tls  bool
		want string
	}{
		{"127.0.0.1:8080", false, "mocktt_control_8080"},
		{"localhost:9090", false, "mocktt_control_9090"},
		{"[::1]:8081", false, "mocktt_control_8081"},
		{"mock.test", false, "mocktt_control_80"},
		{"mock.test", true, "mocktt_control_443"},
		{"mock.test:x;y", false, "mocktt_control_80"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = tt.host
		if tt.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := TokenCookie(r); got != tt.want {
			t.Errorf("TokenCookie(Host %q, TLS %v) = %q, want %q", tt.host, tt.tls, got, tt.want)
		}
	}
}
