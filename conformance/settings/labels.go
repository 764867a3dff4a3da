package settings

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// The label vocabulary. It is closed: every label a spec carries is one of
// these, added here and nowhere else. Area labels go on the top-level
// Describe of each spec file; MustIt and ShouldIt add the level label,
// and the bulk label to checks that need bulk mode.
var (
	// LabelMust marks a check of a MUST: a failure fails the run.
	LabelMust = ginkgo.Label("must")
	// LabelShould marks a check of a SHOULD: a failure is a warning.
	LabelShould = ginkgo.Label("should")

	LabelConfig       = ginkgo.Label("config")       // GET /config (§3)
	LabelActivation   = ginkgo.Label("activation")   // activation config and validateEndpoint (§1.3, §4)
	LabelWebhook      = ginkgo.Label("webhook")      // POST /webhook (§1.1, §1.3)
	LabelSignature    = ginkgo.Label("signature")    // Teamtailor-Signature verification (§1.2)
	LabelResults      = ginkgo.Label("results")      // results posted to update-url (§2, §2.3)
	LabelActions      = ginkgo.Label("actions")      // action endpoints of results (§2.3)
	LabelBulk         = ginkgo.Label("bulk")         // bulk mode (§5)
	LabelCapabilities = ginkgo.Label("capabilities") // the capabilities the partner shows against those it claims (§2.3, §3, §7)
	LabelSecurity     = ginkgo.Label("security")     // what a marketplace review checks: forged update-url, replays, limits, leaks, credentials, TLS (§8)
	// LabelCompanyWebhooks marks the checks of the partner's receiver of
	// company events (docs/company-webhooks.md).
	LabelCompanyWebhooks = ginkgo.Label(AreaCompanyWebhooks)
)

// AreaCompanyWebhooks is the area whose checks cite docs/company-webhooks.md
// rather than docs/protocol.md.
const AreaCompanyWebhooks = "company-webhooks"

// areas are the area labels, in catalogue order.
var areas = []string{"config", "activation", "webhook", "signature", "results", "actions", "capabilities", "security", AreaCompanyWebhooks}

// Areas returns the area labels, in catalogue order.
func Areas() []string { return slices.Clone(areas) }

// areaCapability is the capability every check of an area needs.
var areaCapability = map[string]Capability{
	"signature": CapSignatures,
	"results":   CapAssessment,
	"actions":   CapActions,

	AreaCompanyWebhooks: CapCompanyWebhooks,
}

// Requirement levels of checks. Which checks apply is a separate matter:
// the capability flags decide that (Needs).
const (
	// LevelMust: the protocol requires it; a failure fails the run.
	LevelMust = "MUST"
	// LevelShould: the protocol recommends it or leaves it to the partner;
	// a failure is a warning, which fails the run only with --strict.
	LevelShould = "SHOULD"
)

// Check is one entry of the catalogue: a leaf spec and the rule it
// enforces.
type Check struct {
	// ID is stable and readable: "<area>/<name>", e.g.
	// "webhook/edge-case-candidates".
	ID string `json:"id"`
	// Label is the area label.
	Label string `json:"label"`
	// Level is MUST (a failure fails the run) or SHOULD (a failure is a
	// warning).
	Level string `json:"level"`
	// Why is the reasoning behind the level, from docs/protocol.md and the
	// docs' wording.
	Why string `json:"why"`
	// Section names the docs/protocol.md sections, e.g. "§1.2" (the
	// docs/company-webhooks.md sections for the company-webhooks area).
	Section string `json:"section"`
	// Rule is the MUST or SHOULD sentence the check enforces.
	Rule string `json:"rule"`
	// Needs is the capability the check needs, "" for none.
	Needs Capability `json:"needs,omitempty"`
}

// Text is the spec text of the check: its id and its rule, so the name of
// every check states the rule it enforces.
func (c Check) Text() string { return c.ID + ": " + c.Rule }

// SectionRef is the section as messages cite it: "docs/protocol.md §1.2".
func (c Check) SectionRef() string { return docOf(c.Label) + " " + c.Section }

var (
	registryMu sync.Mutex // guards registry
	registry   []Check
)

var idPattern = regexp.MustCompile(`^[a-z]+(-[a-z]+)*/[a-z0-9]+(-[a-z0-9]+)*$`)

// MustIt declares a check of a MUST of docs/protocol.md: an It whose text is
// "<id>: <rule>", labelled must, recorded in the catalogue with why, the
// reasoning behind its level. Extra arguments are a Capability the check
// needs beyond its area's (only CapBulk) and Ginkgo decorators. It is,
// with ShouldIt, the only way to declare a leaf spec.
func MustIt(id, section, rule, why string, body func(ginkgo.SpecContext), args ...any) bool {
	return declare(LevelMust, id, section, rule, why, body, args)
}

// ShouldIt declares a check of a SHOULD (something the docs recommend or
// allow, e.g. a replay window): its failure is a warning.
func ShouldIt(id, section, rule, why string, body func(ginkgo.SpecContext), args ...any) bool {
	return declare(LevelShould, id, section, rule, why, body, args)
}

// declare records the check and registers its It. Mistakes in a
// declaration are programmer errors and panic while the tree is built.
func declare(level, id, section, rule, why string, body func(ginkgo.SpecContext), args []any) bool {
	area, _, _ := strings.Cut(id, "/")
	c := Check{ID: id, Label: area, Level: level, Why: why, Section: section, Rule: rule, Needs: areaCapability[area]}
	// Offset(2): failures point at the spec file, not at this function.
	decorators := []any{ginkgo.Label(strings.ToLower(level)), ginkgo.Offset(2)}
	for _, a := range args {
		switch a := a.(type) {
		case Capability:
			if a == CapSignatures && area == AreaCompanyWebhooks {
				// docs/company-webhooks.md §8: a receiver that claims
				// to verify must refuse bad signatures.
				c.Needs = CapCompanyWebhooks + "," + CapSignatures
				continue
			}
			if (a != CapBulk && a != CapAPIToken && a != CapAssessment) || c.Needs != "" {
				panic(fmt.Sprintf("framework: check %s: only CapBulk, CapAPIToken or CapAssessment may be added, and only in an area without its own capability", id))
			}
			c.Needs = a
			if a == CapBulk {
				decorators = append(decorators, LabelBulk)
			}
		case ginkgo.Labels:
			panic(fmt.Sprintf("framework: check %s: labels come from labels.go through the area Describe and MustIt/ShouldIt", id))
		default:
			decorators = append(decorators, a)
		}
	}
	switch {
	case !idPattern.MatchString(id):
		panic(fmt.Sprintf("framework: check id %q must be <area>/<kebab-case-name>", id))
	case !slices.Contains(areas, area):
		panic(fmt.Sprintf("framework: check %s: %q is not an area label (%s)", id, area, strings.Join(areas, ", ")))
	case !strings.Contains(rule, level):
		panic(fmt.Sprintf("framework: check %s: the rule of a %s check must be a %s sentence", id, level, level))
	case strings.TrimSpace(why) == "":
		panic(fmt.Sprintf("framework: check %s: say why it is a %s (the catalogue shows it)", id, level))
	case !strings.HasPrefix(section, "§"):
		panic(fmt.Sprintf("framework: check %s: the section must cite docs/protocol.md, e.g. §3", id))
	}
	if labels := ginkgo.CurrentTreeConstructionNodeReport().ContainerHierarchyLabels; !containsLabel(labels, area) {
		panic(fmt.Sprintf("framework: check %s must be declared inside the Describe labelled %q", id, area))
	}
	registryMu.Lock()
	for _, other := range registry {
		if other.ID == id || other.Text() == c.Text() {
			registryMu.Unlock()
			panic(fmt.Sprintf("framework: check %s is declared twice", id))
		}
	}
	registry = append(registry, c)
	registryMu.Unlock()

	wrapped := func(ctx ginkgo.SpecContext) {
		if !TestContext.Claims(c.Needs) {
			ginkgo.Skip(CapabilityPrefix + string(TestContext.missing(c.Needs)))
		}
		body(ctx)
	}
	return ginkgo.It(c.Text(), append(decorators, wrapped)...)
}

func containsLabel(hierarchy [][]string, label string) bool {
	for _, labels := range hierarchy {
		if slices.Contains(labels, label) {
			return true
		}
	}
	return false
}

// Catalogue returns the checks declared so far, in area order, then in
// declaration order. It is complete once the spec tree is built (RunSpecs
// or PreviewSpecs).
func Catalogue() []Check {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := slices.Clone(registry)
	slices.SortStableFunc(out, func(a, b Check) int {
		return slices.Index(areas, a.Label) - slices.Index(areas, b.Label)
	})
	return out
}

// CheckByText finds the check of a spec by its text.
func CheckByText(text string) (Check, bool) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, c := range registry {
		if c.Text() == text {
			return c, true
		}
	}
	return Check{}, false
}

// CurrentCheck returns the check of the running spec.
func CurrentCheck() (Check, bool) {
	return CheckByText(ginkgo.CurrentSpecReport().LeafNodeText)
}

// CheckCatalogue reports a catalogue that drifted from the spec tree: a
// leaf spec declared without MustIt or ShouldIt, or a check with
// no spec.
func CheckCatalogue(report types.Report, checks []Check) error {
	var problems []error
	seen := map[string]bool{}
	for _, s := range report.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		c, ok := CheckByText(s.LeafNodeText)
		if !ok {
			problems = append(problems, fmt.Errorf("the spec %q was not declared with MustIt or ShouldIt", s.FullText()))
			continue
		}
		seen[c.ID] = true
	}
	for _, c := range checks {
		if !seen[c.ID] {
			problems = append(problems, fmt.Errorf("the check %s has no spec in the tree", c.ID))
		}
	}
	return errors.Join(problems...)
}
