package mockteamtailor

import (
	"net/http"
	"slices"
	"time"
)

// Everything the mock keeps of what a partner or a request sent is
// bounded in bytes as well as in count; the README's table of limits names
// each of these (README "Security").
const (
	// JournalHeaderLimit is how many bytes of headers the journal keeps
	// per message (names, values and ": " and CRLF, as on the wire).
	// Headers beyond it are dropped and the message says so
	// (HeaderTruncated, HeaderSize).
	JournalHeaderLimit = 64 << 10
	// DefaultJournalByteLimit bounds the journal as a whole: beyond it
	// the oldest entries go, as they do beyond the entry limit.
	DefaultJournalByteLimit = 64 << 20
	// RefusedBodyLimit is how many bytes of body the journal keeps of a
	// Partner API request refused before authentication: enough to
	// recognise it, too little for anyone to fill the journal with.
	RefusedBodyLimit = 1 << 10
	// MaxPartnerHeaderBytes bounds the headers of a partner's answer;
	// a larger header block fails the call (Go's client default is 10 MB).
	MaxPartnerHeaderBytes = 1 << 20

	// MaxUploads, MaxUploadBytes and UploadTTL bound the files uploaded
	// for file fields: how many are kept, their size together, and how
	// long each is kept. Reset clears them.
	MaxUploads     = 100
	MaxUploadBytes = 64 << 20
	UploadTTL      = time.Hour

	// MaxGenerate is how many candidates one generate call makes, and
	// MaxGeneratedCandidates how many candidates the store may hold for
	// generate to add more.
	MaxGenerate            = 10000
	MaxGeneratedCandidates = 20000
)

// cutHeader copies h keeping at most limit bytes of it, whole fields in
// name order, and reports the size of the whole header block and whether
// fields were dropped.
func cutHeader(h http.Header, limit int) (out http.Header, size int, cut bool) {
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

// messageSize is roughly how many bytes an HTTPMessage holds.
func messageSize(m *HTTPMessage) int {
	if m == nil {
		return 0
	}
	n := len(m.Method) + len(m.URL) + len(m.Body) + 64
	for k, vs := range m.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// deliverySize is roughly how many bytes a journal entry holds.
func deliverySize(d *Delivery) int {
	return 256 + len(d.Reason) + len(d.EventID) + len(d.ResultID) + len(d.CompanyUUID) + len(d.BulkRunID) +
		messageSize(&d.Request) + messageSize(d.Response)
}

// journalOver returns how many of the oldest journal entries must go to
// bring it within its entry and byte limits (the newest always stays),
// and takes their bytes off the count. s.mu must be held for writing.
func (s *MemStore) journalOver() int {
	over := max(len(s.journal)-s.journalLimit, 0)
	for i := range over {
		s.journalBytes -= deliverySize(&s.journal[i])
	}
	for over < len(s.journal)-1 && s.journalBytes > s.journalByteLimit {
		s.journalBytes -= deliverySize(&s.journal[over])
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
