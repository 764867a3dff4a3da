package framework

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// The root causes a check recognises itself, from its probes: the
// partner verifies no signature, crashes on a webhook, verifies a wrong
// scheme (docs/protocol.md §1.2), or cannot make its own call to
// Teamtailor to check the provider key (§2.2). One check fails for each,
// with the fix of the cause; the checks it makes moot are skipped, naming
// that check.
const (
	CauseNoVerification  = "no-verification"
	CauseCrash           = "crash"
	CauseLegacySignature = "legacy-signature"
	CauseDocsSample      = "docs-sample"
	CauseKeyLookup       = "key-lookup"
)

// Problem lines of those failures. detectCauses reads them back from the
// failures, which may come from another process (ginkgo -p).
const (
	ProblemNoVerification = "the partner verifies no signature"
	ProblemCrash          = "the partner crashed"
	ProblemKeyLookup      = "the partner's own call to Teamtailor fails"
)

// Fixes of those causes.
const (
	FixNoVerification = "start verifying Teamtailor-Signature on every webhook and action call: compute hex(HMAC-SHA256(webhook secret, \"<t>.<partner-event id>\")), " +
		"compare it with v1 in constant time, and answer 401 when it differs or the header is missing (docs/protocol.md §1.2); " +
		"if the partner does not verify signatures, run the suite without --verifies-signatures (verifying is optional)"
	FixCrash = "fix the crash the answer shows: a webhook must never get a 5xx for its header; a common one is a regular expression over Teamtailor-Signature " +
		"whose result is used without a null check (exec and match return null when the header is not as expected): " +
		"take t and v1 by name, ignore other schemes, and answer 401 when the header does not parse (docs/protocol.md §1.2)"
)

// FailBecause fails the check for a root cause it recognised: what was
// sent and what came back (with the answer's body), the fix as given, and
// the problem.
func FailBecause(x *partner.Exchange, problem, fix string) {
	ginkgo.GinkgoHelper()
	ginkgo.Fail(partner.ExplainCause(x, "%s", fix)() + "Problem: " + problem)
}

// A SignatureMistake is a wrong way of verifying Teamtailor-Signature that
// the suite recognises by signing a probe that way: when the partner
// refuses a correctly signed webhook, the probes go out one after the
// other until one is accepted.
type SignatureMistake struct {
	Cause string // Cause.ID
	Step  string // the probe's step
	// Problem says what the partner verifies; Fix how to verify instead.
	Problem, Fix string
	// sign returns the probe's body and header for the webhook w.
	sign func(w embedded.Webhook, secret string, t int64) (body []byte, header string)
}

// signatureMistakes are tried in this order. The legacy probe's body is
// indented, so that a verifier of the re-serialised body refuses it and
// the third probe tells the two apart.
var signatureMistakes = []SignatureMistake{
	{Cause: CauseLegacySignature,
		Step:    `POST /webhook signed the pre-July-2024 way (v1 over "<t>.<body>"): does the partner verify that?`,
		Problem: `the partner verifies the signature of the body, the scheme Teamtailor left in July 2024: it refused the correctly signed webhook and accepted the same webhook signed over "<t>.<body>"`,
		Fix: `Teamtailor has signed "<t>.<partner-event id>" since July 2024, not the body: compute hex(HMAC-SHA256(webhook secret, t + "." + partner-event.id)) ` +
			`and compare it with v1 (docs/protocol.md §1.2)`,
		sign: func(w embedded.Webhook, secret string, t int64) ([]byte, string) {
			var body bytes.Buffer
			if json.Indent(&body, w.Body, "", "  ") != nil {
				body.Reset()
				body.Write(w.Body)
			}
			return body.Bytes(), header(t, signature.ComputeLegacy(secret, t, body.Bytes()), signature.Decoy(secret, t, w.EventID))
		}},
	{Cause: CauseDocsSample,
		Step:    `POST /webhook signed over "<t>.undefined": does the partner read the event id from the wrong key?`,
		Problem: `the partner's verifier signs "<t>.undefined": it refused the correctly signed webhook and accepted one signed over "<t>.undefined", so it reads the event id from a key the body does not have`,
		Fix:     `read the event id from partner-event.id (body["partner-event"].id in JavaScript: the key has a hyphen) and sign "<t>.<that id>" (docs/protocol.md §1.2)`,
		sign: func(w embedded.Webhook, secret string, t int64) ([]byte, string) {
			return w.Body, header(t, signature.ComputeUndefined(secret, t), signature.Decoy(secret, t, w.EventID))
		}},
	{Cause: CauseDocsSample,
		Step:    `POST /webhook signed over the re-serialised body (JSON.stringify of the parsed body): does the partner verify that?`,
		Problem: `the partner's verifier signs JSON.stringify of the parsed body, as the pre-July-2024 sample did: it refused the correctly signed webhook and accepted one signed over "<t>." + JSON.stringify(body)`,
		Fix: `sign "<t>.<partner-event id>": the body has not been signed since July 2024, and JSON.stringify(req.body) is not the bytes sent anyway; ` +
			`take partner-event.id from the parsed body (docs/protocol.md §1.2)`,
		sign: func(w embedded.Webhook, secret string, t int64) ([]byte, string) {
			v1, err := signature.ComputeRestringified(secret, t, w.Body)
			if err != nil {
				v1 = signature.ComputeLegacy(secret, t, w.Body)
			}
			return w.Body, header(t, v1, signature.Decoy(secret, t, w.EventID))
		}},
}

func header(t int64, v1, v0 string) string {
	return "t=" + strconv.FormatInt(t, 10) + ",v1=" + v1 + ",v0=" + v0
}

// refusedSignature reports an answer a verifier gives a signature it
// refuses: 401 or 403, or 400 or 422, which some partners answer for
// every invalid request.
func refusedSignature(x *partner.Exchange) bool {
	switch x.Status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusBadRequest, http.StatusUnprocessableEntity:
		return x.Answered()
	}
	return false
}

// probeMistakes sends, after the partner refused the correctly signed
// webhook (refusedSignature), one probe per signature mistake until the
// partner accepts one, and keeps the mistake it accepted. Each probe is a
// new webhook of the same candidate with the same webhook-data.
func (b *Basics) probeMistakes(ctx context.Context, c *partner.Client, m *embedded.Mock, candidate string, data map[string]string) {
	for i, mk := range signatureMistakes {
		w, err := m.PrepareWebhook(ctx, candidate, false, data)
		if err != nil {
			return
		}
		body, h := mk.sign(w, settings.TestContext.WebhookSecret, time.Now().Unix())
		x := c.Send(ctx, partner.Call{Step: mk.Step, Method: "POST", Path: "webhook", Body: body, Signature: h, Owner: CheckSignedWebhook})
		if !x.Answered() {
			return
		}
		if x.Success() {
			b.mistake = &signatureMistakes[i]
			return
		}
	}
}

// SignatureMistake returns the wrong scheme the partner verifies, found
// by the probes sent after it refused the correctly signed webhook, or
// nil.
func (b *Basics) SignatureMistake() *SignatureMistake { return b.mistake }

// keyLookupFailure says why the partner's own call to Teamtailor, to
// check the provider key, looks broken, or "": GET /config with the
// suite's provider key got a 5xx or no answer, while GET /config without
// a key was refused at once, so the handler works up to checking the key;
// the key is not a JWT (which the partner checks by itself), and the
// embedded mock answered no key lookup with 2xx (docs/protocol.md §2.2).
func (b *Basics) keyLookupFailure() string {
	// Judged once, from the preflight: a lookup that works later does not
	// change what the checks already skipped for.
	b.lookupOnce.Do(func() { b.lookupWhy = b.judgeKeyLookup() })
	return b.lookupWhy
}

func (b *Basics) judgeKeyLookup() string {
	x, bare := b.Config, b.NoKeyConfig
	if x == nil || bare == nil || providerkey.KindOf(settings.TestContext.ProviderKey) == providerkey.KindJWT {
		return ""
	}
	own := x.TimedOut() || (x.Answered() && x.Status >= 500)
	refused := bare.Answered() && bare.Status >= 400 && bare.Status < 500 && bare.Status != http.StatusNotFound
	if !own || !refused {
		return ""
	}
	got := "no answer (" + x.Error + ")"
	if x.Answered() {
		got = fmt.Sprintf("%d %s (%s)", x.Status, http.StatusText(x.Status), excerptN(x.ResponseBody, 200))
	}
	seen := "the embedded mock received no key lookup (GET /partner/v1/partner-activations)"
	if mockOf != nil {
		switch n, ok, last := mockOf.KeyLookups(); {
		case ok > 0:
			return "" // the lookups worked: the 5xx is the partner's own
		case n > 0:
			seen = fmt.Sprintf("the embedded mock received %d key lookups and answered the last with %d", n, last)
		}
	}
	return fmt.Sprintf("%s: GET /config with the suite's provider key got %s, while GET /config without a key got %d %s at once; %s",
		ProblemKeyLookup, got, bare.Status, http.StatusText(bare.Status), seen)
}

// keyLookupFix is the fix of a failing key lookup.
func keyLookupFix() string {
	return fmt.Sprintf("the partner checks the provider key with Teamtailor's GET /partner/v1/partner-activations and cannot get an answer: point it at the suite's embedded mock, %s "+
		"(the example partner: --teamtailor-url %s), and give the mock a fixed address the partner can reach with ttconformance --mock-listen <host:port> "+
		"(and --mock-public-url http://<name the partner reaches>:<port> from another host or container); or send a key the partner checks without Teamtailor with --activation-field (docs/protocol.md §2.2)",
		mockURL(), mockBase())
}

// mockBase is the embedded mock's base URL, as a partner's Teamtailor URL.
func mockBase() string {
	if mockOf != nil {
		return mockOf.URL
	}
	return "<the embedded mock's URL>"
}

// RequireKeyLookup fails config/with-job for the key lookup when it is
// the cause of the failure of GET /config.
func (f *Framework) RequireKeyLookup() {
	ginkgo.GinkgoHelper()
	b := TheBasics()
	if why := b.keyLookupFailure(); why != "" {
		f.Include(*b.NoKeyConfig)
		FailBecause(b.Config, why, keyLookupFix())
	}
}

// verifierCauses names the causes the checks recognised: the Problem line
// of the check that failed for it is the evidence.
func verifierCauses(res report.Results, mentions func(string) []string) []report.Cause {
	var causes []report.Cause
	for _, c := range res.Checks {
		if c.Outcome != report.OutcomeFail {
			continue
		}
		problem := problemOf(c.Reason)
		see := mentions("(see " + c.ID + ")")
		switch {
		case strings.HasPrefix(problem, ProblemNoVerification):
			causes = append(causes, report.Cause{ID: CauseNoVerification, Title: "the partner verifies no signature, although it claims to (--verifies-signatures)",
				Evidence: problem, Fix: FixNoVerification, Checks: appendNew([]string{c.ID}, see...)})
		case strings.HasPrefix(problem, ProblemCrash):
			title := "the partner crashes (5xx) on a webhook whose signature it does not expect"
			if c.ID == CheckSignedWebhook || c.ID == "signature/extra-schemes-accepted" {
				title = "the partner crashes (5xx) on a correctly signed webhook"
			}
			causes = append(causes, report.Cause{ID: CauseCrash, Title: title,
				Evidence: problem, Fix: FixCrash, Checks: appendNew([]string{c.ID}, see...)})
		case strings.HasPrefix(problem, ProblemKeyLookup):
			causes = append(causes, report.Cause{ID: CauseKeyLookup, Title: "the partner's own call to Teamtailor fails, so it cannot check the provider key",
				Evidence: strings.TrimPrefix(problem, ProblemKeyLookup+": "), Fix: keyLookupFix(), Checks: appendNew([]string{c.ID}, see...)})
		}
	}
	return causes
}

// mistakeCause names the signature mistake a probe of webhook/signed-accepted
// found, or returns nil.
func mistakeCause(signed report.CheckResult, mentions func(string) []string) *report.Cause {
	for _, x := range signed.Exchanges {
		for _, mk := range signatureMistakes {
			if x.Step == mk.Step && x.Success() {
				title := "the partner verifies the pre-July-2024 body signature"
				if mk.Cause == CauseDocsSample {
					title = "the partner's verifier copies a sample that signs the wrong message"
				}
				return &report.Cause{ID: mk.Cause, Title: title, Evidence: mk.Problem, Fix: mk.Fix,
					Checks: appendNew([]string{CheckSignedWebhook}, mentions("(see "+CheckSignedWebhook+")")...)}
			}
		}
	}
	return nil
}

// crashOf says how a correctly signed webhook crashed the partner, or "".
func crashOf(x *partner.Exchange) string {
	if x == nil || !x.Answered() || x.Status < 500 {
		return ""
	}
	return fmt.Sprintf("%s: %s %s answered %d %s: %s", ProblemCrash, x.Method, partner.PathOf(x.URL), x.Status, http.StatusText(x.Status), strings.Join(strings.Fields(excerptN(x.ResponseBody, 300)), " "))
}

// CrashOf is crashOf for the checks: the problem of a 5xx answer, or "".
func CrashOf(x *partner.Exchange) string { return crashOf(x) }

// problemOf returns the text of the "Problem:" line of a failure, or "".
func problemOf(reason string) string {
	for _, l := range strings.Split(reason, "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(l), "Problem: "); ok {
			return p
		}
	}
	return ""
}

// withoutProbes returns c without the exchanges of signature-mistake
// probes: what the check itself sent.
func withoutProbes(c report.CheckResult) report.CheckResult {
	c.Exchanges = slices.DeleteFunc(slices.Clone(c.Exchanges), func(x partner.Exchange) bool {
		return slices.ContainsFunc(signatureMistakes, func(mk SignatureMistake) bool { return mk.Step == x.Step })
	})
	return c
}
