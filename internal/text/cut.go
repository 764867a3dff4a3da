package text

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Cut says how Of shortens a text (a body, a header) for a message.
// Every shortening of the project is one Cut, so each message keeps the
// exact shape it has always had.
type Cut struct {
	// Max is the most bytes of the text kept.
	Max int
	// Mark follows the kept bytes of a text that was cut.
	Mark string
	// Total adds " (N bytes in all)" after Mark, N the length of the
	// whole (trimmed) text.
	Total bool
	// Bytes cuts at exactly Max bytes, for text that need not be UTF-8;
	// otherwise the cut backs up to the start of a rune.
	Bytes bool
	// Trim trims the space around the text before it is measured.
	Trim bool
	// TrimKept trims the space the cut leaves at the end of the kept
	// bytes.
	TrimKept bool
	// Empty is what an empty text (after Trim) reads as.
	Empty string
}

// Of returns s shortened as c says.
func (c Cut) Of(s string) string {
	if c.Trim {
		s = strings.TrimSpace(s)
	}
	if s == "" {
		return c.Empty
	}
	if len(s) <= c.Max {
		return s
	}
	n := c.Max
	if !c.Bytes {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
	}
	kept := s[:n]
	if c.TrimKept {
		kept = strings.TrimSpace(kept)
	}
	if c.Total {
		return kept + c.Mark + " (" + strconv.Itoa(len(s)) + " bytes in all)"
	}
	return kept + c.Mark
}
