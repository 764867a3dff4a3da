package store

import "time"

// fixedNow is the clock of every record these tests store.
var fixedNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
