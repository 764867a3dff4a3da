package protocol

import (
	"encoding/json"
	"math"
	"slices"

	"github.com/mockteamtailor/mockteamtailor/internal/jsonscan"
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
	p := resultParser{jsonscan.Parser{Data: body, Intern: internJSON}}
	if len(body) <= arenaMax {
		// One copy of a small body holds every string of the result,
		// where each would be its own allocation; a large body is not
		// kept whole for the sake of a few short strings.
		p.Text = string(body)
	}
	seenData := false
	ok = p.Members(func(key []byte) bool {
		if string(key) != "data" {
			_, ok := p.Value(1) // other top-level members are not read
			return ok
		}
		if seenData {
			return false // the last one would win: let the general path decide
		}
		seenData = true
		return p.resultData(&in, &patch, create)
	})
	p.SkipSpace()
	if !ok || !seenData || p.Pos != len(p.Data) {
		return Resource{}, ResultPatch{}, false
	}
	return in, patch, true
}

// resultParser reads a partner-results document straight into a patch.
type resultParser struct{ jsonscan.Parser }

// arenaMax is the largest body whose strings decodeResultFast cuts from
// one copy of the body: a stored result keeps at most this much alive
// besides its own values.
const arenaMax = 2 << 10

// Bits of the members a resource or an object has shown, to refuse a
// repeated one (its last value would win).
const (
	seenType = 1 << iota
	seenID
	seenAttributes
)

func (p *resultParser) resultData(in *Resource, patch *ResultPatch, create bool) bool {
	var seen int
	once := func(bit int) bool {
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	}
	ok := p.Members(func(key []byte) bool {
		switch string(key) {
		case "type":
			if !once(seenType) {
				return false
			}
			t, ok := p.StringValue()
			in.Type = t
			return ok && t == "partner-results"
		case "id":
			if !once(seenID) {
				return false
			}
			in.HasID = true
			if p.Data[p.Pos] == '"' {
				id, ok := p.Str()
				in.ID = id
				return ok
			}
			// docs/protocol.md §2 Decision: a number is accepted for data.id.
			text, ok := p.NumberText()
			in.ID = string(text)
			return ok
		case "attributes":
			return once(seenAttributes) && p.resultAttributes(patch, create)
		}
		_, ok := p.Value(2)
		return ok
	})
	return ok && seen&seenType != 0 && seen&seenAttributes != 0
}

// resultAttributes decodes the attributes object straight into patch,
// accepting only what ValidateResultAttrs accepts without a problem.
func (p *resultParser) resultAttributes(patch *ResultPatch, create bool) bool {
	var seen uint
	ok := p.Members(func(key []byte) bool {
		i := slices.Index(resultAttributeNames, string(key))
		if i < 0 || seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		null := p.Null()
		switch resultAttributeNames[i] {
		case "status":
			s, ok := p.StringValue()
			if !ok {
				return false
			}
			i := slices.Index(statusNameList, s)
			patch.Status = optional[string]{Set: true, V: s}
			return i >= 0
		case "candidate-id":
			n, ok := p.ID()
			patch.CandidateID = optional[int64]{Set: true, V: n}
			return ok
		case "job-id":
			patch.JobID = optional[int64]{Set: true, Null: null}
			if null {
				return true
			}
			n, ok := p.ID()
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
			raw, ok := p.Value(3)
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
			raw, ok := p.Value(3)
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

func (p *resultParser) assessment(a *Assessment) bool {
	var seen int
	var v *assessmentValues
	values := func() *assessmentValues {
		if v == nil {
			v = new(assessmentValues)
		}
		return v
	}
	return p.Members(func(key []byte) bool {
		bit := slices.Index(assessmentKeys, string(key))
		if bit < 0 || seen&(1<<bit) != 0 {
			return false
		}
		seen |= 1 << bit
		if p.Null() {
			return true // a null member stays unset
		}
		switch bit {
		case 0: // score
			f, _, ok := p.Float()
			if !ok || f < 0 || f > 100 {
				return false
			}
			values().score = f
			a.Score = &v.score
		case 1: // grade
			g, ok := p.StringValue()
			if !ok || !slices.Contains(grades, g) {
				return false
			}
			values().grade = g
			a.Grade = &v.grade
		case 2: // duration
			var d int64
			if p.Pos < len(p.Data) && p.Data[p.Pos] == '"' {
				s, ok := p.Str()
				if !ok || !parseDurationFast(s, &d) {
					return false
				}
			} else {
				f, _, ok := p.Float()
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

func (p *resultParser) attachments() ([]Attachment, bool) {
	var small [8]Attachment
	list := small[:0]
	ok := p.Elements(func() bool {
		var a Attachment
		var seen int
		ok := p.Members(func(key []byte) bool {
			bit := slices.Index(attachmentKeys, string(key))
			if bit < 0 || seen&(1<<bit) != 0 {
				return false
			}
			seen |= 1 << bit
			s, ok := p.StringValue()
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
func (p *resultParser) nullableString(o *optional[string], null bool) bool {
	*o = optional[string]{Set: true, Null: null}
	if null {
		return true
	}
	s, ok := p.StringValue()
	o.V = s
	return ok
}

// internJSON returns the member names and values every partner-result
// request repeats as constants, so decoding them allocates nothing; "" for
// any other text.
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
