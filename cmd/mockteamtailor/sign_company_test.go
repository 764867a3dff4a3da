package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// The worked examples of docs/company-webhooks.md §5.3.
const (
	companyKey  = "tt-sig-key-123"
	companyBody = `{"payload":{"event_name":"job.update","data":{"id":"2","type":"jobs","attributes":{"title":"IT Designer 1","status":"archived"}}}}`
	companyV1   = "MmQyZThkYTk0ZTVkZDc0MWRkZDEyMDdkMjcyYzNlNmZhYzhmMWNjYmJkYWM3NjY2MTg5ZDNjNjE0MTQyOTU5NQ=="
	companyV2   = "dD0xNzAxMjM0NTY3LHYyPTdmMDRiNTNhY2MwOGY2OWRlNWM4N2U5M2UzOGM1ZTA5OTFmZjk0NTBiYTY1N2Y2MTJjNWQ0ZWFkYTViZjBiMjE="
)

func companyBodyFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(path, []byte(companyBody), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Rule: "sign company" prints the documented example values, from --id, from
// --body, and from the environment.
func TestSignCompanyWorkedExamples(t *testing.T) {
	body := companyBodyFile(t)
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"v1 --id", nil, []string{"--signature-key", companyKey, "--version", "v1", "--id", "2"}, companyV1},
		{"v1 --body", nil, []string{"--signature-key", companyKey, "--version", "v1", "--body", body}, companyV1},
		{"v2 default version", nil, []string{"--signature-key", companyKey, "--body", body, "--timestamp", "1701234567"}, companyV2},
		{"key from env", map[string]string{"MOCKTT_SIGNATURE_KEY": companyKey}, []string{"--version", "v2", "--body", body, "--timestamp", "1701234567"}, companyV2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err, out, stderr := runErr(t, tc.env, append([]string{"sign", "company"}, tc.args...)...)
			if err != nil || stderr != "" {
				t.Fatalf("%v, stderr %q", err, stderr)
			}
			if out != tc.want+"\n" {
				t.Errorf("got %q, want %q", out, tc.want)
			}
		})
	}
}

// Rule: "sign company --json" shows the decoded value and the signed message.
func TestSignCompanyJSON(t *testing.T) {
	err, out, _ := runErr(t, nil, "sign", "company", "--signature-key", companyKey, "--body", companyBodyFile(t), "--timestamp", "1701234567", "--json")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"decoded": "t=1701234567,v2=7f04b53acc08f69de5c87e93e38c5e0991ff9450ba657f612c5d4eada5bf0b21"`, `"message": "1701234567.{`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

// Rule: "sign company verify" accepts both examples, refuses a changed body
// or key with the reason, and exits non-zero then.
func TestSignCompanyVerify(t *testing.T) {
	body := companyBodyFile(t)
	changed := filepath.Join(t.TempDir(), "changed.json")
	if err := os.WriteFile(changed, []byte(strings.Replace(companyBody, "archived", "open", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	now := "1701234600"
	for _, tc := range []struct {
		name    string
		args    []string
		wantOut string
		wantErr bool
	}{
		{"v1 with --id", []string{"--header", companyV1, "--id", "2"}, "valid: v1\n", false},
		{"v1 from body", []string{"--header", companyV1, "--body", body}, "valid: v1\n", false},
		{"v2", []string{"--header", companyV2, "--body", body, "--now", now}, "valid: v2\n", false},
		{"v2 changed body", []string{"--header", companyV2, "--body", changed, "--now", now}, "invalid: signature mismatch", true},
		{"v1 wrong id", []string{"--header", companyV1, "--id", "3"}, "invalid: signature mismatch", true},
		{"v2 stale", []string{"--header", companyV2, "--body", body}, "invalid: stale timestamp", true},
		{"garbage", []string{"--header", "%%%", "--id", "2"}, "invalid: malformed", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err, out, _ := runErr(t, nil, append([]string{"sign", "company", "verify", "--signature-key", companyKey}, tc.args...)...)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v (output %q)", err, tc.wantErr, out)
			}
			if !strings.HasPrefix(out, tc.wantOut) {
				t.Errorf("output %q does not start with %q", out, tc.wantOut)
			}
		})
	}
}

// Rule: what "sign company" prints, signature.VerifyCompany accepts.
func TestSignCompanyRoundTrip(t *testing.T) {
	err, out, _ := runErr(t, nil, "sign", "company", "--signature-key", "k", "--body", companyBodyFile(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := signature.VerifyCompany(strings.TrimSpace(out), "k", []byte(companyBody), time.Now(), time.Minute); err != nil {
		t.Error(err)
	}
}

// Rule: missing inputs are refused with what to give.
func TestSignCompanyRefusesMissingInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sign", "company", "--id", "2"}, "--signature-key is required"},
		{[]string{"sign", "company", "--signature-key", "k", "--version", "v1"}, "give --id"},
		{[]string{"sign", "company", "--signature-key", "k"}, "give --body"},
		{[]string{"sign", "company", "--signature-key", "k", "--version", "v3", "--id", "2"}, "must be v1 or v2"},
		{[]string{"sign", "company", "verify", "--signature-key", "k"}, "--header is required"},
		{[]string{"sign", "company", "verify", "--signature-key", "k", "--header", companyV2}, "give --body"},
	} {
		err, _, _ := runErr(t, nil, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.args, err, tc.want)
		}
	}
}
