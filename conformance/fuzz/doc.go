// Package fuzz is ttconformance fuzz: it generates webhooks that are valid
// by the protocol (the webhook schema, the partner's own /config form and
// the value shapes the fixtures cover), signs and sends them to a partner,
// judges each with the suite's rules (the answer, and for an assessment
// partner the result that comes back to the embedded mock), shrinks each
// failing webhook to the smallest one that still fails the same way, and
// writes it as a scrubbed fixture that "ttconformance --fixtures DIR" and
// "mockteamtailor trigger --fixture" replay.
//
// Generation is deterministic for a seed: case i draws from its own
// random source, seeded with the run's seed and i, so the concurrency of
// a run does not change what is sent. Shrinking is deterministic too: of
// the reductions of one round, the first in a fixed order that still
// fails the same way is kept.
package fuzz
