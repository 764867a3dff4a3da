package providerkey

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// The key is the first 16 bytes of sha256(secret), as Teamtailor
// publishes it (docs/protocol.md §2.2).
func TestJWEKey(t *testing.T) {
	// sha256("secret") = 2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b
	want := []byte{0x2b, 0xb8, 0x0d, 0x53, 0x7b, 0x1d, 0xa3, 0xe3, 0x8b, 0xd3, 0x03, 0x61, 0xaa, 0x85, 0x56, 0x86}
	if got := JWEKey("secret"); !bytes.Equal(got, want) {
		t.Errorf("JWEKey = %x, want %x", got, want)
	}
}

// Our JWE is decrypted by an independent implementation (go-jose) and
// ours decrypts go-jose's, so partners' libraries interoperate.
func TestJWEInteroperates(t *testing.T) {
	token, err := Encrypt("whsec", "provider-key-1", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..") {
		t.Errorf("token %q does not start with the dir/A128GCM header and an empty key", token)
	}
	obj, err := jose.ParseEncrypted(token, []jose.KeyAlgorithm{jose.DIRECT}, []jose.ContentEncryption{jose.A128GCM})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := obj.Decrypt(JWEKey("whsec"))
	if err != nil || string(plain) != "provider-key-1" {
		t.Fatalf("go-jose decrypts to %q, %v", plain, err)
	}

	enc, err := jose.NewEncrypter(jose.A128GCM, jose.Recipient{Algorithm: jose.DIRECT, Key: JWEKey("whsec")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := enc.Encrypt([]byte("from-go-jose"))
	if err != nil {
		t.Fatal(err)
	}
	compact, _ := theirs.CompactSerialize()
	if got, err := Decrypt("whsec", compact); err != nil || got != "from-go-jose" {
		t.Errorf("Decrypt(go-jose token) = %q, %v", got, err)
	}
}

// Decrypt refuses tokens it cannot trust, with a reason.
func TestDecryptRefuses(t *testing.T) {
	good, _ := Encrypt("whsec", "k", rand.Reader)
	parts := strings.Split(good, ".")
	tests := map[string]string{
		"wrong secret":   good,
		"four parts":     strings.Join(parts[:4], "."),
		"tampered tag":   strings.Join(append(parts[:4:4], "AAAAAAAAAAAAAAAAAAAAAA"), "."),
		"A256GCM header": "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0." + strings.Join(parts[1:], "."),
		"garbage":        "not a token",
	}
	for name, token := range tests {
		secret := "whsec"
		if name == "wrong secret" {
			secret = "other"
		}
		if _, err := Decrypt(secret, token); err == nil {
			t.Errorf("%s: Decrypt succeeded", name)
		}
	}
}

// FuzzDecrypt: arbitrary tokens never panic the decoder.
func FuzzDecrypt(f *testing.F) {
	good, _ := Encrypt("whsec", "k", rand.Reader)
	f.Add(good)
	f.Add("a.b.c.d.e")
	f.Add("....")
	f.Fuzz(func(t *testing.T, token string) {
		Decrypt("whsec", token)
	})
}
