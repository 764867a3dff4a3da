package store

import (
	"net/http"
	"slices"
	"strings"
	"unsafe"
)

// The journal keeps what partners and requests sent bounded in bytes as
// well as in count (docs/security.md).
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

// What keeping a header field costs beyond its name and value bytes: the
// map's slot for the name (a string and a slice header, in a table kept at
// most 7/8 full and grown by doubling), and a string header per value. A
// header of thousands of one-byte fields holds several times its wire size;
// the journal counts what it holds, not what was sent.
const (
	headerFieldOverhead = 96
	headerValueOverhead = 16
)

// CutHeader copies h keeping at most limit bytes of it, whole fields in
// name order, and reports the size of the whole header block as sent
// (names, values, ": " and CRLF) and whether fields were dropped. The
// limit counts what the copy holds (HeaderBytes), so a block of many
// tiny fields is cut as soon as one of a few large ones.
func CutHeader(h http.Header, limit int) (out http.Header, size int, cut bool) {
	held := 0
	for k, vs := range h {
		held += len(k) + headerFieldOverhead
		for _, v := range vs {
			size += len(k) + len(v) + 4
			held += len(v) + headerValueOverhead
		}
	}
	if held <= limit {
		// The usual case, on the Partner API's hot path: one copy.
		out = h.Clone()
		if out == nil {
			out = http.Header{}
		}
		return out, size, false
	}
	out = make(http.Header, min(len(h), 64))
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	kept := 0
	for _, k := range names {
		for _, v := range h[k] {
			n := len(v) + headerValueOverhead
			if _, ok := out[k]; !ok {
				n += len(k) + headerFieldOverhead
			}
			if kept+n > limit {
				cut = true
				continue
			}
			kept += n
			// A copy of the value: the caller's may be part of a larger
			// string the journal must not keep reachable.
			out[k] = append(out[k], strings.Clone(v))
		}
	}
	return out, size, cut
}

// HeaderBytes is how many bytes keeping h costs: its names and values and
// the map and slices that hold them.
func HeaderBytes(h http.Header) int {
	n := 0
	for k, vs := range h {
		n += len(k) + headerFieldOverhead
		for _, v := range vs {
			n += len(v) + headerValueOverhead
		}
	}
	return n
}

// MessageSize is how many bytes an HTTPMessage holds: its strings, its
// header map (HeaderBytes) and the struct itself.
func MessageSize(m *HTTPMessage) int {
	if m == nil {
		return 0
	}
	return int(unsafe.Sizeof(*m)) + len(m.Method) + len(m.URL) + len(m.Body) + HeaderBytes(m.Header)
}

// DeliverySize is how many bytes a journal entry holds: its strings, its
// messages and the struct itself (its slot in the journal's array, which
// is twice the entries it may hold, is counted twice).
func DeliverySize(d *Delivery) int {
	n := 2*int(unsafe.Sizeof(*d)) + len(d.Kind) + len(d.PartnerID) + len(d.Verdict) + len(d.Reason) + len(d.EventID) +
		len(d.ResultID) + len(d.CompanyUUID) + len(d.BulkRunID) + len(d.Purpose) +
		MessageSize(&d.Request) - int(unsafe.Sizeof(d.Request)) + MessageSize(d.Response)
	if c := d.Capture; c != nil {
		n += int(unsafe.Sizeof(*c)) + len(c.Source)
		for _, p := range c.RewrittenPaths {
			n += len(p) + 16
		}
		for _, v := range c.Deviations {
			n += int(unsafe.Sizeof(v)) + len(v.Pointer) + len(v.Kind) + len(v.Message)
		}
	}
	return n
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

// dropJournalLocked lets the oldest over entries go. Their slots in the
// array the journal is a window onto are zeroed: a slot left behind the
// window would keep its entry's headers and bodies reachable until the
// window next moves back to the array's start, thousands of entries later.
// s.mu must be held for writing.
func (s *MemStore) dropJournalLocked(over int) {
	if over <= 0 {
		return
	}
	clear(s.journal[:over])
	s.journal = s.journal[over:]
}

// clearJournalLocked empties the journal and lets go of its array.
func (s *MemStore) clearJournalLocked() {
	s.journal, s.journalBuf, s.journalBytes = nil, nil, 0
}

// SetJournalByteLimit bounds the journal to n bytes (by the count of
// DeliverySize); the oldest entries go first.
func (s *MemStore) SetJournalByteLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.journalByteLimit = max(n, 1)
	s.dropJournalLocked(s.journalOver())
}
