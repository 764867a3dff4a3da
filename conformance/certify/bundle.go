// Package certify makes and checks readiness bundles: one run of the
// conformance suite, its security checks and a short capacity run, written
// to a folder with a manifest of what was checked and what was not, signed
// with Ed25519 and valid until an expiry, so a partner can hand Teamtailor
// something checkable offline instead of a CI log (docs/protocol.md §8).
package certify

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Format names the manifest's layout.
const Format = "ttconformance-readiness/1"

// The files of a bundle besides the reports.
const (
	ManifestFile  = "manifest.json"
	SignatureFile = "manifest.sig"
	SummaryFile   = "readiness.html"
	BadgeFile     = "badge.svg"
)

// Manifest says what a bundle holds: the run, its verdicts, what was not
// checked and why, and the SHA-256 of every other file.
type Manifest struct {
	Format       string    `json:"format"`
	Suite        string    `json:"suite"`
	SuiteVersion string    `json:"suiteVersion"`
	Protocol     string    `json:"protocol"`
	Profile      string    `json:"profile"`
	BaseURL      string    `json:"baseUrl"`
	Capabilities []string  `json:"capabilities"`
	Seed         int64     `json:"seed"`
	CreatedAt    time.Time `json:"createdAt"`
	ExpiresAt    time.Time `json:"expiresAt"`
	// Verdict is "ready" when every MUST check that ran passed, nothing
	// could not be judged, and the capacity run kept its budget.
	Verdict    string    `json:"verdict"`
	Checked    []Entry   `json:"checked"`
	NotChecked []Entry   `json:"notChecked"`
	Capacity   Capacity  `json:"capacity"`
	Files      []FileSum `json:"files"`
	// PublicKey is the Ed25519 key the signature verifies with, base64.
	PublicKey string `json:"publicKey"`
}

// Entry is one check of the catalogue and what became of it.
type Entry struct {
	ID      string `json:"id"`
	Level   string `json:"level"`
	Outcome string `json:"outcome"`
	// Reason says why a check was not checked: its capability was not
	// claimed, or it could not be judged.
	Reason string `json:"reason,omitempty"`
}

// Capacity is the verdict of the capacity run.
type Capacity struct {
	Verdict string `json:"verdict"`
	Rate    string `json:"rate"`
	Report  string `json:"report"`
}

// FileSum is a file of the bundle and its SHA-256.
type FileSum struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Seal lists every file of dir in m, signs the manifest with key and
// writes manifest.json and manifest.sig; it returns the manifest written.
func Seal(dir string, m Manifest, key ed25519.PrivateKey) (Manifest, error) {
	files, err := sums(dir)
	if err != nil {
		return m, err
	}
	m.Files = files
	m.Format = Format
	m.PublicKey = base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	raw = append(raw, '\n')
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), raw, 0o644); err != nil {
		return m, err
	}
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(key, raw)) + "\n"
	return m, os.WriteFile(filepath.Join(dir, SignatureFile), []byte(sig), 0o644)
}

// sums returns the SHA-256 of every regular file under dir but the
// manifest and its signature, sorted by name.
func sums(dir string) ([]FileSum, error) {
	var out []FileSum
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			return nil
		case rel == ManifestFile || rel == SignatureFile:
			return nil
		case !d.Type().IsRegular():
			return fmt.Errorf("%s is not a regular file", rel)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out = append(out, FileSum{Name: rel, SHA256: hex.EncodeToString(h[:]), Size: int64(len(b))})
		return nil
	})
	slices.SortFunc(out, func(a, b FileSum) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}

// ErrExpired is wrapped by Verify's error for a bundle past its expiry.
var ErrExpired = errors.New("the bundle has expired")

// Verify checks a bundle offline: the signature of its manifest (with
// trusted, when given, else the key the manifest names), every file
// against its SHA-256, no file unlisted, and the expiry against now. It
// returns the manifest when all hold.
func Verify(dir string, trusted ed25519.PublicKey, now time.Time) (Manifest, error) {
	var m Manifest
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return m, fmt.Errorf("no manifest: %w", err)
	}
	sigText, err := os.ReadFile(filepath.Join(dir, SignatureFile))
	if err != nil {
		return m, fmt.Errorf("no signature: %w", err)
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSuffix(string(sigText), "\n"))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return m, errors.New("the signature is not a base64 Ed25519 signature")
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("the manifest is not valid JSON: %w", err)
	}
	key := trusted
	if key == nil {
		k, err := base64.StdEncoding.Strict().DecodeString(m.PublicKey)
		if err != nil || len(k) != ed25519.PublicKeySize {
			return m, errors.New("the manifest's publicKey is not a base64 Ed25519 key")
		}
		key = k
	}
	if !ed25519.Verify(key, raw, sig) {
		return m, errors.New("the signature does not verify: the manifest was changed, or signed with another key")
	}
	if m.Format != Format {
		return m, fmt.Errorf("unknown bundle format %q, want %q", m.Format, Format)
	}
	got, err := sums(dir)
	if err != nil {
		return m, err
	}
	want := map[string]FileSum{}
	for _, f := range m.Files {
		want[f.Name] = f
	}
	var problems []error
	for _, f := range got {
		w, ok := want[f.Name]
		switch {
		case !ok:
			problems = append(problems, fmt.Errorf("%s is not in the manifest", f.Name))
		case w.SHA256 != f.SHA256 || w.Size != f.Size:
			problems = append(problems, fmt.Errorf("%s was changed (its SHA-256 is not the manifest's)", f.Name))
		}
		delete(want, f.Name)
	}
	for name := range want {
		problems = append(problems, fmt.Errorf("%s is missing", name))
	}
	if err := errors.Join(problems...); err != nil {
		return m, err
	}
	if !now.Before(m.ExpiresAt) {
		return m, fmt.Errorf("%w: it expired on %s", ErrExpired, m.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return m, nil
}
