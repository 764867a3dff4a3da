// Package jsonscan is the one-pass JSON scanner of the Partner API's hot
// path: it reads a document into the plain values encoding/json makes
// (with UseNumber), or member by member for a caller that decodes
// straight into its own types, without reflection.
package jsonscan

import (
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Parse decodes one JSON document into the same plain values as
// encoding/json with UseNumber (map[string]any, []any, string,
// json.Number, bool, nil), in a single pass without reflection. It is the
// Partner API's hot path: encoding/json's decoding into interfaces was
// the largest share of a result update's CPU time.
//
// It reports ok=false for anything it does not accept (bad syntax, data
// after the document, very deep nesting); callers then decode with
// encoding/json, which either accepts the document or produces the error
// message partners see. So this parser never decides an error message,
// and FuzzParse checks that whatever it accepts, encoding/json
// accepts with an equal value.
func Parse(data []byte, intern func([]byte) string) (v any, ok bool) {
	p := Parser{Data: data, Intern: intern}
	v, ok = p.Value(0)
	if !ok {
		return nil, false
	}
	p.SkipSpace()
	if p.Pos != len(p.Data) {
		return nil, false
	}
	return v, true
}

// maxDepth bounds nesting; deeper documents go to encoding/json.
const maxDepth = 1000

// Parser reads Data from Pos on; a method that reads a value leaves Pos
// past it. A method that reports false leaves Pos anywhere: the caller
// gives up on the document.
type Parser struct {
	Data []byte
	Pos  int
	// Text, when set, is string(Data): strings without escapes are cut
	// from it instead of copied one by one.
	Text string
	// Intern, when set, returns a constant for the words a document
	// repeats, or "" for any other text, so that reading them allocates
	// nothing.
	Intern func([]byte) string
}

// SkipSpace moves past JSON white space.
func (p *Parser) SkipSpace() {
	for p.Pos < len(p.Data) {
		switch p.Data[p.Pos] {
		case ' ', '\t', '\n', '\r':
			p.Pos++
		default:
			return
		}
	}
}

// Value reads any value into the plain values of Parse; depth is how
// deep it is nested already.
func (p *Parser) Value(depth int) (any, bool) {
	if depth > maxDepth {
		return nil, false
	}
	p.SkipSpace()
	if p.Pos >= len(p.Data) {
		return nil, false
	}
	switch c := p.Data[p.Pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, ok := p.Str()
		return s, ok
	case c == 't':
		return true, p.Literal("true")
	case c == 'f':
		return false, p.Literal("false")
	case c == 'n':
		return nil, p.Literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, false
}

// Literal reads word (true, false or null).
func (p *Parser) Literal(word string) bool {
	if len(p.Data)-p.Pos < len(word) || string(p.Data[p.Pos:p.Pos+len(word)]) != word {
		return false
	}
	p.Pos += len(word)
	return true
}

func (p *Parser) object(depth int) (any, bool) {
	p.Pos++ // {
	m := make(map[string]any)
	p.SkipSpace()
	if p.Pos < len(p.Data) && p.Data[p.Pos] == '}' {
		p.Pos++
		return m, true
	}
	for {
		p.SkipSpace()
		if p.Pos >= len(p.Data) || p.Data[p.Pos] != '"' {
			return nil, false
		}
		k, ok := p.Str()
		if !ok {
			return nil, false
		}
		p.SkipSpace()
		if p.Pos >= len(p.Data) || p.Data[p.Pos] != ':' {
			return nil, false
		}
		p.Pos++
		v, ok := p.Value(depth + 1)
		if !ok {
			return nil, false
		}
		m[k] = v // like encoding/json, a repeated key's last value wins
		p.SkipSpace()
		if p.Pos >= len(p.Data) {
			return nil, false
		}
		switch p.Data[p.Pos] {
		case ',':
			p.Pos++
		case '}':
			p.Pos++
			return m, true
		default:
			return nil, false
		}
	}
}

func (p *Parser) array(depth int) (any, bool) {
	p.Pos++ // [
	out := make([]any, 0, 4)
	p.SkipSpace()
	if p.Pos < len(p.Data) && p.Data[p.Pos] == ']' {
		p.Pos++
		return out, true
	}
	for {
		v, ok := p.Value(depth + 1)
		if !ok {
			return nil, false
		}
		out = append(out, v)
		p.SkipSpace()
		if p.Pos >= len(p.Data) {
			return nil, false
		}
		switch p.Data[p.Pos] {
		case ',':
			p.Pos++
		case ']':
			p.Pos++
			return out, true
		default:
			return nil, false
		}
	}
}

// number accepts exactly the JSON number grammar and keeps its text.
func (p *Parser) number() (any, bool) {
	n, ok := p.NumberText()
	if !ok {
		return nil, false
	}
	return json.Number(n), true
}

// NumberText accepts exactly the JSON number grammar and returns its text,
// which aliases p.Data.
func (p *Parser) NumberText() ([]byte, bool) {
	start := p.Pos
	d := p.Data
	if d[p.Pos] == '-' {
		p.Pos++
	}
	switch {
	case p.Pos < len(d) && d[p.Pos] == '0':
		p.Pos++
	case p.Pos < len(d) && d[p.Pos] >= '1' && d[p.Pos] <= '9':
		for p.Pos < len(d) && d[p.Pos] >= '0' && d[p.Pos] <= '9' {
			p.Pos++
		}
	default:
		return nil, false
	}
	if p.Pos < len(d) && d[p.Pos] == '.' {
		p.Pos++
		if p.Pos >= len(d) || d[p.Pos] < '0' || d[p.Pos] > '9' {
			return nil, false
		}
		for p.Pos < len(d) && d[p.Pos] >= '0' && d[p.Pos] <= '9' {
			p.Pos++
		}
	}
	if p.Pos < len(d) && (d[p.Pos] == 'e' || d[p.Pos] == 'E') {
		p.Pos++
		if p.Pos < len(d) && (d[p.Pos] == '+' || d[p.Pos] == '-') {
			p.Pos++
		}
		if p.Pos >= len(d) || d[p.Pos] < '0' || d[p.Pos] > '9' {
			return nil, false
		}
		for p.Pos < len(d) && d[p.Pos] >= '0' && d[p.Pos] <= '9' {
			p.Pos++
		}
	}
	return d[start:p.Pos], true
}

// Str reads a string at p.Pos (which is '"'). Plain ASCII without escapes
// is copied once; anything else goes through unescape, which replaces
// invalid UTF-8 and lone surrogates with U+FFFD as encoding/json does.
func (p *Parser) Str() (string, bool) {
	d := p.Data
	start := p.Pos + 1
	for j := start; j < len(d); j++ {
		switch c := d[j]; {
		case c == '"':
			p.Pos = j + 1
			if p.Intern != nil {
				if s := p.Intern(d[start:j]); s != "" {
					return s, true
				}
			}
			if p.Text != "" {
				return p.Text[start:j], true
			}
			return string(d[start:j]), true
		case c == '\\' || c >= utf8.RuneSelf:
			return p.unescape(start)
		case c < 0x20:
			return "", false
		}
	}
	return "", false
}

func (p *Parser) unescape(start int) (string, bool) {
	d := p.Data
	buf := make([]byte, 0, 64)
	for j := start; j < len(d); {
		c := d[j]
		switch {
		case c == '"':
			p.Pos = j + 1
			return string(buf), true
		case c < 0x20:
			return "", false
		case c == '\\':
			if j+1 >= len(d) {
				return "", false
			}
			switch e := d[j+1]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := hex4(d, j+2)
				if !ok {
					return "", false
				}
				j += 6
				if utf16.IsSurrogate(r) {
					// A high surrogate followed by an escaped low one is one
					// rune; anything else is U+FFFD, as encoding/json does.
					if r2, ok := hex4(d, j+2); ok && j+1 < len(d) && d[j] == '\\' && d[j+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							buf = utf8.AppendRune(buf, dec)
							j += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default:
				return "", false
			}
			j += 2
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			j++
		default:
			r, size := utf8.DecodeRune(d[j:])
			if r == utf8.RuneError && size == 1 {
				buf = utf8.AppendRune(buf, utf8.RuneError)
			} else {
				buf = append(buf, d[j:j+size]...)
			}
			j += size
		}
	}
	return "", false
}

// hex4 reads four hex digits at d[i:].
func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d[i:i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}
