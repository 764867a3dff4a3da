package partnerapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// FuzzResultBody feeds arbitrary bodies to the JSON:API decoder and the
// partner-result validator: they never panic, every refusal is a 4xx
// *Error, and whatever they accept renders a document valid per schema.
func FuzzResultBody(f *testing.F) {
	f.Add(`{"data":{"type":"partner-results","attributes":{"status":"completed","candidate-id":1,"assessment":{"score":82,"grade":"top_fit","duration":"0:32:14"},"details":{"a":{"b":"c"}},"attachments":[{"url":"https://a.example/r.pdf","description":"Report"}],"actions":[{"buttonText":"Archive","endpoint":"archive/1"}],"assessment-criteria":[{"id":"x","score":96},{"id":7}]}}}`)
	f.Add(`{"data":{"type":"partner-results","attributes":{"status":"sending","candidate-id":1}}}`)
	f.Add(`{"data":{"type":"partner-results","id":1e400,"attributes":{}}}`)
	f.Add(`{"data":null}`)
	f.Add(`[`)
	env := &API{cfg: Config{PublicURL: "http://127.0.0.1:8080"}}
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

// FuzzCheckQuery feeds arbitrary query strings to the query check: it
// never panics, a list accepts exactly page[number] and page[size], and
// every refusal is a 400 naming a parameter (or saying the query cannot
// be parsed).
func FuzzCheckQuery(f *testing.F) {
	for _, q := range []string{"", "page[size]=5", "page%5Bnumber%5D=2&page%5Bsize%5D=30", "filter[status]=completed", "include=candidate&sort=-id", "a=1;b=2", "%zz", "page[offset]=1", "=x&&"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, list := range []bool{true, false} {
			r := httptest.NewRequest("GET", "/partner/v1/partner-results", nil)
			r.URL.RawQuery = raw
			err := checkQuery(r, list)
			if err == nil {
				continue
			}
			status, body, ours := httpapi.ErrorBody(err)
			if !ours || status != http.StatusBadRequest {
				t.Fatalf("query %q: %v became status %d", raw, err, status)
			}
			var doc protocol.ErrorDocument
			if json.Unmarshal(body, &doc) != nil || len(doc.Errors) == 0 {
				t.Fatalf("query %q: body %s", raw, body)
			}
		}
		if r := httptest.NewRequest("GET", "/x?page[size]=1&page[number]=1", nil); checkQuery(r, true) != nil {
			t.Fatal("a list refused page[number] and page[size]")
		}
	})
}
