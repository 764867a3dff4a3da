package protocol

import (
	"fmt"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
)

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
			form, problems := ParseForm(schema, []byte(doc))
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
