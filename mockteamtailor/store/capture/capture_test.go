package capture

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// Parse reads every form a team has: a body, a journal entry, a
// list of entries, JSONL; and says exactly what is wrong otherwise.
func TestParseCaptures(t *testing.T) {
	body := `{"partner-event":{"id":"x","candidate":{"z":1,"a":2}},"company":{}}`
	entry, _ := json.Marshal(map[string]any{"id": 12, "kind": "webhook", "request": map[string]any{"body": body}})
	for name, tc := range map[string]struct {
		in      string
		sources []string
		err     string
	}{
		"a body":           {in: body, sources: []string{"the document"}},
		"a journal entry":  {in: string(entry), sources: []string{"the document (journal entry 12)"}},
		"a list":           {in: `{"deliveries":[` + string(entry) + `]}`, sources: []string{"the document, deliveries[0] (journal entry 12)"}},
		"jsonl":            {in: body + "\n\n" + string(entry) + "\n", sources: []string{"line 1", "line 3 (journal entry 12)"}},
		"empty":            {in: " \n", err: "nothing to replay"},
		"bad line":         {in: body + "\n{oops\n", err: "line 2 is not JSON"},
		"an array":         {in: `[1]`, err: "is a JSON array"},
		"a config call":    {in: `{"id":3,"kind":"config","request":{"body":""}}`, err: "is a config call"},
		"a cut body":       {in: `{"kind":"webhook","request":{"body":"{","bodyTruncated":true}}`, err: "cut its body"},
		"no partner-event": {in: `{"company":{}}`, err: "neither partner-event"},
		"event not object": {in: `{"partner-event":[]}`, err: "partner-event is missing or not an object"},
	} {
		t.Run(name, func(t *testing.T) {
			cs, err := Parse([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want one mentioning %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.Source)
				// Key order and numbers are kept.
				if !strings.Contains(string(c.Body), `"candidate":{"z":1,"a":2}`) {
					t.Errorf("body %s lost its key order", c.Body)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.sources, "|") {
				t.Errorf("sources %q, want %q", got, tc.sources)
			}
		})
	}
}

func FuzzParseCaptures(f *testing.F) {
	f.Add([]byte(`{"partner-event":{"id":"x"},"company":{}}`))
	f.Add([]byte(`{"id":1,"kind":"webhook","request":{"body":"{\"partner-event\":{}}"}}`))
	f.Add([]byte("{\"deliveries\":[]}\n{}"))
	f.Add([]byte("[[[[[[[["))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := Parse(data)
		if err != nil {
			return
		}
		for _, c := range cs {
			if !json.Valid(c.Body) {
				t.Fatalf("capture %s is not JSON: %q", c.Source, c.Body)
			}
			_ = protocol.CheckCapture(c.Body)
		}
	})
}

func FuzzCheckCapture(f *testing.F) {
	f.Add([]byte(`{"partner-event":{"id":1,"candidate":{"phone":5,"x":null}},"company":[]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(protocol.CheckCapture(data)) > protocol.MaxDeviations {
			t.Fatal("more deviations than the bound")
		}
	})
}
