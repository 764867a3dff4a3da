package protocol

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// DecodeResultRequest decodes a partner-results request document and
// checks its attributes: what DecodeResource and then ValidateResultAttrs
// return, with the same errors. err is a syntax (400) or shape (422) error
// of the document; problems are the attributes' rules broken (422), all
// of them.
//
// A valid document is decoded in one pass straight into the patch, with
// no intermediate maps: this is the Partner API's hot path. Anything the
// one pass does not accept as valid (any broken rule, a repeated member,
// an attribute it leaves to the general path) is decoded again by
// DecodeResource and ValidateResultAttrs, which decide every error message.
// So the fast path never phrases an error, and FuzzDecodeResultRequest
// checks that whatever it accepts, the general path accepts with the same
// result. On the fast path, in.Attributes is nil.
func DecodeResultRequest(body []byte, create bool) (in Resource, patch ResultPatch, problems Errors, err error) {
	if in, patch, ok := decodeResultFast(body, create); ok {
		return in, patch, nil, nil
	}
	if in, err = DecodeResource(body, "partner-results"); err != nil {
		return in, patch, nil, err
	}
	patch, problems = ValidateResultAttrs(in.Attributes, create)
	return in, patch, problems, nil
}

// decodeResultFast is the one pass of DecodeResultRequest; ok is false
// when the general path must decide.
func decodeResultFast(body []byte, create bool) (in Resource, patch ResultPatch, ok bool) {
	p := fastParser{data: body}
	if len(body) <= arenaMax {
		// One copy of a small body holds every string of the result,
		// where each would be its own allocation; a large body is not
		// kept whole for the sake of a few short strings.
		p.text = string(body)
	}
	seenData := false
	ok = p.members(func(key []byte) bool {
		if string(key) != "data" {
			_, ok := p.value(1) // other top-level members are not read
			return ok
		}
		if seenData {
			return false // the last one would win: let the general path decide
		}
		seenData = true
		return p.resultData(&in, &patch, create)
	})
	p.skipSpace()
	if !ok || !seenData || p.i != len(p.data) {
		return Resource{}, ResultPatch{}, false
	}
	return in, patch, true
}

// arenaMax is the largest body whose strings decodeResultFast cuts from
// one copy of the body: a stored result keeps at most this much alive
// besides its own values.
const arenaMax = 2 << 10

// members reads an object at p.i, calling member with each raw key (its
// text between the quotes, escapes decoded) with p.i at the value, which
// member must read. It stops at the first false.
func (p *fastParser) members(member func(key []byte) bool) bool {
	p.skipSpace()
	if p.i >= len(p.data) || p.data[p.i] != '{' {
		return false
	}
	p.i++
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return true
	}
	for {
		p.skipSpace()
		key, ok := p.key()
		if !ok {
			return false
		}
		p.skipSpace()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return false
		}
		p.i++
		p.skipSpace()
		if p.i >= len(p.data) || !member(key) {
			return false
		}
		p.skipSpace()
		if p.i >= len(p.data) {
			return false
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return true
		default:
			return false
		}
	}
}

// elements reads an array at p.i, calling element with p.i at each
// element, which element must read.
func (p *fastParser) elements(element func() bool) bool {
	p.skipSpace()
	if p.i >= len(p.data) || p.data[p.i] != '[' {
		return false
	}
	p.i++
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return true
	}
	for {
		p.skipSpace()
		if p.i >= len(p.data) || !element() {
			return false
		}
		p.skipSpace()
		if p.i >= len(p.data) {
			return false
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return true
		default:
			return false
		}
	}
}

// key reads an object key at p.i: without escapes, the bytes in place.
func (p *fastParser) key() ([]byte, bool) {
	text, at, done := p.plainString(false)
	switch {
	case done:
		return text, true
	case at < 0 || p.data[at] < 0x20:
		return nil, false
	}
	s, ok := p.unescape(p.i + 1)
	return []byte(s), ok
}

// plainString reads the string at p.i as long as its bytes are plain:
// ASCII, no control, no backslash and, when canonical, no <, > or & (the
// bytes json.Marshal writes unchanged). A string that ends before any
// other byte is returned in place, done, with p.i past it. Otherwise p.i
// stays, and at is the offset of the first byte that is not plain, or -1
// when the data holds no string there or ends inside it.
func (p *fastParser) plainString(canonical bool) (text []byte, at int, done bool) {
	d := p.data
	if p.i >= len(d) || d[p.i] != '"' {
		return nil, -1, false
	}
	for j := p.i + 1; j < len(d); j++ {
		switch c := d[j]; {
		case c == '"':
			text, p.i = d[p.i+1:j], j+1
			return text, j, true
		case c < 0x20 || c >= utf8.RuneSelf || c == '\\' || canonical && (c == '<' || c == '>' || c == '&'):
			return nil, j, false
		}
	}
	return nil, -1, false
}

// null reads a null at p.i, if there is one.
func (p *fastParser) null() bool {
	if p.i < len(p.data) && p.data[p.i] == 'n' {
		return p.literal("null")
	}
	return false
}

// string reads a string value at p.i.
func (p *fastParser) string() (string, bool) {
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return "", false
	}
	return p.str()
}

// float reads a number value at p.i as decodeScore and decodeID read it.
func (p *fastParser) float() (float64, []byte, bool) {
	if p.i >= len(p.data) || (p.data[p.i] != '-' && (p.data[p.i] < '0' || p.data[p.i] > '9')) {
		return 0, nil, false
	}
	text, ok := p.numberText()
	if !ok {
		return 0, nil, false
	}
	v, err := strconv.ParseFloat(string(text), 64)
	return v, text, err == nil
}

// id reads a positive integer id as decodeID accepts it.
func (p *fastParser) id() (int64, bool) {
	v, _, ok := p.float()
	if !ok || v != math.Trunc(v) || v < 1 || v > 1<<53 {
		return 0, false
	}
	return int64(v), true
}

// Bits of the members a resource or an object has shown, to refuse a
// repeated one (its last value would win).
const (
	seenType = 1 << iota
	seenID
	seenAttributes
)

func (p *fastParser) resultData(in *Resource, patch *ResultPatch, create bool) bool {
	var seen int
	once := func(bit int) bool {
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	}
	ok := p.members(func(key []byte) bool {
		switch string(key) {
		case "type":
			if !once(seenType) {
				return false
			}
			t, ok := p.string()
			in.Type = t
			return ok && t == "partner-results"
		case "id":
			if !once(seenID) {
				return false
			}
			in.HasID = true
			if p.data[p.i] == '"' {
				id, ok := p.str()
				in.ID = id
				return ok
			}
			// docs/protocol.md §2 Decision: a number is accepted for data.id.
			text, ok := p.numberText()
			in.ID = string(text)
			return ok
		case "attributes":
			return once(seenAttributes) && p.resultAttributes(patch, create)
		}
		_, ok := p.value(2)
		return ok
	})
	return ok && seen&seenType != 0 && seen&seenAttributes != 0
}

// resultAttributes decodes the attributes object straight into patch,
// accepting only what ValidateResultAttrs accepts without a problem.
func (p *fastParser) resultAttributes(patch *ResultPatch, create bool) bool {
	var seen uint
	ok := p.members(func(key []byte) bool {
		i := slices.Index(resultAttributeNames, string(key))
		if i < 0 || seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		null := p.null()
		switch resultAttributeNames[i] {
		case "status":
			s, ok := p.string()
			if !ok {
				return false
			}
			i := slices.Index(statusNameList, s)
			patch.Status = optional[string]{Set: true, V: s}
			return i >= 0
		case "candidate-id":
			n, ok := p.id()
			patch.CandidateID = optional[int64]{Set: true, V: n}
			return ok
		case "job-id":
			patch.JobID = optional[int64]{Set: true, Null: null}
			if null {
				return true
			}
			n, ok := p.id()
			patch.JobID.V = n
			return ok
		case "summary":
			return p.nullableString(&patch.Summary, null)
		case "url":
			return p.nullableString(&patch.URL, null) && (null || httpURL(patch.URL.V))
		case "assessment":
			patch.Assessment = optional[Assessment]{Set: true, Null: null}
			return null || p.assessment(&patch.Assessment.V)
		case "details":
			patch.Details = optional[json.RawMessage]{Set: true, Null: null}
			if null {
				return true
			}
			raw, ok := p.details()
			patch.Details.V = raw
			return ok
		case "attachments":
			patch.Attachments = optional[[]Attachment]{Set: true, Null: null}
			if null {
				return true
			}
			v, ok := p.attachments()
			patch.Attachments.V = v
			return ok
		case "actions":
			patch.Actions = optional[[]Action]{Set: true, Null: null}
			if null {
				return true
			}
			raw, ok := p.value(3)
			if !ok {
				return false
			}
			v, errs := validateActions(raw)
			patch.Actions.V = v
			return len(errs) == 0
		case "assessment-criteria":
			patch.Criteria = optional[[]Criterion]{Set: true, Null: null}
			if null {
				return true
			}
			raw, ok := p.value(3)
			if !ok {
				return false
			}
			v, errs := validateCriteria(raw)
			patch.Criteria.V = v
			return len(errs) == 0
		}
		return false
	})
	// On create, status (bit 0) and candidate-id (bit 1) are required.
	return ok && (!create || seen&3 == 3)
}

// assessmentValues holds the members of one assessment, so its three
// pointers cost one allocation.
type assessmentValues struct {
	score    float64
	grade    string
	duration int64
}

func (p *fastParser) assessment(a *Assessment) bool {
	var seen int
	var v *assessmentValues
	values := func() *assessmentValues {
		if v == nil {
			v = new(assessmentValues)
		}
		return v
	}
	return p.members(func(key []byte) bool {
		bit := slices.Index(assessmentKeys, string(key))
		if bit < 0 || seen&(1<<bit) != 0 {
			return false
		}
		seen |= 1 << bit
		if p.null() {
			return true // a null member stays unset
		}
		switch bit {
		case 0: // score
			f, _, ok := p.float()
			if !ok || f < 0 || f > 100 {
				return false
			}
			values().score = f
			a.Score = &v.score
		case 1: // grade
			g, ok := p.string()
			if !ok || !slices.Contains(grades, g) {
				return false
			}
			values().grade = g
			a.Grade = &v.grade
		case 2: // duration
			var d int64
			if p.i < len(p.data) && p.data[p.i] == '"' {
				s, ok := p.str()
				if !ok || !parseDurationFast(s, &d) {
					return false
				}
			} else {
				f, _, ok := p.float()
				if !ok || f != math.Trunc(f) || f < 0 || f > math.MaxInt32 {
					return false
				}
				d = int64(f)
			}
			values().duration = d
			a.Duration = &v.duration
		}
		return true
	})
}

// parseDurationFast is ParseDuration's success path without the regular
// expression: H:MM:SS or HH:MM:SS, minutes and seconds 00-59.
func parseDurationFast(s string, d *int64) bool {
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	var h int64
	switch {
	case len(s) == 7 && digit(s[0]):
		h, s = int64(s[0]-'0'), s[1:]
	case len(s) == 8 && digit(s[0]) && digit(s[1]):
		h, s = int64(s[0]-'0')*10+int64(s[1]-'0'), s[2:]
	default:
		return false
	}
	// s is ":MM:SS".
	if s[0] != ':' || s[3] != ':' || s[1] < '0' || s[1] > '5' || !digit(s[2]) || s[4] < '0' || s[4] > '5' || !digit(s[5]) {
		return false
	}
	*d = h*3600 + int64(s[1]-'0')*600 + int64(s[2]-'0')*60 + int64(s[4]-'0')*10 + int64(s[5]-'0')
	return true
}

func (p *fastParser) attachments() ([]Attachment, bool) {
	var small [8]Attachment
	list := small[:0]
	ok := p.elements(func() bool {
		var a Attachment
		var seen int
		ok := p.members(func(key []byte) bool {
			bit := slices.Index(attachmentKeys, string(key))
			if bit < 0 || seen&(1<<bit) != 0 {
				return false
			}
			seen |= 1 << bit
			s, ok := p.string()
			if bit == 0 {
				a.URL = s
				return ok && httpURL(s)
			}
			a.Description = s
			return ok
		})
		list = append(list, a)
		return ok && seen == 3
	})
	if !ok {
		return nil, false
	}
	out := make([]Attachment, len(list)) // never nil: [] is not null
	copy(out, list)
	return out, true
}

// nullableString reads an attribute that is a string or null into o.
func (p *fastParser) nullableString(o *optional[string], null bool) bool {
	*o = optional[string]{Set: true, Null: null}
	if null {
		return true
	}
	s, ok := p.string()
	o.V = s
	return ok
}
