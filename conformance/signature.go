package conformance

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// signatureCandidate is the candidate of the signature checks: the
// smallest payload, since only the header matters.
const signatureCandidate = "minimal"

// skew is how far the stale and future timestamps are from now: far
// outside any sensible window (5 minutes is typical, PROTOCOL §1.2).
const skew = time.Hour

// badSignature is a Teamtailor-Signature the partner must refuse.
type badSignature struct {
	id, rule, fix string
	header        func(w framework.Webhook, secret string, now time.Time) string
}

var badSignatures = []badSignature{
	{"signature/tampered-v1",
		"a webhook whose v1 signature was altered MUST be refused with 401 or 403",
		"compare hex(HMAC-SHA256(webhook secret, \"<t>.<partner-event id>\")) with v1 using a constant-time comparison, and refuse on mismatch",
		func(w framework.Webhook, secret string, now time.Time) string {
			p, _ := signature.Parse(signature.Sign(secret, w.EventID, now))
			v1 := []byte(p.Signatures[signature.SchemeV1][0])
			v1[len(v1)-1] = flipHex(v1[len(v1)-1])
			p.Signatures[signature.SchemeV1] = []string{string(v1)}
			return p.String()
		}},
	{"signature/wrong-secret",
		"a webhook signed with another secret MUST be refused with 401 or 403",
		"verify with the webhook secret of this integration (not the API key, not an old secret)",
		func(w framework.Webhook, _ string, now time.Time) string {
			return signature.Sign(framework.WrongWebhookSecret, w.EventID, now)
		}},
	{"signature/stale-timestamp",
		"a correctly signed webhook whose timestamp t is an hour old MUST be refused with 401 or 403 (replay protection)",
		"refuse signatures whose t is further from your clock than your window (5 minutes is typical)",
		func(w framework.Webhook, secret string, now time.Time) string {
			return signature.Sign(secret, w.EventID, now.Add(-skew))
		}},
	{"signature/future-timestamp",
		"a correctly signed webhook whose timestamp t is an hour ahead MUST be refused with 401 or 403",
		"check the window both ways: |now - t| must be within your tolerance",
		func(w framework.Webhook, secret string, now time.Time) string {
			return signature.Sign(secret, w.EventID, now.Add(skew))
		}},
	{"signature/missing-header",
		"a webhook without Teamtailor-Signature MUST be refused with 401 or 403",
		"refuse webhooks that carry no Teamtailor-Signature header",
		func(framework.Webhook, string, time.Time) string { return "" }},
	{"signature/legacy-body-signed",
		"a webhook signed the pre-2024-07-12 way (v1 over \"<t>.<body>\") MUST be refused with 401 or 403",
		"sign \"<t>.<partner-event id>\", not the body: the body has not been signed since 2024-07-12",
		func(w framework.Webhook, secret string, now time.Time) string {
			t := now.Unix()
			return "t=" + strconv.FormatInt(t, 10) + ",v1=" + signature.ComputeLegacy(secret, t, w.Body)
		}},
	{"signature/v0-only",
		"a webhook whose only valid signature is under the scheme v0 MUST be refused with 401 or 403 (downgrade protection)",
		"verify v1 only and ignore every other scheme: v0 is a decoy that never verifies",
		func(w framework.Webhook, secret string, now time.Time) string {
			t := now.Unix()
			return "t=" + strconv.FormatInt(t, 10) + ",v0=" + signature.Compute(secret, t, w.EventID)
		}},
}

var _ = Describe("Signatures: Teamtailor-Signature verification", framework.LabelSignature, func() {
	f := framework.New("signature")

	for _, bad := range badSignatures {
		framework.OptionalIt(bad.id, "§1.2", bad.rule, func(ctx SpecContext) {
			w, err := f.Mock.PrepareWebhook(ctx, signatureCandidate, false, map[string]string{})
			Expect(err).NotTo(HaveOccurred())
			header := bad.header(w, framework.TestContext.WebhookSecret, time.Now())
			x := f.PostWebhook(ctx, "POST /webhook with a bad signature ("+bad.id+")", w, header)
			Expect(x).To(framework.HaveStatus(401, 403), framework.Explain(x, "%s", bad.fix))
		})
	}

	framework.OptionalIt("signature/extra-schemes-accepted", "§1.2",
		"a correctly signed webhook whose header also carries unknown schemes (v2) MUST be accepted with a 2xx",
		func(ctx SpecContext) {
			w, err := f.Mock.PrepareWebhook(ctx, signatureCandidate, false, map[string]string{})
			Expect(err).NotTo(HaveOccurred())
			header := framework.Sign(w.EventID) + ",v2=" + randomHex()
			x := f.PostWebhook(ctx, "POST /webhook with an extra signature scheme", w, header)
			Expect(x).To(framework.HaveSuccessStatus(), framework.Explain(x,
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
