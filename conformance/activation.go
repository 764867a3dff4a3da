package conformance

import (
	"net/http"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

var _ = Describe("Activation: activation config and validateEndpoint", settings.LabelActivation, func() {
	f := framework.New("activation")

	// activationConfig returns the partner's activation config: the file
	// given with --activation-config, or the answer of GET
	// BASE_URL/activation?company_id=... (docs/protocol.md §4). A partner with
	// neither skips the activation checks, saying so. x is nil for a file.
	activationConfig := func(ctx SpecContext) (doc []byte, x *partner.Exchange) {
		GinkgoHelper()
		if path := settings.TestContext.ActivationConfig; path != "" {
			b, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred(), "--activation-config")
			return b, nil
		}
		framework.RequireBase()
		By("fetching the dynamic activation config, as Teamtailor does when a company opens the integration's settings")
		x = framework.TheBasics().Activation // the preflight fetched it
		f.Include(*x)
		if x.Unreachable {
			partner.FailUnreachable(x)
		}
		switch x.Status {
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
			Skip("no activation config to check: GET /activation answered " + http.StatusText(x.Status) +
				" and no --activation-config was given (a partner with a static activation config passes it as a file)")
		}
		return []byte(x.ResponseBody), x
	}

	// validateEndpoint returns the validateEndpoint the activation config
	// names, or skips the check.
	validateEndpoint := func(ctx SpecContext) string {
		GinkgoHelper()
		framework.RequireBasics()
		doc, x := activationConfig(ctx)
		if x != nil {
			partner.Depends(x.Answered(), "GET /activation gave no answer: %s (see activation/config-valid)", x.Error)
			partner.Depends(x.Status == http.StatusOK, "GET /activation answered %d (see activation/config-valid)", x.Status)
		}
		form, err := partner.ReadForm(&partner.Exchange{Status: http.StatusOK, ResponseBody: string(doc)})
		partner.Depends(err == nil, "the activation config cannot be read: %v (see activation/config-valid)", err)
		if form.ValidateEndpoint == "" {
			Skip("the activation config names no validateEndpoint: Teamtailor activates without asking the partner")
		}
		return form.ValidateEndpoint
	}

	settings.MustIt("activation/config-valid", "§4",
		"the activation config (static, or answered by GET /activation?company_id=… with 200) MUST be valid against activation-config.schema.json, with supported field types, options and unique ids",
		"Teamtailor renders the activation form from the config (§4); an invalid one cannot be shown.",
		func(ctx SpecContext) {
			doc, x := activationConfig(ctx)
			fix := "make the activation config match schemas/activation-config.schema.json: {\"config\": {\"fields\": [...], \"validateEndpoint\": \"...\"}} with the field vocabulary of docs/protocol.md §3"
			if x != nil {
				Expect(x).To(judge.HaveStatus(http.StatusOK), partner.Explain(x,
					"serve GET /activation?company_id=... with 200 and the activation config, or give the suite your static config with --activation-config"))
			}
			Expect(judge.Config("activation-config", doc).All()).To(judge.BeFree(), partner.Explain(x, "%s", fix))
		})

	settings.MustIt("activation/validate-accepts", "§1.3, §4",
		"GET BASE_URL/<validateEndpoint> with the provider key of a valid activation MUST answer 200",
		"§1.3: 200 is the only answer that activates; refusing valid credentials blocks every company.",
		func(ctx SpecContext) {
			endpoint := validateEndpoint(ctx)
			By("calling the validateEndpoint with the new activation's provider key, as Teamtailor does after a company submits the form")
			x := f.Partner.Do(ctx, partner.Call{Step: "GET the validateEndpoint with good credentials", Method: "GET", Path: endpoint})
			Expect(x).To(judge.HaveStatus(http.StatusOK), partner.Explain(x,
				"accept a provider key Teamtailor issued (a JWT signed with your API key carrying the form values, or a UUID) with 200; the suite sent %s",
				providerKeyNote()))
		})

	settings.MustIt("activation/validate-rejects", "§1.3, §4",
		"GET BASE_URL/<validateEndpoint> with bad credentials MUST answer a status >= 400 with {\"errors\": [\"…\"]}",
		"§1.3: >= 400 with {\"errors\": [...]} is how the company learns why; anything else activates with bad credentials.",
		func(ctx SpecContext) {
			endpoint := validateEndpoint(ctx)
			By("calling the validateEndpoint with a provider key signed with another API key")
			x := f.Partner.Do(ctx, partner.Call{Step: "GET the validateEndpoint with bad credentials", Method: "GET", Path: endpoint, Auth: partner.WrongProviderKey()})
			fix := "refuse credentials you cannot verify with a status >= 400 and a body {\"errors\": [\"message shown to the company\"]}"
			Expect(x).To(judge.HaveStatusAtLeast(400), partner.Explain(x, "%s", fix))
			Expect(x.ResponseBody).To(judge.MatchSchema("validation-error"), partner.Explain(x, "%s", fix))
		})
})

func providerKeyNote() string {
	if len(settings.TestContext.ActivationFields) > 0 {
		return "a JWT built from --activation-field"
	}
	return "the --provider-key given, or a random UUID; pass --activation-field key=value to send a JWT carrying activation values"
}
