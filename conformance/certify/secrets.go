package certify

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Leak is a secret found in a bundle file, named by its encoding only.
type Leak struct {
	File     string
	Encoding string
}

func (l Leak) String() string { return fmt.Sprintf("%s holds a secret (%s)", l.File, l.Encoding) }

// encodings returns the forms a secret may take in a file: raw, URL-
// escaped, hex, and base64 in its four alphabets and at each of the three
// alignments it can have inside a longer base64 text (the characters
// that depend on neighbouring bytes are left out).
func encodings(secret string) map[string][]byte {
	out := map[string][]byte{
		"raw":              []byte(secret),
		"URL-encoded":      []byte(url.QueryEscape(secret)),
		"URL path-encoded": []byte(url.PathEscape(secret)),
		"hex":              []byte(hex.EncodeToString([]byte(secret))),
		"hex (upper case)": []byte(strings.ToUpper(hex.EncodeToString([]byte(secret)))),
	}
	for name, enc := range map[string]*base64.Encoding{"base64": base64.StdEncoding, "base64url": base64.URLEncoding} {
		for shift := range 3 {
			padded := append(make([]byte, shift), secret...)
			text := enc.WithPadding(base64.NoPadding).EncodeToString(padded)
			// The first ceil(shift*4/3) characters encode the padding
			// bytes; the last 3 may mix in what follows the secret.
			start := (shift*8 + 5) / 6
			end := len(text) - 3
			if end-start >= 8 {
				out[fmt.Sprintf("%s, offset %d", name, shift)] = []byte(text[start:end])
			}
		}
	}
	return out
}

// Scan looks for each secret, in each encoding, in every file under dir.
func Scan(dir string, secrets []string) ([]Leak, error) {
	var forms []struct {
		name string
		b    []byte
	}
	for _, s := range secrets {
		if len(s) < 4 {
			continue // too short to tell from ordinary text
		}
		for name, b := range encodings(s) {
			forms = append(forms, struct {
				name string
				b    []byte
			}{name, b})
		}
	}
	var leaks []Leak
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		for _, f := range forms {
			if bytes.Contains(b, f.b) {
				leaks = append(leaks, Leak{File: filepath.ToSlash(rel), Encoding: f.name})
				break
			}
		}
		return nil
	})
	return leaks, err
}
