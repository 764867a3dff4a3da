package partner

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// Report entry names the reports read back.
const (
	EntryExchanges  = "exchanges"
	EntryOutcome    = "outcome"
	EntryNote       = "note"
	EntryTranscript = "transcript"
	EntryOmitted    = "exchangesOmitted"
)

// Note records something a passing check wants its reader to know, e.g.
// that there was nothing to check.
func Note(format string, args ...any) {
	ginkgo.AddReportEntry(EntryNote, fmt.Sprintf(format, args...), ginkgo.ReportEntryVisibilityFailureOrVerbose)
}

// FailUnreachable ends the check with the outcome "error": the partner
// could not be reached, so the suite could not run the check.
func FailUnreachable(x *Exchange) {
	ginkgo.GinkgoHelper()
	ginkgo.AddReportEntry(EntryOutcome, "error", ginkgo.ReportEntryVisibilityNever)
	ginkgo.Fail(fmt.Sprintf("The suite could not run this check: the partner is %s.\n%s", x.Error,
		Explain(x, "start the partner, or give the --base-url it is reachable at from where the suite runs (now %s)", settings.TestContext.BaseURL)()))
}

// FailMock ends the check with the outcome "error": the embedded mock
// itself failed, which says nothing about the partner.
func FailMock(format string, args ...any) {
	ginkgo.GinkgoHelper()
	ginkgo.AddReportEntry(EntryOutcome, "error", ginkgo.ReportEntryVisibilityNever)
	ginkgo.Fail("The suite's embedded mock failed, not the partner: " + fmt.Sprintf(format, args...))
}

// Depends skips the check when something it builds on is missing, naming
// the check that reports it, so one defect fails one check.
func Depends(ok bool, format string, args ...any) {
	ginkgo.GinkgoHelper()
	if !ok {
		ginkgo.Skip("cannot check: " + fmt.Sprintf(format, args...))
	}
}

// Explain returns a failure description for Gomega: the rule of the
// running check with its section of docs/protocol.md, the exchange (what was sent,
// what came back, how long it took), how to fix it, and a curl command
// that sends the request again. x may be nil when no single exchange is
// to blame.
func Explain(x *Exchange, fix string, args ...any) func() string {
	return ExplainPost(x, nil, fix, args...)
}

// ExplainPost is Explain for a request the partner made (x, to the
// embedded mock) in answer to a webhook the suite sent (cause): the curl
// command sends the webhook again, so the partner posts again.
func ExplainPost(x, cause *Exchange, fix string, args ...any) func() string {
	return explain(x, cause, true, fix, args...)
}

// ExplainCause is Explain for a failure whose fix is a root cause the
// check recognised: the fix is given as is, not adapted to what x shows.
func ExplainCause(x *Exchange, fix string, args ...any) func() string {
	return explain(x, nil, false, fix, args...)
}

// explain builds the failure description; adapt makes the fix match what
// x shows (fixFor).
func explain(x, cause *Exchange, adapt bool, fix string, args ...any) func() string {
	return func() string {
		var b strings.Builder
		if c, ok := settings.CurrentCheck(); ok {
			fmt.Fprintf(&b, "Rule: %s — %s (%s)\n", c.ID, c.Rule, c.SectionRef())
		}
		if x != nil {
			b.WriteString(x.Describe())
		}
		if fix != "" {
			f := fmt.Sprintf(fix, args...)
			if adapt {
				f = fixFor(x, f)
			}
			fmt.Fprintf(&b, "Fix: %s\n", f)
		}
		switch {
		case x != nil && x.Direction == ToPartner:
			fmt.Fprintf(&b, "Reproduce:\n    %s\n", strings.ReplaceAll(x.Curl(), "\n", "\n    "))
		case cause != nil:
			fmt.Fprintf(&b, "Reproduce (the webhook that led to it; point update-url at a mock that runs, e.g. mockteamtailor serve):\n    %s\n",
				strings.ReplaceAll(cause.Curl(), "\n", "\n    "))
		}
		return b.String()
	}
}

// fixFor returns the fix for what was observed on x: a check's own fix
// speaks of its rule, but a call that hung, hit nothing, was redirected or
// was refused for its credentials has another cause, and a timeout never
// gets a parsing hint.
func fixFor(x *Exchange, fix string) string {
	if x == nil || x.Direction != ToPartner {
		return fix
	}
	u := PathOf(x.URL)
	switch {
	case x.TooLarge():
		return fmt.Sprintf("the partner answered %s %s with more than 1 MiB (%d bytes read, decompressed): Teamtailor reads at most 1 MiB of an answer; answer with a short body", x.Method, u, x.ResponseBodySize)
	case x.TimedOut():
		return fmt.Sprintf("the partner gave no complete answer to %s %s within %s: make the handler end its response on every path and answer at once; do slow work after answering", x.Method, u, settings.TestContext.Timeout)
	case !x.Answered() && x.Error != "":
		return fmt.Sprintf("the connection failed (%s): make the partner answer %s %s with a complete HTTP response", x.Error, x.Method, u)
	case x.Status >= 300 && x.Status < 400:
		return fmt.Sprintf("the partner redirected to %q; Teamtailor does not follow redirects: give --base-url the final URL", x.ResponseHeader.Get("Location"))
	case x.Status == http.StatusNotFound:
		return fmt.Sprintf("nothing answers %s %s: check --base-url and the partner's path prefix", x.Method, u)
	case (x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden) && x.RequestHeader.Get("Authorization") == "Bearer "+settings.TestContext.ProviderKey:
		if x.RequestHeader.Get("Teamtailor-Signature") != "" && x.Method == http.MethodPost {
			return "the partner refused a correctly signed webhook carrying the suite's provider key: it must verify signatures with the webhook secret given to the suite (--webhook-secret) and accept the provider key that /config accepts"
		}
		fix = "the partner refused the suite's provider key: point a partner that looks keys up at the embedded mock's Partner API (see the start of the run), or pass the key it knows with --provider-key; " + fix
		if settings.TestContext.APIToken == "" {
			// docs/protocol.md §1: a partner may require the company's token too.
			fix += "; a partner that requires Teamtailor-Api-Token gets it with --api-token"
		}
		return fix
	}
	return fix
}

// PathOf returns the path of raw under BASE_URL.
func PathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	base, _ := url.Parse(settings.TestContext.BaseURL)
	p := u.Path
	if base != nil {
		p = "/" + strings.TrimPrefix(strings.TrimPrefix(p, strings.TrimRight(base.Path, "/")), "/")
	}
	return p
}
