package protocol

import (
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// parseJSONFast decodes one JSON document into the same plain values as
// encoding/json with UseNumber (map[string]any, []any, string,
// json.Number, bool, nil), in a single pass without reflection. It is the
// Partner API's hot path: encoding/json's decoding into interfaces was
// the largest share of a result update's CPU time.
//
// It reports ok=false for anything it does not accept (bad syntax, data
// after the document, very deep nesting); callers then decode with
// encoding/json, which either accepts the document or produces the error
// message partners see. So this parser never decides an error message,
// and FuzzParseJSONFast checks that whatever it accepts, encoding/json
// accepts with an equal value.
func parseJSONFast(data []byte) (v any, ok bool) {
	p := fastParser{data: data}
	v, ok = p.value(0)
	if !ok {
		return nil, false
	}
	p.skipSpace()
	if p.i != len(p.data) {
		return nil, false
	}
	return v, true
}

// maxFastDepth bounds nesting; deeper documents go to encoding/json.
const maxFastDepth = 1000

type fastParser struct {
	data []byte
	i    int
	// text, when set, is string(data): strings without escapes are cut
	// from it instead of copied one by one (see decodeResultFast).
	text string
}

func (p *fastParser) skipSpace() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *fastParser) value(depth int) (any, bool) {
	if depth > maxFastDepth {
		return nil, false
	}
	p.skipSpace()
	if p.i >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, ok := p.str()
		return s, ok
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, false
}

func (p *fastParser) literal(word string) bool {
	if len(p.data)-p.i < len(word) || string(p.data[p.i:p.i+len(word)]) != word {
		return false
	}
	p.i += len(word)
	return true
}

func (p *fastParser) object(depth int) (any, bool) {
	p.i++ // {
	m := make(map[string]any)
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return m, true
	}
	for {
		p.skipSpace()
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, false
		}
		k, ok := p.str()
		if !ok {
			return nil, false
		}
		p.skipSpace()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, false
		}
		p.i++
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		m[k] = v // like encoding/json, a repeated key's last value wins
		p.skipSpace()
		if p.i >= len(p.data) {
			return nil, false
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return m, true
		default:
			return nil, false
		}
	}
}

func (p *fastParser) array(depth int) (any, bool) {
	p.i++ // [
	out := make([]any, 0, 4)
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return out, true
	}
	for {
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		out = append(out, v)
		p.skipSpace()
		if p.i >= len(p.data) {
			return nil, false
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return out, true
		default:
			return nil, false
		}
	}
}

// number accepts exactly the JSON number grammar and keeps its text.
func (p *fastParser) number() (any, bool) {
	n, ok := p.numberText()
	if !ok {
		return nil, false
	}
	return json.Number(n), true
}

// numberText accepts exactly the JSON number grammar and returns its text,
// which aliases p.data.
func (p *fastParser) numberText() ([]byte, bool) {
	start := p.i
	d := p.data
	if d[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(d) && d[p.i] == '0':
		p.i++
	case p.i < len(d) && d[p.i] >= '1' && d[p.i] <= '9':
		for p.i < len(d) && d[p.i] >= '0' && d[p.i] <= '9' {
			p.i++
		}
	default:
		return nil, false
	}
	if p.i < len(d) && d[p.i] == '.' {
		p.i++
		if p.i >= len(d) || d[p.i] < '0' || d[p.i] > '9' {
			return nil, false
		}
		for p.i < len(d) && d[p.i] >= '0' && d[p.i] <= '9' {
			p.i++
		}
	}
	if p.i < len(d) && (d[p.i] == 'e' || d[p.i] == 'E') {
		p.i++
		if p.i < len(d) && (d[p.i] == '+' || d[p.i] == '-') {
			p.i++
		}
		if p.i >= len(d) || d[p.i] < '0' || d[p.i] > '9' {
			return nil, false
		}
		for p.i < len(d) && d[p.i] >= '0' && d[p.i] <= '9' {
			p.i++
		}
	}
	return d[start:p.i], true
}

// str reads a string at p.i (which is '"'). Plain ASCII without escapes
// is copied once; anything else goes through unescape, which replaces
// invalid UTF-8 and lone surrogates with U+FFFD as encoding/json does.
func (p *fastParser) str() (string, bool) {
	d := p.data
	start := p.i + 1
	for j := start; j < len(d); j++ {
		switch c := d[j]; {
		case c == '"':
			p.i = j + 1
			if s, ok := internedJSON(d[start:j]); ok {
				return s, true
			}
			if p.text != "" {
				return p.text[start:j], true
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

func (p *fastParser) unescape(start int) (string, bool) {
	d := p.data
	buf := make([]byte, 0, 64)
	for j := start; j < len(d); {
		c := d[j]
		switch {
		case c == '"':
			p.i = j + 1
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

// internedJSON returns the member names and values every partner-result
// request repeats as constants, so decoding them allocates nothing.
func internedJSON(b []byte) (string, bool) {
	s := internJSON(b)
	return s, s != ""
}

// internJSON is internedJSON's table; "" for any other text.
func internJSON(b []byte) string {
	switch string(b) { // no allocation: the compiler compares in place
	case "data":
		return "data"
	case "type":
		return "type"
	case "id":
		return "id"
	case "attributes":
		return "attributes"
	case "partner-results":
		return "partner-results"
	case "status":
		return "status"
	case "candidate-id":
		return "candidate-id"
	case "job-id":
		return "job-id"
	case "summary":
		return "summary"
	case "url":
		return "url"
	case "assessment":
		return "assessment"
	case "score":
		return "score"
	case "grade":
		return "grade"
	case "duration":
		return "duration"
	case "details":
		return "details"
	case "attachments":
		return "attachments"
	case "description":
		return "description"
	case "actions":
		return "actions"
	case "buttonText":
		return "buttonText"
	case "endpoint":
		return "endpoint"
	case "assessment-criteria":
		return "assessment-criteria"
	case "sending":
		return "sending"
	case "sent":
		return "sent"
	case "pending":
		return "pending"
	case "completed":
		return "completed"
	case "failed":
		return "failed"
	case "top_fit":
		return "top_fit"
	case "might_be_fit":
		return "might_be_fit"
	case "might_not_be_fit":
		return "might_not_be_fit"
	case "unknown":
		return "unknown"
	}
	return ""
}
