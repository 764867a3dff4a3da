package protocol

import (
	"bytes"
	"encoding/json"
	"slices"
)

// details reads the details object and returns what ValidateResultAttrs
// stores: json.Marshal of the decoded object. An object written that way
// but perhaps for the order of its keys (no space, strings that need no
// escaping, within the nesting limit) is kept as its bytes, its members
// sorted where they were not; any other is decoded and marshalled as the
// general path does.
func (p *resultParser) details() (json.RawMessage, bool) {
	start := p.Pos
	if out, ok := p.sortedObject(0); ok {
		if &out[0] == &p.Data[start] {
			return slices.Clone(out), true // the body's own bytes
		}
		return out, true
	}
	p.Pos = start
	raw, ok := p.Value(3)
	if !ok {
		return nil, false
	}
	if _, err := checkDetails(raw); err != nil {
		return nil, false
	}
	out, err := json.Marshal(raw)
	return out, err == nil
}

// detailsMember is a key of a details object and its value, as
// json.Marshal writes them.
type detailsMember struct{ key, value []byte }

// sortedObject reads an object at p.Pos that is written as json.Marshal
// writes its decoded value but perhaps for the order of its keys, at any
// level (partners seldom send them sorted), within the details nesting
// limit (docs/protocol.md §2.3), and returns what json.Marshal writes: the bytes
// read, when every key is in order, or else the same members with their
// keys sorted. ok is false for anything else, repeated keys included: the
// decoder decides those.
func (p *resultParser) sortedObject(depth int) ([]byte, bool) {
	d := p.Data
	if p.Pos >= len(d) || d[p.Pos] != '{' {
		return nil, false
	}
	objStart := p.Pos
	p.Pos++
	var buf [16]detailsMember
	members := buf[:0]
	inOrder := true // every key after the one before it, every inner object as read
	for n := 0; ; n++ {
		if p.Pos >= len(d) {
			return nil, false
		}
		if d[p.Pos] == '}' {
			p.Pos++
			break
		}
		if n > 0 {
			if d[p.Pos] != ',' {
				return nil, false
			}
			p.Pos++
		}
		key, ok := p.CanonicalString()
		if !ok || p.Pos >= len(d) || d[p.Pos] != ':' {
			return nil, false
		}
		p.Pos++
		if p.Pos >= len(d) {
			return nil, false
		}
		start := p.Pos
		value := []byte(nil)
		switch d[p.Pos] {
		case '{':
			if depth > 0 {
				return nil, false
			}
			if value, ok = p.sortedObject(depth + 1); !ok {
				return nil, false
			}
			inOrder = inOrder && &value[0] == &d[start]
		case '[':
			if depth > 0 || !p.CanonicalScalars() {
				return nil, false
			}
			value = d[start:p.Pos]
		default:
			if !p.CanonicalScalar() {
				return nil, false
			}
			value = d[start:p.Pos]
		}
		if n > 0 && string(key) <= string(members[n-1].key) {
			inOrder = false
		}
		members = append(members, detailsMember{key, value})
	}
	if inOrder {
		return d[objStart:p.Pos], true
	}
	slices.SortFunc(members, func(a, b detailsMember) int { return bytes.Compare(a.key, b.key) })
	size := 2
	for i, m := range members {
		if i > 0 && bytes.Equal(m.key, members[i-1].key) {
			return nil, false
		}
		size += len(m.key) + len(m.value) + 4
	}
	out := make([]byte, 0, size)
	out = append(out, '{')
	for i, m := range members {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, '"')
		out = append(out, m.key...)
		out = append(out, '"', ':')
		out = append(out, m.value...)
	}
	return append(out, '}'), true
}

// httpURL reports whether DecodeHTTPURL accepts s. A plain URL (http or
// https, a host of letters, digits, dots and hyphens, an optional port,
// then a path and query of unreserved characters, / ? = and &) is
// recognised without url.Parse, which allocates; anything else is left to
// DecodeHTTPURL. FuzzHTTPURL holds the two to the same answer.
func httpURL(s string) bool {
	if plainHTTPURL(s) {
		return true
	}
	var dst string
	return DecodeHTTPURL(s, &dst) == nil
}

func plainHTTPURL(s string) bool {
	rest, ok := cutPrefix(s, "https://")
	if !ok {
		if rest, ok = cutPrefix(s, "http://"); !ok {
			return false
		}
	}
	i := 0
	for i < len(rest) && (isAlnum(rest[i]) || rest[i] == '.' || rest[i] == '-') {
		i++
	}
	if i == 0 {
		return false
	}
	if i < len(rest) && rest[i] == ':' {
		i++
		digits := i
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == digits {
			return false
		}
	}
	if i == len(rest) {
		return true
	}
	if rest[i] != '/' && rest[i] != '?' {
		return false
	}
	for ; i < len(rest); i++ {
		switch c := rest[i]; {
		case isAlnum(c), c == '-', c == '.', c == '_', c == '~', c == '/', c == '?', c == '=', c == '&':
		default:
			return false
		}
	}
	return true
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return s, false
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
