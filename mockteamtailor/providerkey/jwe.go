// Package providerkey holds the pure functions around provider keys: the
// JWE the Partner API wraps them in (docs/protocol.md §2.2). The mock, the
// conformance suite and the example partner share this one implementation.
package providerkey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jweHeader is the protected header of every JWE the mock emits.
// docs/protocol.md §2.2 Decision: Teamtailor's sample decoder labels the key
// A256GCM, but its 16-byte key only decrypts A128GCM, so that is what we
// emit; the published recipe then decodes our tokens.
const jweHeader = `{"alg":"dir","enc":"A128GCM"}`

// JWEKey derives the content-encryption key from a webhook secret as
// Teamtailor publishes it: sha256(secret) as hex, the first 32 hex
// characters decoded to bytes, which is the first 16 bytes of the digest.
func JWEKey(webhookSecret string) []byte {
	sum := sha256.Sum256([]byte(webhookSecret))
	key, _ := hex.DecodeString(hex.EncodeToString(sum[:])[:32])
	return key
}

// Encrypt wraps providerKey in a compact JWE (alg dir, enc A128GCM) keyed
// by the webhook secret. random supplies the 96-bit IV; pass a seeded
// source for reproducible output.
func Encrypt(webhookSecret, providerKey string, random io.Reader) (string, error) {
	gcm, err := newGCM(webhookSecret)
	if err != nil {
		return "", err
	}
	iv := make([]byte, gcm.NonceSize())
	if _, err := io.ReadFull(random, iv); err != nil {
		return "", fmt.Errorf("jwe iv: %w", err)
	}
	header := b64(jweHeader)
	sealed := gcm.Seal(nil, iv, []byte(providerKey), []byte(header))
	ciphertext, tag := sealed[:len(sealed)-gcm.Overhead()], sealed[len(sealed)-gcm.Overhead():]
	// Compact serialisation: header.encrypted-key.iv.ciphertext.tag; with
	// alg "dir" the encrypted key is empty.
	return strings.Join([]string{header, "", b64(string(iv)), b64(string(ciphertext)), b64(string(tag))}, "."), nil
}

// Decrypt opens a compact JWE produced by Encrypt (or by Teamtailor) and
// returns the provider key. It accepts only alg dir with enc A128GCM.
func Decrypt(webhookSecret, token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 5 {
		return "", fmt.Errorf("jwe: want 5 dot-separated parts, got %d", len(parts))
	}
	rawHeader, err := unb64(parts[0])
	if err != nil {
		return "", fmt.Errorf("jwe header: %w", err)
	}
	var h struct {
		Alg string `json:"alg"`
		Enc string `json:"enc"`
	}
	if err := json.Unmarshal(rawHeader, &h); err != nil {
		return "", fmt.Errorf("jwe header: %w", err)
	}
	if h.Alg != "dir" || h.Enc != "A128GCM" {
		return "", fmt.Errorf("jwe: unsupported alg %q enc %q, want dir and A128GCM", h.Alg, h.Enc)
	}
	if parts[1] != "" {
		return "", errors.New("jwe: alg dir must have an empty encrypted key")
	}
	gcm, err := newGCM(webhookSecret)
	if err != nil {
		return "", err
	}
	iv, err := unb64(parts[2])
	if err != nil || len(iv) != gcm.NonceSize() {
		return "", fmt.Errorf("jwe: iv must be %d bytes of base64url", gcm.NonceSize())
	}
	ciphertext, err := unb64(parts[3])
	if err != nil {
		return "", fmt.Errorf("jwe ciphertext: %w", err)
	}
	tag, err := unb64(parts[4])
	if err != nil || len(tag) != gcm.Overhead() {
		return "", fmt.Errorf("jwe: tag must be %d bytes of base64url", gcm.Overhead())
	}
	plain, err := gcm.Open(nil, iv, append(ciphertext, tag...), []byte(parts[0]))
	if err != nil {
		return "", errors.New("jwe: does not decrypt with this webhook secret")
	}
	return string(plain), nil
}

func newGCM(webhookSecret string) (cipher.AEAD, error) {
	block, err := aes.NewCipher(JWEKey(webhookSecret))
	if err != nil {
		return nil, fmt.Errorf("jwe key: %w", err)
	}
	return cipher.NewGCM(block)
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func unb64(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
