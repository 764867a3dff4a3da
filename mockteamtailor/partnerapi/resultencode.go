package partnerapi

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"sync/atomic"
	"unicode/utf8"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// writeResultDocument writes the document of one partner result. It is
// what writeJSONAPI(dataDocument{Data: s.resultResource(res)}) writes,
// byte for byte, without reflection: encoding the response was a tenth
// of an update's CPU time. TestAppendResultDocumentMatchesEncodingJSON
// and FuzzAppendResultDocument hold it to that.
func (s *API) writeResultDocument(w http.ResponseWriter, r *http.Request, status int, res store.PartnerResult) {
	e := encoderPool.Get().(*pooledEncoder)
	defer e.release()
	b, ok := appendResultDocument(e.scratch[:0], s.ResultURL(res.ID), res)
	e.scratch = b
	if !ok {
		// Something only encoding/json can judge (a details value that is
		// not JSON): let it decide, and report.
		writeJSONAPI(w, r, s.logger, status, dataDocument{Data: s.resultResource(res)})
		return
	}
	h := w.Header()
	h["Content-Type"] = mediaTypeValue
	h["Content-Length"] = contentLengthValue(len(b))
	w.WriteHeader(status)
	w.Write(b)
}

// contentLengths holds the Content-Length header values of bodies shorter
// than 8 KiB, made on first use and shared: net/http only reads them.
var contentLengths [8 << 10]atomic.Pointer[[]string]

// contentLengthValue returns the value of a Content-Length header for a
// body of n bytes.
func contentLengthValue(n int) []string {
	if n < 0 || n >= len(contentLengths) {
		return []string{strconv.Itoa(n)}
	}
	if v := contentLengths[n].Load(); v != nil {
		return *v
	}
	v := []string{strconv.Itoa(n)}
	contentLengths[n].Store(&v)
	return v
}

// appendResultDocument appends {"data": resource}\n for result r.
func appendResultDocument(b []byte, selfURL string, r store.PartnerResult) ([]byte, bool) {
	b = append(b, `{"data":{"id":`...)
	b = appendJSONString(b, r.ID)
	b = append(b, `,"type":"partner-results","links":{"self":`...)
	b = appendJSONString(b, selfURL)
	b = append(b, `},"attributes":{"status":`...)
	b = appendJSONString(b, string(r.Status))
	b = append(b, `,"candidate-id":`...)
	b = strconv.AppendInt(b, r.CandidateID, 10)
	b = append(b, `,"job-id":`...)
	if r.JobID == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, *r.JobID, 10)
	}
	b = append(b, `,"summary":`...)
	b = appendOptString(b, r.Summary)
	b = append(b, `,"url":`...)
	b = appendOptString(b, r.URL)
	b = append(b, `,"assessment":{"score":`...)
	var ok bool
	if b, ok = appendOptFloat(b, r.Assessment.Score); !ok {
		return b, false
	}
	b = append(b, `,"grade":`...)
	b = appendOptString(b, r.Assessment.Grade)
	b = append(b, `,"duration":`...)
	if r.Assessment.Duration == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, *r.Assessment.Duration, 10)
	}
	b = append(b, `},"details":`...)
	if r.Details == nil {
		b = append(b, "{}"...)
	} else if b, ok = appendCompact(b, r.Details); !ok {
		return b, false
	}
	b = append(b, `,"attachments":`...)
	if r.Attachments == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, a := range r.Attachments {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"url":`...)
			b = appendJSONString(b, a.URL)
			b = append(b, `,"description":`...)
			b = appendJSONString(b, a.Description)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"actions":`...)
	if r.Actions == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, a := range r.Actions {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"buttonText":`...)
			b = appendJSONString(b, a.ButtonText)
			b = append(b, `,"endpoint":`...)
			b = appendJSONString(b, a.Endpoint)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"assessment-criteria":`...)
	if r.AssessmentCriteria == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range r.AssessmentCriteria {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			if c.ID == nil {
				b = append(b, "null"...)
			} else if b, ok = appendCompact(b, c.ID); !ok {
				return b, false
			}
			if c.Score != nil {
				b = append(b, `,"score":`...)
				if b, ok = appendOptFloat(b, c.Score); !ok {
					return b, false
				}
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, "}}}\n"...), true
}

func appendOptString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *s)
}

// appendOptFloat writes a float64 as encoding/json does; NaN and the
// infinities are not JSON (false).
func appendOptFloat(b []byte, f *float64) ([]byte, bool) {
	if f == nil {
		return append(b, "null"...), true
	}
	v := *f
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, v, format, -1, 64)
	if format == 'e' {
		// e-09 becomes e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// appendCompact appends raw JSON compacted, as encoding/json writes a
// json.RawMessage.
func appendCompact(b []byte, raw json.RawMessage) ([]byte, bool) {
	buf := bytes.NewBuffer(b)
	if err := json.Compact(buf, raw); err != nil {
		return b, false
	}
	return buf.Bytes(), true
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string exactly as encoding/json
// does with SetEscapeHTML(false).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
