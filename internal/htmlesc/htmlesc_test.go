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
