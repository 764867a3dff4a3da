package framework

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// CompanyKey is the key company deliveries are signed with: the
// subscription's signature key, or the webhook secret for a partner setup.
func CompanyKey() string {
	if settings.TestContext.CompanyWebhookScheme != settings.CompanySchemeSetup && settings.TestContext.CompanyWebhookKey != "" {
		return settings.TestContext.CompanyWebhookKey
	}
	return settings.TestContext.WebhookSecret
}

// CompanyEvent is one company event to deliver: its payload as exact
// bytes, which a v2 body carries unchanged.
type CompanyEvent struct {
	// Name says which event it is, e.g. the fixture's name.
	Name    string
	Payload []byte
	// ID is payload.data.id, what v1 and Teamtailor-Signature sign.
	ID string
}

// CompanyEventFixtures returns the shipped company-event fixtures
// (fixtures/company-events/), one per event type and documented payload
// variant, each payload compact as Teamtailor sends it.
func CompanyEventFixtures() ([]CompanyEvent, error) {
	var out []CompanyEvent
	for _, name := range fixtures.Names(fixtures.KindCompanyEvents) {
		raw, err := fixtures.Raw(fixtures.KindCompanyEvents, name)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Payload json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("company-event fixture %s: %w", name, err)
		}
		ev, err := NewCompanyEvent(name, doc.Payload)
		if err != nil {
			return nil, fmt.Errorf("company-event fixture %s: %w", name, err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, ev.Payload); err != nil {
			return nil, fmt.Errorf("company-event fixture %s: %w", name, err)
		}
		ev.Payload = compact.Bytes()
		out = append(out, ev)
	}
	return out, nil
}

// NewCompanyEvent reads payload.data.id of a payload kept byte for byte.
func NewCompanyEvent(name string, payload []byte) (CompanyEvent, error) {
	id, err := signature.ResourceID([]byte(`{"payload":` + string(payload) + `}`))
	if err != nil {
		return CompanyEvent{}, err
	}
	return CompanyEvent{Name: name, Payload: payload, ID: id}, nil
}

// EventName returns payload.event_name.
func (e CompanyEvent) EventName() string {
	var p struct {
		Name string `json:"event_name"`
	}
	_ = json.Unmarshal(e.Payload, &p)
	return p.Name
}

// CompanySigner signs one delivery: the body and the signature headers.
// key is the key to sign with (a wrong one for the refusal probes).
type CompanySigner func(e CompanyEvent, key string, now time.Time) (body []byte, h http.Header)

// CompanySign signs as --company-webhook-scheme says Teamtailor does
// (docs/company-webhooks.md §4, §5, §6), with the mock's signing code.
func CompanySign(e CompanyEvent, key string, now time.Time) ([]byte, http.Header) {
	switch settings.TestContext.CompanyWebhookScheme {
	case settings.CompanySchemeV2:
		body := companyBody(e.Payload, "")
		return body, http.Header{signature.CompanyHeader: {signature.SignCompanyV2(key, body, now)}}
	case settings.CompanySchemeV1:
		sig := signature.SignCompanyV1(key, e.ID)
		return companyBody(e.Payload, sig), http.Header{signature.CompanyHeader: {sig}}
	}
	sig := signature.SignCompanyV1(key, e.ID)
	return companyBody(e.Payload, sig), http.Header{signature.CompanyHeader: {sig}, signature.Header: {signature.Sign(key, e.ID, now)}}
}

// companyBody is the envelope around payload, kept byte for byte: with
// the signature member when sig is set (v1, setups), without for v2
// (docs/company-webhooks.md §4).
func companyBody(payload []byte, sig string) []byte {
	if sig == "" {
		return []byte(`{"payload":` + string(payload) + `}`)
	}
	return []byte(`{"payload":` + string(payload) + `,"signature":"` + sig + `"}`)
}

// CompanyCall is the call that delivers body with the signature headers h
// to the receiver, with the other headers of the scheme: a partner setup
// carries the provider key, the API token when the partner requires one
// and Teamtailor-Host; a company subscription none of them
// (docs/company-webhooks.md §4). A header of h with an empty value is
// left out.
func CompanyCall(step string, body []byte, h http.Header) partner.Call {
	c := partner.Call{Step: step, Method: http.MethodPost, Path: settings.TestContext.CompanyWebhooks, Body: body, Header: http.Header{}}
	if settings.TestContext.CompanyWebhookScheme != settings.CompanySchemeSetup {
		c.Auth, c.APIToken = partner.AuthNone, partner.AuthNone
		c.Header["Teamtailor-Host"] = []string{""}
	}
	for k, v := range h {
		c.Header[k] = v
	}
	if _, ok := c.Header[signature.Header]; !ok {
		c.Header[signature.Header] = []string{""}
	}
	return c
}

// The root causes the company-webhooks checks recognise from their probes
// (docs/company-webhooks.md §5, §8): the classic mistakes of receivers.
const (
	// CauseCompanyReserialised: a v2 verifier that hashes the body
	// re-serialised (JSON.stringify) instead of the raw bytes.
	CauseCompanyReserialised = "company-reserialised-body"
	// CauseCompanyHeader: a receiver that reads the wrong header name,
	// Teamtailor-Signature where TT-Signature is meant or the reverse.
	CauseCompanyHeader = "company-header-name"
	// CauseCompanyV1Body: a v1 verifier that signs the payload instead of
	// the resource id.
	CauseCompanyV1Body = "company-v1-body"
	// CauseCompanyUnverified: a receiver that answers 2xx to a delivery
	// whose signature is wrong or missing.
	CauseCompanyUnverified = "company-unverified"
)

// Problem lines of those failures, read back by detectCauses.
const (
	ProblemCompanyReserialised = "the receiver verifies v2 over the body re-serialised"
	ProblemCompanyHeader       = "the receiver reads the wrong signature header"
	ProblemCompanyV1Body       = "the receiver verifies v1 over the payload, not the resource id"
	ProblemCompanyUnverified   = "the receiver accepts company events whose signature is wrong or missing"
)

// Fixes of those causes.
const (
	FixCompanyReserialised = `hash the raw request body exactly as received: read it before any JSON parsing (express.raw() or the verify callback of express.json(), request.get_data() in Flask, io.ReadAll in Go) ` +
		`and compute hex(HMAC-SHA256(signature key, t + "." + rawBody)); never JSON.stringify(req.body), whose bytes differ from those sent (spaces, key order, \u escapes, numbers) (docs/company-webhooks.md §5.2)`
	FixCompanyV1Body     = `v1 signs only the resource id: compute base64(hex(HMAC-SHA256(signature key, String(payload.data.id)))) and compare it with TT-Signature; the body is not signed (docs/company-webhooks.md §5.1)`
	FixCompanyUnverified = `verify the signature of every company event before acting on it and answer 401 when it is wrong or missing (docs/company-webhooks.md §8); ` +
		`if the receiver does not verify signatures, run the suite without --verifies-signatures`
)

// FixCompanyHeader is the fix for reading the wrong header, for the scheme
// of the run.
func FixCompanyHeader() string {
	if settings.TestContext.CompanyWebhookScheme == settings.CompanySchemeSetup {
		return `a partner setup sends two headers: Teamtailor-Signature is "t=<t>,v1=<hex HMAC of t.payload.data.id>,v0=…" as for trigger webhooks, ` +
			`TT-Signature is base64(hex(HMAC of payload.data.id)); read each by its own name and verify it by its own scheme (docs/company-webhooks.md §6, §8)`
	}
	return `a company webhook carries its signature in TT-Signature (base64 text), not in Teamtailor-Signature, which only partner webhooks have: ` +
		`read TT-Signature, and if its base64 decoding starts with "t=" verify v2 over "<t>.<raw body>", else v1 over payload.data.id (docs/company-webhooks.md §5, §8)`
}

// CompanyMistake is a wrong way of verifying company events that the
// suite recognises by signing a probe that way.
type CompanyMistake struct {
	Cause, Step, Problem string
	Fix                  func() string
	// applies says whether the probe means anything in the run's scheme.
	applies func(scheme string) bool
	// sign returns the probe's body and headers.
	sign func(e CompanyEvent, key string, now time.Time) ([]byte, http.Header)
}

// Probe steps: they title the probes in reports and their curl commands.
const (
	stepCompanyHeader = "POST company event, the signature in the other header: does the receiver read that one?"
	stepCompanyV1Body = "POST company event, TT-Signature v1 over the payload instead of the resource id: does the receiver verify that?"
	stepCompanyReser  = "POST company event, v2 signed over the body re-serialised (JSON.stringify): does the receiver verify that?"
)

// companyMistakes are tried, in order, when a correctly signed delivery
// is refused.
var companyMistakes = []CompanyMistake{
	{Cause: CauseCompanyHeader, Step: stepCompanyHeader,
		Problem: ProblemCompanyHeader + ": it refused the correctly signed delivery and accepted the same delivery with the signature values in the other header",
		Fix:     FixCompanyHeader,
		applies: func(string) bool { return true },
		sign: func(e CompanyEvent, key string, now time.Time) ([]byte, http.Header) {
			body, h := CompanySign(e, key, now)
			tt, partner := h[signature.CompanyHeader][0], h.Get(signature.Header)
			if partner == "" {
				// A company webhook: the value where a partner webhook's
				// signature would be.
				return body, http.Header{signature.CompanyHeader: {tt}, signature.Header: {tt}}
			}
			return body, http.Header{signature.CompanyHeader: {partner}, signature.Header: {tt}}
		}},
	{Cause: CauseCompanyV1Body, Step: stepCompanyV1Body,
		Problem: ProblemCompanyV1Body + ": it refused the correctly signed delivery and accepted the same delivery whose TT-Signature signs the payload",
		Fix:     func() string { return FixCompanyV1Body },
		applies: func(scheme string) bool { return scheme != settings.CompanySchemeV2 },
		sign: func(e CompanyEvent, key string, now time.Time) ([]byte, http.Header) {
			_, h := CompanySign(e, key, now)
			payload, err := signature.Restringify(e.Payload)
			if err != nil {
				payload = e.Payload
			}
			mac := hmac.New(sha256.New, []byte(key))
			mac.Write(payload)
			sig := base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(mac.Sum(nil))))
			h[signature.CompanyHeader] = []string{sig}
			return companyBody(e.Payload, sig), h
		}},
}

// ReserialisedProbe is the v2 probe of a verifier that hashes the body
// re-serialised: body is the delivery as sent, signed over its
// JSON.stringify form instead.
func ReserialisedProbe(body []byte, key string, now time.Time) (http.Header, bool) {
	again, err := signature.Restringify(body)
	if err != nil || bytes.Equal(again, body) {
		return nil, false
	}
	return http.Header{signature.CompanyHeader: {signature.SignCompanyV2(key, again, now)}}, true
}

// StepCompanyReserialised is the step of ReserialisedProbe's call.
const StepCompanyReserialised = stepCompanyReser

// ProbeCompanyMistakes sends the probes of the scheme's mistakes for e,
// one after the other, and returns the first accepted with its exchange,
// or nil.
func (f *Framework) ProbeCompanyMistakes(ctx context.Context, e CompanyEvent) (*CompanyMistake, *partner.Exchange) {
	for i := range companyMistakes {
		mk := &companyMistakes[i]
		if !mk.applies(settings.TestContext.CompanyWebhookScheme) {
			continue
		}
		body, h := mk.sign(e, CompanyKey(), time.Now())
		x := f.Partner.Send(ctx, CompanyCall(mk.Step, body, h))
		if x.Success() {
			return mk, x
		}
	}
	return nil, nil
}

// companyCauses names the causes the company-webhooks checks recognised:
// the Problem line of the check that failed for it is the evidence.
func companyCauses(res report.Results, mentions func(string) []string) []report.Cause {
	titles := map[string]struct{ id, title, fix string }{
		ProblemCompanyReserialised: {CauseCompanyReserialised, "the company-event receiver hashes the re-serialised body, not the raw bytes (v2)", FixCompanyReserialised},
		ProblemCompanyHeader:       {CauseCompanyHeader, "the company-event receiver reads the wrong signature header", FixCompanyHeader()},
		ProblemCompanyV1Body:       {CauseCompanyV1Body, "the company-event receiver signs the payload where v1 signs the resource id", FixCompanyV1Body},
		ProblemCompanyUnverified:   {CauseCompanyUnverified, "the company-event receiver answers 2xx to a bad signature, although it claims to verify (--verifies-signatures)", FixCompanyUnverified},
	}
	var causes []report.Cause
	for _, c := range res.Checks {
		if c.Outcome != report.OutcomeFail || !strings.HasPrefix(c.ID, settings.AreaCompanyWebhooks+"/") {
			continue
		}
		problem := problemOf(c.Reason)
		for prefix, t := range titles {
			if strings.HasPrefix(problem, prefix) {
				causes = append(causes, report.Cause{ID: t.id, Title: t.title, Evidence: problem, Fix: t.fix,
					Checks: appendNew([]string{c.ID}, mentions("(see "+c.ID+")")...)})
			}
		}
	}
	return causes
}
