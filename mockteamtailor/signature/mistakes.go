package signature

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The mistakes of receivers that copied a sample: what they compute
// instead of v1 (docs/protocol.md §1.2). The suite signs probes with them
// to name the mistake of a partner that refuses correct signatures, and
// Explain recognises them.

// Undefined is the event id a JavaScript verifier signs when it reads the
// id from a key the body does not have: String(undefined).
const Undefined = "undefined"

// ComputeUndefined returns hex(HMAC-SHA256(secret, "<timestamp>.undefined")):
// the v1 of a verifier whose event id is undefined, e.g. one that reads
// req.body.id or req.body.partnerEvent?.id instead of
// req.body["partner-event"].id.
func ComputeUndefined(secret string, timestamp int64) string {
	return Compute(secret, timestamp, Undefined)
}

// ComputeRestringified returns the pre-2024-07-12 body signature computed
// over the body re-serialised, as a JavaScript verifier does that signs
// JSON.stringify(req.body) after a JSON body parser: hex(HMAC-SHA256(secret,
// "<timestamp>." + JSON.stringify(JSON.parse(body)))). The re-serialised
// body differs from the bytes sent whenever they have spaces, a key order
// JavaScript changes, or escapes it writes otherwise, so such a verifier
// refuses even the signatures it meant to accept.
func ComputeRestringified(secret string, timestamp int64, body []byte) (string, error) {
	again, err := Restringify(body)
	if err != nil {
		return "", err
	}
	return ComputeLegacy(secret, timestamp, again), nil
}

// Restringify returns body as JavaScript writes JSON.stringify(JSON.parse(body)):
// no spaces; object keys in JavaScript's property order (integer-like keys
// first, ascending, then the others as first written; a repeated key keeps
// its first place and its last value); numbers as JavaScript prints
// doubles (1.0 is 1, 1e21 is 1e+21, too large is null); strings escaped
// only where JSON requires it. One difference is known: a lone surrogate
// escape (\ud800) reads as U+FFFD, as everywhere in Go.
func Restringify(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := readJS(dec)
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("not JSON: data after the value")
	}
	var b bytes.Buffer
	writeJS(&b, v)
	return b.Bytes(), nil
}

// jsObject is a parsed JSON object in JavaScript's property order.
type jsObject struct {
	keys []string
	vals map[string]any
}

// readJS reads one value; objects become *jsObject, arrays []any, numbers
// json.Number.
func readJS(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := readJS(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token()
			return arr, err
		case '{':
			obj := &jsObject{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := readJS(dec)
				if err != nil {
					return nil, err
				}
				if _, seen := obj.vals[k]; !seen {
					obj.keys = append(obj.keys, k)
				}
				obj.vals[k] = v
			}
			_, err := dec.Token()
			// JavaScript orders integer-like keys (array indices) first,
			// ascending; the rest keep their order.
			slices.SortStableFunc(obj.keys, func(a, b string) int {
				ia, aok := arrayIndex(a)
				ib, bok := arrayIndex(b)
				switch {
				case aok && bok:
					return int(ia) - int(ib)
				case aok:
					return -1
				case bok:
					return 1
				}
				return 0
			})
			return obj, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return tok, nil
	}
}

// arrayIndex reports whether k is a canonical array index, which
// JavaScript orders before other keys: "0" to "4294967294", no sign, no
// leading zero.
func arrayIndex(k string) (int64, bool) {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseInt(k, 10, 64)
	if err != nil || n < 0 || n >= math.MaxUint32 || strconv.FormatInt(n, 10) != k {
		return 0, false
	}
	return n, true
}

func writeJS(b *bytes.Buffer, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case json.Number:
		b.WriteString(jsNumber(string(t)))
	case string:
		writeJSString(b, t)
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJS(b, e)
		}
		b.WriteByte(']')
	case *jsObject:
		b.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSString(b, k)
			b.WriteByte(':')
			writeJS(b, t.vals[k])
		}
		b.WriteByte('}')
	}
}

// jsNumber prints the JSON number s as JavaScript's Number#toString prints
// the double it reads as (ECMAScript Number::toString).
func jsNumber(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if math.IsInf(f, 0) || (err != nil && !errors.Is(err, strconv.ErrRange)) {
		return "null" // JSON.stringify(Infinity)
	}
	if f == 0 {
		return "0"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	// The shortest digits that read back as f, and n with f = 0.digits × 10^n.
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	digits := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	k, n := len(digits), e+1
	switch {
	case k <= n && n <= 21:
		return sign + digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return sign + digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	expSign := "+"
	if n-1 < 0 {
		expSign = "-"
	}
	exponent := "e" + expSign + strconv.Itoa(abs(n-1))
	if k == 1 {
		return sign + digits + exponent
	}
	return sign + digits[:1] + "." + digits[1:] + exponent
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// writeJSString writes s quoted as JSON.stringify does: only ", \ and
// control characters are escaped, the short escapes where JSON has them.
func writeJSString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
				continue
			}
			var buf [utf8.UTFMax]byte
			b.Write(buf[:utf8.EncodeRune(buf[:], r)])
		}
	}
	b.WriteByte('"')
}
