package settings

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every section of docs/protocol.md has its anchor, and every anchor its
// section, so the links of --list and the reports land on the heading.
func TestProtocolSections(t *testing.T) {
	doc, err := os.ReadFile("../../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^#{2,3} (§[0-9.]+) (.*)$`).FindAllStringSubmatch(string(doc), -1) {
		found[m[1]] = m[1] + " " + m[2]
	}
	for sec, heading := range found {
		if protocolHeadings[sec] != heading {
			t.Errorf("docs/protocol.md has %q; protocolHeadings has %q for %s", heading, protocolHeadings[sec], sec)
		}
	}
	for sec := range protocolHeadings {
		if _, ok := found[sec]; !ok {
			t.Errorf("protocolHeadings has %s, which docs/protocol.md does not", sec)
		}
	}
	if got, want := SectionURL("§1.3"), ProtocolURL+"#13-what-teamtailor-does-with-the-partners-answers"; got != want {
		t.Errorf("SectionURL(§1.3) = %s, want %s", got, want)
	}
	if got := string(SectionLinks("webhook", "§1.1, §1.2")); !strings.Contains(got, `href="`+ProtocolURL+`#11-the-webhook-body">§1.1</a>, <a href="`+ProtocolURL+`#12-the-webhook-signature">§1.2</a>`) {
		t.Errorf("SectionLinks = %s", got)
	}
}

// The same for docs/company-webhooks.md, which the company-webhooks checks
// cite.
func TestCompanyWebhooksSections(t *testing.T) {
	doc, err := os.ReadFile("../../docs/company-webhooks.md")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^#{2,3} (§[0-9.]+) (.*)$`).FindAllStringSubmatch(string(doc), -1) {
		found[m[1]] = m[1] + " " + m[2]
	}
	for sec, heading := range found {
		if companyHeadings[sec] != heading {
			t.Errorf("docs/company-webhooks.md has %q; companyHeadings has %q for %s", heading, companyHeadings[sec], sec)
		}
	}
	for sec := range companyHeadings {
		if _, ok := found[sec]; !ok {
			t.Errorf("companyHeadings has %s, which docs/company-webhooks.md does not", sec)
		}
	}
	if got := string(SectionLinks(AreaCompanyWebhooks, "§5.2")); !strings.Contains(got, `href="`+CompanyWebhooksURL+`#52-v2-the-raw-body">§5.2</a>`) {
		t.Errorf("SectionLinks = %s", got)
	}
}
