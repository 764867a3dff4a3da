package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// The receiver of company events (--company-webhooks PATH): the
// candidate.*, job.* and job_application.* deliveries of a partner webhook
// setup or a company webhook subscription (docs/company-webhooks.md). The
// checks sign as --company-webhook-scheme says Teamtailor does, with the
// mock's signing code, and name the classic mistakes of receivers from
// probes signed those ways.
var _ = Describe("Company webhooks: the receiver of company events", settings.LabelCompanyWebhooks, func() {
	f := framework.New("company-webhooks")

	settings.MustIt("company-webhooks/events-accepted", "§3, §4, §5, §6, §8",
		"every company event (the nine event types and every documented payload variant, fixtures/company-events/), correctly signed as the partner setup or company subscription delivers it, MUST get a 2xx within the timeout",
		"a delivery not answered 2xx is logged as failed and never retried (§7): the event, a hire or a rejection, is lost for good.",
		func(ctx SpecContext) {
			evs := companyFixtures()
			By(fmt.Sprintf("delivering the %d company-event fixtures to /%s, signed as a %s delivers them", len(evs), settings.TestContext.CompanyWebhooks, schemeName()))
			var calls []partner.Call
			for _, e := range evs {
				body, h := framework.CompanySign(e, framework.CompanyKey(), time.Now())
				calls = append(calls, framework.CompanyCall(companyStep(e, "signed"), body, h))
			}
			xs := f.Partner.SendAll(ctx, calls, partner.Concurrency)
			var lines []string
			var first *partner.Exchange
			var firstEv framework.CompanyEvent
			for i, x := range xs {
				if x.Unreachable {
					partner.FailUnreachable(x)
				}
				if x.Success() {
					continue
				}
				if first == nil && !x.NotSent {
					first, firstEv = x, evs[i]
				}
				lines = append(lines, fmt.Sprintf("%s (%s): %s", evs[i].Name, evs[i].EventName(), answerText(x)))
			}
			if len(lines) == 0 {
				return
			}
			// A refusal of correct signatures: the probes name the
			// mistake (docs/company-webhooks.md §8).
			if first != nil && first.Answered() && first.Status >= 400 && first.Status < 500 {
				if mk, px := f.ProbeCompanyMistakes(ctx, firstEv); mk != nil {
					framework.FailBecause(px, mk.Problem, mk.Fix())
				}
			}
			Expect(fmt.Sprintf("%d of the %d correctly signed company events did not get a 2xx:\n    %s", len(lines), len(xs), strings.Join(lines, "\n    "))).
				To(judge.BeNoProblem(), partner.Explain(first,
					"answer every correctly signed company event with a 2xx at once and process it later; %s; tolerate missing and extra attributes (destroy events carry none) (docs/company-webhooks.md §8)", verifyAdvice()))
		})

	settings.MustIt("company-webhooks/raw-body-accepted", "§4, §5.2, §8",
		"a correctly signed company event whose body has spaces and \\u escapes (bytes that differ from JSON.stringify of its parse) MUST get a 2xx within the timeout",
		"what is signed is exactly the bytes sent (§4): a v2 verifier that hashes a re-serialisation refuses such bodies, which Teamtailor's serialiser may send (\"Ruby may serialize integers with decimal points\", §5.2).",
		func(ctx SpecContext) {
			plain := companyFixture("job-update")
			pb, ph := framework.CompanySign(plain, framework.CompanyKey(), time.Now())
			ok := f.Partner.Do(ctx, framework.CompanyCall(companyStep(plain, "signed"), pb, ph))
			partner.Depends(ok.Success(), "the correctly signed compact %s got %s (see company-webhooks/events-accepted)", plain.EventName(), answerText(ok))
			e := rawBodyEvent()
			body, h := framework.CompanySign(e, framework.CompanyKey(), time.Now())
			By("delivering a job.update whose body is indented and escapes its non-ASCII characters, signed over its exact bytes")
			x := f.Partner.Do(ctx, framework.CompanyCall(companyStep(e, "signed, indented with \\u escapes"), body, h))
			if x.Success() {
				return
			}
			if settings.TestContext.CompanyWebhookScheme == settings.CompanySchemeV2 && x.Answered() && x.Status >= 400 && x.Status < 500 {
				if ph, ok := framework.ReserialisedProbe(body, framework.CompanyKey(), time.Now()); ok {
					px := f.Partner.Send(ctx, framework.CompanyCall(framework.StepCompanyReserialised, body, ph))
					if px.Success() {
						framework.FailBecause(px, framework.ProblemCompanyReserialised+
							": it refused the delivery signed over its exact bytes and accepted the same bytes signed over JSON.stringify(JSON.parse(body))", framework.FixCompanyReserialised)
					}
				}
			}
			Expect(fmt.Sprintf("the company event with an indented body got %s", answerText(x))).To(judge.BeNoProblem(), partner.Explain(x,
				"verify over the raw bytes received and parse the JSON leniently: whitespace and \\u escapes are valid JSON; %s", verifyAdvice()))
		})

	settings.MustIt("company-webhooks/forged-refused", "§5, §6, §8",
		"a company event whose signature is wrong (another key, another resource id, a body changed after signing) or missing MUST be refused with a 4xx by a receiver that claims to verify signatures",
		"an unverified receiver acts on hires and rejections anyone can forge; the receiver claims to verify (--verifies-signatures), so a forged event accepted is a broken promise, not a choice.",
		func(ctx SpecContext) {
			e := companyFixture("job-application-update")
			body, h := framework.CompanySign(e, framework.CompanyKey(), time.Now())
			ok := f.Partner.Do(ctx, framework.CompanyCall(companyStep(e, "signed"), body, h))
			partner.Depends(ok.Success(), "the correctly signed %s got %s (see company-webhooks/events-accepted)", e.EventName(), answerText(ok))

			var calls []partner.Call
			wb, wh := framework.CompanySign(e, partner.WrongWebhookSecret, time.Now())
			calls = append(calls, framework.CompanyCall(companyStep(e, "signed with another key"), wb, wh))
			calls = append(calls, framework.CompanyCall(companyStep(e, "without a signature"), unsigned(e),
				http.Header{signature.CompanyHeader: {""}, signature.Header: {""}}))
			tb, th := tampered(e)
			calls = append(calls, framework.CompanyCall(companyStep(e, tamperedWhat()), tb, th))
			xs := f.Partner.SendAll(ctx, calls, partner.Concurrency)
			var accepted, other []string
			var first *partner.Exchange
			for _, x := range xs {
				if x.Unreachable {
					partner.FailUnreachable(x)
				}
				if x.Answered() && x.Status >= 400 && x.Status < 500 {
					continue
				}
				if first == nil && !x.NotSent {
					first = x
				}
				if x.Success() {
					accepted = append(accepted, fmt.Sprintf("%s: %s", x.Step, answerText(x)))
				} else {
					other = append(other, fmt.Sprintf("%s: %s", x.Step, answerText(x)))
				}
			}
			switch {
			case len(accepted) > 0:
				framework.FailBecause(first, framework.ProblemCompanyUnverified+":\n    "+strings.Join(append(accepted, other...), "\n    "), framework.FixCompanyUnverified)
			case len(other) > 0:
				Expect("bad signatures were not refused with a 4xx:\n    "+strings.Join(other, "\n    ")).To(judge.BeNoProblem(), partner.Explain(first,
					"answer 401 to a company event whose signature does not verify or is missing, never a 5xx or a hang"))
			}
		}, settings.CapSignatures)
})

// schemeName names the run's scheme for messages.
func schemeName() string {
	switch settings.TestContext.CompanyWebhookScheme {
	case settings.CompanySchemeV1:
		return "company webhook subscription (v1)"
	case settings.CompanySchemeV2:
		return "company webhook subscription (v2)"
	}
	return "partner webhook setup"
}

// verifyAdvice says how the run's scheme is verified.
func verifyAdvice() string {
	switch settings.TestContext.CompanyWebhookScheme {
	case settings.CompanySchemeV1:
		return `verify TT-Signature as base64(hex(HMAC-SHA256(signature key, payload.data.id))) (§5.1)`
	case settings.CompanySchemeV2:
		return `verify TT-Signature as base64("t=<t>,v2=" + hex(HMAC-SHA256(signature key, t + "." + raw body))) (§5.2)`
	}
	return `check the Bearer provider key and verify Teamtailor-Signature (v1 = hex(HMAC-SHA256(webhook secret, t + "." + payload.data.id))) or TT-Signature (base64(hex(HMAC-SHA256(webhook secret, payload.data.id)))) (§6)`
}

func companyStep(e framework.CompanyEvent, how string) string {
	return fmt.Sprintf("POST /%s, %s (%s), %s", strings.TrimLeft(settings.TestContext.CompanyWebhooks, "/"), e.Name, e.EventName(), how)
}

func answerText(x *partner.Exchange) string {
	if !x.Answered() {
		return x.Error
	}
	return fmt.Sprintf("%d %s", x.Status, http.StatusText(x.Status))
}

// companyFixtures returns the company-event fixtures, failing the check
// (as the suite's own fault) when they cannot be read.
func companyFixtures() []framework.CompanyEvent {
	GinkgoHelper()
	evs, err := framework.CompanyEventFixtures()
	if err != nil {
		partner.FailMock("%v", err)
	}
	return evs
}

func companyFixture(name string) framework.CompanyEvent {
	GinkgoHelper()
	for _, e := range companyFixtures() {
		if e.Name == name {
			return e
		}
	}
	partner.FailMock("no company-event fixture %s", name)
	return framework.CompanyEvent{}
}

// rawBodyEvent is the job-update fixture with a title carrying non-ASCII
// characters written as \u escapes, indented: valid JSON whose bytes
// JSON.stringify(JSON.parse(...)) does not give back.
func rawBodyEvent() framework.CompanyEvent {
	GinkgoHelper()
	e := companyFixture("job-update")
	payload := bytes.Replace(e.Payload, []byte(`"title":"`), []byte(`"title":"Malm\u00f6 \u2013 `), 1)
	var indented bytes.Buffer
	if err := json.Indent(&indented, payload, "", "  "); err != nil {
		partner.FailMock("%v", err)
	}
	out, err := framework.NewCompanyEvent("job-update, indented, \\u escapes", indented.Bytes())
	if err != nil {
		partner.FailMock("%v", err)
	}
	return out
}

// unsigned is e's body without a signature member.
func unsigned(e framework.CompanyEvent) []byte {
	body, _ := framework.CompanySign(e, framework.CompanyKey(), time.Now())
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	return []byte(`{"payload":` + string(doc["payload"]) + `}`)
}

// tamperedWhat says how tampered changes a delivery in the run's scheme.
func tamperedWhat() string {
	if settings.TestContext.CompanyWebhookScheme == settings.CompanySchemeV2 {
		return "the body changed after signing"
	}
	return "signed for another resource id"
}

// tampered returns a delivery whose signature is right for another one:
// v2 signs the body and the body then changes; v1 and setups sign a
// resource id and the body is about another.
func tampered(e framework.CompanyEvent) ([]byte, http.Header) {
	other := e
	other.Payload = bytes.Replace(e.Payload, []byte(`"id":"`+e.ID+`"`), []byte(`"id":"`+e.ID+`0"`), 1)
	other.ID = e.ID + "0"
	if settings.TestContext.CompanyWebhookScheme == settings.CompanySchemeV2 {
		body, h := framework.CompanySign(e, framework.CompanyKey(), time.Now())
		return bytes.Replace(body, []byte(`"id":"`+e.ID+`"`), []byte(`"id":"`+other.ID+`"`), 1), h
	}
	_, h := framework.CompanySign(e, framework.CompanyKey(), time.Now())
	body, _ := framework.CompanySign(other, framework.CompanyKey(), time.Now())
	// The body's signature member is the header's, as Teamtailor sends it.
	sig := first(h[signature.CompanyHeader])
	body = bytes.Replace(body, []byte(`"signature":"`+signature.SignCompanyV1(framework.CompanyKey(), other.ID)+`"`), []byte(`"signature":"`+sig+`"`), 1)
	return body, h
}

func first(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}
