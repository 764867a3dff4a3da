package mockteamtailor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// FuzzResultBody feeds arbitrary bodies to the JSON:API decoder and the
// partner-result validator: they never panic, every refusal is a 4xx
// *Error, and whatever they accept renders a document valid per schema.
func FuzzResultBody(f *testing.F) {
	f.Add(`{"data":{"type":"partner-results","attributes":` + fullAttrs + `}}`)
	f.Add(minimalCreate)
	f.Add(`{"data":{"type":"partner-results","id":1e400,"attributes":{}}}`)
	f.Add(`{"data":null}`)
	f.Add(`[`)
	env := &Server{cfg: DefaultConfig()}
	f.Fuzz(func(t *testing.T, body string) {
		for _, create := range []bool{true, false} {
			r := httptest.NewRequest("POST", "/partner/v1/partner-results", strings.NewReader(body))
			r.Header.Set("Content-Type", protocol.MediaType)
			in, err := decodeResource(r, 1<<20, "partner-results")
			if err != nil {
				status, _, ours := httpapi.ErrorBody(err)
				if !ours || status < 400 || status >= 500 {
					t.Fatalf("decode error %v became status %d", err, status)
				}
				return
			}
			patch, problems := protocol.ValidateResultAttrs(in.Attributes, create)
			if len(problems) > 0 {
				for _, p := range problems {
					if p.Status != http.StatusUnprocessableEntity || !strings.HasPrefix(p.Pointer, "/data/attributes") {
						t.Fatalf("problem %+v: want a 422 pointing into /data/attributes", p)
					}
				}
				continue
			}
			res := store.PartnerResult{ID: "00000000-0000-4000-8000-000000000000",
				ResultAttributes: protocol.ResultAttributes{Status: protocol.StatusSending, CandidateID: 1}}
			patch.Apply(&res.ResultAttributes)
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
		n, err := protocol.ParseDuration(s)
		if err != nil {
			return
		}
		if n < 0 || n > 99*3600+59*60+59 {
			t.Fatalf("ParseDuration(%q) = %d, out of range", s, n)
		}
		back := fmt.Sprintf("%d:%02d:%02d", n/3600, n/60%60, n%60)
		if m, err := protocol.ParseDuration(back); err != nil || m != n {
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

// FuzzParseForm feeds arbitrary documents to the config and activation
// config parsers, which read what partners answer to /config and
// /activation: they never panic, and a document they accept has only
// supported field types and can be filled in.
func FuzzParseForm(f *testing.F) {
	for _, kind := range []string{fixtures.KindConfigs, fixtures.KindActivationConfigs} {
		for _, name := range fixtures.Names(kind) {
			raw, err := fixtures.Raw(kind, name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(raw))
		}
	}
	f.Add(`{"config":{"fields":[{"id":"a","type":"select","options":[{"id":1,"label":"x"}]}]},"validateEndpoint":"v"}`)
	f.Add(`{"config":null}`)
	supported := map[string]bool{}
	for _, t := range []string{"checkbox", "color", "date", "datetime", "datetime-local", "email", "file", "infobox", "error", "hidden", "month", "number", "password", "radio", "range", "reset", "search", "select", "multiselect", "tel", "text", "url", "week"} {
		supported[t] = true
	}
	f.Fuzz(func(t *testing.T, doc string) {
		for _, schema := range []string{"config", "activation-config"} {
			form, problems := protocol.ParseForm(schema, []byte(doc))
			if len(problems) > 0 {
				continue
			}
			values := map[string]string{}
			for _, field := range form.Fields {
				if !supported[field.Type] {
					t.Fatalf("accepted a field of unsupported type %q", field.Type)
				}
				if opts := field.AllOptions(); len(opts) > 0 {
					values[field.ID] = opts[0].ID
				}
			}
			form.CheckValues(values)
		}
	})
}
