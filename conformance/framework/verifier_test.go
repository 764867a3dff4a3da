package framework

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// The key lookup is blamed only on its evidence: GET /config with a key
// the partner must look up failed (5xx or no answer) while the call
// without a key was refused, and the embedded mock answered no lookup.
func TestKeyLookupFailureNeedsItsEvidence(t *testing.T) {
	saved, savedMock := settings.TestContext.ProviderKey, mockOf
	t.Cleanup(func() { settings.TestContext.ProviderKey, mockOf = saved, savedMock })
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcGlfdG9rZW4iOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXI"
	answered := func(status int) *partner.Exchange {
		return &partner.Exchange{Direction: partner.ToPartner, Method: "GET", URL: "http://p/config", Status: status}
	}
	hung := &partner.Exchange{Direction: partner.ToPartner, Method: "GET", URL: "http://p/config", Error: "timeout: no complete answer from p within 2s"}
	for _, tc := range []struct {
		name         string
		key          string
		config, bare *partner.Exchange
		mockAnswered int // status of a lookup the mock answered; 0 none
		want         bool
	}{
		{"503 with the key, 401 without", uuid.NewString(), answered(503), answered(401), 0, true},
		{"no answer with the key, 403 without", uuid.NewString(), hung, answered(403), 0, true},
		{"the mock refused the lookup", uuid.NewString(), answered(500), answered(401), 401, true},
		{"the mock answered the lookup", uuid.NewString(), answered(500), answered(401), 200, false},
		{"a JWT needs no lookup", jwt, answered(500), answered(401), 0, false},
		{"500 without a key too", uuid.NewString(), answered(500), answered(500), 0, false},
		{"404 without a key", uuid.NewString(), answered(503), answered(404), 0, false},
		{"the key refused", uuid.NewString(), answered(401), answered(401), 0, false},
		{"config served", uuid.NewString(), answered(200), answered(401), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			settings.TestContext.ProviderKey = tc.key
			mockOf = embedded.Detached("http://mock:8081")
			if tc.mockAnswered != 0 {
				mockOf.Record(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(tc.mockAnswered) })).
					ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/partner/v1/partner-activations?page%5Bsize%5D=100", nil))
			}
			b := &Basics{Config: tc.config, NoKeyConfig: tc.bare}
			why := b.keyLookupFailure()
			if (why != "") != tc.want {
				t.Fatalf("keyLookupFailure() = %q, want a failure: %v", why, tc.want)
			}
			if tc.want && (!strings.HasPrefix(why, ProblemKeyLookup) || !strings.Contains(b.Blocker(), "(see config/with-job)")) {
				t.Errorf("keyLookupFailure() = %q, Blocker() = %q", why, b.Blocker())
			}
			if tc.want && !strings.Contains(keyLookupFix(), "--teamtailor-url http://mock:8081") {
				t.Errorf("the fix does not name the mock's URL: %s", keyLookupFix())
			}
		})
	}
}

// detectCauses names what a check recognised, from its Problem line,
// with the checks skipped for it; a wrong scheme a probe found replaces
// "the webhook secret differs", which stays the cause when every probe
// was refused.
func TestDetectCausesNamesWhatTheChecksRecognised(t *testing.T) {
	refused := partner.Exchange{Direction: partner.ToPartner, Step: "POST /webhook, signed, typical candidate", Method: "POST", URL: "http://p/webhook", Status: 401, ResponseBody: "bad signature"}
	probe := func(i, status int) partner.Exchange {
		return partner.Exchange{Direction: partner.ToPartner, Step: signatureMistakes[i].Step, Method: "POST", URL: "http://p/webhook", Status: status}
	}
	config := report.CheckResult{Check: settings.Check{ID: CheckConfig}, Outcome: report.OutcomePass}
	signed := func(xs ...partner.Exchange) report.CheckResult {
		return report.CheckResult{Check: settings.Check{ID: CheckSignedWebhook}, Outcome: report.OutcomeFail, Reason: "Problem: want any 2xx", Exchanges: xs}
	}
	skipped := func(id, see string) report.CheckResult {
		return report.CheckResult{Check: settings.Check{ID: id}, Outcome: report.OutcomeSkipped, Reason: "cannot check: … (see " + see + ")"}
	}
	for _, tc := range []struct {
		name    string
		checks  []report.CheckResult
		want    string
		checks2 []string
	}{
		{"no verification", []report.CheckResult{config,
			{Check: settings.Check{ID: "signature/tampered-v1"}, Outcome: report.OutcomeFail, Reason: "Rule: …\nFix: …\nProblem: " + ProblemNoVerification + ": it accepted (2xx) …"},
			skipped("signature/wrong-secret", "signature/tampered-v1")},
			CauseNoVerification, []string{"signature/tampered-v1", "signature/wrong-secret"}},
		{"a crash", []report.CheckResult{config,
			{Check: settings.Check{ID: "signature/extra-schemes-accepted"}, Outcome: report.OutcomeFail, Reason: "Problem: " + ProblemCrash + ": POST /webhook answered 500 …"},
			skipped("signature/v0-only", "signature/extra-schemes-accepted")},
			CauseCrash, []string{"signature/extra-schemes-accepted", "signature/v0-only"}},
		{"the body signed", []report.CheckResult{config, signed(refused, probe(0, 200))}, CauseLegacySignature, []string{CheckSignedWebhook}},
		{"<t>.undefined", []report.CheckResult{config, signed(refused, probe(0, 401), probe(1, 204))}, CauseDocsSample, []string{CheckSignedWebhook}},
		{"every probe refused", []report.CheckResult{config, signed(refused, probe(0, 401), probe(1, 401), probe(2, 401))}, "webhook-secret", []string{CheckSignedWebhook}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			causes := detectCauses(report.Results{Checks: tc.checks})
			if len(causes) != 1 || causes[0].ID != tc.want {
				t.Fatalf("causes %+v, want %s alone", causes, tc.want)
			}
			if !slices.Equal(causes[0].Checks, tc.checks2) {
				t.Errorf("checks %v, want %v", causes[0].Checks, tc.checks2)
			}
			if tc.want == "webhook-secret" && !strings.Contains(causes[0].Evidence, "bad signature") {
				t.Errorf("evidence %q quotes a probe's answer, not the webhook's", causes[0].Evidence)
			}
		})
	}
}
