package providerkey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testAPIKey = "partner-api-key"

var testIssuedAt = time.Unix(1700000000, 0)

// handJWT assembles a compact JWS from raw JSON, apart from the package
// and its JWT library, signed HS256 with key (or with no signature when
// key is "").
func handJWT(header, payload, key string) string {
	enc := base64.RawURLEncoding.EncodeToString
	signing := enc([]byte(header)) + "." + enc([]byte(payload))
	if key == "" {
		return signing + "."
	}
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(signing))
	return signing + "." + enc(m.Sum(nil))
}

// Rule: NewJWT and ParseJWT round-trip the values and iat, whatever the
// values.
func TestJWTRoundTrip(t *testing.T) {
	for _, values := range []map[string]string{
		{"api_key": "abc", "default_key": "0b0c4e1e-2b53-4a55-9c6f-5bd4b0d1e3aa", "region": "eu"},
		{"": "", "ünïcødé": "\"quoted\"\n"},
		{},
	} {
		token, err := NewJWT(testAPIKey, values, testIssuedAt.Add(999*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		if got := KindOf(token); got != KindJWT {
			t.Errorf("KindOf(NewJWT) = %v, want JWT", got)
		}
		if err := Check(testAPIKey, token); err != nil {
			t.Errorf("Check(NewJWT) = %v", err)
		}
		got, iat, err := ParseJWT(testAPIKey, token)
		if err != nil {
			t.Fatalf("ParseJWT(NewJWT(%q)): %v", values, err)
		}
		if diff := cmp.Diff(values, got); diff != "" {
			t.Errorf("values (-want +got):\n%s", diff)
		}
		if !iat.Equal(testIssuedAt) {
			t.Errorf("iat = %v, want %v", iat, testIssuedAt)
		}
	}
}

// Rule: the claims are exactly the values plus iat, HS256, as an
// independent decoder sees them.
func TestNewJWTClaims(t *testing.T) {
	token, err := NewJWT(testAPIKey, map[string]string{"b": "2", "a": "1"}, testIssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts", token, len(parts))
	}
	header, _ := base64.RawURLEncoding.DecodeString(parts[0])
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if got, want := string(header), `{"alg":"HS256","typ":"JWT"}`; got != want {
		t.Errorf("header = %s, want %s", got, want)
	}
	if got, want := string(payload), `{"a":"1","b":"2","iat":1700000000}`; got != want {
		t.Errorf("payload = %s, want %s", got, want)
	}
	if got, want := token, handJWT(string(header), string(payload), testAPIKey); got != want {
		t.Errorf("signature differs from an independent HMAC:\n got %s\nwant %s", got, want)
	}
}

// Rule: a value keyed iat and an empty API key are refused.
func TestNewJWTRefuses(t *testing.T) {
	if _, err := NewJWT(testAPIKey, map[string]string{"iat": "1"}, testIssuedAt); err == nil || !strings.Contains(err.Error(), `"iat"`) {
		t.Errorf("NewJWT with an iat value: err = %v, want one naming iat", err)
	}
	if _, err := NewJWT("", map[string]string{"a": "1"}, testIssuedAt); err == nil {
		t.Error("NewJWT with an empty API key: err = nil")
	}
}

// Rule: ParseJWT accepts an independently built HS256 token and refuses
// other keys, other algorithms, alg none, and claims that are not strings.
func TestParseJWT(t *testing.T) {
	const hs256 = `{"alg":"HS256","typ":"JWT"}`
	for _, tc := range []struct {
		name, token string
		want        map[string]string
		wantErr     string
	}{
		{name: "hand-built", token: handJWT(hs256, `{"api_key":"abc","iat":1700000000}`, testAPIKey), want: map[string]string{"api_key": "abc"}},
		{name: "hand-built without typ", token: handJWT(`{"alg":"HS256"}`, `{"x":"y","iat":1700000000}`, testAPIKey), want: map[string]string{"x": "y"}},
		{name: "another key", token: handJWT(hs256, `{"iat":1700000000}`, "someone-elses-key"), wantErr: "does not verify with this partner API key"},
		{name: "alg none", token: handJWT(`{"alg":"none","typ":"JWT"}`, `{"iat":1700000000}`, ""), wantErr: `alg "none" is refused`},
		{name: "alg none with an HMAC", token: handJWT(`{"alg":"none"}`, `{"iat":1700000000}`, testAPIKey), wantErr: `alg "none" is refused`},
		{name: "HS512", token: handJWT(`{"alg":"HS512"}`, `{"iat":1700000000}`, testAPIKey), wantErr: `alg "HS512" is refused`},
		{name: "number claim", token: handJWT(hs256, `{"n":5,"iat":1700000000}`, testAPIKey), wantErr: `claim "n" is a number`},
		{name: "object claim", token: handJWT(hs256, `{"o":{},"iat":1700000000}`, testAPIKey), wantErr: `claim "o" is an object`},
		{name: "exp is just another non-string claim", token: handJWT(hs256, `{"exp":1,"iat":1700000000}`, testAPIKey), wantErr: `claim "exp" is a number`},
		{name: "no iat", token: handJWT(hs256, `{"a":"b"}`, testAPIKey), wantErr: `claim "iat" must be unix seconds, got null or missing`},
		{name: "string iat", token: handJWT(hs256, `{"iat":"1700000000"}`, testAPIKey), wantErr: `got a string`},
		{name: "fractional iat", token: handJWT(hs256, `{"iat":1.5}`, testAPIKey), wantErr: "whole unix seconds"},
		{name: "two parts", token: "abc.def", wantErr: "want 3 dot-separated parts"},
		{name: "tampered payload", token: func() string {
			p := strings.Split(handJWT(hs256, `{"a":"b","iat":1}`, testAPIKey), ".")
			p[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"a":"c","iat":1}`))
			return strings.Join(p, ".")
		}(), wantErr: "does not verify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, iat, err := ParseJWT(testAPIKey, tc.token)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseJWT error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseJWT: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			if !iat.Equal(testIssuedAt) {
				t.Errorf("iat = %v, want %v", iat, testIssuedAt)
			}
		})
	}
}

// Rule: KindOf tells UUIDs (any version, canonical form) and HS256 JWTs
// apart from everything else, and Check says what a bad key is.
func TestKindOfAndCheck(t *testing.T) {
	good, err := NewJWT(testAPIKey, map[string]string{"a": "b"}, testIssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewJWT("another-api-key", map[string]string{"a": "b"}, testIssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	jwe, err := Encrypt("webhook-secret", good, strings.NewReader(strings.Repeat("x", 12)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, key string
		want      Kind
		wantErr   string // from Check; "" means nil
	}{
		{"uuid v4", "0b0c4e1e-2b53-4a55-9c6f-5bd4b0d1e3aa", KindUUID, ""},
		{"uuid v1 upper case", "6BA7B810-9DAD-11D1-80B4-00C04FD430C8", KindUUID, ""},
		{"nil uuid", "00000000-0000-0000-0000-000000000000", KindUUID, ""},
		{"uuid without dashes", "0b0c4e1e2b534a559c6f5bd4b0d1e3aa", KindUnknown, "neither a UUID nor an HS256 JWT"},
		{"uuid in braces", "{0b0c4e1e-2b53-4a55-9c6f-5bd4b0d1e3aa}", KindUnknown, "neither"},
		{"urn uuid", "urn:uuid:0b0c4e1e-2b53-4a55-9c6f-5bd4b0d1e3aa", KindUnknown, "neither"},
		{"non-hex uuid", "0b0c4e1e-2b53-4a55-9c6f-5bd4b0d1e3ag", KindUnknown, "neither"},
		{"jwt", good, KindJWT, ""},
		{"jwt of another partner", other, KindJWT, "does not verify with this partner API key"},
		{"alg none", handJWT(`{"alg":"none"}`, `{"iat":1}`, ""), KindUnknown, `a JWT with alg "none"`},
		{"alg none with a signature", handJWT(`{"alg":"none"}`, `{"iat":1}`, "k"), KindUnknown, `a JWT with alg "none"`},
		{"RS256", handJWT(`{"alg":"RS256"}`, `{"iat":1}`, "k"), KindUnknown, `alg "RS256"`},
		{"payload not an object", handJWT(`{"alg":"HS256"}`, `[1]`, "k"), KindUnknown, "payload is not a base64url JSON object"},
		{"HS256 without a signature", handJWT(`{"alg":"HS256"}`, `{"iat":1}`, ""), KindUnknown, "HS256 JWT without a signature"},
		{"jwe", jwe, KindUnknown, "compact JWE"},
		{"bearer", "Bearer " + good, KindUnknown, "Authorization scheme"},
		{"empty", "", KindUnknown, "provider key is empty"},
		{"junk", "hello", KindUnknown, "neither"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := KindOf(tc.key); got != tc.want {
				t.Errorf("KindOf = %v, want %v", got, tc.want)
			}
			err := Check(testAPIKey, tc.key)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("Check = %v, want error containing %q", err, tc.wantErr)
			}
		})
	}
}

// Rule: Kind prints as a word.
func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindUnknown: "unknown", KindUUID: "UUID", KindJWT: "JWT", Kind(7): "Kind(7)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

// Rule: ParseJWT, KindOf and Check never panic, and whatever ParseJWT
// accepts is an HS256 JWT that Check accepts.
func FuzzParseJWT(f *testing.F) {
	good, _ := NewJWT(testAPIKey, map[string]string{"a": "b"}, testIssuedAt)
	for _, s := range []string{good, handJWT(`{"alg":"none"}`, `{"iat":1}`, ""), "a.b.c", "..", "", "0b0c4e1e-2b53-4a55-9c6f-5bd4b0d1e3aa"} {
		f.Add(testAPIKey, s)
	}
	f.Fuzz(func(t *testing.T, apiKey, token string) {
		kind := KindOf(token)
		checkErr := Check(apiKey, token)
		values, _, err := ParseJWT(apiKey, token)
		if err != nil {
			return
		}
		if kind != KindJWT || checkErr != nil {
			t.Fatalf("ParseJWT accepted %q but KindOf = %v, Check = %v", token, kind, checkErr)
		}
		if _, ok := values["iat"]; ok {
			t.Fatalf("ParseJWT returned iat among the values of %q", token)
		}
	})
}
