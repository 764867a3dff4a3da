// Package protocol is the Teamtailor partner protocol as data and rules,
// with no HTTP server: the webhook's documents (docs/protocol.md §1.1), the
// activation and config forms and their checks (§3, §4), the partner
// result's attributes with their rules and the order of a result's Status
// (§2.3), JSON:API decoding from bytes with its errors (§2), and the checks
// of a webhook answer and of a captured webhook. The mock and the conformance
// suite judge a document with the same function.
package protocol
