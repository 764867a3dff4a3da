// Package conformance is the Teamtailor partner conformance suite: Ginkgo
// specs that play Teamtailor against a partner's BASE_URL and check every
// rule of docs/protocol.md a partner must follow. The specs live in ordinary
// files, one per protocol area, so that cmd/ttconformance runs them as one
// binary (Run) and conformance_suite_test.go runs them under go test.
//
// Each check is declared with settings.MustIt or
// settings.ShouldIt, states its rule (a MUST or SHOULD sentence) in its name,
// carries one area label (config, activation, webhook, signature, results,
// actions), one level label (must or should) and, for bulk mode,
// the bulk label. ttconformance --list prints the catalogue.
//
// Failures say the rule and its section of docs/protocol.md, what was sent and what
// came back, how to fix it, and a curl command that sends the request
// again. A check the suite could not run (the partner is unreachable)
// ends as an error, kept apart from failures.
package conformance
