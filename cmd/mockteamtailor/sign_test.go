package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

const (
	signSecret  = "whsec-cli-test"
	signEventID = "f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7"
	signTS      = "1700000000"
)

var signTime = time.Unix(1700000000, 0)

// webhookBody writes a webhook body for signEventID to a temporary file.
func webhookBody(t *testing.T) (path string, body []byte) {
	t.Helper()
	body = []byte(`{"partner-event":{"id":"` + signEventID + `","partner-result":{"id":"0b0c4e1e-2b53-4a55-9c6f-5bd4b0d1e3aa"}}}`)
	path = filepath.Join(t.TempDir(), "webhook.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, body
}

// Rule: "sign" prints only the header value, on one line, and
// signature.Verify accepts it, whichever way the secret is given.
func TestSignPrintsVerifiableHeader(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"--webhook-secret", nil, []string{"--webhook-secret", signSecret}},
		{"--secret alias", nil, []string{"--secret", signSecret}},
		{"MOCKTT_WEBHOOK_SECRET", map[string]string{"MOCKTT_WEBHOOK_SECRET": signSecret}, nil},
		{"flag beats env", map[string]string{"MOCKTT_WEBHOOK_SECRET": "other"}, []string{"--webhook-secret", signSecret}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"sign", "--event-id", signEventID, "--timestamp", signTS}, tc.args...)
			err, out, stderr := runErr(t, tc.env, args...)
			if err != nil || stderr != "" {
				t.Fatalf("run %q: %v, stderr %q", args, err, stderr)
			}
			if !regexp.MustCompile(`^t=1700000000,v1=[0-9a-f]{64},v0=[0-9a-f]{64}\n$`).MatchString(out) {
				t.Fatalf("output %q is not one header line", out)
			}
			if err := signature.Verify(strings.TrimSpace(out), signSecret, signEventID, signTime, 0); err != nil {
				t.Errorf("signature.Verify(%q) = %v", out, err)
			}
		})
	}
}

// Rule: without --timestamp, sign uses the current time.
func TestSignDefaultsToNow(t *testing.T) {
	err, out, _ := runErr(t, nil, "sign", "--webhook-secret", signSecret, "--event-id", signEventID)
	if err != nil {
		t.Fatal(err)
	}
	if err := signature.Verify(strings.TrimSpace(out), signSecret, signEventID, time.Now(), time.Minute); err != nil {
		t.Errorf("header %q does not verify now: %v", out, err)
	}
}

// Rule: "sign --json" gives the header and its parts, including the signed
// message.
func TestSignJSON(t *testing.T) {
	err, out, _ := runErr(t, nil, "sign", "--secret", "secret", "--event-id", signEventID, "--timestamp", signTS, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	v1 := "9e8849a7f431b17f3b4061195609944bf4db06b803f41c144943fdf97225f3e1" // openssl dgst -sha256 -hmac secret
	v0 := signature.Decoy("secret", 1700000000, signEventID)
	want := map[string]any{
		"header": "t=1700000000,v1=" + v1 + ",v0=" + v0, "timestamp": 1700000000.0,
		"v1": v1, "v0": v0, "message": "1700000000." + signEventID,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sign --json (-want +got):\n%s", diff)
	}
}

// Rule: "sign verify" prints the diagnosis, and fails with a short error
// exactly when the header does not verify.
func TestSignVerify(t *testing.T) {
	bodyPath, body := webhookBody(t)
	good := signature.Sign(signSecret, signEventID, signTime)
	legacy := "t=" + signTS + ",v1=" + signature.ComputeLegacy(signSecret, 1700000000, body) + ",v0=" + signature.Decoy(signSecret, 1700000000, signEventID)
	for _, tc := range []struct {
		name    string
		args    []string
		valid   bool
		wantOut string
	}{
		{"valid", []string{"--event-id", signEventID, "--header", good, "--now", "1700000012"}, true,
			"valid: v1 matches; timestamp 12s old, within 5m0s\n"},
		{"event id from --body", []string{"--body", bodyPath, "--header", good, "--now", signTS}, true, "valid: v1 matches"},
		{"body-signed", []string{"--event-id", signEventID, "--body", bodyPath, "--header", legacy, "--now", signTS}, false,
			"invalid:\n  the body was signed instead of the event id: since 2024-07-12 Teamtailor signs \"<t>.<partner-event id>\""},
		{"stale", []string{"--event-id", signEventID, "--header", good, "--now", "1700000432"}, false,
			"v1 matches, but the timestamp 1700000000 is 7m12s old, more than the 5m0s tolerance"},
		{"wider tolerance", []string{"--event-id", signEventID, "--header", good, "--now", "1700000432", "--tolerance", "10m"}, true, "within 10m0s"},
		{"wrong secret", []string{"--event-id", signEventID, "--header", signature.Sign("other", signEventID, signTime), "--now", signTS}, false,
			"v1 does not match: wrong webhook secret"},
		{"empty header", []string{"--event-id", signEventID, "--header", "", "--now", signTS}, false, "header is missing or empty"},
		{"json", []string{"--event-id", signEventID, "--header", legacy, "--body", bodyPath, "--now", signTS, "--json"}, false,
			`"reasons": [` + "\n" + `    "the body was signed instead of the event id: since 2024-07-12 Teamtailor signs "<t>.<partner-event id>"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"sign", "verify", "--webhook-secret", signSecret}, tc.args...)
			err, out, _ := runErr(t, nil, args...)
			if tc.valid && err != nil {
				t.Errorf("run: %v, want nil", err)
			}
			if !tc.valid && (err == nil || err.Error() != "signature does not verify") {
				t.Errorf("run: %v, want \"signature does not verify\"", err)
			}
			if !strings.Contains(strings.ReplaceAll(out, `\"`, `"`), tc.wantOut) {
				t.Errorf("output lacks %q:\n%s", tc.wantOut, out)
			}
		})
	}
}

// Rule: a missing required flag is an error naming it.
func TestSignRequiredFlags(t *testing.T) {
	bodyPath, _ := webhookBody(t)
	noID := filepath.Join(t.TempDir(), "empty.json")
	if err := os.WriteFile(noID, []byte(`{"partner-event":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	good := signature.Sign(signSecret, signEventID, signTime)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sign", "--event-id", signEventID}, "--webhook-secret is required"},
		{[]string{"sign", "--webhook-secret", signSecret}, "--event-id is required"},
		{[]string{"sign", "--webhook-secret", signSecret, "--event-id", signEventID, "--timestamp", "-5"}, "--timestamp -5 must be unix seconds"},
		{[]string{"sign", "verify", "--event-id", signEventID, "--header", good}, "--webhook-secret is required"},
		{[]string{"sign", "verify", "--webhook-secret", signSecret, "--event-id", signEventID}, "--header is required"},
		{[]string{"sign", "verify", "--webhook-secret", signSecret, "--header", good}, "--event-id is required (or --body"},
		{[]string{"sign", "verify", "--webhook-secret", signSecret, "--header", good, "--body", noID}, "no --event-id, and --body " + noID + ": the body has no partner-event.id"},
		{[]string{"sign", "verify", "--webhook-secret", signSecret, "--header", good, "--body", bodyPath + ".missing"}, "--body " + bodyPath + ".missing"},
		{[]string{"sign", "extra"}, `unknown command "extra"`},
	} {
		err, _, _ := runErr(t, nil, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run %q: %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}

// Rule: sign --help explains the format, the decoy, the 2024-07-12 change
// and the environment variable, with an example.
func TestSignHelp(t *testing.T) {
	for _, args := range [][]string{{"sign", "--help"}, {"sign", "verify", "--help"}} {
		err, out, _ := runErr(t, nil, args...)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"t=<unix seconds>,v1=<hex>,v0=<hex>", `"<t>.<partner-event id>"`, "body is NOT", "2024-07-12",
			"decoy", "MOCKTT_WEBHOOK_SECRET", "--secret is an alias", "Examples:", "--webhook-secret",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%q does not mention %q", args, want)
			}
		}
	}
}
