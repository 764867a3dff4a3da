package mockteamtailor_test

import "testing"

// TestHeap100kResults holds the in-memory store to its target: 100,000
// stored partner results in under 200 MB of heap.
func TestHeap100kResults(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 100,000 results; skipped with -short")
	}
	const limit = 200e6
	h := newHeapStore()
	for !h.full() {
		h.add(t)
	}
	heap := h.heap()
	t.Logf("%d results hold %.1f MB of heap, %d bytes each", heapResults, float64(heap)/1e6, heap/heapResults)
	if heap >= limit {
		t.Errorf("%d results hold %.1f MB of heap, want under %.0f MB", heapResults, float64(heap)/1e6, limit/1e6)
	}
}
