package settings

import (
	"html"
	"strings"
)

// ProtocolURL is where a user reads docs/protocol.md, the project's
// protocol reference every check cites by section: what Teamtailor does,
// the page of Teamtailor's public documentation it comes from, and each
// decision the mock and the suite take, with its reason.
const ProtocolURL = "https://github.com/mockteamtailor/mockteamtailor/blob/main/docs/protocol.md"

// protocolHeadings are the sections of docs/protocol.md with their
// headings, from which GitHub makes the anchors; TestProtocolSections
// keeps them equal to the document's.
var protocolHeadings = map[string]string{
	"§1":   "§1 The calls Teamtailor makes to the partner",
	"§1.1": "§1.1 The webhook body",
	"§1.2": "§1.2 The webhook signature",
	"§1.3": "§1.3 What Teamtailor does with the partner's answers",
	"§2":   "§2 The Partner API",
	"§2.1": "§2.1 Partners",
	"§2.2": "§2.2 Partner activations",
	"§2.3": "§2.3 Partner results",
	"§3":   "§3 Config documents",
	"§4":   "§4 Activation",
	"§5":   "§5 Triggers and bulk mode",
	"§6":   "§6 Example documents",
	"§7":   "§7 Marketplace listing",
	"§8":   "§8 Security",
}

// CompanyWebhooksURL is where a user reads docs/company-webhooks.md, the
// reference the company-webhooks checks cite.
const CompanyWebhooksURL = "https://github.com/mockteamtailor/mockteamtailor/blob/main/docs/company-webhooks.md"

// companyHeadings are the sections of docs/company-webhooks.md with their
// headings; TestProtocolSections keeps them equal to the document's.
var companyHeadings = map[string]string{
	"§1":   "§1 The two systems",
	"§2":   "§2 Company webhook subscriptions",
	"§3":   "§3 Event types and when they fire",
	"§3.1": "§3.1 What the mock's writes fire",
	"§4":   "§4 The delivery request",
	"§4.1": "§4.1 Payload",
	"§5":   "§5 Signatures of company webhooks",
	"§5.1": "§5.1 v1: the resource id",
	"§5.2": "§5.2 v2: the raw body",
	"§5.3": "§5.3 Worked examples",
	"§6":   "§6 Partner webhook setups",
	"§7":   "§7 Delivery",
	"§8":   "§8 What a receiver must do",
}

// docOf is the reference the checks of an area cite.
func docOf(area string) string {
	if area == AreaCompanyWebhooks {
		return "docs/company-webhooks.md"
	}
	return "docs/protocol.md"
}

// SectionURL is the address of one section of docs/protocol.md, e.g.
// "§1.2"; the document's own for a section it does not have.
func SectionURL(section string) string {
	return sectionURL("", section)
}

// sectionURL is SectionURL in the reference of area's checks.
func sectionURL(area, section string) string {
	base, headings := ProtocolURL, protocolHeadings
	if area == AreaCompanyWebhooks {
		base, headings = CompanyWebhooksURL, companyHeadings
	}
	h, ok := headings[strings.TrimSpace(section)]
	if !ok {
		return base
	}
	return base + "#" + githubAnchor(h)
}

// githubAnchor is the anchor GitHub gives a heading: lower case, every
// character but letters, digits, spaces and hyphens dropped, spaces
// turned into hyphens.
func githubAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// SectionLinks renders sections such as "§1.1, §1.2" as links to
// docs/protocol.md (docs/company-webhooks.md for that area's checks), for
// the HTML report.
func SectionLinks(area, sections string) string {
	var parts []string
	for _, s := range strings.Split(sections, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		parts = append(parts, `<a href="`+html.EscapeString(sectionURL(area, s))+`">`+html.EscapeString(s)+`</a>`)
	}
	base := ProtocolURL
	if area == AreaCompanyWebhooks {
		base = CompanyWebhooksURL
	}
	return `<a href="` + base + `">` + docOf(area) + `</a> ` + strings.Join(parts, ", ")
}
