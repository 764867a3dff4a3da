package fuzz_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
)

// The planted-bug variants of the example partner: each wraps its handler
// with one parsing bug of a kind found in real partner code. A bug shows
// as a failed answer (a 5xx, a 4xx), or as a wrong or missing result.
// Each condition is on the shape of the webhook, not on its values, so
// it survives scrubbing as an imported fixture's values do.

const (
	testAPIKey = "ttpk_fuzz_5b2e8d1c7a904f36"
	testSecret = "ttws_fuzz_c4a1e7f2b9d30856"
)

// variant is one planted bug.
type variant struct {
	name string
	// kind is the failure the bug shows as (Verdict.Kind).
	kind string
	// trigger reports whether a webhook's candidate trips the bug.
	trigger func(c map[string]any) bool
	// act is what the buggy partner does when tripped.
	act func(w http.ResponseWriter, ev event)
	// planted is the smallest candidate (and webhook-data) that trips
	// it, as Size measures a webhook: the shrunk finding must be at most
	// a small multiple of it.
	planted string
}

// event is the part of the webhook the buggy code uses.
type event struct {
	candidate map[string]any
	resultID  string
	updateURL string
}

func status(code int, msg string) func(http.ResponseWriter, event) {
	return func(w http.ResponseWriter, _ event) { http.Error(w, msg, code) }
}

// lose answers 200 and posts nothing: the job crashed after the answer.
func lose(w http.ResponseWriter, _ event) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"partner_result_attributes":{"status":"pending"}}`)
}

// postResult answers 200 and PATCHes attrs to the event's update-url, as
// the example partner posts its results.
func postResult(attrs func(ev event) map[string]any) func(http.ResponseWriter, event) {
	return func(w http.ResponseWriter, ev event) {
		lose(w, ev)
		go func() {
			doc := map[string]any{"data": map[string]any{"type": "partner-results", "id": ev.resultID, "attributes": attrs(ev)}}
			body, _ := json.Marshal(doc)
			req, err := http.NewRequest(http.MethodPatch, ev.updateURL, bytes.NewReader(body))
			if err != nil {
				return
			}
			req.Header.Set("Authorization", "Token "+testAPIKey)
			req.Header.Set("X-Api-Version", "20180828")
			req.Header.Set("Content-Type", "application/vnd.api+json")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
}

func str(v any) (string, bool) { s, ok := v.(string); return s, ok }

// customFields lists the candidate's and its job's custom field values.
func customFields(c map[string]any) []map[string]any {
	var out []map[string]any
	lists := []any{c["custom-fields"]}
	if job, ok := c["job"].(map[string]any); ok {
		lists = append(lists, job["custom-fields"])
	}
	for _, l := range lists {
		items, _ := l.([]any)
		for _, it := range items {
			one, _ := it.(map[string]any)
			for _, v := range one {
				if val, ok := v.(map[string]any); ok {
					out = append(out, val)
				}
			}
		}
	}
	return out
}

func names(c map[string]any) []string {
	var out []string
	for _, k := range []string{"first-name", "last-name"} {
		if s, ok := str(c[k]); ok {
			out = append(out, s)
		}
	}
	return out
}

func anyRune(ss []string, f func(rune) bool) bool {
	for _, s := range ss {
		if strings.IndexFunc(s, f) >= 0 {
			return true
		}
	}
	return false
}

// The envelope of a planted trigger: only the candidate and webhook-data
// count in Size, and the example partner's form requires "test".
const plantedData = `{"test":"go"}`

var variants = []variant{
	{name: "null-first-name", kind: "answered 500",
		trigger: func(c map[string]any) bool { v, ok := c["first-name"]; return ok && v == nil },
		act:     status(500, "NoMethodError: undefined method 'strip' for nil"),
		planted: `{"id":12345678,"first-name":null}`},
	{name: "multiselect-comma", kind: "answered 500",
		trigger: func(c map[string]any) bool {
			for _, f := range customFields(c) {
				items, _ := f["value"].([]any)
				for _, it := range items {
					if s, ok := str(it); ok && f["type"] == "multiselect" && strings.Contains(s, ",") {
						return true
					}
				}
			}
			return false
		},
		act:     status(500, "option not found after splitting the joined answer on ','"),
		planted: `{"id":12345678,"custom-fields":[{"spoken-languages":{"value":["Swedish, Finnish"],"type":"multiselect"}}]}`},
	{name: "long-answer-column", kind: "answered 500",
		trigger: func(c map[string]any) bool {
			qs, _ := c["questions"].([]any)
			for _, q := range qs {
				m, _ := q.(map[string]any)
				if s, ok := str(m["answer"]); ok && utf8.RuneCountInString(s) > 255 {
					return true
				}
			}
			return false
		},
		act:     status(500, "ERROR: value too long for type character varying(255)"),
		planted: `{"id":12345678,"questions":[{"question":"Why?","answer":"` + strings.Repeat("a", 256) + `"}]}`},
	{name: "amount-as-string", kind: "answered 500",
		trigger: func(c map[string]any) bool {
			offers, _ := c["job-offers"].([]any)
			for _, o := range offers {
				m, _ := o.(map[string]any)
				sal, _ := m["salary"].(map[string]any)
				if _, ok := str(sal["amount"]); ok {
					return true
				}
			}
			return false
		},
		act:     status(500, "json: cannot unmarshal string into Go struct field Salary.amount of type float64"),
		planted: `{"id":12345678,"job-offers":[{"id":"0","salary":{"amount":"52000.00"}}]}`},
	{name: "missing-referrals", kind: "answered 500",
		trigger: func(c map[string]any) bool { _, ok := c["referrals"]; return !ok },
		act:     status(500, "NoMethodError: undefined method 'each' for nil (referrals)"),
		planted: `{"id":12345678}`},
	{name: "unmapped-phone-type", kind: "answered 422",
		trigger: func(c map[string]any) bool {
			cfs, _ := c["custom-fields"].([]any)
			for _, it := range cfs {
				one, _ := it.(map[string]any)
				for _, v := range one {
					if m, ok := v.(map[string]any); ok && m["type"] == "phone" {
						return true
					}
				}
			}
			return false
		},
		act:     status(422, "unknown custom field type"),
		planted: `{"id":12345678,"custom-fields":[{"a":{"value":"+46 70 123 45 67","type":"phone"}}]}`},
	{name: "rtl-name-report", kind: "no final result",
		trigger: func(c map[string]any) bool {
			return anyRune(names(c), func(r rune) bool { return unicode.In(r, unicode.Arabic, unicode.Hebrew) })
		},
		act:     lose,
		planted: `{"id":12345678,"first-name":"سارة"}`},
	{name: "astral-utf8mb3", kind: "answered 500",
		trigger: func(c map[string]any) bool { return anyRune(names(c), func(r rune) bool { return r > 0xFFFF }) },
		act:     status(500, "Error 1366: Incorrect string value for column 'first_name'"),
		planted: `{"id":12345678,"first-name":"😀"}`},
	{name: "empty-tags", kind: "answered 500",
		trigger: func(c map[string]any) bool { tags, ok := c["tags"].([]any); return ok && len(tags) == 0 },
		act:     status(500, "runtime error: index out of range [0] with length 0"),
		planted: `{"id":12345678,"tags":[]}`},
	{name: "bulk-score", kind: "result refused 422",
		trigger: func(c map[string]any) bool { _, ok := c["job"]; return !ok },
		act: postResult(func(event) map[string]any {
			return map[string]any{"status": "completed", "assessment": map[string]any{"score": 150}}
		}),
		planted: `{"id":12345678}`},
	{name: "combining-mark-name", kind: "answered 400",
		trigger: func(c map[string]any) bool {
			return anyRune(names(c), func(r rune) bool { return unicode.Is(unicode.Mn, r) })
		},
		act:     status(400, "invalid name: not in NFC"),
		planted: `{"id":12345678,"first-name":"Zoë"}`},
	{name: "candidate-id-int32", kind: "result for another candidate",
		trigger: func(c map[string]any) bool {
			n, ok := c["id"].(json.Number)
			v, _ := n.Int64()
			return ok && v > 1<<31-1
		},
		act: postResult(func(ev event) map[string]any {
			n, _ := ev.candidate["id"].(json.Number).Int64()
			return map[string]any{"status": "completed", "candidate-id": int32(n)}
		}),
		planted: `{"id":3000000000}`},
}

// wrap is the example partner with v's bug.
func (v variant) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/webhook" {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var doc struct {
			PartnerEvent struct {
				Candidate     map[string]any `json:"candidate"`
				PartnerResult struct {
					ID        string `json:"id"`
					UpdateURL string `json:"update-url"`
				} `json:"partner-result"`
			} `json:"partner-event"`
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		// The bug is in the code after the signature check: a request
		// the example partner would refuse goes to it.
		if dec.Decode(&doc) != nil || doc.PartnerEvent.Candidate == nil || !v.trigger(doc.PartnerEvent.Candidate) || !signed(r) {
			next.ServeHTTP(w, r)
			return
		}
		v.act(w, event{candidate: doc.PartnerEvent.Candidate, resultID: doc.PartnerEvent.PartnerResult.ID, updateURL: doc.PartnerEvent.PartnerResult.UpdateURL})
	})
}

// signed reports a request carrying a signature and a provider key; the
// example partner behind checks them on every request it gets.
func signed(r *http.Request) bool {
	return r.Header.Get("Teamtailor-Signature") != "" && strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ")
}

// servePartner starts the example partner, with v's bug unless v is nil,
// posting results after delay.
func servePartner(t testing.TB, v *variant, delay time.Duration) string {
	t.Helper()
	ep, err := examplepartner.New(examplepartner.Config{APIKey: testAPIKey, WebhookSecret: testSecret, AnyUpdateHost: true, ResultDelay: delay})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = ep
	if v != nil {
		h = v.wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ep.Close(ctx)
	})
	return srv.URL
}

// plantedSize is Size of v's planted trigger.
func (v variant) plantedSize() int { return len(v.planted) + len(plantedData) }

func (v variant) String() string { return fmt.Sprintf("%s (%s)", v.name, v.kind) }
