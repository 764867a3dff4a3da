package store

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"weak"
)

// heapAlloc is the heap's live bytes after a full collection.
func heapAlloc() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// bigEntry is a journal entry holding about size bytes of its own: a
// response body no other entry shares.
func bigEntry(i, size int) Delivery {
	resp := NewHTTPMessage(http.Header{"Content-Type": {"text/plain"}}, []byte(strings.Repeat("r", size)), size)
	return Delivery{Kind: KindPartnerAPI, Reason: fmt.Sprint(i), Request: HTTPMessage{Method: "GET"}, Response: &resp}
}

// Rule: an entry the journal drops is unreachable: only the entries it
// lists survive a collection, whether the entry or the byte limit dropped
// the others.
func TestJournalDropsAreReleased(t *testing.T) {
	for _, tc := range []struct {
		name             string
		entries, bytes   int
		pushed, bodySize int
	}{
		{"entry limit", 100, DefaultJournalByteLimit, 1500, 1 << 10},
		{"byte limit", DefaultJournalLimit, 1 << 20, 1500, 16 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewMemStore()
			s.SetJournalLimit(tc.entries)
			s.SetJournalByteLimit(tc.bytes)
			live := make([]weak.Pointer[HTTPMessage], 0, tc.pushed)
			for i := range tc.pushed {
				d := bigEntry(i, tc.bodySize)
				live = append(live, weak.Make(d.Response))
				if _, err := s.AppendJournal(context.Background(), d); err != nil {
					t.Fatal(err)
				}
			}
			ds, _ := s.Journal(context.Background(), JournalFilter{})
			kept := len(ds)
			ds = nil
			runtime.GC()
			reachable := 0
			for _, p := range live {
				if p.Value() != nil {
					reachable++
				}
			}
			runtime.KeepAlive(s)
			if reachable != kept || kept == 0 || kept == tc.pushed {
				t.Errorf("%d entries reachable after a collection, the journal lists %d of %d pushed; want as many reachable as listed", reachable, kept, tc.pushed)
			}
		})
	}
}

// Rule: a journal pushed far past its byte limit holds about its limit in
// heap, not the entries it dropped.
func TestJournalHeapStaysWithinItsByteLimit(t *testing.T) {
	const limit = 4 << 20
	s := NewMemStore()
	s.SetJournalByteLimit(limit)
	before := heapAlloc()
	for i := range 3000 { // 48 MB pushed through a 4 MiB journal
		if _, err := s.AppendJournal(context.Background(), bigEntry(i, 16<<10)); err != nil {
			t.Fatal(err)
		}
	}
	grew := heapAlloc() - before
	_, _, held := s.Held()
	t.Logf("heap grew by %.1f MB; the journal counts %.1f MB held", float64(grew)/1e6, float64(held)/1e6)
	if held > limit || grew > 2*limit {
		t.Errorf("heap grew by %d bytes, the journal counts %d; want both within twice its %d-byte limit", grew, held, limit)
	}
	runtime.KeepAlive(s)
}

// Rule: the journal's byte count is what its entries hold, even for a
// header of thousands of tiny fields whose map costs far more than its
// wire size.
func TestJournalCountsWhatHeadersHold(t *testing.T) {
	h := http.Header{}
	for i := range 20000 {
		h[fmt.Sprintf("X-%06d", i)] = []string{"v"}
	}
	s := NewMemStore()
	before := heapAlloc()
	for i := range 50 {
		m := NewHTTPMessage(h, nil, 0)
		if !m.HeaderTruncated {
			t.Fatalf("a %d-byte header was not cut", m.HeaderSize)
		}
		if _, err := s.AppendJournal(context.Background(), Delivery{Kind: KindPartnerAPI, Reason: fmt.Sprint(i), Request: m}); err != nil {
			t.Fatal(err)
		}
	}
	grew := heapAlloc() - before
	_, _, held := s.Held()
	t.Logf("heap grew by %.1f MB; the journal counts %.1f MB held", float64(grew)/1e6, float64(held)/1e6)
	if float64(grew) > 1.5*float64(held) {
		t.Errorf("heap grew by %d bytes, the journal counts %d; want the count within 1.5 times of what is held", grew, held)
	}
	runtime.KeepAlive(s)
}
