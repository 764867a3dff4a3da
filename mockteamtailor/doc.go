// Package mockteamtailor is the fake Teamtailor as a library: NewServer
// returns its whole HTTP surface (routes.go lists every route): the Partner
// API a partner calls, the file URLs of webhooks, the control API and the
// schemas. Its operations (activate, fetch a config, trigger, deliver,
// replay a captured webhook) send real, signed traffic to a partner and
// journal every exchange. The protocol's documents and rules live in
// package protocol, the state in package store.
package mockteamtailor
