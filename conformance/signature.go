package conformance

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// signatureCandidate is the candidate of the signature checks: the
// smallest payload, since only the header matters.
const signatureCandidate = "minimal"

// skew is how far the stale and future timestamps are from now: far
// outside any sensible window (5 minutes is typical, docs/protocol.md §1.2).
const skew = time.Hour

// badSignature is a Teamtailor-Signature the partner must refuse.
type badSignature struct {
	id, level, rule, why, fix string
	header                    func(w embedded.Webhook, secret string, now time.Time) string
}

var badSignatures = []badSignature{
	{"signature/tampered-v1", settings.LevelMust,
		"a webhook whose v1 signature was altered MUST be refused with 401 or 403",
		"signature checking is optional (§1.2), hence --verifies-signatures; a partner that claims it must refuse a signature that does not verify.",
		"compare hex(HMAC-SHA256(webhook secret, \"<t>.<partner-event id>\")) with v1 using a constant-time comparison, and refuse on mismatch",
		func(w embedded.Webhook, secret string, now time.Time) string {
			p, _ := signature.Parse(signature.Sign(secret, w.EventID, now))
			v1 := []byte(p.Signatures[signature.SchemeV1][0])
			v1[len(v1)-1] = flipHex(v1[len(v1)-1])
			p.Signatures[signature.SchemeV1] = []string{string(v1)}
			return p.String()
		}},
	{"signature/wrong-secret", settings.LevelMust,
		"a webhook signed with another secret MUST be refused with 401 or 403",
		"a partner that claims to verify signatures must refuse one made with another secret (§1.2).",
		"verify with the webhook secret of this integration (not the API key, not an old secret)",
		func(w embedded.Webhook, _ string, now time.Time) string {
			return signature.Sign(partner.WrongWebhookSecret, w.EventID, now)
		}},
	{"signature/stale-timestamp", settings.LevelShould,
		"a correctly signed webhook whose timestamp t is an hour old SHOULD be refused with 401 or 403 (replay protection)",
		"§1.2: receivers \"should\" reject timestamps outside a window they choose; the docs' sample verifier has no window.",
		"refuse signatures whose t is further from your clock than your window (5 minutes is typical)",
		func(w embedded.Webhook, secret string, now time.Time) string {
			return signature.Sign(secret, w.EventID, now.Add(-skew))
		}},
	{"signature/future-timestamp", settings.LevelShould,
		"a correctly signed webhook whose timestamp t is an hour ahead SHOULD be refused with 401 or 403",
		"§1.2: the replay window is recommended, not required.",
		"check the window both ways: |now - t| must be within your tolerance",
		func(w embedded.Webhook, secret string, now time.Time) string {
			return signature.Sign(secret, w.EventID, now.Add(skew))
		}},
	{"signature/missing-header", settings.LevelMust,
		"a webhook without Teamtailor-Signature MUST be refused with 401 or 403",
		"a partner that claims to verify signatures must refuse a webhook that has none (§1.2).",
		"refuse webhooks that carry no Teamtailor-Signature header",
		func(embedded.Webhook, string, time.Time) string { return "" }},
	{"signature/legacy-body-signed", settings.LevelMust,
		"a webhook signed the pre-2024-07-12 way (v1 over \"<t>.<body>\") MUST be refused with 401 or 403",
		"the body has not been signed since 2024-07-12 (§1.2): v1 is over \"<t>.<partner-event id>\", and a verifier of that refuses a body signature.",
		"sign \"<t>.<partner-event id>\", not the body: the body has not been signed since 2024-07-12",
		func(w embedded.Webhook, secret string, now time.Time) string {
			t := now.Unix()
			return "t=" + strconv.FormatInt(t, 10) + ",v1=" + signature.ComputeLegacy(secret, t, w.Body)
		}},
	{"signature/v0-only", settings.LevelMust,
		"a webhook whose only valid signature is under the scheme v0 MUST be refused with 401 or 403 (downgrade protection)",
		"§1.2: receivers must use v1 and ignore other schemes (downgrade protection).",
		"verify v1 only and ignore every other scheme: v0 is a decoy that never verifies",
		func(w embedded.Webhook, secret string, now time.Time) string {
			t := now.Unix()
			return "t=" + strconv.FormatInt(t, 10) + ",v0=" + signature.Compute(secret, t, w.EventID)
		}},
}

// signatureProbes are the answers to every signature variant, sent
// concurrently once per process (they do not depend on each other) when
// the first signature check runs; each check judges its own.
var signatureProbes struct {
	once  sync.Once
	byID  map[string]*partner.Exchange
	fault *verifierFault // set with byID
}

// verifierFault is one defect of the partner's verifier that several
// probes show (docs/protocol.md §1.2): the check owner fails for it, with
// its fix, and the checks in moot are skipped naming owner, so the defect
// is one failure whose fix fits it, not one failure per probe.
type verifierFault struct {
	owner, problem, fix, skip string
	moot                      map[string]bool
}

// probeWhat says what each probe is, for the problem of a fault.
var probeWhat = map[string]string{
	"signature/missing-header":     "without Teamtailor-Signature",
	"signature/tampered-v1":        "with a tampered v1",
	"signature/wrong-secret":       "signed with another secret",
	"signature/legacy-body-signed": "signed over the body (the pre-July-2024 way)",
	"signature/v0-only":            "with a valid signature only under v0",
	"signature/stale-timestamp":    "signed an hour ago",
	"signature/future-timestamp":   "signed an hour ahead",
	extraSchemes:                   "correctly signed, with one more scheme (v2)",
}

// faultOf finds the one defect the answers to the probes show, if any:
//   - no verification: the webhooks with a well-formed but wrong v1
//     (tampered, another secret) were accepted. signature/tampered-v1
//     fails; the checks of the other probes the partner accepted, and
//     those that mean nothing without verification (timestamps, extra
//     schemes), are moot; a probe it refused is judged as usual;
//   - a crash: some probes got a 5xx. The correctly signed one owns it
//     when it crashed, else the first; the checks of the other crashed
//     probes are moot.
func faultOf(probes map[string]*partner.Exchange) *verifierFault {
	accepted := func(id string) bool { x := probes[id]; return x != nil && x.Success() }
	const owner = "signature/tampered-v1"
	if accepted(owner) && accepted("signature/wrong-secret") {
		var what []string
		moot := map[string]bool{"signature/stale-timestamp": true, "signature/future-timestamp": true, extraSchemes: true}
		for _, id := range []string{"signature/missing-header", owner, "signature/wrong-secret", "signature/legacy-body-signed", "signature/v0-only"} {
			if accepted(id) {
				what = append(what, probeWhat[id])
				moot[id] = id != owner
			}
		}
		problem := framework.ProblemNoVerification + ": it accepted (2xx) webhooks " + joinAnd(what)
		if !accepted("signature/missing-header") {
			problem += "; it refuses a webhook without Teamtailor-Signature, but never checks the signature itself"
		}
		return &verifierFault{owner: owner, problem: problem, fix: framework.FixNoVerification, moot: moot,
			skip: "the partner verifies no signature, so how it verifies cannot be judged (see " + owner + ")"}
	}
	var crashed []string
	for _, id := range append(badSignatureIDs(), extraSchemes) {
		if x := probes[id]; x != nil && x.Answered() && x.Status >= 500 {
			crashed = append(crashed, id)
		}
	}
	if len(crashed) == 0 {
		return nil
	}
	first := crashed[0]
	if slices.Contains(crashed, extraSchemes) {
		first = extraSchemes
	}
	problem := framework.CrashOf(probes[first]) + " (to the webhook " + probeWhat[first] + ")"
	moot := map[string]bool{}
	for _, id := range crashed {
		moot[id] = id != first
	}
	if n := len(crashed) - 1; n > 0 {
		probes := " more signature probes"
		if n == 1 {
			probes = " more signature probe"
		}
		problem += "; it crashed the same way on " + strconv.Itoa(n) + probes
	}
	return &verifierFault{owner: first, problem: problem, fix: framework.FixCrash, moot: moot,
		skip: "the partner crashed on this webhook too, answering a 5xx (see " + first + ")"}
}

func badSignatureIDs() []string {
	var ids []string
	for _, b := range badSignatures {
		ids = append(ids, b.id)
	}
	return ids
}

// joinAnd joins "a", "b", "c" as "a, b and c".
func joinAnd(list []string) string {
	if len(list) < 2 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

// extraSchemes is the id of the check of a header with an unknown scheme.
const extraSchemes = "signature/extra-schemes-accepted"

// sendSignatureVariants sends one webhook per signature variant, at most
// partner.Concurrency at a time.
func sendSignatureVariants(ctx SpecContext, f *framework.Framework) map[string]*partner.Exchange {
	signatureProbes.once.Do(func() {
		var ids []string
		var calls []partner.Call
		now := time.Now()
		add := func(id, step string, header func(w embedded.Webhook) string) {
			w, err := f.Mock.PrepareWebhook(ctx, signatureCandidate, false, map[string]string{})
			if err != nil {
				return // the check finds no answer and says the mock failed
			}
			ids = append(ids, id)
			calls = append(calls, partner.Call{Step: step, Method: "POST", Path: "webhook", Body: w.Body, Signature: header(w), Owner: id})
		}
		for _, bad := range badSignatures {
			add(bad.id, "POST /webhook with a bad signature ("+bad.id+")", func(w embedded.Webhook) string {
				return bad.header(w, settings.TestContext.WebhookSecret, now)
			})
		}
		add(extraSchemes, "POST /webhook with an extra signature scheme", func(w embedded.Webhook) string {
			return partner.Sign(w.EventID) + ",v2=" + randomHex()
		})
		xs := framework.Standalone().Partner.SendAll(ctx, calls, partner.Concurrency)
		signatureProbes.byID = map[string]*partner.Exchange{}
		for i, id := range ids {
			signatureProbes.byID[id] = xs[i]
		}
		signatureProbes.fault = faultOf(signatureProbes.byID)
	})
	return signatureProbes.byID
}

// signatureAnswer returns the answer to the variant of check id, after
// making sure the plain signed webhook was accepted: refusing a bad
// signature means nothing from a partner that refuses good ones too.
func signatureAnswer(ctx SpecContext, f *framework.Framework, id string) *partner.Exchange {
	GinkgoHelper()
	f.RequireSignedWebhookAccepted(ctx, typical)
	x, ok := sendSignatureVariants(ctx, f)[id]
	if !ok {
		partner.FailMock("could not build the webhook of %s", id)
	}
	f.Include(*x)
	if x.NotSent {
		Skip("cannot check: " + x.Error)
	}
	if x.Unreachable {
		partner.FailUnreachable(x)
	}
	if fault := signatureProbes.fault; fault != nil {
		if id == fault.owner {
			framework.FailBecause(x, fault.problem, fault.fix)
		}
		if fault.moot[id] {
			Skip("cannot check: " + fault.skip)
		}
	}
	return x
}

var _ = Describe("Signatures: Teamtailor-Signature verification", settings.LabelSignature, func() {
	f := framework.New("signature")

	for _, bad := range badSignatures {
		declare := settings.MustIt
		if bad.level == settings.LevelShould {
			declare = settings.ShouldIt
		}
		declare(bad.id, "§1.2", bad.rule, bad.why, func(ctx SpecContext) {
			x := signatureAnswer(ctx, f, bad.id)
			Expect(x).To(judge.HaveStatus(401, 403), partner.Explain(x, "%s", bad.fix))
		})
	}

	settings.MustIt(extraSchemes, "§1.2",
		"a correctly signed webhook whose header also carries unknown schemes (v2) MUST be accepted with a 2xx",
		"§1.2: receivers must use v1 and ignore other schemes; refusing an unknown scheme breaks the day Teamtailor adds one.",
		func(ctx SpecContext) {
			x := signatureAnswer(ctx, f, extraSchemes)
			Expect(x).To(judge.HaveSuccessStatus(), partner.Explain(x,
				"parse the header as comma-separated key=value pairs, take t and v1 by name and ignore schemes you do not know; Teamtailor may add newer ones"))
		})
})

func flipHex(c byte) byte {
	if c == '0' {
		return '1'
	}
	return '0'
}

func randomHex() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}
