package htmlesc

import (
	"bytes"
	"html/template"
	"testing"
)

// reference escapes s with html/template itself, in a text node and in a
// quoted attribute.
var reference = template.Must(template.New("").Parse(`{{.}}|<p title="{{.}}">|<title>{{.}}</title>`))

func viaTemplate(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := reference.Execute(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// String escapes exactly as html/template does, in every context the
// reports use.
func FuzzString(f *testing.F) {
	for _, s := range []string{"", "plain", `<script>alert("x&y")</script>`, "a+b 'c'", "nul\x00byte", "bad \xff utf-8", "é ☃ 🎉", "&amp; already", "\ufdd0\ufffe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := String(s)
		if got, want := e+`|<p title="`+e+`">|<title>`+e+`</title>`, viaTemplate(t, s); got != want {
			t.Errorf("String(%q):\n got %q\nwant %q", s, got, want)
		}
	})
}

var referenceURL = template.Must(template.New("").Parse(`<a href="{{.}}">`))

// URL escapes exactly as html/template does in a quoted href.
func FuzzURL(f *testing.F) {
	for _, s := range []string{"", "https://github.com/mockteamtailor/mockteamtailor/blob/main/docs/protocol.md#11-the-webhook-body", "javascript:alert(1)", "HTTP://x", "/rel/path?a=b&c=d", "a b%zz%4a\"'<>", "mailto:x@y", "\x00\xff", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		if err := referenceURL.Execute(&b, s); err != nil {
			t.Fatal(err)
		}
		if got, want := `<a href="`+URL(s)+`">`, b.String(); got != want {
			t.Errorf("URL(%q):\n got %q\nwant %q", s, got, want)
		}
	})
}
