package certify

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzVerify: Verify reads manifests and signatures from bundles anyone
// can make; none makes it panic, and none verifies without the key.
func FuzzVerify(f *testing.F) {
	dir, _ := sealedF(f)
	manifest, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
	sig, _ := os.ReadFile(filepath.Join(dir, SignatureFile))
	f.Add(manifest, sig)
	f.Add([]byte(`{"format": "ttconformance-readiness/1", "publicKey": "AAAA"}`), []byte("AAAA\n"))
	f.Add([]byte(`null`), []byte(""))
	f.Fuzz(func(t *testing.T, manifest, sig []byte) {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, ManifestFile), manifest, 0o644)
		os.WriteFile(filepath.Join(d, SignatureFile), sig, 0o644)
		Verify(d, nil, time.Now())
	})
}

// sealedF is sealed for a fuzz target.
func sealedF(f *testing.F) (string, error) {
	dir := f.TempDir()
	os.WriteFile(filepath.Join(dir, "readiness.html"), []byte("<p>ready</p>"), 0o644)
	_, key, _ := ed25519.GenerateKey(nil)
	_, err := Seal(dir, Manifest{CreatedAt: created, ExpiresAt: created.AddDate(0, 3, 0)}, key)
	return dir, err
}
