package framework

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

// SectionURL is the address of one section of docs/protocol.md, e.g.
// "§1.2"; the document's own for a section it does not have.
func SectionURL(section string) string {
	h, ok := protocolHeadings[strings.TrimSpace(section)]
	if !ok {
		return ProtocolURL
	}
	return ProtocolURL + "#" + githubAnchor(h)
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

// sectionLinks renders sections such as "§1.1, §1.2" as links to
// docs/protocol.md, for the HTML report.
func sectionLinks(sections string) string {
	var parts []string
	for _, s := range strings.Split(sections, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		parts = append(parts, `<a href="`+html.EscapeString(SectionURL(s))+`">`+html.EscapeString(s)+`</a>`)
	}
	return `<a href="` + ProtocolURL + `">docs/protocol.md</a> ` + strings.Join(parts, ", ")
}
