package webui

import (
	"html"
	"html/template"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Infobox content is HTML from the partner (docs/protocol.md §3). The UI shows
// its simple formatting and nothing else: everything is escaped, then a
// few tags without attributes, and links to http(s) URLs, are let back,
// balanced so nothing leaks out of the infobox.
var allowedTag = regexp.MustCompile(`&lt;(/?)(p|b|strong|i|em|u|br|ul|ol|li|code|small|a)(\s+href=(?:&#34;|&#39;)(?:[^&]|&amp;)*?(?:&#34;|&#39;))?\s*/?&gt;`)

var hrefValue = regexp.MustCompile(`href=(?:&#34;|&#39;)((?:[^&]|&amp;)*?)(?:&#34;|&#39;)`)

func sanitizeHTML(s string) template.HTML {
	esc := template.HTMLEscapeString(s)
	var out strings.Builder
	var open []string
	last := 0
	for _, m := range allowedTag.FindAllStringSubmatchIndex(esc, -1) {
		out.WriteString(esc[last:m[0]])
		last = m[1]
		whole, closing, name := esc[m[0]:m[1]], esc[m[2]:m[3]] == "/", esc[m[4]:m[5]]
		hasHref := m[6] >= 0
		switch {
		case name == "br":
			out.WriteString("<br>")
		case closing:
			i := slices.Index(open, name)
			if i < 0 {
				out.WriteString(whole)
				continue
			}
			// Close what was opened inside it too.
			for j := len(open) - 1; j >= i; j-- {
				out.WriteString("</" + open[j] + ">")
			}
			open = open[:i]
		case name == "a":
			if !hasHref {
				out.WriteString(whole)
				continue
			}
			href := html.UnescapeString(hrefValue.FindStringSubmatch(whole)[1])
			u, err := url.Parse(href)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				out.WriteString(whole)
				continue
			}
			out.WriteString(`<a href="` + template.HTMLEscapeString(u.String()) + `" rel="noopener noreferrer" target="_blank">`)
			open = append(open, "a")
		case hasHref:
			out.WriteString(whole)
		default:
			out.WriteString("<" + name + ">")
			open = append(open, name)
		}
	}
	out.WriteString(esc[last:])
	for j := len(open) - 1; j >= 0; j-- {
		out.WriteString("</" + open[j] + ">")
	}
	return template.HTML(out.String())
}
