package jsonscan

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Members reads an object at p.Pos, calling member with each raw key (its
// text between the quotes, escapes decoded) with p.Pos at the value, which
// member must read. It stops at the first false.
func (p *Parser) Members(member func(key []byte) bool) bool {
	p.SkipSpace()
	if p.Pos >= len(p.Data) || p.Data[p.Pos] != '{' {
		return false
	}
	p.Pos++
	p.SkipSpace()
	if p.Pos < len(p.Data) && p.Data[p.Pos] == '}' {
		p.Pos++
		return true
	}
	for {
		p.SkipSpace()
		key, ok := p.Key()
		if !ok {
			return false
		}
		p.SkipSpace()
		if p.Pos >= len(p.Data) || p.Data[p.Pos] != ':' {
			return false
		}
		p.Pos++
		p.SkipSpace()
		if p.Pos >= len(p.Data) || !member(key) {
			return false
		}
		p.SkipSpace()
		if p.Pos >= len(p.Data) {
			return false
		}
		switch p.Data[p.Pos] {
		case ',':
			p.Pos++
		case '}':
			p.Pos++
			return true
		default:
			return false
		}
	}
}

// Elements reads an array at p.Pos, calling element with p.Pos at each
// element, which element must read.
func (p *Parser) Elements(element func() bool) bool {
	p.SkipSpace()
	if p.Pos >= len(p.Data) || p.Data[p.Pos] != '[' {
		return false
	}
	p.Pos++
	p.SkipSpace()
	if p.Pos < len(p.Data) && p.Data[p.Pos] == ']' {
		p.Pos++
		return true
	}
	for {
		p.SkipSpace()
		if p.Pos >= len(p.Data) || !element() {
			return false
		}
		p.SkipSpace()
		if p.Pos >= len(p.Data) {
			return false
		}
		switch p.Data[p.Pos] {
		case ',':
			p.Pos++
		case ']':
			p.Pos++
			return true
		default:
			return false
		}
	}
}

// Key reads an object key at p.Pos: without escapes, the bytes in place.
func (p *Parser) Key() ([]byte, bool) {
	text, at, done := p.PlainString(false)
	switch {
	case done:
		return text, true
	case at < 0 || p.Data[at] < 0x20:
		return nil, false
	}
	s, ok := p.unescape(p.Pos + 1)
	return []byte(s), ok
}

// PlainString reads the string at p.Pos as long as its bytes are plain:
// ASCII, no control, no backslash and, when canonical, no <, > or & (the
// bytes json.Marshal writes unchanged). A string that ends before any
// other byte is returned in place, done, with p.Pos past it. Otherwise p.Pos
// stays, and at is the offset of the first byte that is not plain, or -1
// when the data holds no string there or ends inside it.
func (p *Parser) PlainString(canonical bool) (text []byte, at int, done bool) {
	d := p.Data
	if p.Pos >= len(d) || d[p.Pos] != '"' {
		return nil, -1, false
	}
	for j := p.Pos + 1; j < len(d); j++ {
		switch c := d[j]; {
		case c == '"':
			text, p.Pos = d[p.Pos+1:j], j+1
			return text, j, true
		case c < 0x20 || c >= utf8.RuneSelf || c == '\\' || canonical && (c == '<' || c == '>' || c == '&'):
			return nil, j, false
		}
	}
	return nil, -1, false
}

// Null reads a null at p.Pos, if there is one.
func (p *Parser) Null() bool {
	if p.Pos < len(p.Data) && p.Data[p.Pos] == 'n' {
		return p.Literal("null")
	}
	return false
}

// StringValue reads a string value at p.Pos.
func (p *Parser) StringValue() (string, bool) {
	if p.Pos >= len(p.Data) || p.Data[p.Pos] != '"' {
		return "", false
	}
	return p.Str()
}

// Float reads a number value at p.Pos, with its text.
func (p *Parser) Float() (float64, []byte, bool) {
	if p.Pos >= len(p.Data) || (p.Data[p.Pos] != '-' && (p.Data[p.Pos] < '0' || p.Data[p.Pos] > '9')) {
		return 0, nil, false
	}
	text, ok := p.NumberText()
	if !ok {
		return 0, nil, false
	}
	v, err := strconv.ParseFloat(string(text), 64)
	return v, text, err == nil
}

// ID reads a positive whole number up to 2^53, however written (1, 1.0,
// 1e0), as a JSON:API id of a number.
func (p *Parser) ID() (int64, bool) {
	v, _, ok := p.Float()
	if !ok || v != math.Trunc(v) || v < 1 || v > 1<<53 {
		return 0, false
	}
	return int64(v), true
}

// CanonicalScalars reads an array of canonical scalars.
func (p *Parser) CanonicalScalars() bool {
	d := p.Data
	p.Pos++ // [
	for n := 0; ; n++ {
		if p.Pos >= len(d) {
			return false
		}
		if d[p.Pos] == ']' {
			p.Pos++
			return true
		}
		if n > 0 {
			if d[p.Pos] != ',' {
				return false
			}
			p.Pos++
		}
		if !p.CanonicalScalar() {
			return false
		}
	}
}

// CanonicalScalar reads a string, number, true, false or null written as
// json.Marshal writes it (a json.Number keeps its text).
func (p *Parser) CanonicalScalar() bool {
	if p.Pos >= len(p.Data) {
		return false
	}
	switch c := p.Data[p.Pos]; {
	case c == '"':
		_, ok := p.CanonicalString()
		return ok
	case c == 't':
		return p.Literal("true")
	case c == 'f':
		return p.Literal("false")
	case c == 'n':
		return p.Literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, ok := p.NumberText()
		return ok
	}
	return false
}

// CanonicalString reads a string of printable ASCII that json.Marshal
// writes unchanged (no escapes, no <, > or &), returning its text.
func (p *Parser) CanonicalString() ([]byte, bool) {
	text, _, done := p.PlainString(true)
	return text, done
}
