package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// Rule: with FlushEvery running, a journal entry reaches the disk without
// an explicit Flush.
func TestFlushEveryWritesTheJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := reopen(t, path)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); s.FlushEvery(ctx, 10*time.Millisecond, func(err error) { t.Error(err) }) }()
	if _, err := s.AppendJournal(ctx, Delivery{Kind: KindWebhook, PartnerID: "1", Verdict: VerdictOK}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ds, err := reopen(t, path).Journal(ctx, JournalFilter{})
		if err == nil && len(ds) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the journal entry is not on disk after 30 s: %d entries, %v", len(ds), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
}
