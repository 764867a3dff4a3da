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

// URL returns s escaped as html/template escapes a plain string that is
// a whole quoted URL attribute (href="…"): a scheme other than http,
// https or mailto becomes "#ZgotmplZ", bytes outside RFC 3986's
// unreserved and reserved sets are percent-encoded (valid %XX escapes
// are kept), and the result is escaped as String does.
func URL(s string) string {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
			return "#ZgotmplZ"
		}
	}
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0,
			'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			continue
		}
		b.WriteString(s[written:i])
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
		written = i + 1
	}
	if written == 0 {
		return String(s)
	}
	b.WriteString(s[written:])
	return String(b.String())
}

const hex = "0123456789abcdef"

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
