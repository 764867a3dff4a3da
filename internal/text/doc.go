// Package text holds the small text helpers every package writes
// messages with: a count with its noun in the right number, and the
// shortening of a long text (a body, a header) for a message.
package text
