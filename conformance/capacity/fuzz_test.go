package capacity

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// FuzzResultDocuments feeds the two documents a partner sends that the run
// reads, a webhook answer (docs/protocol.md §1.3) and an update-url request body
// (§2.3): any bytes are read without panicking, and only a final status
// counts as a result.
func FuzzResultDocuments(f *testing.F) {
	for _, seed := range []string{
		`{"partner_result_attributes":{"status":"completed","assessment":{"score":80}}}`,
		`{"partner_result_attributes":{"status":"pending"}}`,
		`{"data":{"type":"partner-results","id":"x","attributes":{"status":"failed"}}}`,
		`{"data":{"attributes":{"status":"sent"}}}`,
		`{"data":{"attributes":{"status":7}}}`,
		`{"data":null}`, `[]`, `null`, ``, `{`, "\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if answerCarriesResult(body) {
			if !protocol.Status(fmt.Sprint(dig(body, "partner_result_attributes", "status"))).Final() {
				t.Fatalf("answer %q counted as a result without a final status", body)
			}
		}
		if updateSetsFinal(body) {
			if !protocol.Status(fmt.Sprint(dig(body, "data", "attributes", "status"))).Final() {
				t.Fatalf("update %q counted as a result without a final status", body)
			}
		}
	})
}

// dig reads a value by keys from a JSON document, or nil; keys match
// without regard to case, as encoding/json matches struct fields.
func dig(body []byte, keys ...string) any {
	var cur any
	if json.Unmarshal(body, &cur) != nil {
		return nil
	}
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		var next any
		for mk, v := range m {
			if strings.EqualFold(mk, k) {
				next = v
			}
		}
		cur = next
	}
	return cur
}

// A result is back only with a final status, in either document.
func TestFinalStatusOnly(t *testing.T) {
	for body, want := range map[string]bool{
		`{"partner_result_attributes":{"status":"completed"}}`: true,
		`{"partner_result_attributes":{"status":"failed"}}`:    true,
		`{"partner_result_attributes":{"status":"pending"}}`:   false,
		`{"partner_result_attributes":{}}`:                     false,
		`plain text error`:                                     false,
	} {
		if got := answerCarriesResult([]byte(body)); got != want {
			t.Errorf("answer %s: got %v, want %v", body, got, want)
		}
	}
	for body, want := range map[string]bool{
		`{"data":{"attributes":{"status":"completed"}}}`:   true,
		`{"data":{"attributes":{"status":"sent"}}}`:        false,
		`{"data":{"attributes":{"score":3}}}`:              false,
		`{"data":{"attributes":{"status":["completed"]}}}`: false,
	} {
		if got := updateSetsFinal([]byte(body)); got != want {
			t.Errorf("update %s: got %v, want %v", body, got, want)
		}
	}
}
