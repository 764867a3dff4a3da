package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	testSecret  = "whsec-test"
	testEventID = "f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7"
	testTS      = int64(1700000000)
	resultID    = "0b0c4e1e-2b53-4a55-9c6f-5bd4b0d1e3aa"
)

var (
	testTime = time.Unix(testTS, 0)
	testBody = []byte(`{"partner-event":{"id":"` + testEventID + `","webhook-data":{},"partner-result":{"id":"` + resultID + `","status":"sending"}},"company":{"name":"Acme"}}`)
)

// independentHMAC is written out here, apart from the package, so the
// tests do not check the implementation against itself.
func independentHMAC(key, message string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(message))
	return hex.EncodeToString(m.Sum(nil))
}

// Rule: v1 is hex(HMAC-SHA256(secret, "<t>.<partner-event id>")); the
// known vector was computed with
// printf '%s' '1700000000.f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7' | openssl dgst -sha256 -hmac secret
func TestComputeKnownVector(t *testing.T) {
	got := Compute("secret", 1700000000, "f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7")
	want := "9e8849a7f431b17f3b4061195609944bf4db06b803f41c144943fdf97225f3e1"
	if got != want {
		t.Errorf("Compute = %s, want %s", got, want)
	}
}

// Rule: Compute signs "<t>.<event id>" and ComputeLegacy "<t>.<body>",
// both HMAC-SHA256 under the webhook secret, as hex.
func TestComputeMatchesIndependentHMAC(t *testing.T) {
	for _, tc := range []struct {
		secret, eventID string
		ts              int64
	}{
		{testSecret, testEventID, testTS},
		{"", "", 0},
		{"s3cr3t with spaces", "123", 9999999999},
		{"ünïcødé", "id.with.dots", 1},
	} {
		msg := strconv.FormatInt(tc.ts, 10) + "." + tc.eventID
		if got, want := Compute(tc.secret, tc.ts, tc.eventID), independentHMAC(tc.secret, msg); got != want {
			t.Errorf("Compute(%q, %d, %q) = %s, want %s", tc.secret, tc.ts, tc.eventID, got, want)
		}
		if got, want := Message(tc.ts, tc.eventID), msg; got != want {
			t.Errorf("Message = %q, want %q", got, want)
		}
		body := `{"id":"` + tc.eventID + `"}`
		if got, want := ComputeLegacy(tc.secret, tc.ts, []byte(body)), independentHMAC(tc.secret, strconv.FormatInt(tc.ts, 10)+"."+body); got != want {
			t.Errorf("ComputeLegacy = %s, want %s", got, want)
		}
	}
}

var headerFormat = regexp.MustCompile(`^t=\d+,v1=[0-9a-f]{64},v0=[0-9a-f]{64}$`)

// Rule: Sign emits exactly t=<unix seconds>,v1=<64 hex>,v0=<64 hex>, one
// line, no spaces, and Verify accepts it.
func TestSignFormatAndRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		secret, eventID string
		at              time.Time
	}{
		{testSecret, testEventID, testTime},
		{"other", "another-event", time.Unix(0, 0)},
		{testSecret, testEventID, time.Unix(testTS, 999_999_999)}, // truncated to the second
	} {
		h := Sign(tc.secret, tc.eventID, tc.at)
		if !headerFormat.MatchString(h) {
			t.Errorf("Sign = %q, does not match %s", h, headerFormat)
		}
		want := "t=" + strconv.FormatInt(tc.at.Unix(), 10) + ",v1=" + independentHMAC(tc.secret, strconv.FormatInt(tc.at.Unix(), 10)+"."+tc.eventID) + ","
		if !strings.HasPrefix(h, want) {
			t.Errorf("Sign = %q, want prefix %q", h, want)
		}
		if err := Verify(h, tc.secret, tc.eventID, tc.at, 0); err != nil {
			t.Errorf("Verify(Sign(...)) = %v, want nil", err)
		}
	}
}

// Rule: v0 has the shape of v1, is deterministic, and never verifies.
func TestDecoy(t *testing.T) {
	d := Decoy(testSecret, testTS, testEventID)
	if d != Decoy(testSecret, testTS, testEventID) {
		t.Error("Decoy is not deterministic")
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(d) {
		t.Errorf("Decoy = %q, want 64 hex characters", d)
	}
	if d == Compute(testSecret, testTS, testEventID) {
		t.Error("Decoy equals Compute")
	}
	// The decoy moved into v1's place does not verify.
	h := "t=" + strconv.FormatInt(testTS, 10) + ",v1=" + d + ",v0=" + d
	if err := Verify(h, testSecret, testEventID, testTime, 0); !errors.Is(err, ErrMismatch) {
		t.Errorf("Verify(v1=decoy) = %v, want ErrMismatch", err)
	}
}

// header builds a header from parts, to keep the tables readable.
func header(parts ...string) string { return strings.Join(parts, ",") }

var (
	tPart      = "t=" + strconv.FormatInt(testTS, 10)
	goodV1     = "v1=" + Compute(testSecret, testTS, testEventID)
	goodV0     = "v0=" + Decoy(testSecret, testTS, testEventID)
	legacyV1   = "v1=" + ComputeLegacy(testSecret, testTS, testBody)
	resultV1   = "v1=" + Compute(testSecret, testTS, resultID)
	computedV0 = "v0=" + Compute(testSecret, testTS, testEventID)
	otherV1    = "v1=" + strings.Repeat("ab", 32)
)

func tampered(v1 string) string {
	b := []byte(v1)
	if b[len(b)-1] == '0' {
		b[len(b)-1] = '1'
	} else {
		b[len(b)-1] = '0'
	}
	return string(b)
}

// Rule: Verify accepts only a matching v1 within tolerance, ignores other
// schemes, and reports each failure with its own sentinel.
func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		name, header, secret, eventID string
		age                           time.Duration // now = t + age
		zeroNow                       bool          // now is the zero time.Time
		tolerance                     time.Duration
		want                          error // nil: valid
		wantMsg                       string
	}{
		{name: "valid", header: header(tPart, goodV1, goodV0)},
		{name: "12s old", header: header(tPart, goodV1, goodV0), age: 12 * time.Second},
		{name: "exactly at tolerance", header: header(tPart, goodV1, goodV0), age: 5 * time.Minute},
		{name: "unknown schemes accepted", header: header(tPart, goodV1, goodV0, "v2=abc", "foo=bar")},
		{name: "another order", header: header(goodV0, tPart, goodV1)},
		{name: "duplicated v1, one good", header: header(tPart, otherV1, goodV1, goodV0)},
		{name: "spaces trimmed", header: " " + tPart + " , " + goodV1 + " ,\t" + goodV0 + " "},
		{name: "upper-case hex", header: header(tPart, "v1="+strings.ToUpper(goodV1[3:]), goodV0)},
		{name: "trailing comma", header: header(tPart, goodV1, goodV0, "")},
		{name: "custom tolerance", header: header(tPart, goodV1), age: time.Hour, tolerance: 2 * time.Hour},
		{name: "tampered v1", header: header(tPart, tampered(goodV1), goodV0), want: ErrMismatch},
		{name: "wrong secret", header: header(tPart, goodV1, goodV0), secret: "not-the-secret", want: ErrMismatch},
		{name: "wrong event id", header: header(tPart, goodV1, goodV0), eventID: resultID, want: ErrMismatch},
		{name: "legacy body signature", header: header(tPart, legacyV1, goodV0), want: ErrMismatch},
		{name: "v0 carries the signature", header: header(tPart, otherV1, computedV0), want: ErrMismatch},
		{name: "stale", header: header(tPart, goodV1, goodV0), age: 7*time.Minute + 12*time.Second, want: ErrStale,
			wantMsg: "stale timestamp: timestamp 1700000000 is 7m12s old, more than the 5m0s tolerance"},
		{name: "future", header: header(tPart, goodV1, goodV0), age: -10 * time.Minute, want: ErrFuture,
			wantMsg: "timestamp in the future: timestamp 1700000000 is 10m0s in the future, more than the 5m0s tolerance"},
		{name: "mismatch reported before staleness", header: header(tPart, otherV1), age: time.Hour, want: ErrMismatch},
		{name: "missing", header: "", want: ErrMissing},
		{name: "blank", header: "  ", want: ErrMissing},
		{name: "only v0", header: header(tPart, goodV0), want: ErrNoV1},
		{name: "only v0 carrying the signature", header: header(tPart, computedV0), want: ErrNoV1},
		{name: "no t", header: header(goodV1, goodV0), want: ErrMalformed},
		{name: "short v1", header: header(tPart, "v1=abc", goodV0), want: ErrMalformed},
		{name: "zero time far away", header: header(tPart, goodV1), zeroNow: true, want: ErrFuture},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secret, eventID, now := testSecret, testEventID, testTime.Add(tc.age)
			if tc.zeroNow {
				now = time.Time{}
			}
			if tc.secret != "" {
				secret = tc.secret
			}
			if tc.eventID != "" {
				eventID = tc.eventID
			}
			err := Verify(tc.header, secret, eventID, now, tc.tolerance)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want an error wrapping %v", err, tc.want)
			}
			if tc.wantMsg != "" && err.Error() != tc.wantMsg {
				t.Errorf("Verify error = %q, want %q", err, tc.wantMsg)
			}
		})
	}
}

// Rule: Parse keeps every scheme in order of first appearance, keeps
// repeated values in order, trims spaces, and refuses what cannot be a
// signature header with an error quoting the bad part.
func TestParse(t *testing.T) {
	v1 := Compute(testSecret, testTS, testEventID)
	for _, tc := range []struct {
		name, header string
		want         Parsed
		wantErr      string // substring; "" means success
	}{
		{name: "teamtailor's form", header: "t=1,v1=" + v1 + ",v0=xyz",
			want: Parsed{Timestamp: 1, Schemes: []string{"v1", "v0"}, Signatures: map[string][]string{"v1": {v1}, "v0": {"xyz"}}}},
		{name: "other order, unknown and repeated schemes", header: "v0=a,foo=bar=baz,t=0,v1=" + v1 + ",v0=b,v2=",
			want: Parsed{Timestamp: 0, Schemes: []string{"v0", "foo", "v1", "v2"}, Signatures: map[string][]string{"v0": {"a", "b"}, "foo": {"bar=baz"}, "v1": {v1}, "v2": {""}}}},
		{name: "spaces", header: " t = 5 , v1 = " + v1 + " ",
			want: Parsed{Timestamp: 5, Schemes: []string{"v1"}, Signatures: map[string][]string{"v1": {v1}}}},
		{name: "only t", header: "t=7",
			want: Parsed{Timestamp: 7, Signatures: map[string][]string{}}},
		{name: "empty", header: "", wantErr: "the header is empty"},
		{name: "no t", header: "v1=" + v1, wantErr: "no t=<unix seconds> part"},
		{name: "part without =", header: "t=1,v1" + v1, wantErr: `part "v1` + v1 + `" has no '='`},
		{name: "empty scheme name", header: "t=1,=abc", wantErr: `part "=abc" has no scheme name`},
		{name: "non-numeric t", header: "t=abc,v1=" + v1, wantErr: `part "t=abc": t must be unix seconds`},
		{name: "negative t", header: "t=-1,v1=" + v1, wantErr: `part "t=-1": t must be unix seconds`},
		{name: "plus sign t", header: "t=+1", wantErr: "t must be unix seconds"},
		{name: "fractional t", header: "t=1.5", wantErr: "t must be unix seconds"},
		{name: "empty t", header: "t=", wantErr: "t is empty"},
		{name: "huge t", header: "t=99999999999999999999", wantErr: "t is too large"},
		{name: "repeated t", header: "t=1,t=2", wantErr: "t is given more than once"},
		{name: "non-hex v1", header: "t=1,v1=" + strings.Repeat("zz", 32), wantErr: "a v1 value must be 64 hex characters"},
		{name: "short v1", header: "t=1,v1=abcd", wantErr: "got 4 characters"},
		{name: "one bad v1 among good ones", header: "t=1,v1=" + v1 + ",v1=nope", wantErr: `part "v1=nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.header)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrMalformed) {
					t.Fatalf("Parse(%q) error = %v, want ErrMalformed mentioning %q", tc.header, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.header, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.header, diff)
			}
		})
	}
}

// Rule: Explain gives the most likely cause first for each way a signature
// can fail, and Valid agrees with Verify.
func TestExplain(t *testing.T) {
	otherBody := []byte(strings.Replace(string(testBody), testEventID, "11111111-2222-3333-4444-555555555555", 1))
	for _, tc := range []struct {
		name, header, secret, eventID string
		body                          []byte
		now                           time.Time
		wantValid                     bool
		wantFirst                     string // substring of Reasons[0]
		wantAlso                      string // substring of a later reason, if any
	}{
		{name: "valid", header: header(tPart, goodV1, goodV0), now: testTime.Add(12 * time.Second), wantValid: true,
			wantFirst: "v1 matches; timestamp 12s old, within 5m0s"},
		{name: "valid, slightly in the future", header: header(tPart, goodV1, goodV0), now: testTime.Add(-3 * time.Second), wantValid: true,
			wantFirst: "v1 matches; timestamp 3s in the future, within 5m0s"},
		{name: "missing", header: "", wantFirst: "the Teamtailor-Signature header is missing or empty"},
		{name: "malformed", header: header(tPart, "v1oops", goodV0), wantFirst: `part "v1oops" has no '='`},
		{name: "only v0", header: header(tPart, goodV0), wantFirst: "only v0 is present: v0 is a decoy that never verifies; use v1"},
		{name: "no v1, other schemes", header: header(tPart, goodV0, "v2=abc"), wantFirst: "no v1 signature: the header has only v0, v2"},
		{name: "only v0 carrying the signature", header: header(tPart, computedV0), wantFirst: "only v0 is present",
			wantAlso: "you verified v0, the decoy"},
		{name: "legacy body signature", header: header(tPart, legacyV1, goodV0), body: testBody,
			wantFirst: `the body was signed instead of the event id: since 2024-07-12 Teamtailor signs "<t>.<partner-event id>"`},
		{name: "v0 carries the signature", header: header(tPart, otherV1, computedV0), wantFirst: "you verified v0, the decoy"},
		{name: "stale", header: header(tPart, goodV1, goodV0), now: testTime.Add(7*time.Minute + 12*time.Second),
			wantFirst: "v1 matches, but the timestamp 1700000000 is 7m12s old, more than the 5m0s tolerance"},
		{name: "future", header: header(tPart, goodV1, goodV0), now: testTime.Add(-time.Hour),
			wantFirst: "v1 matches, but the timestamp 1700000000 is 1h0m0s in the future"},
		{name: "tampered", header: header(tPart, tampered(goodV1), goodV0),
			wantFirst: "v1 does not match: wrong webhook secret, or the wrong event id (use partner-event.id from the body, not partner-result.id or the candidate id)"},
		{name: "wrong secret, also stale", header: header(tPart, goodV1, goodV0), secret: "wrong", now: testTime.Add(time.Hour),
			wantFirst: "v1 does not match", wantAlso: "also, the timestamp 1700000000 is 1h0m0s old"},
		{name: "partner-result id used", header: header(tPart, goodV1, goodV0), eventID: resultID, body: testBody,
			wantFirst: `the event id "` + resultID + `" is not the body's partner-event.id "` + testEventID + `"`,
			wantAlso:  `v1 matches the body's partner-event.id "` + testEventID + `": verify with that id`},
		{name: "event id missing", header: header(tPart, goodV1, goodV0), eventID: "-",
			wantFirst: "the event id is missing"},
		{name: "event id missing, body given", header: header(tPart, goodV1, goodV0), eventID: "-", body: testBody,
			wantFirst: `the event id is missing: the signed message is "<t>.<partner-event id>" and the body's partner-event.id is "` + testEventID + `"`},
		{name: "valid but body names another event", header: header(tPart, goodV1, goodV0), body: otherBody, wantValid: true,
			wantFirst: "v1 matches", wantAlso: "is not the body's partner-event.id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secret, eventID, now := testSecret, testEventID, testTime
			if tc.secret != "" {
				secret = tc.secret
			}
			switch tc.eventID {
			case "":
			case "-":
				eventID = ""
			default:
				eventID = tc.eventID
			}
			if !tc.now.IsZero() {
				now = tc.now
			}
			d := Explain(tc.header, secret, eventID, tc.body, now, 0)
			verr := Verify(tc.header, secret, eventID, now, 0)
			if d.Valid != tc.wantValid || (d.Err == nil) != d.Valid || (verr == nil) != d.Valid {
				t.Errorf("Valid = %v, Err = %v, Verify = %v; want Valid %v", d.Valid, d.Err, verr, tc.wantValid)
			}
			if len(d.Reasons) == 0 {
				t.Fatal("no reasons")
			}
			if !strings.Contains(d.Reasons[0], tc.wantFirst) {
				t.Errorf("first reason = %q, want it to contain %q\nall reasons: %q", d.Reasons[0], tc.wantFirst, d.Reasons)
			}
			if tc.wantAlso != "" && !containsAny(d.Reasons[1:], tc.wantAlso) {
				t.Errorf("reasons %q lack %q after the first", d.Reasons, tc.wantAlso)
			}
		})
	}
}

func containsAny(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// Rule: EventID reads partner-event.id from a webhook body.
func TestEventID(t *testing.T) {
	for _, tc := range []struct {
		body, want, wantErr string
	}{
		{string(testBody), testEventID, ""},
		{`{"partner-event":{"id":42}}`, "42", ""},
		{`{"partner-event":{"id":""}}`, "", "is empty"},
		{`{"partner-event":{"id":null}}`, "", "no partner-event.id"},
		{`{"partner-event":{"id":{"x":1}}}`, "", "not a string"},
		{`{"partner-event":{}}`, "", "no partner-event.id"},
		{`{}`, "", "no partner-event.id"},
		{`not json`, "", "not a JSON webhook body"},
	} {
		got, err := EventID([]byte(tc.body))
		if got != tc.want || (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("EventID(%s) = %q, %v; want %q, error containing %q", tc.body, got, err, tc.want, tc.wantErr)
		}
	}
}

// Rule: whatever Parse accepts is sensible and survives a round trip
// through Parsed.String; Parse never panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		Sign(testSecret, testEventID, testTime), header(goodV0, tPart, goodV1),
		header(tPart, goodV1, goodV0, "v2=abc", "foo=bar"), " t = 1 , v1 = " + goodV1[3:], "", ",", "t=", "t=1,=", "t=1,,v0=a=b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		p, err := Parse(h)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrMalformed", h, err)
			}
			return
		}
		if p.Timestamp < 0 {
			t.Fatalf("Parse(%q).Timestamp = %d", h, p.Timestamp)
		}
		if len(p.Schemes) != len(p.Signatures) {
			t.Fatalf("Parse(%q): Schemes %q and Signatures %q disagree", h, p.Schemes, p.Signatures)
		}
		for _, s := range p.Schemes {
			if s == "" || s == "t" || len(p.Signatures[s]) == 0 {
				t.Fatalf("Parse(%q): scheme %q is empty, t, or has no values", h, s)
			}
		}
		for _, v := range p.Signatures[SchemeV1] {
			if b, err := hex.DecodeString(v); err != nil || len(b) != sha256.Size {
				t.Fatalf("Parse(%q) kept a v1 value %q that is not 32 bytes of hex", h, v)
			}
		}
		again, err := Parse(p.String())
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", h, p.String(), err)
		}
		if diff := cmp.Diff(p, again); diff != "" {
			t.Fatalf("round trip of %q via %q (-first +second):\n%s", h, p.String(), diff)
		}
	})
}

// Rule: Verify never panics and accepts a header only if one of its v1
// values is Compute(secret, t, event id), recomputed here, and t is within
// tolerance.
func FuzzVerify(f *testing.F) {
	f.Add(Sign(testSecret, testEventID, testTime), testSecret, testEventID, testTS, int64(0))
	f.Add(header(tPart, legacyV1, goodV0), testSecret, testEventID, testTS+100, int64(60))
	f.Add(header(tPart, computedV0), testSecret, testEventID, testTS, int64(0))
	f.Add("t=0,v1="+independentHMAC("", "0."), "", "", int64(-1<<62), int64(-5))
	f.Fuzz(func(t *testing.T, h, secret, eventID string, now, toleranceSeconds int64) {
		tolerance := time.Duration(toleranceSeconds) * time.Second
		err := Verify(h, secret, eventID, time.Unix(now, 0), tolerance)
		d := Explain(h, secret, eventID, []byte(h), time.Unix(now, 0), tolerance) // must not panic either
		if (d.Err == nil) != (err == nil) || d.Valid != (err == nil) || len(d.Reasons) == 0 {
			t.Fatalf("Explain disagrees with Verify (%v): %+v", err, d)
		}
		if err != nil {
			return
		}
		p, perr := Parse(h)
		if perr != nil {
			t.Fatalf("Verify accepted %q, which does not parse: %v", h, perr)
		}
		want := independentHMAC(secret, strconv.FormatInt(p.Timestamp, 10)+"."+eventID)
		matched := false
		for _, v := range p.Signatures["v1"] {
			matched = matched || strings.EqualFold(v, want)
		}
		if !matched {
			t.Fatalf("Verify accepted %q for secret %q and event %q, but no v1 is %s", h, secret, eventID, want)
		}
		if tolerance <= 0 {
			tolerance = DefaultTolerance
		}
		diff := new(big.Int).Sub(big.NewInt(now), big.NewInt(p.Timestamp))
		if diff.CmpAbs(big.NewInt(int64(tolerance/time.Second))) > 0 {
			t.Fatalf("Verify accepted t=%d at now=%d with tolerance %s", p.Timestamp, now, tolerance)
		}
	})
}
