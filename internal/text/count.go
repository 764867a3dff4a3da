package text

import "strconv"

// Count writes n with its noun in the right number: "1 webhook",
// "2 webhooks", "0 webhooks".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
