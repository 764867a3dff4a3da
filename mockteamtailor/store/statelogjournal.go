package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
)

// journalRecord starts a log payload holding one journal entry in binary
// (a JSON payload starts with '{'). Every Partner API request appends one,
// so it is encoded like a result (statebinary.go) rather than as JSON:
// encoding its header maps and escaped bodies as JSON cost a durable
// request about as much CPU as the update itself, and doubled the bytes
// it logged. The fields, in declaration order:
//
//	'J', id, kind, partner id, time, duration (8 bytes), request,
//	response (flag, then the message), verdict, reason, event id,
//	result id, candidate id, trigger id, company uuid, bulk run id,
//	replay of, purpose, capture (raw JSON, 0 for none)
//
// and a message is method, url, status, header (length+1 then name and
// values per field, 0 for nil), header size, header truncated, body,
// body size, body truncated.
//
// A field added to Delivery or HTTPMessage must be added here too:
// TestJournalCodecCoversEveryField fails until it is.
const journalRecord = 'J'

// appendJournalRecord appends the log payload of journal entry d to b.
func appendJournalRecord(b []byte, d *Delivery) []byte {
	b = append(b, journalRecord)
	b = binary.AppendVarint(b, d.ID)
	b = appendString(b, d.Kind)
	b = appendString(b, d.PartnerID)
	b = appendTime(b, d.Time)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(d.DurationMS))
	b = appendMessage(b, &d.Request)
	b = appendBool(b, d.Response != nil)
	if d.Response != nil {
		b = appendMessage(b, d.Response)
	}
	for _, s := range [...]string{d.Verdict, d.Reason, d.EventID, d.ResultID} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, d.CandidateID)
	b = binary.AppendVarint(b, d.TriggerID)
	b = appendString(b, d.CompanyUUID)
	b = appendString(b, d.BulkRunID)
	b = binary.AppendVarint(b, d.ReplayOf)
	b = appendString(b, d.Purpose)
	var capture json.RawMessage
	if d.Capture != nil {
		// Rare (replays of captured webhooks), and only strings.
		capture, _ = json.Marshal(d.Capture)
	}
	return appendRaw(b, capture)
}

func appendMessage(b []byte, m *HTTPMessage) []byte {
	b = appendString(b, m.Method)
	b = appendString(b, m.URL)
	b = binary.AppendVarint(b, int64(m.Status))
	b = appendLen(b, m.Header == nil, len(m.Header))
	for name, values := range m.Header {
		b = appendString(b, name)
		b = appendLen(b, values == nil, len(values))
		for _, v := range values {
			b = appendString(b, v)
		}
	}
	b = binary.AppendVarint(b, int64(m.HeaderSize))
	b = appendBool(b, m.HeaderTruncated)
	b = appendString(b, m.Body)
	b = binary.AppendVarint(b, int64(m.BodySize))
	return appendBool(b, m.BodyTruncated)
}

// decodeJournalRecord decodes the payload appendJournalRecord made.
func decodeJournalRecord(payload []byte) (Delivery, error) {
	d := binReader{data: payload, off: 1}
	var e Delivery
	e.ID = d.varint()
	e.Kind = d.string()
	e.PartnerID = d.string()
	e.Time = d.time()
	if b := d.bytes(8); b != nil {
		e.DurationMS = math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	d.message(&e.Request)
	if d.flag() {
		e.Response = new(HTTPMessage)
		d.message(e.Response)
	}
	for _, s := range [...]*string{&e.Verdict, &e.Reason, &e.EventID, &e.ResultID} {
		*s = d.string()
	}
	e.CandidateID = d.varint()
	e.TriggerID = d.varint()
	e.CompanyUUID = d.string()
	e.BulkRunID = d.string()
	e.ReplayOf = d.varint()
	e.Purpose = d.string()
	if capture := d.raw(); capture != nil && d.err == nil {
		e.Capture = new(CaptureReplay)
		if err := json.Unmarshal(capture, e.Capture); err != nil {
			d.fail("bad capture")
		}
	}
	if d.err == nil && d.off != len(payload) {
		d.fail("data after the journal entry")
	}
	if d.err != nil {
		return Delivery{}, fmt.Errorf("record is not a journal entry: %w", d.err)
	}
	return e, nil
}

func (d *binReader) message(m *HTTPMessage) {
	m.Method = d.string()
	m.URL = d.string()
	m.Status = int(d.varint())
	// A field takes at least 2 bytes: its name's length and its values'.
	if n, ok := d.len(2); ok {
		m.Header = make(http.Header, n)
		for range n {
			name := d.string()
			var values []string
			if k, ok := d.len(1); ok {
				values = make([]string, k)
				for i := range values {
					values[i] = d.string()
				}
			}
			if d.err != nil {
				break
			}
			m.Header[name] = values
		}
	}
	m.HeaderSize = int(d.varint())
	m.HeaderTruncated = d.bool()
	m.Body = d.string()
	m.BodySize = int(d.varint())
	m.BodyTruncated = d.bool()
}
