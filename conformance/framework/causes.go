package framework

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/internal/text"
)

// detectCauses names the common root causes in res: the partner cannot
// be reached (TLS, DNS, refused), the webhook handler never completes,
// the webhook secret differs, the provider key is unknown to the
// partner, nothing serves the protocol at --base-url, BASE_URL redirects,
// the embedded mock failed. Each comes with the evidence seen in this
// run, so a Fix never names a problem that did not happen.
func detectCauses(res report.Results) []report.Cause {
	causes := []report.Cause{}
	if res.Setup != nil {
		// A partner that is simply down is said once, by the setup error;
		// TLS and DNS problems are named as causes.
		var c report.Cause
		switch {
		case res.Setup.What == "mock":
			c = report.Cause{ID: "mock", Title: "the suite's embedded mock could not start", Evidence: report.FirstLines(res.Setup.Message, 2),
				Fix: "give --mock-listen a free host:port (port 0 picks one)"}
		case strings.Contains(res.Setup.Message, "TLS error"):
			c.ID, c.Title, c.Fix = "tls", "TLS: the partner's certificate or protocol does not match --base-url", unreachableAdvice(res.Setup.Message)
		case strings.Contains(res.Setup.Message, "DNS error"):
			c.ID, c.Title, c.Fix = "dns", "the host of --base-url cannot be resolved", unreachableAdvice(res.Setup.Message)
		}
		if c.ID != "" {
			c.Evidence = report.FirstLines(strings.TrimPrefix(res.Setup.Message, "Preflight: "), 3)
			causes = append(causes, c)
		}
		return causes
	}
	if len(res.MockFailures) > 0 {
		causes = append(causes, report.Cause{ID: "mock", Title: "the suite's embedded mock failed during the run (not the partner)",
			Evidence: strings.Join(res.MockFailures, "; "), Fix: "report it with the JSON report; rerun the suite"})
	}
	byID := map[string]report.CheckResult{}
	for _, c := range res.Checks {
		byID[c.ID] = c
	}
	failed := func(c report.CheckResult) bool {
		return c.Outcome == report.OutcomeFail || c.Outcome == report.OutcomeWarning
	}
	mentions := func(what string) []string {
		var ids []string
		for _, c := range res.Checks {
			if (failed(c) || c.Outcome == report.OutcomeSkipped) && strings.Contains(c.Reason, what) {
				ids = append(ids, c.ID)
			}
		}
		return ids
	}

	// Causes a check recognised from its probes (verifier.go); a key
	// lookup that hangs is that cause, not a /config handler that hangs.
	recognised := verifierCauses(res, mentions)
	lookupFails := slices.ContainsFunc(recognised, func(c report.Cause) bool { return c.ID == CauseKeyLookup })

	// Hangs: calls that got no answer in time, by endpoint.
	hung := map[string][]string{}
	var endpoints []string
	for _, c := range res.Checks {
		if !failed(c) {
			continue
		}
		for _, x := range c.Exchanges {
			if x.Direction != partner.ToPartner || !x.TimedOut() {
				continue
			}
			ep := x.Method + " " + partner.PathOf(x.URL)
			if !slices.Contains(endpoints, ep) {
				endpoints = append(endpoints, ep)
			}
			if !slices.Contains(hung[ep], c.ID) {
				hung[ep] = append(hung[ep], c.ID)
			}
		}
	}
	for _, ep := range endpoints {
		if lookupFails && ep == "GET /config" {
			continue
		}
		checks := hung[ep]
		for _, id := range mentions(ep + " gave no answer") {
			if !slices.Contains(checks, id) {
				checks = append(checks, id)
			}
		}
		if strings.HasSuffix(ep, " /webhook") {
			checks = appendNew(checks, mentions("the plain signed webhook was not accepted (timeout")...)
			if slices.Contains(checks, CheckSignedWebhook) {
				checks = appendNew(checks, mentions("the webhook got no 2xx")...)
			}
		}
		causes = append(causes, report.Cause{ID: "hang", Title: "the handler of " + ep + " never completes its answer",
			Evidence: fmt.Sprintf("%s got no complete answer within %s (%s)", ep, settings.TestContext.Timeout, strings.Join(hung[ep], ", ")),
			Fix:      fmt.Sprintf("make %s end its response on every path (res.end()/res.send() in express, return after writing) and answer at once; do slow work after answering", ep),
			Checks:   checks})
	}

	causes = append(causes, recognised...)
	causes = append(causes, companyCauses(res, mentions)...)

	cfg, signed := byID[CheckConfig], byID[CheckSignedWebhook]
	if x := answerOf(cfg); failed(cfg) && x != nil && !lookupFails {
		switch {
		case x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden:
			causes = append(causes, report.Cause{ID: "provider-key", Title: "the partner does not know the provider key the suite sends",
				Evidence: fmt.Sprintf("GET /config with the suite's provider key got %d %s: %s", x.Status, http.StatusText(x.Status), excerptN(x.ResponseBody, 200)),
				Fix: fmt.Sprintf("if the partner looks provider keys up in GET /partner/v1/partner-activations, point it at the suite's embedded mock (%s; the example partner: --teamtailor-url %s), which lists the key the suite sends; "+
					"in CI run the suite with --mock-listen 0.0.0.0:<port> --mock-public-url http://<host the partner reaches>:<port>, or pass the key the partner knows with --provider-key", mockURL(), mockBase()),
				Checks: appendNew([]string{CheckConfig}, mentions("refused the suite's provider key")...)})
		case x.Status == http.StatusNotFound:
			causes = append(causes, report.Cause{ID: "base-url", Title: "nothing serves the protocol at --base-url (wrong URL or path prefix)",
				Evidence: fmt.Sprintf("GET %s answered 404 Not Found", x.URL),
				Fix:      "give --base-url the URL under which /config and /webhook are served, path prefix included (e.g. http://localhost:3000/teamtailor)",
				Checks:   appendNew([]string{CheckConfig}, mentions("answered 404 Not Found: --base-url")...)})
		case x.Status >= 300 && x.Status < 400:
			causes = append(causes, report.Cause{ID: "redirect", Title: "BASE_URL redirects; Teamtailor does not follow redirects",
				Evidence: fmt.Sprintf("GET %s answered %d, Location: %s", x.URL, x.Status, x.ResponseHeader.Get("Location")),
				Fix:      "give --base-url the final URL (https instead of http, with or without the trailing slash the partner wants)",
				Checks:   appendNew([]string{CheckConfig}, mentions("a redirect to")...)})
		}
	}
	if mistake := mistakeCause(signed, mentions); failed(signed) && mistake != nil {
		causes = append(causes, *mistake)
	} else if x := answerOf(withoutProbes(signed)); failed(signed) && x != nil && cfg.Outcome == report.OutcomePass &&
		(x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden) {
		causes = append(causes, report.Cause{ID: "webhook-secret", Title: "the webhook secret differs: the partner refuses correctly signed webhooks",
			Evidence: fmt.Sprintf("a webhook signed with --webhook-secret got %d %s (%s) although /config accepted the same provider key",
				x.Status, http.StatusText(x.Status), excerptN(x.ResponseBody, 200)),
			Fix:    "give the suite the webhook secret the partner verifies with (--webhook-secret), or configure the partner with the one the suite uses",
			Checks: appendNew(appendNew([]string{CheckSignedWebhook}, mentions("the plain signed webhook was not accepted (it answered")...), mentions("the webhook got no 2xx")...)})
	}
	return causes
}

// answerOf returns the last exchange to the partner of a check that got
// an answer, or nil.
func answerOf(c report.CheckResult) *partner.Exchange {
	for i := len(c.Exchanges) - 1; i >= 0; i-- {
		if x := c.Exchanges[i]; x.Direction == partner.ToPartner && x.Answered() {
			return &x
		}
	}
	return nil
}

func appendNew(list []string, more ...string) []string {
	for _, m := range more {
		if !slices.Contains(list, m) {
			list = append(list, m)
		}
	}
	return list
}

func mockURL() string {
	if mockOf != nil {
		return mockOf.URL + "/partner/v1"
	}
	return "the embedded mock"
}

func excerptN(s string, n int) string {
	return text.Cut{Max: n, Mark: "…", Bytes: true, Trim: true, TrimKept: true, Empty: "empty body"}.Of(s)
}
