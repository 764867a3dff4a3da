package store

import (
	"maps"
	"slices"
	"strings"
)

// Curl returns a shell command that sends a journaled request m again,
// byte for byte: method, URL, headers and body. A webhook's
// signature in it is the original one, so a partner that checks the
// timestamp window will refuse it after five minutes; replay through the
// mock to sign afresh.
func (m HTTPMessage) Curl() string {
	var b strings.Builder
	b.WriteString("curl -sS -i -X ")
	b.WriteString(m.Method)
	b.WriteString(" ")
	b.WriteString(shellQuote(m.URL))
	for _, name := range slices.Sorted(maps.Keys(m.Header)) {
		if skipCurlHeader(name) {
			continue
		}
		for _, v := range m.Header[name] {
			b.WriteString(" \\\n  -H ")
			b.WriteString(shellQuote(name + ": " + v))
		}
	}
	if m.Body != "" {
		b.WriteString(" \\\n  --data-binary ")
		b.WriteString(shellQuote(m.Body))
	}
	return b.String()
}

// skipCurlHeader leaves out headers curl sets itself.
func skipCurlHeader(name string) bool {
	switch strings.ToLower(name) {
	case "content-length", "accept-encoding", "connection":
		return true
	}
	return false
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
