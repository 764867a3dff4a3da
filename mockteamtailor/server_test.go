package mockteamtailor

import (
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// /healthz answers without credentials; unknown paths outside the Partner
// API are JSON 404s too.
func TestHealthAndUnknownPaths(t *testing.T) {
	env := newTestEnv(t)
	if r := env.do(t, req{method: "GET", path: "/healthz", header: map[string]string{"Authorization": ""}}); r.status != 200 || string(r.body) != "ok\n" {
		t.Errorf("/healthz: status %d body %q", r.status, r.body)
	}
	if r := env.do(t, req{method: "GET", path: "/nope"}); r.status != 404 || r.header.Get("Content-Type") != protocol.MediaType {
		t.Errorf("/nope: status %d content type %q", r.status, r.header.Get("Content-Type"))
	}
}

// The schemas are published by the mock itself, byte for byte.
func TestSchemasServed(t *testing.T) {
	env := newTestEnv(t)
	r := env.do(t, req{method: "GET", path: "/schemas/"})
	if r.status != 200 || !strings.Contains(string(r.body), env.srv.URL+"/schemas/webhook.schema.json") {
		t.Fatalf("index: status %d body %s", r.status, r.body)
	}
	r = env.do(t, req{method: "GET", path: "/schemas/partner-result.schema.json"})
	src, _ := schemas.Source("partner-result")
	if r.status != 200 || string(r.body) != string(src) || r.header.Get("Content-Type") != "application/schema+json" {
		t.Errorf("schema: status %d, content type %q, %d bytes", r.status, r.header.Get("Content-Type"), len(r.body))
	}
	if r := env.do(t, req{method: "GET", path: "/schemas/nope.schema.json"}); r.status != 404 {
		t.Errorf("unknown schema: status %d, want 404", r.status)
	}
	// HEAD answers as GET does, without the body (link checkers and
	// caches ask with HEAD).
	for _, path := range []string{"/schemas/", "/schemas/partner-result.schema.json"} {
		if r := env.do(t, req{method: "HEAD", path: path}); r.status != 200 || len(r.body) != 0 {
			t.Errorf("HEAD %s: status %d, %d bytes of body; want 200 and none", path, r.status, len(r.body))
		}
	}
}
