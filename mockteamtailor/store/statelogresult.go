package store

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// resultsRecord starts a log payload holding result changes in binary (a
// JSON payload starts with '{'):
//
//	'B'
//	the id counters: job, stage, candidate, trigger, delivery, activation (varints)
//	count (uvarint), then per result: id (string), 1 and the result
//	(statebinary.go), or 0 when it was deleted
const resultsRecord = 'B'

// onlyResultsTouched reports whether the running mutation changed results
// and nothing else.
func (s *MemStore) onlyResultsTouched() bool {
	for _, k := range s.touched {
		if k.kind != recResult {
			return false
		}
	}
	return len(s.touched) > 0
}

// appendResultsRecord appends the binary record of the results the running
// mutation touched (with s.mu held).
func (s *MemStore) appendResultsRecord(b []byte) []byte {
	b = append(b, resultsRecord)
	for _, n := range []int64{s.next.Job, s.next.Stage, s.next.Candidate, s.next.Trigger, s.next.Delivery, int64(s.nextActivationID)} {
		b = binary.AppendVarint(b, n)
	}
	ids := make([]string, 0, len(s.touched))
	for _, k := range s.touched {
		seen := false
		for _, id := range ids {
			seen = seen || id == k.id
		}
		if !seen {
			ids = append(ids, k.id)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(ids)))
	for _, id := range ids {
		b = appendString(b, id)
		if blob, ok := s.results[id]; ok {
			b = append(append(b, 1), blob...) // a block is the result's binary form
		} else {
			b = append(b, 0)
		}
	}
	return b
}

// applyResultsRecord replays a binary results record.
func (s *MemStore) applyResultsRecord(payload []byte) error {
	d := binReader{data: payload, off: 1}
	var next counters
	for _, n := range []*int64{&next.Job, &next.Stage, &next.Candidate, &next.Trigger, &next.Delivery} {
		*n = d.varint()
	}
	nextActivation := d.varint()
	count := d.uvarint()
	if d.err == nil && count > uint64(len(payload)) {
		return fmt.Errorf("record of %d results in %d bytes", count, len(payload))
	}
	type change struct {
		id   string
		blob []byte // nil: deleted
	}
	changes := make([]change, 0, count)
	var scratch PartnerResult
	for range count {
		c := change{id: d.string()}
		if d.flag() {
			start := d.off
			d.result(&scratch) // checks the block
			c.blob = slices.Clone(d.data[start:d.off])
		}
		if d.err != nil {
			break
		}
		changes = append(changes, c)
	}
	if d.err == nil && d.off != len(payload) {
		d.fail("data after the last result")
	}
	if d.err != nil {
		return fmt.Errorf("record is not a state change: %w", d.err)
	}
	// Nothing is applied unless the whole record decoded.
	for _, c := range changes {
		s.putResult(c.id, c.blob)
	}
	s.next = next
	s.nextActivationID = max(int(nextActivation), 1)
	return nil
}
