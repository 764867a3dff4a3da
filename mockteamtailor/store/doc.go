// Package store keeps everything the mock knows: the Store contract and
// its errors (ErrNotFound, ErrForbidden, ErrConflict, ErrPersist), MemStore
// in memory or durable in a state log with snapshots, and the journal of
// every exchange with partners. The state log's file format is
// mockteamtailor/store/statelog; captured webhooks are read by
// mockteamtailor/store/capture.
package store
