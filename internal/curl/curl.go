// Package curl writes a recorded HTTP request as the curl command that
// sends it again: the journal's "curl" export, the web UI, a replay's
// preview and the suite's "Reproduce:" lines.
package curl

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Request is a recorded request.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   string
}

// Command returns a shell command that sends r again, byte for byte:
// method, URL, headers (sorted by name) and body, each header and the
// body on a line of its own starting with indent. It leaves out the
// headers curl sets itself and those named in skip. A webhook's
// signature in it is the original one, so a partner that checks the
// timestamp window will refuse it after five minutes; replay through the
// mock to sign afresh.
func Command(r Request, indent string, skip ...string) string {
	var b strings.Builder
	b.WriteString("curl -sS -i -X ")
	b.WriteString(r.Method)
	b.WriteString(" ")
	b.WriteString(Quote(r.URL))
	for _, name := range slices.Sorted(maps.Keys(r.Header)) {
		if curlSets(name) || slices.ContainsFunc(skip, func(s string) bool { return strings.EqualFold(s, name) }) {
			continue
		}
		for _, v := range r.Header[name] {
			b.WriteString(" \\\n" + indent + "-H ")
			b.WriteString(Quote(name + ": " + v))
		}
	}
	if r.Body != "" {
		b.WriteString(" \\\n" + indent + "--data-binary ")
		b.WriteString(Quote(r.Body))
	}
	return b.String()
}

// curlSets reports whether curl sets the header itself.
func curlSets(name string) bool {
	switch strings.ToLower(name) {
	case "content-length", "accept-encoding", "connection":
		return true
	}
	return false
}

// Quote quotes s for a POSIX shell.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
