package store

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// Kinds of journal entries: every call the mock makes to a partner, and
// every Partner API request a partner makes.
const (
	KindConfig     = "config"
	KindActivation = "activation"
	KindValidate   = "validate"
	KindWebhook    = "webhook"
	KindAction     = "action"
	KindPartnerAPI = "partner-api"
	// KindCompanyWebhook is a company webhook or partner setup delivery
	// (docs/company-webhooks.md §7).
	KindCompanyWebhook = "company-webhook"
)

// Verdicts of journal entries.
const (
	VerdictOK      = "ok"      // the exchange went as the protocol expects
	VerdictFailed  = "failed"  // the other side answered with a failure status
	VerdictInvalid = "invalid" // it answered, but what it sent breaks the protocol
	VerdictError   = "error"   // no answer: timeout, refused connection, TLS or DNS error
)

// Delivery is one journal entry: an HTTP exchange with a partner, in
// either direction, and what the mock made of it.
type Delivery struct {
	ID          int64        `json:"id"`
	Kind        string       `json:"kind"`
	PartnerID   string       `json:"partnerId"`
	Time        time.Time    `json:"time"`
	DurationMS  float64      `json:"durationMs"`
	Request     HTTPMessage  `json:"request"`
	Response    *HTTPMessage `json:"response,omitempty"` // nil when nothing came back
	Verdict     string       `json:"verdict"`
	Reason      string       `json:"reason"`
	EventID     string       `json:"eventId,omitempty"`
	ResultID    string       `json:"resultId,omitempty"`
	CandidateID int64        `json:"candidateId,omitempty"`
	TriggerID   int64        `json:"triggerId,omitempty"`
	CompanyUUID string       `json:"companyUuid,omitempty"`
	BulkRunID   string       `json:"bulkRunId,omitempty"`
	ReplayOf    int64        `json:"replayOf,omitempty"`
	// Purpose is PurposeForm for a fetch made only to show a person a
	// form (a trigger form or the marketplace opened), not to send
	// anything: the inspector labels those, so they are not mistaken for
	// calls a trigger made.
	Purpose string `json:"purpose,omitempty"`
	// Capture marks the replay of a captured webhook (replay.go).
	Capture *CaptureReplay `json:"capture,omitempty"`
}

// PurposeForm marks a journal entry fetched to show a form (Delivery.Purpose).
const PurposeForm = "form"

// HTTPMessage is a request or response as the journal keeps it; bodies
// beyond the journal's limit are cut.
type HTTPMessage struct {
	Method string      `json:"method,omitempty"`
	URL    string      `json:"url,omitempty"`
	Status int         `json:"status,omitempty"`
	Header http.Header `json:"header"`
	// HeaderSize is the size of the whole header block; HeaderTruncated
	// marks a block cut at JournalHeaderLimit (whole fields dropped).
	HeaderSize      int    `json:"headerSize,omitempty"`
	HeaderTruncated bool   `json:"headerTruncated,omitempty"`
	Body            string `json:"body"`
	BodySize        int    `json:"bodySize"`
	BodyTruncated   bool   `json:"bodyTruncated,omitempty"`
}

// JournalFilter selects journal entries; zero fields match everything.
type JournalFilter struct {
	Kind      string
	Verdict   string
	PartnerID string
	EventID   string
	ResultID  string
	BulkRunID string
	AfterID   int64 // only entries with a larger id
	Limit     int   // at most this many, the newest; 0 is all
}

func (f JournalFilter) match(d Delivery) bool {
	return (f.Kind == "" || d.Kind == f.Kind) &&
		(f.Verdict == "" || d.Verdict == f.Verdict) &&
		(f.PartnerID == "" || d.PartnerID == f.PartnerID) &&
		(f.EventID == "" || d.EventID == f.EventID) &&
		(f.ResultID == "" || d.ResultID == f.ResultID) &&
		(f.BulkRunID == "" || d.BulkRunID == f.BulkRunID) &&
		d.ID > f.AfterID
}

// NewHTTPMessage copies a header, at most JournalHeaderLimit bytes of it,
// and keeps at most limit bytes of body, cut on a rune boundary.
func NewHTTPMessage(header http.Header, body []byte, limit int) HTTPMessage {
	return newHTTPMessage(header, JournalHeaderLimit, body, limit)
}

// NewHTTPMessageString is NewHTTPMessage for a body already held as a
// string, which the message keeps without a copy when it is valid UTF-8
// within limit (the Partner API journal's usual case).
func NewHTTPMessageString(header http.Header, body string, limit int) HTTPMessage {
	return newHTTPMessage(header, JournalHeaderLimit, body, limit)
}

// NewHTTPMessageCut is NewHTTPMessageString keeping at most headerLimit
// bytes of headers (CutHeader) rather than JournalHeaderLimit.
func NewHTTPMessageCut(header http.Header, headerLimit int, body string, limit int) HTTPMessage {
	return newHTTPMessage(header, min(headerLimit, JournalHeaderLimit), body, limit)
}

func newHTTPMessage[B []byte | string](header http.Header, headerLimit int, body B, limit int) HTTPMessage {
	m := HTTPMessage{BodySize: len(body)}
	m.Header, m.HeaderSize, m.HeaderTruncated = CutHeader(header, headerLimit)
	if limit > 0 && len(body) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		body = body[:cut]
		m.BodyTruncated = true
	}
	m.Body = string(body)
	if m.BodyTruncated {
		// A string body cut is a part of the caller's string: the
		// journal keeps a copy of the part, not the whole body.
		m.Body = strings.Clone(m.Body)
	}
	if !utf8.ValidString(m.Body) { // ToValidUTF8 alone walks the body rune by rune
		m.Body = strings.ToValidUTF8(m.Body, "\uFFFD")
	}
	return m
}

// CaptureReplay marks a journal entry as the replay of a captured
// webhook and says what the mock changed in it.
type CaptureReplay struct {
	// Source is where the capture came from ("the document", "line 3",
	// "fixture NAME").
	Source string `json:"source"`
	// RewrittenPaths are the JSON pointers of the body the mock rewrote
	// to make the capture local; everything else is as captured.
	RewrittenPaths []string `json:"rewrittenPaths"`
	// Deviations are the capture's differences from the webhook schema.
	Deviations []protocol.Deviation `json:"deviations"`
}
