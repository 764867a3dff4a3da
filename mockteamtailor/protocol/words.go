package protocol

import "strconv"

// CountOf writes n with the singular or plural noun: "1 field",
// "2 fields".
func CountOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
