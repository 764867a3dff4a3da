package conformance

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

var _ = Describe("Config documents: GET /config", settings.LabelConfig, func() {
	f := framework.New("config")

	// configs returns the config documents the content checks judge: the
	// config for a trigger on a job stage and, for partners that allow bulk
	// mode, the one without job, each when it is a config document at all
	// (config/with-job and config/without-job report when it is not).
	configs := func(ctx SpecContext) []*partner.Exchange {
		GinkgoHelper()
		framework.RequireBasics()
		if st := framework.TheBasics().Static; st != nil {
			// docs/protocol.md §3: a static webhook-config is judged by the
			// same rules as a served one. The partner's PUT, if it gave
			// the document that way, is what a failure quotes.
			partner.Note("judged the partner's static webhook-config (%s): Teamtailor does not fetch /config", st.Source)
			if st.Put != nil {
				f.Include(*st.Put)
			}
			return []*partner.Exchange{framework.TheBasics().Config}
		}
		var out []*partner.Exchange
		for _, x := range f.Configs(ctx) {
			if x.Status == http.StatusOK && partner.IsConfigDocument(x.ResponseBody) {
				out = append(out, x)
			}
		}
		partner.Depends(len(out) > 0, "GET /config answered no config document (see config/with-job)")
		return out
	}

	// judgeAspect runs one aspect of the config checks over every config.
	judgeAspect := func(ctx SpecContext, aspect, fix string) {
		GinkgoHelper()
		for _, x := range configs(ctx) {
			v := judge.Config("config", []byte(x.ResponseBody))
			shown := x
			if st := framework.TheBasics().Static; st != nil {
				fix += "; the document is the partner's static webhook-config (" + st.Source + ")"
				if st.Put != nil {
					shown = st.Put
				}
			}
			Expect(v[aspect]).To(judge.BeFree(), partner.Explain(shown, "%s", fix))
		}
	}

	settings.MustIt("config/with-job", "§1, §3",
		"GET /config?job_id=…&stage_id=…&user_id=… with the provider key MUST answer 200 with a JSON config document within the timeout",
		"Teamtailor fetches /config before every trigger and cannot offer the integration without a config document (§1, §3).",
		func(ctx SpecContext) {
			framework.SkipStaticConfig()
			By("calling GET /config as Teamtailor does when a recruiter sets up a trigger on a job stage")
			x := f.GetConfig(ctx, false)
			f.RequireKeyLookup()
			Expect(x).To(judge.HaveStatus(http.StatusOK), partner.Explain(x,
				"serve GET /config with status 200 and a body {\"config\": {\"fields\": [...]}} for requests carrying job_id, stage_id and user_id"))
			Expect(partner.ConfigDocumentProblem(x.ResponseBody)).To(judge.BeNoProblem(), partner.Explain(x,
				"answer a JSON object with a \"config\" object: {\"config\": {\"fields\": [...]}}"))
		})

	settings.MustIt("config/without-job", "§3, §5",
		"GET /config without job_id, stage_id and user_id (bulk mode) MUST answer 200 with a JSON config document within the timeout",
		"a partner that allows bulk mode gets /config without job, stage and user (§5); without a document bulk mode cannot start.",
		func(ctx SpecContext) {
			framework.SkipStaticConfig()
			framework.RequireBasics()
			By("calling GET /config as Teamtailor does in bulk mode: no job, stage or user")
			x := f.GetConfig(ctx, true)
			Expect(x).To(judge.HaveStatus(http.StatusOK), partner.Explain(x,
				"bulk mode fetches /config once without job_id, stage_id and user_id; answer it like any other /config call instead of requiring them"))
			Expect(partner.ConfigDocumentProblem(x.ResponseBody)).To(judge.BeNoProblem(), partner.Explain(x,
				"answer a JSON object with a \"config\" object: {\"config\": {\"fields\": [...]}}"))
		}, settings.CapBulk)

	settings.MustIt("config/schema-valid", "§3",
		"every config document MUST be valid against config.schema.json (fields, their attributes, infobox and error fields)",
		"Teamtailor renders the form from the document; a malformed document breaks the form (§3).",
		func(ctx SpecContext) {
			judgeAspect(ctx, judge.AspectSchema,
				"make the document match schemas/config.schema.json: an object {\"config\": {\"fields\": [...]}} whose fields have the attributes docs/protocol.md §3 lists (an infobox needs content, an error field a message, every other field an id)")
		})

	settings.MustIt("config/supported-types", "§3",
		"every field of a config document MUST have one of the field types Teamtailor supports",
		"§3 lists the field types Teamtailor supports; others cannot be rendered.",
		func(ctx SpecContext) {
			judgeAspect(ctx, judge.AspectTypes,
				"use only the supported types: "+strings.Join(judge.SupportedFieldTypes(), ", "))
		})

	settings.MustIt("config/options", "§3",
		"every select, multiselect and radio field MUST have a non-empty options or optgroups list",
		"a choice field without options cannot be filled in, so the trigger cannot be saved (§3).",
		func(ctx SpecContext) {
			judgeAspect(ctx, judge.AspectOptions,
				"give each choice field \"options\": [{\"id\": ..., \"label\": ...}] or \"optgroups\": [{\"label\": ..., \"options\": [...]}] with at least one option")
		})

	settings.MustIt("config/unique-ids", "§1.1, §3",
		"the field ids of a config document MUST be unique (they become webhook-data keys)",
		"field ids become webhook-data keys (§1.1): two fields with one id lose a value.",
		func(ctx SpecContext) {
			judgeAspect(ctx, judge.AspectIDs,
				"give every field its own id: the value a recruiter picks reaches webhook-data under the id, so two fields with one id overwrite each other")
		})

	settings.MustIt("config/assessment-criteria", "§2.3, §3",
		"assessment-criteria, when present, MUST be a list of {id, label} objects with unique, non-empty string ids",
		"criteria are referenced by id in results (§2.3); the shape is the documented one (§3).",
		func(ctx SpecContext) {
			judgeAspect(ctx, judge.AspectCriteria,
				"declare criteria as \"assessment-criteria\": [{\"id\": \"problem_solving\", \"label\": \"Problem solving\"}] inside \"config\", each id once")
		})

	settings.MustIt("config/refetch", "§3",
		"for each refetch field, GET /config with the picked value as a query parameter named by the field id MUST answer 200 with a valid config document",
		"Teamtailor refetches /config when a refetch field changes (§3); a failing refetch leaves the recruiter with a broken form.",
		func(ctx SpecContext) {
			framework.SkipStaticConfig()
			x := configs(ctx)[0]
			form, err := partner.ReadForm(x)
			partner.Depends(err == nil, "%v (see config/with-job)", err)
			query := f.Mock.ConfigQuery()
			if x.Step != f.Mock.ConfigStep(false) {
				query = nil // only the bulk-mode config could be read
			}
			picked := partner.CheckedValues(form, partner.PickValues(f.Mock.Server, form))
			refetched := 0
			for _, field := range form.Fields {
				v, ok := picked[field.ID]
				if !field.Refetch || !ok {
					continue
				}
				By(fmt.Sprintf("refetching /config with %s=%s, as when a recruiter picks a value in the refetch field %q", field.ID, v, field.ID))
				q := url.Values{}
				for k, vs := range query {
					q[k] = vs
				}
				q.Set(field.ID, v)
				rx := f.Partner.Do(ctx, partner.Call{Step: "GET /config after a change of the refetch field " + field.ID, Method: "GET", Path: "config", Query: q})
				Expect(rx).To(judge.HaveStatus(http.StatusOK), partner.Explain(rx,
					"answer the refetch with 200 and a config document; the picked values arrive as query parameters named by field id (%s=%s)", field.ID, v))
				Expect(judge.Config("config", []byte(rx.ResponseBody)).All()).To(judge.BeFree(), partner.Explain(rx,
					"the config answered to a refetch must be as valid as the first one (schemas/config.schema.json, supported types, options, unique ids)"))
				refetched++
			}
			if refetched == 0 {
				partner.Note("the config has no refetch field with a value to pick: nothing to refetch")
			}
		})

	settings.ShouldIt("config/provider-key-missing", "§1, §1.3",
		"GET /config without a provider key SHOULD answer 401 or 403, or a config holding an error field, and never a 5xx",
		"Teamtailor always sends a provider key (§1); the docs never say what to answer without one, so refusing is good practice, not a requirement.",
		func(ctx SpecContext) {
			framework.SkipStaticConfig()
			framework.RequireConfigAnswered()
			x := f.Partner.Do(ctx, partner.Call{Step: "GET /config without Authorization", Method: "GET", Path: "config", Query: f.Mock.ConfigQuery(), Auth: partner.AuthNone})
			Expect(x).To(judge.RefuseProviderKey(), partner.Explain(x,
				"check \"Authorization: Bearer <provider key>\" on /config; without one answer 401 (or a config with an {\"type\": \"error\", \"message\": ...} field), never a 5xx"))
		})

	settings.MustIt("config/provider-key-wrong", "§1, §1.3, §4",
		"GET /config with a provider key Teamtailor never issued to the partner MUST answer 401 or 403, or a config holding an error field, and never a 5xx",
		"the provider key is the only proof that a call comes from Teamtailor for one of the partner's activations (§1, §4): a key Teamtailor never issued must not get a company's config.",
		func(ctx SpecContext) {
			framework.SkipStaticConfig()
			framework.RequireConfigAnswered()
			// A forged JWT, and a UUID that no activation of the partner
			// has (docs/protocol.md §2.2 lists the keys Teamtailor issued).
			for _, wrong := range []struct{ step, key string }{
				{"GET /config with a provider key signed with another API key", partner.WrongProviderKey()},
				{"GET /config with a UUID provider key that is no activation's", uuid.NewString()},
			} {
				x := f.Partner.Do(ctx, partner.Call{Step: wrong.step, Method: "GET", Path: "config", Query: f.Mock.ConfigQuery(), Auth: wrong.key})
				Expect(x).To(judge.RefuseProviderKey(), partner.Explain(x,
					"verify the provider key: a JWT must verify with your partner API key (HS256), a UUID must be the provider key of one of your activations (GET /partner/v1/partner-activations); answer 401 otherwise"))
			}
		})

	settings.ShouldIt("config/api-token-missing", "§1, §1.3",
		"GET /config without Teamtailor-Api-Token, to a partner that requires one, SHOULD answer 401 or 403, or a config holding an error field, and never a 5xx",
		"Teamtailor always sends the token to a partner set to require it (§1); as for a missing provider key, the docs never say what to answer without one, so refusing is good practice, not a requirement.",
		func(ctx SpecContext) {
			framework.SkipStaticConfig()
			framework.RequireConfigAnswered()
			x := f.Partner.Do(ctx, partner.Call{Step: "GET /config without Teamtailor-Api-Token", Method: "GET", Path: "config", Query: f.Mock.ConfigQuery(), APIToken: partner.AuthNone})
			Expect(x).To(judge.RefuseProviderKey(), partner.Explain(x,
				"check Teamtailor-Api-Token on /config; without one answer 401 (or a config with an {\"type\": \"error\", \"message\": ...} field), never a 5xx"))
		}, settings.CapAPIToken)

	settings.MustIt("config/api-token-wrong", "§1, §1.3",
		"GET /config with a Teamtailor-Api-Token that is not the company's, to a partner that requires one, MUST answer 401 or 403, or a config holding an error field, and never a 5xx",
		"a partner that requires the company's public-API token relies on it to act for the company (§1): as with a provider key Teamtailor never issued, a token that is not the company's must not get its config.",
		func(ctx SpecContext) {
			framework.SkipStaticConfig()
			framework.RequireConfigAnswered()
			x := f.Partner.Do(ctx, partner.Call{Step: "GET /config with a Teamtailor-Api-Token that is not the company's", Method: "GET", Path: "config", Query: f.Mock.ConfigQuery(), APIToken: partner.WrongAPIToken})
			Expect(x).To(judge.RefuseProviderKey(), partner.Explain(x,
				"verify Teamtailor-Api-Token: it must be the token the company gave when it activated the integration (--api-token); answer 401 otherwise"))
		}, settings.CapAPIToken)
})
