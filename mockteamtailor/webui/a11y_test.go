package webui

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
)

// A small reader of the UI's own HTML, enough to check what screen
// readers need: labels, button names, landmarks, unique ids. The browser
// tests check the same on the rendered DOM (a11yScript).

var (
	tagRe  = regexp.MustCompile(`(?s)<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*/?>`)
	attrRe = regexp.MustCompile(`([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?`)
)

type element struct {
	name     string
	attrs    map[string]string
	text     strings.Builder // text inside, tags stripped
	inLabel  bool
	children []*element
}

func (e *element) attr(k string) (string, bool) { v, ok := e.attrs[k]; return v, ok }

// voidElements never have content or a closing tag.
var voidElements = map[string]bool{"input": true, "br": true, "meta": true, "link": true, "img": true, "hr": true, "source": true, "circle": true, "path": true, "rect": true}

// parseHTML returns every element in document order.
func parseHTML(doc string) []*element {
	var all, stack []*element
	last := 0
	addText := func(s string) {
		s = html.UnescapeString(s)
		for _, open := range stack {
			open.text.WriteString(s)
		}
	}
	for _, m := range tagRe.FindAllStringSubmatchIndex(doc, -1) {
		addText(doc[last:m[0]])
		last = m[1]
		if m[4] < 0 { // a comment
			continue
		}
		closing, name := doc[m[2]:m[3]] == "/", strings.ToLower(doc[m[4]:m[5]])
		if closing {
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].name == name {
					stack = stack[:i]
					break
				}
			}
			continue
		}
		el := &element{name: name, attrs: map[string]string{}}
		for _, a := range attrRe.FindAllStringSubmatch(doc[m[6]:m[7]], -1) {
			el.attrs[strings.ToLower(a[1])] = html.UnescapeString(a[2] + a[3] + a[4])
		}
		for _, open := range stack {
			if open.name == "label" {
				el.inLabel = true
			}
		}
		if n := len(stack); n > 0 {
			stack[n-1].children = append(stack[n-1].children, el)
		}
		all = append(all, el)
		selfClosed := strings.HasSuffix(strings.TrimSpace(doc[m[0]:m[1]]), "/>")
		if !voidElements[name] && !selfClosed {
			stack = append(stack, el)
		}
		if name == "script" || name == "style" { // raw text: skip to the end tag
			end := strings.Index(strings.ToLower(doc[last:]), "</"+name)
			if end >= 0 {
				last += end
			}
		}
	}
	return all
}

// a11yProblems lists what a screen reader user would miss on a page.
func a11yProblems(doc string) []string {
	els := parseHTML(doc)
	var problems []string
	labelFor := map[string]bool{}
	ids := map[string]int{}
	landmarks := map[string]int{}
	for _, el := range els {
		if el.name == "label" {
			if f, ok := el.attr("for"); ok {
				labelFor[f] = true
			}
		}
		if id, ok := el.attr("id"); ok {
			ids[id]++
		}
		landmarks[el.name]++
	}
	for id, n := range ids {
		if n > 1 {
			problems = append(problems, fmt.Sprintf("id %q is used %d times", id, n))
		}
	}
	for _, lm := range []string{"main", "nav", "header", "footer"} {
		if landmarks[lm] == 0 {
			problems = append(problems, "no <"+lm+"> landmark")
		}
	}
	if landmarks["main"] > 1 {
		problems = append(problems, "more than one <main>")
	}
	if landmarks["h1"] != 1 {
		problems = append(problems, fmt.Sprintf("%d <h1> headings, want 1", landmarks["h1"]))
	}
	for _, el := range els {
		switch el.name {
		case "html":
			if el.attrs["lang"] == "" {
				problems = append(problems, "<html> has no lang")
			}
		case "input", "select", "textarea":
			if t := el.attrs["type"]; t == "hidden" {
				continue
			}
			id := el.attrs["id"]
			_, aria := el.attr("aria-label")
			_, by := el.attr("aria-labelledby")
			if !(id != "" && labelFor[id]) && !aria && !by && !el.inLabel {
				problems = append(problems, fmt.Sprintf("<%s name=%q id=%q> has no label", el.name, el.attrs["name"], id))
			}
		case "button":
			if strings.TrimSpace(el.text.String()) == "" && strings.TrimSpace(el.attrs["aria-label"]) == "" {
				problems = append(problems, fmt.Sprintf("a <button> (%v) has no accessible name", el.attrs))
			}
		case "a":
			if strings.TrimSpace(el.text.String()) == "" && strings.TrimSpace(el.attrs["aria-label"]) == "" {
				problems = append(problems, fmt.Sprintf("a link to %q has no text", el.attrs["href"]))
			}
		case "svg":
			_, hidden := el.attr("aria-hidden")
			if !hidden && (el.attrs["role"] != "img" || el.attrs["aria-label"] == "") {
				problems = append(problems, "an <svg> is neither aria-hidden nor an image with a label")
			}
		case "table":
			hasCaption := false
			for _, c := range el.children {
				if c.name == "caption" {
					hasCaption = true
				}
			}
			if !hasCaption {
				problems = append(problems, "a <table> has no <caption>")
			}
		}
	}
	return problems
}

// Rule: the checker itself finds what it is meant to find.
func TestA11yCheckerFindsProblems(t *testing.T) {
	bad := `<html><body><header></header><nav></nav><main><h1>x</h1><input id="a" name="a"><button></button><button><svg aria-hidden="true"></svg></button><a href="/x"></a><svg></svg><table><tr><td>1</td></tr></table><p id="d"></p><p id="d"></p></main><footer></footer></body></html>`
	got := strings.Join(a11yProblems(bad), "\n")
	for _, want := range []string{`<input name="a" id="a"> has no label`, "<button>", `link to "/x"`, "<svg>", "<caption>", `id "d" is used 2 times`, "no lang"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q do not mention %q", got, want)
		}
	}
	good := `<html lang="en"><body><header></header><nav aria-label="Main"></nav><main><h1>x</h1><label for="a">A</label><input id="a" name="a"><label>B <input name="b"></label><button aria-label="Close"></button><button>Go</button><input type="hidden" name="h"></main><footer></footer></body></html>`
	if p := a11yProblems(good); len(p) > 0 {
		t.Errorf("a good page has problems: %q", p)
	}
}
