package signature

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// The worked examples of docs/company-webhooks.md §5.3 and §6, byte for
// byte.
const (
	exampleKey    = "tt-sig-key-123"
	exampleTS     = 1701234567
	exampleV1Hex  = "2d2e8da94e5dd741ddd1207d272c3e6fac8f1ccbbdac7666189d3c6141429595"
	exampleV1     = "MmQyZThkYTk0ZTVkZDc0MWRkZDEyMDdkMjcyYzNlNmZhYzhmMWNjYmJkYWM3NjY2MTg5ZDNjNjE0MTQyOTU5NQ=="
	exampleBody   = `{"payload":{"event_name":"job.update","data":{"id":"2","type":"jobs","attributes":{"title":"IT Designer 1","status":"archived"}}}}`
	exampleV2Hex  = "7f04b53acc08f69de5c87e93e38c5e0991ff9450ba657f612c5d4eada5bf0b21"
	exampleV2Dec  = "t=1701234567,v2=" + exampleV2Hex
	exampleV2     = "dD0xNzAxMjM0NTY3LHYyPTdmMDRiNTNhY2MwOGY2OWRlNWM4N2U5M2UzOGM1ZTA5OTFmZjk0NTBiYTY1N2Y2MTJjNWQ0ZWFkYTViZjBiMjE="
	setupSecret   = "partner-webhook-secret"
	setupV1       = "3e48697be97e59bbf897bff0afe0ec36ba6a8021b6dcb5814a7d8dda786536d9"
	setupTTSig    = "NzA4NDhlNGQzMmU2YzBhY2U5MDNiNmZiY2JmZGM3NjY3ZjEzZWRkZmUxNGJhOGY3ZGI4ZGY0OGQ4MGVmMzYyMg=="
	docsExampleV1 = "YzU1N2FhOTUwMjlkNTFiMGM5NjIxNTEyODc5NGY5ZjgxZWNkMmNkZTZhNmIxYmI2YmM3NmVmYmQ1ZGZiMDg0Zg=="
)

var exampleTime = time.Unix(exampleTS, 0)

func TestCompanyWorkedExamples(t *testing.T) {
	if got := hexHMAC([]byte(exampleKey), "2"); got != exampleV1Hex {
		t.Errorf("v1 HMAC = %s, want %s", got, exampleV1Hex)
	}
	if got := SignCompanyV1(exampleKey, "2"); got != exampleV1 {
		t.Errorf("SignCompanyV1 = %s, want %s", got, exampleV1)
	}
	if got := CompanyV2Message(exampleTS, []byte(exampleBody)); got != "1701234567."+exampleBody {
		t.Errorf("CompanyV2Message = %q", got)
	}
	if got := ComputeCompanyV2(exampleKey, exampleTS, []byte(exampleBody)); got != exampleV2Hex {
		t.Errorf("v2 HMAC = %s, want %s", got, exampleV2Hex)
	}
	got := SignCompanyV2(exampleKey, []byte(exampleBody), exampleTime)
	if got != exampleV2 {
		t.Errorf("SignCompanyV2 = %s, want %s", got, exampleV2)
	}
	if dec, _ := base64.StdEncoding.DecodeString(got); string(dec) != exampleV2Dec {
		t.Errorf("decoded v2 = %q, want %q", dec, exampleV2Dec)
	}
	if err := VerifyCompanyV1(exampleV1, exampleKey, "2"); err != nil {
		t.Errorf("VerifyCompanyV1(example) = %v", err)
	}
	if err := VerifyCompanyV2(exampleV2, exampleKey, []byte(exampleBody), exampleTime, 0); err != nil {
		t.Errorf("VerifyCompanyV2(example) = %v", err)
	}
	if err := VerifyCompany(exampleV2, exampleKey, []byte(exampleBody), exampleTime, 0); err != nil {
		t.Errorf("VerifyCompany(v2 example) = %v", err)
	}
	if err := VerifyCompany(exampleV1, exampleKey, []byte(exampleBody), exampleTime, 0); err != nil {
		t.Errorf("VerifyCompany(v1 example) = %v", err)
	}
}

// Partner setups: Teamtailor-Signature signs "<t>.<data.id>" with the
// webhook secret and TT-Signature is v1 with the same secret (§6).
func TestPartnerSetupWorkedExample(t *testing.T) {
	if got := Compute(setupSecret, exampleTS, "2"); got != setupV1 {
		t.Errorf("setup v1 = %s, want %s", got, setupV1)
	}
	h := Sign(setupSecret, "2", exampleTime)
	if !strings.HasPrefix(h, "t=1701234567,v1="+setupV1+",v0=") {
		t.Errorf("setup Teamtailor-Signature = %s", h)
	}
	if got := SignCompanyV1(setupSecret, "2"); got != setupTTSig {
		t.Errorf("setup TT-Signature = %s, want %s", got, setupTTSig)
	}
}

// The documented example header decodes to 64 hex characters.
func TestParseCompanyDocumentedExample(t *testing.T) {
	p, err := ParseCompany(docsExampleV1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != CompanyV1 || p.HMAC != "c557aa95029d51b0c96215128794f9f81ecd2cde6a6b1bb6bc76efbd5dfb084f" {
		t.Errorf("ParseCompany = %+v", p)
	}
}

func TestVerifyCompanyRefuses(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	body := []byte(exampleBody)
	respaced := []byte(strings.ReplaceAll(exampleBody, `":`, `": `))
	for _, tc := range []struct {
		name   string
		header string
		body   []byte
		now    time.Time
		want   error
		reason string
	}{
		{"empty", "", body, exampleTime, ErrMissing, ""},
		{"not base64", "t=1,v2=ab", body, exampleTime, ErrMalformed, "base64"},
		{"v1 not hex", b64("hello"), body, exampleTime, ErrMalformed, "64 hex"},
		{"v2 three parts", b64(exampleV2Dec + ",v1=" + exampleV2Hex), body, exampleTime, ErrMalformed, "exactly two parts"},
		{"v2 bad t", b64("t=-1,v2=" + exampleV2Hex), body, exampleTime, ErrMalformed, "unix seconds"},
		{"v2 bad value", b64("t=1701234567,v1=" + exampleV2Hex), body, exampleTime, ErrMalformed, "v2=<64 hex>"},
		{"wrong key v1", SignCompanyV1("other", "2"), body, exampleTime, ErrMismatch, "resource id"},
		{"v1 of the body", b64(hexHMAC([]byte(exampleKey), exampleBody)), body, exampleTime, ErrMismatch, ""},
		{"tampered body", exampleV2, []byte(strings.Replace(exampleBody, "archived", "open", 1)), exampleTime, ErrMismatch, ""},
		{"re-serialised body signed", SignCompanyV2(exampleKey, body, exampleTime), respaced, exampleTime, ErrMismatch, "re-serialised"},
		{"stale", exampleV2, body, exampleTime.Add(6 * time.Minute), ErrStale, ""},
		{"future", exampleV2, body, exampleTime.Add(-6 * time.Minute), ErrFuture, ""},
		{"v1 without id", exampleV1, []byte(`{"payload":{}}`), exampleTime, ErrMismatch, "payload.data.id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := VerifyCompany(tc.header, exampleKey, tc.body, tc.now, 0)
			if !errors.Is(err, tc.want) {
				t.Fatalf("VerifyCompany = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("error %q does not say %q", err, tc.reason)
			}
		})
	}
}

// One scheme's header never verifies as the other's.
func TestCompanyVersionsDoNotCross(t *testing.T) {
	if err := VerifyCompanyV1(exampleV2, exampleKey, "2"); !errors.Is(err, ErrMismatch) {
		t.Errorf("VerifyCompanyV1(v2 header) = %v", err)
	}
	if err := VerifyCompanyV2(exampleV1, exampleKey, []byte(exampleBody), exampleTime, 0); !errors.Is(err, ErrMismatch) {
		t.Errorf("VerifyCompanyV2(v1 header) = %v", err)
	}
}

func TestResourceID(t *testing.T) {
	for body, want := range map[string]string{
		exampleBody:                      "2",
		`{"payload":{"data":{"id":2}}}`:  "",
		`not json`:                       "",
		`{"payload":{"data":{"id":""}}}`: "",
	} {
		got, err := ResourceID([]byte(body))
		if got != want || (want == "") != (err != nil) {
			t.Errorf("ResourceID(%s) = %q, %v; want %q", body, got, err, want)
		}
	}
}

// Untrusted headers and bodies never panic, and what is accepted
// re-verifies.
func FuzzVerifyCompany(f *testing.F) {
	f.Add(exampleV1, exampleBody, int64(exampleTS))
	f.Add(exampleV2, exampleBody, int64(exampleTS))
	f.Add("dD0=", "{}", int64(0))
	f.Add("", "", int64(-1))
	f.Fuzz(func(t *testing.T, header, body string, now int64) {
		err := VerifyCompany(header, exampleKey, []byte(body), time.Unix(now, 0), 0)
		if err == nil {
			if _, perr := ParseCompany(header); perr != nil {
				t.Fatalf("verified but does not parse: %v", perr)
			}
		}
	})
}
