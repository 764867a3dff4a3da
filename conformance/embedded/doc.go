// Package embedded is the suite's own mock Teamtailor: a mockteamtailor
// server, started on --mock-listen, whose sandbox the webhooks come from
// and whose Partner API receives the partner's results, recorded in an
// inbox the checks read, and the partner's static webhook-config, from a
// file or PUT on that Partner API.
package embedded
