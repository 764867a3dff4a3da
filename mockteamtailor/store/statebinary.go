package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// The binary encoding of a PartnerResult, used by the snapshot (version 3)
// for its results: with 100,000 results, decoding them from JSON took
// seconds of CPU even on every core, while this decodes them in a few
// hundred milliseconds. A result is its fields in declaration order:
//
//	strings, raw JSON, slices   uvarint length+1, 0 meaning nil, then the bytes or elements
//	integers                    zig-zag varint
//	pointers                    one byte 0 (nil) or 1, then the value
//	floats                      8 bytes, little endian IEEE 754
//	times                       uvarint length, then time.Time's binary form
//	bools                       one byte, 0 or 1
//
// A field added to PartnerResult must be added here too:
// TestResultCodecCoversEveryField fails until it is.

// errBinaryRecord is why a binary record does not decode.
var errBinaryRecord = errors.New("malformed binary record")

// appendResult appends the binary form of r to b.
func appendResult(b []byte, r *PartnerResult) []byte {
	b = appendString(b, r.ID)
	b = appendString(b, r.PartnerID)
	b = appendString(b, string(r.Status))
	b = binary.AppendVarint(b, r.CandidateID)
	b = appendIntPtr(b, r.JobID)
	b = appendStringPtr(b, r.Summary)
	b = appendStringPtr(b, r.URL)
	b = appendFloatPtr(b, r.Assessment.Score)
	b = appendStringPtr(b, r.Assessment.Grade)
	b = appendIntPtr(b, r.Assessment.Duration)
	b = appendRaw(b, r.Details)
	b = appendLen(b, r.Attachments == nil, len(r.Attachments))
	for _, a := range r.Attachments {
		b = appendString(b, a.URL)
		b = appendString(b, a.Description)
	}
	b = appendLen(b, r.Actions == nil, len(r.Actions))
	for _, a := range r.Actions {
		b = appendString(b, a.ButtonText)
		b = appendString(b, a.Endpoint)
	}
	b = appendLen(b, r.AssessmentCriteria == nil, len(r.AssessmentCriteria))
	for _, c := range r.AssessmentCriteria {
		b = appendRaw(b, c.ID)
		b = appendFloatPtr(b, c.Score)
	}
	b = appendTime(b, r.CreatedAt)
	b = appendTime(b, r.UpdatedAt)
	b = appendString(b, r.CompanyUUID)
	b = appendString(b, r.EventID)
	b = appendIntPtr(b, r.TriggerID)
	b = appendRaw(b, r.Event)
	b = appendString(b, r.Message)
	return appendBool(b, r.DeliveryFailed)
}

// decodeResult decodes one result from d.
func (d *binReader) result(r *PartnerResult) {
	r.ID = d.string()
	r.PartnerID = d.string()
	r.Status = protocol.Status(d.string())
	r.CandidateID = d.varint()
	r.JobID = d.intPtr()
	r.Summary = d.stringPtr()
	r.URL = d.stringPtr()
	r.Assessment.Score = d.floatPtr()
	r.Assessment.Grade = d.stringPtr()
	r.Assessment.Duration = d.intPtr()
	r.Details = d.raw()
	if n, ok := d.len(2); ok {
		r.Attachments = make([]protocol.Attachment, n)
		for i := range r.Attachments {
			r.Attachments[i] = protocol.Attachment{URL: d.string(), Description: d.string()}
		}
	}
	if n, ok := d.len(2); ok {
		r.Actions = make([]protocol.Action, n)
		for i := range r.Actions {
			r.Actions[i] = protocol.Action{ButtonText: d.string(), Endpoint: d.string()}
		}
	}
	if n, ok := d.len(2); ok {
		r.AssessmentCriteria = make([]protocol.Criterion, n)
		for i := range r.AssessmentCriteria {
			r.AssessmentCriteria[i] = protocol.Criterion{ID: d.raw(), Score: d.floatPtr()}
		}
	}
	r.CreatedAt = d.time()
	r.UpdatedAt = d.time()
	r.CompanyUUID = d.string()
	r.EventID = d.string()
	r.TriggerID = d.intPtr()
	r.Event = d.raw()
	r.Message = d.string()
	r.DeliveryFailed = d.bool()
}

func appendLen(b []byte, isNil bool, n int) []byte {
	if isNil {
		return append(b, 0)
	}
	return binary.AppendUvarint(b, uint64(n)+1)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, 0)
	}
	return appendString(append(b, 1), *s)
}

func appendRaw(b []byte, raw json.RawMessage) []byte {
	b = appendLen(b, raw == nil, len(raw))
	return append(b, raw...)
}

func appendIntPtr(b []byte, n *int64) []byte {
	if n == nil {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), *n)
}

func appendFloatPtr(b []byte, f *float64) []byte {
	if f == nil {
		return append(b, 0)
	}
	return binary.LittleEndian.AppendUint64(append(b, 1), math.Float64bits(*f))
}

func appendTime(b []byte, t time.Time) []byte {
	enc, err := t.MarshalBinary()
	if err != nil {
		// Only a zone offset that is not whole minutes fails, which no
		// parsed or generated time has: keep the instant, in UTC.
		enc, _ = t.UTC().MarshalBinary()
	}
	b = binary.AppendUvarint(b, uint64(len(enc)))
	return append(b, enc...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// binReader decodes binary records. The first problem sticks: every read
// after it returns a zero value, and err says what went wrong.
type binReader struct {
	data []byte
	off  int
	err  error

	// Optional, to decode with a few allocations rather than one per
	// field: text is data as a string, which strings are cut from; own is
	// a copy of data, which raw JSON is cut from; ints, floats and strs
	// have room for the values optional fields point to.
	text   string
	own    []byte
	ints   []int64
	floats []float64
	strs   []string
}

// resultArena holds the values a decoded result's optional fields point
// to, in one allocation.
type resultArena struct {
	ints   [4]int64
	floats [4]float64
	strs   [3]string
}

// useArena makes d decode into one copy of its data and one arena.
func (d *binReader) useArena() {
	a := new(resultArena)
	d.text, d.own = string(d.data), slices.Clone(d.data)
	d.ints, d.floats, d.strs = a.ints[:0], a.floats[:0], a.strs[:0]
}

func (d *binReader) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s at byte %d of the record", errBinaryRecord, what, d.off)
	}
	d.off = len(d.data)
}

func (d *binReader) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data[d.off:])
	if n <= 0 {
		d.fail("bad length")
		return 0
	}
	d.off += n
	return v
}

func (d *binReader) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.data[d.off:])
	if n <= 0 {
		d.fail("bad integer")
		return 0
	}
	d.off += n
	return v
}

// bytes returns the next n bytes, which stay part of d.data.
func (d *binReader) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.data)-d.off) {
		d.fail("length past the end")
		return nil
	}
	b := d.data[d.off : d.off+int(n)]
	d.off += int(n)
	return b
}

func (d *binReader) byte() byte {
	b := d.bytes(1)
	if b == nil {
		return 0
	}
	return b[0]
}

func (d *binReader) flag() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail("bad flag")
	return false
}

func (d *binReader) bool() bool { return d.flag() }

func (d *binReader) string() string {
	n := d.uvarint()
	start := d.off
	b := d.bytes(n)
	if d.text != "" && b != nil {
		return d.text[start:d.off]
	}
	return string(b)
}

func (d *binReader) stringPtr() *string {
	if !d.flag() {
		return nil
	}
	s := d.string()
	if len(d.strs) < cap(d.strs) {
		d.strs = append(d.strs, s)
		return &d.strs[len(d.strs)-1]
	}
	p := new(string) // not &s: s would escape on every path
	*p = s
	return p
}

// len reads a slice length; ok is false for a nil slice. Each element
// takes at least minSize bytes, which bounds what a damaged length can
// make the decoder allocate.
func (d *binReader) len(minSize int) (int, bool) {
	n := d.uvarint()
	if n == 0 {
		return 0, false
	}
	n--
	if n > uint64(len(d.data)-d.off)/uint64(minSize) {
		d.fail("slice length past the end")
		return 0, false
	}
	return int(n), true
}

func (d *binReader) raw() json.RawMessage {
	n, ok := d.len(1)
	if !ok {
		return nil
	}
	start := d.off
	b := d.bytes(uint64(n))
	if d.err != nil {
		return nil
	}
	if d.own != nil {
		return d.own[start:d.off:d.off]
	}
	return append(json.RawMessage{}, b...)
}

func (d *binReader) intPtr() *int64 {
	if !d.flag() {
		return nil
	}
	n := d.varint()
	if len(d.ints) < cap(d.ints) {
		d.ints = append(d.ints, n)
		return &d.ints[len(d.ints)-1]
	}
	p := new(int64)
	*p = n
	return p
}

func (d *binReader) floatPtr() *float64 {
	if !d.flag() {
		return nil
	}
	b := d.bytes(8)
	if b == nil {
		return nil
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(b))
	if len(d.floats) < cap(d.floats) {
		d.floats = append(d.floats, f)
		return &d.floats[len(d.floats)-1]
	}
	p := new(float64)
	*p = f
	return p
}

func (d *binReader) time() time.Time {
	b := d.bytes(d.uvarint())
	if d.err != nil {
		return time.Time{}
	}
	var t time.Time
	if err := t.UnmarshalBinary(b); err != nil {
		d.fail("bad time")
	}
	return t
}
