// Package mockteamtailor is the fake Teamtailor as a library. NewServer
// returns its whole HTTP surface (routes.go lists every route) and its
// operations: create partners, companies, jobs and candidates; activate;
// fetch a config; trigger by stage, by hand or in bulk; replay a webhook
// or a captured one; invoke an action; reset. The control API handlers
// (control_*.go), the web UI, the CLI and the conformance suite call the
// same operations. The Partner API a partner calls is package partnerapi,
// the calls to partners package delivery, the protocol's documents and
// rules package protocol, and the state package store.
package mockteamtailor
