// Package partner is the suite's side of every call to the partner under
// test: the Client that plays Teamtailor towards BASE_URL, the Exchange it
// records (bounded, redacted, described for a failure message with a curl
// command that sends it again), the transport's TLS and error wording, the
// trap that catches requests a partner must not make, and the failure
// messages of a check (Explain, FailUnreachable).
package partner
