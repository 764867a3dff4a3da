// Package sandbox builds what a partner develops against, as Teamtailor
// gives an integration under development (docs/protocol.md §4): the partner, its
// sandbox company with the integration activated, and the company's
// users, jobs and candidates made from the fixtures.
package sandbox
