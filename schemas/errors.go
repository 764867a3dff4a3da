package schemas

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// ValidationError reports every way a document fails its schema.
type ValidationError struct {
	// Schema is the name of the schema the document was checked against.
	Schema string
	// Problems lists every failed rule, sorted by Pointer, then Keyword,
	// then Message. It is never empty.
	Problems []Problem
}

// Problem is one rule a document breaks.
type Problem struct {
	// Pointer is the JSON pointer (RFC 6901, plain string form) of the
	// offending value in the document; "" is the document itself.
	Pointer string
	// Keyword is the keyword location: the path through the schema, following
	// $ref, to the keyword that failed, e.g.
	// "/properties/data/properties/attributes/$ref/properties/status/$ref/enum".
	Keyword string
	// Message says what is wrong, e.g. `missing properties: 'status'`.
	Message string
}

// Error returns one line per problem, each as Problem.String formats it.
func (e *ValidationError) Error() string {
	if len(e.Problems) == 0 {
		return fmt.Sprintf("document does not match schema %q", e.Schema)
	}
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// String formats the problem as "<pointer>: <message> (<keyword>)", with the
// last token of the keyword location, e.g.
// `/data/attributes/status: value must be one of "sending", "sent", ... (enum)`.
// The document itself is shown as "(root)".
func (p Problem) String() string {
	ptr := p.Pointer
	if ptr == "" {
		ptr = "(root)"
	}
	return fmt.Sprintf("%s: %s (%s)", ptr, p.Message, lastToken(p.Keyword))
}

// problems flattens the library's tree of causes into its informative
// leaves, sorted and without duplicates. The intermediate "doesn't validate
// with ...", "allOf failed" and "if-then failed" wrappers carry no
// information of their own and are dropped.
func problems(ve *jsonschema.ValidationError) []Problem {
	ps := collect(ve)
	sort.Slice(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Pointer != b.Pointer {
			return a.Pointer < b.Pointer
		}
		if a.Keyword != b.Keyword {
			return a.Keyword < b.Keyword
		}
		return a.Message < b.Message
	})
	out := ps[:0]
	for i, p := range ps {
		if i > 0 && p == ps[i-1] {
			continue
		}
		out = append(out, p)
	}
	return out
}

// collect returns the leaf problems under ve.
func collect(ve *jsonschema.ValidationError) []Problem {
	if len(ve.Causes) == 0 {
		keyword := plainPointer(ve.KeywordLocation)
		msg := ve.Message
		switch lastToken(keyword) {
		case "enum", "const":
			// The library prints a JSON null among the allowed values with
			// Go's %#v, as <nil>; say null, as a JSON reader would.
			msg = strings.ReplaceAll(msg, "<nil>", "null")
		}
		return []Problem{{
			Pointer: plainPointer(ve.InstanceLocation),
			Keyword: keyword,
			Message: msg,
		}}
	}
	switch lastToken(ve.KeywordLocation) {
	case "anyOf", "oneOf":
		return collectAlternatives(ve)
	}
	var out []Problem
	for _, c := range ve.Causes {
		out = append(out, collect(c)...)
	}
	return out
}

// collectAlternatives returns the problems of a failed anyOf or oneOf.
// Alternatives that failed only because the value has another JSON type
// (e.g. the null branch of "an object or null") say nothing about what is
// wrong with the value, so they are dropped when another alternative got
// further. When every alternative failed on its type, they merge into one
// problem: "expected object or null, but got string".
func collectAlternatives(ve *jsonschema.ValidationError) []Problem {
	ptr := plainPointer(ve.InstanceLocation)
	var kept, all []Problem
	var expected []string
	got := ""
	for _, c := range ve.Causes {
		ps := collect(c)
		all = append(all, ps...)
		if exp, g, ok := typeOnly(ps, ptr); ok {
			expected = append(expected, exp...)
			got = g
			continue
		}
		kept = append(kept, ps...)
	}
	if len(kept) > 0 {
		return kept
	}
	if got == "" {
		return all
	}
	return []Problem{{
		Pointer: ptr,
		Keyword: plainPointer(ve.KeywordLocation),
		Message: fmt.Sprintf("expected %s, but got %s", strings.Join(unique(expected), " or "), got),
	}}
}

// typeOnly reports whether ps are only "type" failures of the value at ptr,
// and if so returns the expected types and the type found. It relies on the
// message format of the "type" keyword: "expected X or Y, but got Z".
func typeOnly(ps []Problem, ptr string) (expected []string, got string, ok bool) {
	if len(ps) == 0 {
		return nil, "", false
	}
	for _, p := range ps {
		if p.Pointer != ptr || lastToken(p.Keyword) != "type" {
			return nil, "", false
		}
		exp, g, found := strings.Cut(strings.TrimPrefix(p.Message, "expected "), ", but got ")
		if !found || !strings.HasPrefix(p.Message, "expected ") {
			return nil, "", false
		}
		expected = append(expected, strings.Split(exp, " or ")...)
		got = g
	}
	return expected, got, true
}

// unique returns ss without repeated strings, keeping the first of each.
func unique(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// plainPointer turns the library's locations, whose tokens are
// percent-encoded as in a URI fragment, into plain JSON pointers.
func plainPointer(loc string) string {
	if !strings.Contains(loc, "%") {
		return loc
	}
	tokens := strings.Split(loc, "/")
	for i, t := range tokens {
		if u, err := url.PathUnescape(t); err == nil {
			tokens[i] = u
		}
	}
	return strings.Join(tokens, "/")
}

// lastToken returns the last token of a JSON pointer.
func lastToken(ptr string) string {
	return ptr[strings.LastIndexByte(ptr, '/')+1:]
}
