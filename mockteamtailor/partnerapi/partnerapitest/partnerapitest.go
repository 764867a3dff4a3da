// Package partnerapitest is what the tests of the Partner API share,
// whether they serve it alone (package partnerapi) or inside the whole
// mock: a store seeded with two partners, so cross-partner rules can be
// checked, one request sent as a partner sends it, and the documents the
// tests expect back. Only tests import it.
package partnerapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// Now is the clock of every test server, so documents are stable.
var Now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Clock returns Now.
func Clock() time.Time { return Now }

// The two partners Seed makes: partner 1 (Pied Piper, with a base URL)
// and partner 2 (Hooli).
const (
	Key      = "key-one"
	OtherKey = "key-two"
)

// Seed puts partner 1 and partner 2, each with its sandbox, into st and
// returns partner 1's sandbox.
func Seed(t testing.TB, st store.Store, ids *idgen.IDs) sandbox.Seeded {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Seed(ctx, st, ids, Clock, sandbox.PartnerSettings{ID: "1", Name: "Pied Piper", APIKey: Key, WebhookSecret: "secret-one", BaseURL: "https://piedpiper.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sandbox.Seed(ctx, st, ids, Clock, sandbox.PartnerSettings{ID: "2", Name: "Hooli", APIKey: OtherKey, WebhookSecret: "secret-two"}); err != nil {
		t.Fatal(err)
	}
	return sb
}

// Request is one request of a test. Zero values mean: the key as "Token
// <key>", the right API version, the JSON:API media type on a body.
type Request struct {
	Method, Path, Body string
	Header             map[string]string // "" value deletes the default
}

// Response is what a test request got back.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends rq to baseURL with client, as the partner whose key is key.
func Do(t testing.TB, client *http.Client, baseURL, key string, rq Request) Response {
	t.Helper()
	var body io.Reader
	if rq.Body != "" {
		body = strings.NewReader(rq.Body)
	}
	hr, err := http.NewRequest(rq.Method, baseURL+rq.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Authorization", "Token "+key)
	hr.Header.Set("X-Api-Version", protocol.APIVersion)
	if rq.Body != "" {
		hr.Header.Set("Content-Type", protocol.MediaType)
	}
	for k, v := range rq.Header {
		if k == "Host" { // Go sends Request.Host, not a Host header
			hr.Host = v
			continue
		}
		if v == "" {
			hr.Header.Del(k)
			continue
		}
		hr.Header.Set(k, v)
	}
	resp, err := client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// CreatedID is the id of the result a create answered with, failing the
// test unless it is a 201 with one.
func CreatedID(t testing.TB, r Response) string {
	t.Helper()
	if r.Status != http.StatusCreated {
		t.Fatalf("create: status = %d, want 201; body: %s", r.Status, r.Body)
	}
	var d struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(r.Body, &d); err != nil || d.Data.ID == "" {
		t.Fatalf("create: no id in %s", r.Body)
	}
	return d.Data.ID
}

// CreateRequest posts a result with attrs (a JSON object).
func CreateRequest(attrs string) Request {
	return Request{Method: "POST", Path: "/partner/v1/partner-results", Body: `{"data":{"type":"partner-results","attributes":` + attrs + `}}`}
}

// Doc decodes body as a JSON object (numbers as float64), failing the
// test if it is not one.
func Doc(t testing.TB, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, body)
	}
	return v
}

// ErrDoc builds the JSON:API error document a test expects.
func ErrDoc(entries ...string) string {
	return `{"errors":[` + strings.Join(entries, ",") + `]}`
}

// ErrEntry is one error object of ErrDoc.
func ErrEntry(status int, title, detail, pointer string) string {
	src := ""
	if pointer != "" {
		src = fmt.Sprintf(`,"source":{"pointer":%q}`, pointer)
	}
	return fmt.Sprintf(`{"status":"%d","title":%q,"detail":%q%s}`, status, title, detail, src)
}

// MustMatchSchema fails unless body validates against the named schema:
// the mock's own documents must satisfy the schemas partners are given.
func MustMatchSchema(t testing.TB, name string, body []byte) {
	t.Helper()
	if err := schemas.Validate(name, body); err != nil {
		t.Errorf("document does not match schema %s: %v\n%s", name, err, body)
	}
}

// JSONValue decodes a JSON literal written in a test.
func JSONValue(t testing.TB, s string) map[string]any {
	t.Helper()
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("bad JSON in test: %v\n%s", err, s)
	}
	return v
}

// ErrorDetail is the detail of the first error of a JSON:API error
// document, failing the test if body is not one.
func ErrorDetail(t testing.TB, body []byte) string {
	t.Helper()
	var doc struct {
		Errors []struct{ Status, Detail string }
	}
	if err := json.Unmarshal(body, &doc); err != nil || len(doc.Errors) == 0 {
		t.Fatalf("not an error document (%v): %s", err, body)
	}
	return doc.Errors[0].Detail
}

// HeapInUse is the heap in use after a collection, for the tests of what
// requests leave held.
func HeapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
