package mockteamtailor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// FuzzResultBody feeds arbitrary bodies to the JSON:API decoder and the
// partner-result validator: they never panic, every refusal is a 4xx
// *Error, and whatever they accept renders a document valid per schema.
func FuzzResultBody(f *testing.F) {
	f.Add(`{"data":{"type":"partner-results","attributes":` + fullAttrs + `}}`)
	f.Add(minimalCreate)
	for _, tt := range resultRuleCases {
		f.Add(`{"data":{"type":"partner-results","attributes":` + tt.attrs + `}}`)
	}
	f.Add(`{"data":{"type":"partner-results","id":1e400,"attributes":{}}}`)
	f.Add(`{"data":null}`)
	f.Add(`[`)
	env := &Server{cfg: DefaultConfig()}
	f.Fuzz(func(t *testing.T, body string) {
		for _, create := range []bool{true, false} {
			r := httptest.NewRequest("POST", "/partner/v1/partner-results", strings.NewReader(body))
			r.Header.Set("Content-Type", MediaType)
			in, err := decodeResource(r, 1<<20, "partner-results")
			if err != nil {
				status, _, ours := toErrorDocument(err)
				if !ours || status < 400 || status >= 500 {
					t.Fatalf("decode error %v became status %d", err, status)
				}
				return
			}
			patch, problems := validateResultAttrs(in.Attributes, in.keys, create)
			if len(problems) > 0 {
				for _, p := range problems {
					if p.Status != http.StatusUnprocessableEntity || !strings.HasPrefix(p.Pointer, "/data/attributes") {
						t.Fatalf("problem %+v: want a 422 pointing into /data/attributes", p)
					}
				}
				continue
			}
			res := PartnerResult{ID: "00000000-0000-4000-8000-000000000000", Status: "sending", CandidateID: 1}
			patch.apply(&res)
			doc, err := json.Marshal(dataDocument{Data: env.resultResource(res)})
			if err != nil {
				t.Fatalf("accepted body renders no JSON: %v", err)
			}
			if err := schemas.Validate("partner-result", doc); err != nil {
				t.Fatalf("accepted body %s renders a document the schema refuses: %v\n%s", body, err, doc)
			}
		}
	})
}

// FuzzParseDuration: the duration parser never panics, and what it
// accepts round-trips through H:MM:SS.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"0:32:14", "12:00:00", "99:59:59", "1:60:00", "", "::", "1:2:3", "00:00:00\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseDuration(s)
		if err != nil {
			return
		}
		if n < 0 || n > 99*3600+59*60+59 {
			t.Fatalf("ParseDuration(%q) = %d, out of range", s, n)
		}
		back := fmt.Sprintf("%d:%02d:%02d", n/3600, n/60%60, n%60)
		if m, err := ParseDuration(back); err != nil || m != n {
			t.Fatalf("round trip %q -> %d -> %q -> %d, %v", s, n, back, m, err)
		}
	})
}

// FuzzParseAuthorization: the Authorization parser never panics and never
// returns an empty key or one with spaces.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{"Token abc", "Token token=abc", `Token token="abc"`, "Bearer abc", "Basic abc", "", "Token", "Token a b", "token  abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		key, err := ParseAuthorization(h)
		if err == nil && (key == "" || strings.ContainsAny(key, " \t,")) {
			t.Fatalf("ParseAuthorization(%q) = %q", h, key)
		}
	})
}
