package certify

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var created = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

// sealed writes a small bundle and returns its folder and key.
func sealed(t *testing.T) (string, ed25519.PublicKey) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"suite/report.json": `{"checks": []}`, "capacity/report.json": `{"verdict": "pass"}`, "readiness.html": "<p>ready</p>"}
	for name, body := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pub, key, _ := ed25519.GenerateKey(nil)
	m := Manifest{BaseURL: "http://partner.example", Profile: "production", Verdict: VerdictReady, CreatedAt: created, ExpiresAt: created.Add(90 * 24 * time.Hour),
		Checked: []Entry{{ID: "config/with-job", Level: "MUST", Outcome: "pass"}}}
	if _, err := Seal(dir, m, key); err != nil {
		t.Fatal(err)
	}
	return dir, pub
}

func TestSealedBundleVerifies(t *testing.T) {
	dir, pub := sealed(t)
	m, err := Verify(dir, pub, created.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 3 || m.Verdict != VerdictReady {
		t.Errorf("manifest %+v", m)
	}
	if _, err := Verify(dir, nil, created.Add(time.Hour)); err != nil {
		t.Errorf("with the manifest's own key: %v", err)
	}
}

// Flipping any bit of any byte of any file of the bundle fails Verify.
func TestFlippingAnyByteFailsVerify(t *testing.T) {
	dir, pub := sealed(t)
	at := created.Add(time.Hour)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		orig, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i := range orig {
			b := append([]byte(nil), orig...)
			b[i] ^= 0x01
			os.WriteFile(path, b, 0o644)
			if _, err := Verify(dir, nil, at); err == nil {
				t.Errorf("%s with byte %d flipped verifies", path, i)
			}
		}
		return os.WriteFile(path, orig, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(dir, pub, at); err != nil {
		t.Fatalf("restored bundle: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "extra.txt"), []byte("x"), 0o644)
	if _, err := Verify(dir, pub, at); err == nil || !strings.Contains(err.Error(), "extra.txt is not in the manifest") {
		t.Errorf("an added file: %v", err)
	}
	os.Remove(filepath.Join(dir, "extra.txt"))
	os.Remove(filepath.Join(dir, "readiness.html"))
	if _, err := Verify(dir, pub, at); err == nil || !strings.Contains(err.Error(), "readiness.html is missing") {
		t.Errorf("a removed file: %v", err)
	}
}

func TestAnotherKeyFailsVerify(t *testing.T) {
	dir, _ := sealed(t)
	other, _, _ := ed25519.GenerateKey(nil)
	if _, err := Verify(dir, other, created); err == nil {
		t.Error("a bundle verifies with a key that did not sign it")
	}
}

// An expired bundle fails with its expiry date.
func TestExpiredBundleFailsWithItsDate(t *testing.T) {
	dir, pub := sealed(t)
	_, err := Verify(dir, pub, created.Add(91*24*time.Hour))
	if !errors.Is(err, ErrExpired) || !strings.Contains(err.Error(), "expired on 2027-03-07T12:00:00Z") {
		t.Errorf("err = %v, want expired on 2027-03-07T12:00:00Z", err)
	}
}

// Scan finds a secret raw, URL-, hex- and base64-encoded at any offset
// inside other text, and nothing in a file without it.
func TestScanFindsEveryEncoding(t *testing.T) {
	secret := "canary-s3cr3t/with+chars=&"
	forms := map[string]string{
		"raw":     secret,
		"query":   url.QueryEscape(secret),
		"path":    url.PathEscape(secret),
		"hex":     hex.EncodeToString([]byte(secret)),
		"HEX":     strings.ToUpper(hex.EncodeToString([]byte(secret))),
		"b64-0":   base64.StdEncoding.EncodeToString([]byte(secret)),
		"b64-1":   base64.StdEncoding.EncodeToString([]byte("x" + secret + "y")),
		"b64-2":   base64.StdEncoding.EncodeToString([]byte("xy" + secret + "zz")),
		"b64url":  base64.URLEncoding.EncodeToString([]byte("abc" + secret)),
		"b64url2": base64.RawURLEncoding.EncodeToString([]byte("a" + secret)),
	}
	for name, form := range forms {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "report.html"), []byte("<p>before "+form+" after</p>"), 0o644)
		leaks, err := Scan(dir, []string{secret})
		if err != nil || len(leaks) != 1 {
			t.Errorf("%s: leaks %v, err %v; want one", name, leaks, err)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "report.html"), []byte("<p>canary-s3cr…(26 chars)</p>"), 0o644)
	if leaks, _ := Scan(dir, []string{secret}); len(leaks) != 0 {
		t.Errorf("a masked secret counts as a leak: %v", leaks)
	}
}

func TestParseValidity(t *testing.T) {
	for in, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "1h": time.Hour} {
		if got, err := parseValidity(in); err != nil || got != want {
			t.Errorf("%s = %s, %v", in, got, err)
		}
	}
	for _, bad := range []string{"0d", "-1h", "soon", "d"} {
		if _, err := parseValidity(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestSplitAndCapacityArgs(t *testing.T) {
	var o options
	fs := newFlagSet(&o)
	own, rest := split(fs, []string{"--out", "b", "--base-url", "http://p", "--key=k.pem", "--actions", "--focus", "x", "--profile", "production",
		"--company-webhooks", "teamtailor/events", "--company-webhook-scheme=v2", "--company-webhook-key", "ck"})
	if strings.Join(own, " ") != "--out b --key=k.pem --profile production" ||
		strings.Join(rest, " ") != "--base-url http://p --actions --focus x --company-webhooks teamtailor/events --company-webhook-scheme=v2 --company-webhook-key ck" {
		t.Errorf("own %q rest %q", own, rest)
	}
	if got := strings.Join(capacityArgs(rest), " "); got != "--base-url http://p" {
		t.Errorf("capacity args %q", got)
	}
	got := secretsOf([]string{"--api-key", "k1", "--webhook-secret=s1", "--activation-field", "a=v1,b=v2", "--company-webhook-key", "ck"}, func(n string) string {
		if n == "TTCONF_API_TOKEN" {
			return "t1"
		}
		return ""
	})
	if strings.Join(got, " ") != "t1 k1 s1 v1 v2 ck" {
		t.Errorf("secrets %q", got)
	}
}

// certify verify says VALID for a good bundle and NOT VALID with the
// date for an expired one; --public-key pins the key.
func TestVerifyCommand(t *testing.T) {
	dir, pub := sealed(t)
	run := func(at time.Time, args ...string) (int, string) {
		var out strings.Builder
		code := verifyMain(append(args, dir), &out, &out, func() time.Time { return at })
		return code, out.String()
	}
	if code, out := run(created.Add(time.Hour), "--public-key", base64.StdEncoding.EncodeToString(pub)); code != ExitReady || !strings.HasPrefix(out, "VALID: http://partner.example") {
		t.Errorf("exit %d: %s", code, out)
	}
	if code, out := run(created.AddDate(1, 0, 0)); code != ExitNotReady || !strings.Contains(out, "NOT VALID: the bundle has expired: it expired on 2027-03-07T12:00:00Z") {
		t.Errorf("expired: exit %d: %s", code, out)
	}
	other, _, _ := ed25519.GenerateKey(nil)
	if code, _ := run(created, "--public-key", base64.StdEncoding.EncodeToString(other)); code != ExitNotReady {
		t.Errorf("another key: exit %d", code)
	}
}
