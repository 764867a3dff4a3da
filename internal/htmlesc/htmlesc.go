// Package htmlesc escapes text for HTML the way html/template escapes a
// value in a text node, an RCDATA element (<title>) or a quoted attribute
// value, so that a page written by hand is byte for byte what the
// template wrote.
//
// The reports of ttconformance are written by hand rather than executed
// as templates: executing any text/template or html/template reaches
// reflect.Value.MethodByName, and a binary that can call it keeps every
// exported method of every type it links (the linker's dead-code
// elimination of methods is off). For ttconformance that was 2.9 MB of
// its 18.9 MB.
package htmlesc

import (
	"strings"
	"unicode/utf8"
)

// replacements is html/template's htmlReplacementTable.
var replacements = [...]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// String returns s escaped as html/template escapes a plain string in a
// text node or a quoted attribute: NUL, ", &, ', +, < and > are replaced;
// everything else, invalid UTF-8 included, is kept.
func String(s string) string {
	written := 0
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if int(r) < len(replacements) {
			if repl := replacements[r]; repl != "" {
				if written == 0 {
					b.Grow(len(s) + 16)
				}
				b.WriteString(s[written:i])
				b.WriteString(repl)
				written = i + w
			}
		}
		i += w
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}
