package store

import (
	"net/http"
	"slices"
)

// The journal keeps what partners and requests sent bounded in bytes as
// well as in count (README "Security").
const (
	// JournalHeaderLimit is how many bytes of headers the journal keeps
	// per message (names, values and ": " and CRLF, as on the wire).
	// Headers beyond it are dropped and the message says so
	// (HeaderTruncated, HeaderSize).
	JournalHeaderLimit = 64 << 10
	// DefaultJournalByteLimit bounds the journal as a whole: beyond it
	// the oldest entries go, as they do beyond the entry limit.
	DefaultJournalByteLimit = 64 << 20
)

// CutHeader copies h keeping at most limit bytes of it, whole fields in
// name order, and reports the size of the whole header block and whether
// fields were dropped.
func CutHeader(h http.Header, limit int) (out http.Header, size int, cut bool) {
	for k, vs := range h {
		for _, v := range vs {
			size += len(k) + len(v) + 4
		}
	}
	if size <= limit {
		// The usual case, on the Partner API's hot path: one copy.
		out = h.Clone()
		if out == nil {
			out = http.Header{}
		}
		return out, size, false
	}
	size = 0
	out = make(http.Header, min(len(h), 64))
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	kept := 0
	for _, k := range names {
		for _, v := range h[k] {
			n := len(k) + len(v) + 4
			size += n
			if kept+n > limit {
				cut = true
				continue
			}
			kept += n
			out[k] = append(out[k], v)
		}
	}
	return out, size, cut
}

// MessageSize is roughly how many bytes an HTTPMessage holds.
func MessageSize(m *HTTPMessage) int {
	if m == nil {
		return 0
	}
	n := len(m.Method) + len(m.URL) + len(m.Body) + 64
	if !m.HeaderTruncated && (m.HeaderSize > 0 || len(m.Header) == 0) {
		// CutHeader counted the fields this way, and kept them all.
		return n + m.HeaderSize
	}
	for k, vs := range m.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// DeliverySize is roughly how many bytes a journal entry holds.
func DeliverySize(d *Delivery) int {
	return 256 + len(d.Reason) + len(d.EventID) + len(d.ResultID) + len(d.CompanyUUID) + len(d.BulkRunID) +
		MessageSize(&d.Request) + MessageSize(d.Response)
}

// journalOver returns how many of the oldest journal entries must go to
// bring it within its entry and byte limits (the newest always stays),
// and takes their bytes off the count. s.mu must be held for writing.
func (s *MemStore) journalOver() int {
	over := max(len(s.journal)-s.journalLimit, 0)
	for i := range over {
		s.journalBytes -= DeliverySize(&s.journal[i])
	}
	for over < len(s.journal)-1 && s.journalBytes > s.journalByteLimit {
		s.journalBytes -= DeliverySize(&s.journal[over])
		over++
	}
	return over
}

// SetJournalByteLimit bounds the journal to n bytes (by a rough count of
// what each entry holds); the oldest entries go first.
func (s *MemStore) SetJournalByteLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.journalByteLimit = max(n, 1)
	if over := s.journalOver(); over > 0 {
		s.journal = slices.Clone(s.journal[over:])
	}
}
