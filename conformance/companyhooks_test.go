package conformance_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// selfCompanyKey is the signature key of the planted company webhook
// subscriptions.
const selfCompanyKey = "selftest-company-signature-key"

const eventsPath = "/teamtailor/events"

// receiver plants a receiver of company events at eventsPath on the example
// partner. verify returns whether the delivery verifies; a refused one
// gets 401.
func receiver(verify func(r *http.Request, body []byte) bool) fakePartner {
	return fakePartner{wrap: route("POST", eventsPath, func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
		body := readBody(r)
		if _, err := signature.ResourceID(body); err != nil {
			http.Error(w, "not a company event", http.StatusBadRequest)
			return
		}
		if !verify(r, body) {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})}
}

// docsReceiver verifies as docs/company-webhooks.md §8 says: TT-Signature,
// v2 over the raw body, v1 over payload.data.id.
func docsReceiver(header string) fakePartner {
	return receiver(func(r *http.Request, body []byte) bool {
		return signature.VerifyCompany(r.Header.Get(header), selfCompanyKey, body, time.Now(), 0) == nil
	})
}

// companyArgs are the flags of a run of the company-webhooks checks alone.
func companyArgs(scheme string) []string {
	args := []string{"--company-webhooks", strings.TrimPrefix(eventsPath, "/"), "--company-webhook-scheme", scheme,
		"--verifies-signatures", "--focus", "company-webhooks/", "--activation-field", selfActivation}
	if scheme != settings.CompanySchemeSetup {
		args = append(args, "--company-webhook-key", selfCompanyKey)
	}
	return args
}

// TestCompanyWebhookReceivers: a receiver written from the docs passes every
// company-webhooks check, in each scheme; one planted with each classic
// mistake fails exactly the check that names it, once, with its root cause
// (the checks it makes moot are skipped, naming that check).
func TestCompanyWebhookReceivers(t *testing.T) {
	skipWhenSuiteRequested(t)
	checks := []string{"company-webhooks/events-accepted", "company-webhooks/raw-body-accepted", "company-webhooks/forged-refused"}
	for _, tc := range []struct {
		name    string
		scheme  string
		partner fakePartner
		fails   string // "" passes everything
		cause   string
	}{
		{"the example partner's receiver, a partner setup", settings.CompanySchemeSetup, fakePartner{}, "", ""},
		{"a v1 subscription receiver from the docs", settings.CompanySchemeV1, docsReceiver(signature.CompanyHeader), "", ""},
		{"a v2 subscription receiver from the docs", settings.CompanySchemeV2, docsReceiver(signature.CompanyHeader), "", ""},
		{"v2 HMAC over JSON.stringify of the parsed body", settings.CompanySchemeV2,
			receiver(func(r *http.Request, body []byte) bool {
				again, err := signature.Restringify(body)
				return err == nil && signature.VerifyCompanyV2(r.Header.Get(signature.CompanyHeader), selfCompanyKey, again, time.Now(), 0) == nil
			}), "company-webhooks/raw-body-accepted", framework.CauseCompanyReserialised},
		{"a company webhook read from Teamtailor-Signature", settings.CompanySchemeV2,
			docsReceiver(signature.Header), "company-webhooks/events-accepted", framework.CauseCompanyHeader},
		{"a partner setup verifying Teamtailor-Signature's scheme in TT-Signature", settings.CompanySchemeSetup,
			receiver(func(r *http.Request, body []byte) bool {
				id, _ := signature.ResourceID(body)
				return signature.Verify(r.Header.Get(signature.CompanyHeader), selfSecret, id, time.Now(), 0) == nil
			}), "company-webhooks/events-accepted", framework.CauseCompanyHeader},
		{"v1 over the payload instead of the resource id", settings.CompanySchemeV1,
			receiver(func(r *http.Request, body []byte) bool {
				var doc struct {
					Payload json.RawMessage `json:"payload"`
				}
				if json.Unmarshal(body, &doc) != nil {
					return false
				}
				payload, err := signature.Restringify(doc.Payload)
				if err != nil {
					return false
				}
				mac := hmac.New(sha256.New, []byte(selfCompanyKey))
				mac.Write(payload)
				want := base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(mac.Sum(nil))))
				return hmac.Equal([]byte(r.Header.Get(signature.CompanyHeader)), []byte(want))
			}), "company-webhooks/events-accepted", framework.CauseCompanyV1Body},
		{"answers 2xx to a bad signature", settings.CompanySchemeSetup,
			receiver(func(*http.Request, []byte) bool { return true }), "company-webhooks/forged-refused", framework.CauseCompanyUnverified},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runSuite(t, tc.partner.serve(t), companyArgs(tc.scheme)...)
			var failed []string
			for _, id := range checks {
				c := r.check(id)
				switch {
				case c.Outcome == report.OutcomeFail:
					failed = append(failed, id)
				case c.Outcome == report.OutcomeSkipped && tc.fails != "" && strings.Contains(c.Reason, "(see "+tc.fails+")"):
					// moot once the mistake failed its check
				case c.Outcome != report.OutcomePass:
					t.Errorf("%s: %s (%s), want pass or fail", id, c.Outcome, c.Reason)
				}
			}
			var want []string
			if tc.fails != "" {
				want = []string{tc.fails}
			}
			if !slices.Equal(failed, want) {
				t.Errorf("failed %v, want %v\n%s", failed, want, r.stdout)
			}
			var causes []string
			for _, c := range r.results.Causes {
				causes = append(causes, c.ID)
				if c.ID == tc.cause && (len(c.Checks) == 0 || c.Checks[0] != tc.fails) {
					t.Errorf("cause %s explains %v, want %s first", c.ID, c.Checks, tc.fails)
				}
			}
			var wantCauses []string
			if tc.cause != "" {
				wantCauses = []string{tc.cause}
			}
			if !slices.Equal(causes, wantCauses) {
				t.Errorf("causes %v, want %v\n%s", causes, wantCauses, r.stdout)
			}
			if (tc.fails == "") != (r.exit == 0) {
				t.Errorf("exit %d\n%s", r.exit, r.stdout)
			}
		})
	}
}

// TestCompanyWebhookChecksNeedTheirFlags: without --company-webhooks the
// checks are skipped for it; without --verifies-signatures only the refusal
// check is.
func TestCompanyWebhookChecksNeedTheirFlags(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	base := fakePartner{}.serve(t)
	r := runSuite(t, base, "--focus", "company-webhooks/", "--activation-field", selfActivation)
	for _, id := range []string{"company-webhooks/events-accepted", "company-webhooks/forged-refused"} {
		if c := r.check(id); c.Outcome != report.OutcomeSkipped || !strings.Contains(c.Reason, "--company-webhooks") {
			t.Errorf("%s: %s %q, want skipped for --company-webhooks", id, c.Outcome, c.Reason)
		}
	}
	r = runSuite(t, base, "--focus", "company-webhooks/", "--activation-field", selfActivation, "--company-webhooks", "teamtailor/events")
	if c := r.check("company-webhooks/events-accepted"); c.Outcome != report.OutcomePass {
		t.Errorf("events-accepted: %s %q", c.Outcome, c.Reason)
	}
	if c := r.check("company-webhooks/forged-refused"); c.Outcome != report.OutcomeSkipped || c.Reason != settings.CapabilityPrefix+"--verifies-signatures" {
		t.Errorf("forged-refused: %s %q, want skipped for --verifies-signatures alone", c.Outcome, c.Reason)
	}
}
