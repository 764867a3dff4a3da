// Package signature holds the pure functions around the Teamtailor-Signature
// header that signs every webhook (docs/protocol.md §1.2): computing it, parsing it,
// verifying it, and explaining why a given header does not verify. The mock,
// the conformance suite and the example partner share this one
// implementation.
//
// The header is one line, comma separated, without spaces:
//
//	t=<unix seconds>,v1=<hex>,v0=<hex>
//
// where v1 is hex(HMAC-SHA256(webhook secret, "<t>.<partner-event id>")). The
// body is not signed (it was until 2024-07-12), and v0 is a decoy of the same
// shape that never verifies.
package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Header is the name of the HTTP header that carries the signature
// (docs/protocol.md §1.2).
const Header = "Teamtailor-Signature"

// DefaultTolerance is how far the signed timestamp may be from the
// receiver's clock, either way, when no tolerance is given. docs/protocol.md §1.2:
// receivers choose their window; five minutes is typical.
const DefaultTolerance = 5 * time.Minute

// Scheme names used in the header (docs/protocol.md §1.2).
const (
	// SchemeV1 is the newest scheme and the only one receivers verify.
	SchemeV1 = "v1"
	// SchemeV0 is the decoy that never verifies.
	SchemeV0 = "v0"
)

// signatureHexLen is the length of a hex-encoded HMAC-SHA256.
const signatureHexLen = 2 * sha256.Size

// Compute returns the v1 signature, hex(HMAC-SHA256(secret,
// "<timestamp>.<eventID>")). docs/protocol.md §1.2: only the partner-event id is
// signed, never the body.
func Compute(secret string, timestamp int64, eventID string) string {
	return hexHMAC([]byte(secret), Message(timestamp, eventID))
}

// Message returns the string v1 signs, "<timestamp>.<eventID>"
// (docs/protocol.md §1.2).
func Message(timestamp int64, eventID string) string {
	return strconv.FormatInt(timestamp, 10) + "." + eventID
}

// ComputeLegacy returns the signature Teamtailor sent before 2024-07-12,
// when the body was signed: hex(HMAC-SHA256(secret, "<timestamp>.<body>")).
// Nothing sends it any more; Explain uses it to recognise receivers and
// senders still following the old documentation (docs/protocol.md §1.2).
func ComputeLegacy(secret string, timestamp int64, body []byte) string {
	return hexHMAC([]byte(secret), strconv.FormatInt(timestamp, 10)+"."+string(body))
}

// decoyKeyPrefix derives the decoy's key from the secret, so a decoy never
// gives away a v1 value.
const decoyKeyPrefix = "mockteamtailor/signature v0 decoy key\x00"

// decoyMessagePrefix starts every decoy message. Compute's messages start
// with the decimal timestamp, so they never equal a decoy message, and a
// decoy can only equal a v1 value through an HMAC-SHA256 collision.
const decoyMessagePrefix = "decoy:"

// Decoy returns the v0 value: a deterministic 64-hex-character value of the
// same shape as v1 that never verifies. docs/protocol.md §1.2: v0 is always present,
// so a parser expecting "t, then the newest scheme, then more" works, and
// receivers must ignore it (downgrade protection).
func Decoy(secret string, timestamp int64, eventID string) string {
	key := sha256.Sum256([]byte(decoyKeyPrefix + secret))
	return hexHMAC(key[:], decoyMessagePrefix+strconv.FormatInt(timestamp, 10)+"."+eventID)
}

// Sign returns the whole header value for the event eventID sent at t:
// "t=<unix seconds>,v1=<hex>,v0=<hex>" (docs/protocol.md §1.2). t is truncated to
// whole seconds and must not be before 1970, which Parse rejects.
func Sign(secret, eventID string, t time.Time) string {
	ts := t.Unix()
	return "t=" + strconv.FormatInt(ts, 10) +
		",v1=" + Compute(secret, ts, eventID) +
		",v0=" + Decoy(secret, ts, eventID)
}

func hexHMAC(key []byte, message string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(message))
	return hex.EncodeToString(mac.Sum(nil))
}

// Sentinel errors of Parse and Verify; the errors they return wrap one of
// these with a message saying exactly what is wrong.
var (
	// ErrMissing: the header is absent or empty.
	ErrMissing = errors.New("signature header missing")
	// ErrMalformed: the header does not parse.
	ErrMalformed = errors.New("malformed signature header")
	// ErrNoV1: the header parses but has no v1 value.
	ErrNoV1 = errors.New("no v1 signature")
	// ErrMismatch: no v1 value matches the expected signature.
	ErrMismatch = errors.New("signature mismatch")
	// ErrStale: the signature matches but t is older than the tolerance.
	ErrStale = errors.New("stale timestamp")
	// ErrFuture: the signature matches but t is further in the future than
	// the tolerance.
	ErrFuture = errors.New("timestamp in the future")
)

// Parsed is a parsed Teamtailor-Signature header.
type Parsed struct {
	// Timestamp is the value of t, unix seconds, never negative.
	Timestamp int64
	// Signatures maps each scheme (v1, v0, or any other) to its values in
	// the order they appear.
	Signatures map[string][]string
	// Schemes lists the schemes in the order of their first appearance,
	// without t.
	Schemes []string
}

// String formats p as a header: t first, then every value of each scheme
// in Schemes order. Parse(p.String()) gives p back.
func (p Parsed) String() string {
	var b strings.Builder
	b.WriteString("t=" + strconv.FormatInt(p.Timestamp, 10))
	for _, s := range p.Schemes {
		for _, v := range p.Signatures[s] {
			b.WriteString("," + s + "=" + v)
		}
	}
	return b.String()
}

// Parse reads a Teamtailor-Signature header (docs/protocol.md §1.2). It is liberal
// where that cannot weaken verification:
//   - parts may come in any order, and spaces around parts, names and values
//     are trimmed (Teamtailor sends none); empty parts are skipped;
//   - unknown schemes and repeated schemes are kept, not refused, so a
//     scheme list beyond v1,v0 does not break receivers (docs/protocol.md §1.2
//     Decision); values split at the first '=';
//   - v1 values may use upper-case hex; other schemes' values are not
//     checked.
//
// It refuses, with an error wrapping ErrMalformed: an empty header (the
// error also wraps ErrMissing), a part without '=', an empty scheme name, a
// missing or repeated t, a t that is not a non-negative decimal integer,
// and a v1 value that is not 64 hex characters. A header without v1 parses;
// Verify reports it as ErrNoV1.
func Parse(header string) (Parsed, error) {
	if strings.TrimSpace(header) == "" {
		return Parsed{}, errEmpty{}
	}
	p := Parsed{Signatures: map[string][]string{}}
	seenT := false
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			return Parsed{}, fmt.Errorf("%w: part %q has no '='", ErrMalformed, part)
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		switch {
		case name == "":
			return Parsed{}, fmt.Errorf("%w: part %q has no scheme name before '='", ErrMalformed, part)
		case name == "t":
			if seenT {
				return Parsed{}, fmt.Errorf("%w: t is given more than once", ErrMalformed)
			}
			ts, err := parseTimestamp(value)
			if err != nil {
				return Parsed{}, fmt.Errorf("%w: part %q: %s", ErrMalformed, part, err)
			}
			p.Timestamp, seenT = ts, true
			continue
		case name == SchemeV1:
			if _, err := hex.DecodeString(value); err != nil || len(value) != signatureHexLen {
				return Parsed{}, fmt.Errorf("%w: part %q: a v1 value must be %d hex characters (HMAC-SHA256), got %d characters", ErrMalformed, part, signatureHexLen, len(value))
			}
		}
		if _, ok := p.Signatures[name]; !ok {
			p.Schemes = append(p.Schemes, name)
		}
		p.Signatures[name] = append(p.Signatures[name], value)
	}
	if !seenT {
		return Parsed{}, fmt.Errorf("%w: no t=<unix seconds> part", ErrMalformed)
	}
	return p, nil
}

// errEmpty is Parse's error for an empty header: both missing and
// malformed.
type errEmpty struct{}

func (errEmpty) Error() string   { return "signature header missing: the header is empty" }
func (errEmpty) Unwrap() []error { return []error{ErrMissing, ErrMalformed} }

// parseTimestamp accepts only decimal digits: no sign, no fraction.
func parseTimestamp(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("t is empty")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errors.New("t must be unix seconds, a non-negative whole number")
		}
	}
	ts, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errors.New("t is too large")
	}
	return ts, nil
}

// Verify reports whether header is a valid signature of the event eventID
// under secret, received at now. It returns nil only if some v1 value
// equals Compute(secret, t, eventID) (compared in constant time; with
// several v1 values any one may match) and t is within tolerance of now,
// either way. Other schemes, v0 included, are ignored (docs/protocol.md §1.2,
// downgrade protection). A tolerance <= 0 means DefaultTolerance.
//
// Errors wrap ErrMissing, ErrMalformed, ErrNoV1, ErrMismatch, ErrStale or
// ErrFuture, checked in that order.
func Verify(header, secret, eventID string, now time.Time, tolerance time.Duration) error {
	p, err := Parse(header)
	if err != nil {
		return err
	}
	if len(p.Signatures[SchemeV1]) == 0 {
		return fmt.Errorf("%w: the header has %s; receivers must use v1", ErrNoV1, schemeList(p))
	}
	if !matchesAny(p.Signatures[SchemeV1], Compute(secret, p.Timestamp, eventID)) {
		return fmt.Errorf("%w: no v1 value is the HMAC-SHA256 of %q under this webhook secret", ErrMismatch, Message(p.Timestamp, eventID))
	}
	return checkTimestamp(p.Timestamp, now, tolerance)
}

// matchesAny reports whether one of values is want, as hex, case-folded,
// in constant time per value.
func matchesAny(values []string, want string) bool {
	w, _ := hex.DecodeString(want)
	found := false
	for _, v := range values {
		got, err := hex.DecodeString(v)
		if err == nil && hmac.Equal(got, w) {
			found = true
		}
	}
	return found
}

func checkTimestamp(ts int64, now time.Time, tolerance time.Duration) error {
	if detail, err := timing(ts, now, tolerance); err != nil {
		return fmt.Errorf("%w: %s", err, detail)
	}
	return nil
}

// timing describes how far ts is from now, and returns ErrStale or
// ErrFuture when that is more than tolerance (<= 0: DefaultTolerance).
func timing(ts int64, now time.Time, tolerance time.Duration) (string, error) {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	switch age := ageOf(ts, now); {
	case age > tolerance:
		return fmt.Sprintf("timestamp %d is %s old, more than the %s tolerance", ts, age, tolerance), ErrStale
	case -age > tolerance:
		return fmt.Sprintf("timestamp %d is %s in the future, more than the %s tolerance", ts, -age, tolerance), ErrFuture
	case age < 0:
		return fmt.Sprintf("timestamp %s in the future, within %s", -age, tolerance), nil
	default:
		return fmt.Sprintf("timestamp %s old, within %s", age, tolerance), nil
	}
}

// ageOf returns now minus ts in whole seconds, saturated to the range of a
// Duration instead of overflowing.
func ageOf(ts int64, now time.Time) time.Duration {
	const maxSeconds = int64(math.MaxInt64 / time.Second)
	n := now.Unix()
	if n < math.MinInt64+ts { // n - ts would overflow
		return -time.Duration(math.MaxInt64)
	}
	d := n - ts
	switch {
	case d > maxSeconds:
		return time.Duration(math.MaxInt64)
	case d < -maxSeconds:
		return -time.Duration(math.MaxInt64)
	}
	return time.Duration(d) * time.Second
}

func schemeList(p Parsed) string {
	if len(p.Schemes) == 0 {
		return "only t"
	}
	return "only " + strings.Join(p.Schemes, ", ")
}
