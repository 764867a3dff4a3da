package embedded

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The embedded mock serves only what a partner calls: the control API
// (keys, reset) is not reachable on --mock-listen.
func TestPartnerFacingHidesTheControlAPI(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := partnerFacing(next)
	for path, want := range map[string]int{
		"/partner/v1/partner-activations": http.StatusTeapot,
		"/files/abc":                      http.StatusTeapot,
		"/mock/v1/keys":                   http.StatusNotFound,
		"/mock/v1/reset":                  http.StatusNotFound,
		"/":                               http.StatusNotFound,
		"/schemas/config.schema.json":     http.StatusNotFound,
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
	}
}

// A 5xx of the embedded mock to the partner is the mock's failure.
func TestInboxRecordsMockFailures(t *testing.T) {
	in := &Inbox{}
	m := &Mock{inbox: in}
	h := in.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "store closed", http.StatusInternalServerError)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPatch, "/partner/v1/partner-results/r1", strings.NewReader("{}")))
	f := m.Failures()
	if len(f) != 1 || !strings.Contains(f[0], "answered 500") || !strings.Contains(f[0], "store closed") {
		t.Errorf("failures %q, want the 500", f)
	}
}
