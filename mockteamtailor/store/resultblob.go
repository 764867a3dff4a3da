package store

import (
	"slices"
	"sync"
)

// The store keeps each partner result in its binary form (statebinary.go),
// one pointer-free block per result, rather than as a PartnerResult, whose
// strings, slices and optional fields make some twenty pointers. The
// garbage collector marks every pointer the heap holds, and every request
// pays for the collections its allocations cause: with 100,000 results
// stored as structs, marking them was most of a request's CPU time, so
// the cost of a write grew with the store. Blocks are never written
// through: a change stores a new one, so a snapshot may share them.
//
// Reads decode a block into a fresh PartnerResult, which is the copy the
// Store contract asks for.

// resultScratch holds buffers to encode a result into before it is copied
// into a block of its exact size.
var resultScratch = sync.Pool{New: func() any { return new([]byte) }}

// encodeResultBlob returns the block of r.
func encodeResultBlob(r *PartnerResult) []byte {
	p := resultScratch.Get().(*[]byte)
	b := appendResult((*p)[:0], r)
	blob := slices.Clone(b)
	if cap(b) <= 64<<10 {
		*p = b
		resultScratch.Put(p)
	}
	return blob
}

// decodeResultBlob returns the result a block holds.
func decodeResultBlob(blob []byte) PartnerResult {
	d := binReader{data: blob}
	// Every string of the result is cut from one copy of the block and
	// its optional fields point into one arena: a handful of allocations
	// instead of one per field, on every read and update.
	d.useArena()
	var r PartnerResult
	d.result(&r)
	if d.err == nil && d.off != len(blob) {
		d.fail("data after the result")
	}
	if d.err != nil {
		// Blocks are made by encodeResultBlob, or checked when read from
		// disk: this is a bug, not bad input.
		panic("store: a stored result does not decode: " + d.err.Error())
	}
	return r
}

// blobPartnerIs reports whether the result block belongs to partnerID,
// without decoding it: the id and the partner id come first.
func blobPartnerIs(blob []byte, partnerID string) bool {
	d := binReader{data: blob}
	d.bytes(d.uvarint())
	return string(d.bytes(d.uvarint())) == partnerID && d.err == nil
}

// blobIdentity returns the id and the partner id of a result block.
func blobIdentity(blob []byte) (id, partnerID string) {
	d := binReader{data: blob}
	return d.string(), d.string()
}
