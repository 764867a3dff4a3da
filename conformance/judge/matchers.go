package judge

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// statusMatcher matches an *Exchange that got a complete answer whose
// status passes ok.
type statusMatcher struct {
	want string
	ok   func(int) bool
}

func (m statusMatcher) Match(actual any) (bool, error) {
	x, isExchange := actual.(*partner.Exchange)
	if !isExchange {
		return false, fmt.Errorf("expected an *framework.Exchange, got %T", actual)
	}
	return x.Answered() && m.ok(x.Status), nil
}

func (m statusMatcher) FailureMessage(actual any) string {
	x := actual.(*partner.Exchange)
	if !x.Answered() {
		return fmt.Sprintf("Problem: want %s, got no answer: %s", m.want, x.Error)
	}
	return fmt.Sprintf("Problem: want %s, got %d %s", m.want, x.Status, http.StatusText(x.Status))
}

func (m statusMatcher) NegatedFailureMessage(actual any) string {
	x := actual.(*partner.Exchange)
	return fmt.Sprintf("Problem: want anything but %s, got %d %s", m.want, x.Status, http.StatusText(x.Status))
}

// HaveSuccessStatus matches an exchange answered with any 2xx within the
// timeout: Teamtailor's rule for success (docs/protocol.md §1.3).
func HaveSuccessStatus() types.GomegaMatcher {
	return statusMatcher{want: "any 2xx within the timeout", ok: func(s int) bool { return s >= 200 && s < 300 }}
}

// HaveStatus matches an exchange answered with one of codes.
func HaveStatus(codes ...int) types.GomegaMatcher {
	var names []string
	for _, c := range codes {
		names = append(names, fmt.Sprintf("%d %s", c, http.StatusText(c)))
	}
	return statusMatcher{want: strings.Join(names, " or "), ok: func(s int) bool { return slices.Contains(codes, s) }}
}

// HaveStatusAtLeast matches an exchange answered with a status >= min.
func HaveStatusAtLeast(min int) types.GomegaMatcher {
	return statusMatcher{want: fmt.Sprintf("a status >= %d", min), ok: func(s int) bool { return s >= min }}
}

// schemaMatcher matches a document valid against a schema of package
// schemas.
type schemaMatcher struct {
	name string
	err  error
}

// MatchSchema matches a document (string or []byte) valid against the
// named schema of package schemas, e.g. "validation-error".
func MatchSchema(name string) types.GomegaMatcher { return &schemaMatcher{name: name} }

func (m *schemaMatcher) Match(actual any) (bool, error) {
	var doc []byte
	switch v := actual.(type) {
	case string:
		doc = []byte(v)
	case []byte:
		doc = v
	default:
		return false, fmt.Errorf("MatchSchema expects a string or []byte, got %T", actual)
	}
	m.err = schemas.Validate(m.name, doc)
	return m.err == nil, nil
}

func (m *schemaMatcher) FailureMessage(any) string {
	return fmt.Sprintf("Problem: the document is not valid against %s.schema.json:\n    %s", m.name,
		strings.ReplaceAll(m.err.Error(), "\n", "\n    "))
}

func (m *schemaMatcher) NegatedFailureMessage(any) string {
	return fmt.Sprintf("Problem: the document should not be valid against %s.schema.json", m.name)
}

// BeFree matches an empty list of problems; its failure lists them.
func BeFree() types.GomegaMatcher { return problemsMatcher{} }

type problemsMatcher struct{}

func (problemsMatcher) Match(actual any) (bool, error) {
	ps, ok := actual.([]Problem)
	if !ok {
		return false, fmt.Errorf("BeFree expects []framework.Problem, got %T", actual)
	}
	return len(ps) == 0, nil
}

func (problemsMatcher) FailureMessage(actual any) string {
	var lines []string
	for _, p := range actual.([]Problem) {
		lines = append(lines, "    "+p.String())
	}
	return "Problem:\n" + strings.Join(lines, "\n")
}

func (problemsMatcher) NegatedFailureMessage(any) string { return "Problem: want problems, got none" }

// BeNoProblem matches the empty string: the description of what is wrong
// when something is. Its failure message is that description.
func BeNoProblem() types.GomegaMatcher { return noProblemMatcher{} }

type noProblemMatcher struct{}

func (noProblemMatcher) Match(actual any) (bool, error) {
	s, ok := actual.(string)
	if !ok {
		return false, fmt.Errorf("BeNoProblem expects a string, got %T", actual)
	}
	return s == "", nil
}

func (noProblemMatcher) FailureMessage(actual any) string { return "Problem: " + actual.(string) }

func (noProblemMatcher) NegatedFailureMessage(any) string { return "Problem: want a problem, got none" }

// RefuseProviderKey matches an answer that refuses a provider key (or a
// Teamtailor-Api-Token) as docs/protocol.md §1.3 allows: 401 or 403, or a
// 200 config holding an error field.
func RefuseProviderKey() types.GomegaMatcher { return refuseMatcher{} }

type refuseMatcher struct{}

func (refuseMatcher) Match(actual any) (bool, error) {
	x, ok := actual.(*partner.Exchange)
	if !ok {
		return false, fmt.Errorf("RefuseProviderKey expects an *framework.Exchange, got %T", actual)
	}
	return refusal(x) == "", nil
}

func (refuseMatcher) FailureMessage(actual any) string {
	return "Problem: want 401 or 403 (or a config with an error field), " + refusal(actual.(*partner.Exchange))
}

func (refuseMatcher) NegatedFailureMessage(any) string {
	return "Problem: the credentials were refused"
}

// refusal says why x does not refuse a provider key, or "".
func refusal(x *partner.Exchange) string {
	switch {
	case !x.Answered():
		return "got no answer: " + x.Error
	case x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden:
		return ""
	case x.Status >= 500:
		return fmt.Sprintf("got %d %s: a 5xx is never the answer to bad credentials", x.Status, http.StatusText(x.Status))
	case x.Status == http.StatusOK:
		form, err := partner.ReadForm(x)
		if _, blocked := form.ErrorMessage(); err == nil && blocked {
			return ""
		}
		return "got 200 with a config that has no error field: the partner accepted the credentials"
	}
	return fmt.Sprintf("got %d %s", x.Status, http.StatusText(x.Status))
}
