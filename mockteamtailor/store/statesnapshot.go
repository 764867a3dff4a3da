package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"runtime"
	"slices"
	"sync"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/statelog"
)

// The snapshot (state file version 3) is framed like the state log:
//
//	snapshotMagic
//	frames: length uint32 LE, CRC-32C uint32 LE, payload
//
// The first payload is 'H' and the JSON state document without its
// results; then come 'R' payloads, each a uvarint count and that many
// results in their binary encoding (statebinary.go); the last is 'E' and a
// uvarint of the number of results. Results are framed in chunks so that
// start-up decodes them on every core, and they are binary because
// decoding 100,000 of them from JSON took seconds. The file is replaced
// atomically, so any damage, truncation included, is corruption: the store
// refuses to start, naming the file and the offset.
const snapshotMagic = "mockteamtailor-state 3\n"

// snapshotChunk is how many results one frame holds.
const snapshotChunk = 1024

const (
	frameHeader  = 'H'
	frameResults = 'R'
	frameEnd     = 'E'
)

// encodeSnapshot returns the version 3 file of st.
func encodeSnapshot(st *state) ([]byte, error) {
	head := *st
	head.Format, head.Version, head.Results = stateFormat, stateVersion, nil
	hj, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	// A snapshot of the store holds the results as blocks, which are their
	// binary form already; a loaded state holds them decoded.
	total := len(st.Results) + len(st.ResultBlobs)
	size := len(snapshotMagic) + len(hj) + 16 + len(st.Results)*600
	for _, blob := range st.ResultBlobs {
		size += len(blob)
	}
	buf := make([]byte, 0, size+(total/snapshotChunk+3)*16)
	buf = append(buf, snapshotMagic...)
	buf = statelog.Frame(buf, func(b []byte) []byte { return append(append(b, frameHeader), hj...) })
	for start := 0; start < total; start += snapshotChunk {
		end := min(start+snapshotChunk, total)
		buf = statelog.Frame(buf, func(b []byte) []byte {
			b = binary.AppendUvarint(append(b, frameResults), uint64(end-start))
			for i := start; i < end; i++ {
				if i < len(st.Results) {
					b = appendResult(b, &st.Results[i])
				} else {
					b = append(b, st.ResultBlobs[i-len(st.Results)]...)
				}
			}
			return b
		})
	}
	buf = statelog.Frame(buf, func(b []byte) []byte {
		return binary.AppendUvarint(append(b, frameEnd), uint64(total))
	})
	return buf, nil
}

// snapshotError is damage at an offset of a snapshot.
type snapshotError struct {
	offset int
	reason string
}

func (e *snapshotError) Error() string {
	return fmt.Sprintf("corrupt at byte offset %d (%s)", e.offset, e.reason)
}

// decodeSnapshotV3 decodes a version 3 state file (data starts with
// snapshotMagic). Errors are *snapshotError.
func decodeSnapshotV3(data []byte) (*state, error) {
	type chunk struct {
		offset  int // of the frame, for errors
		payload []byte
		start   int // index of its first result
	}
	var (
		st     *state
		chunks []chunk
		total  int
		ended  bool
	)
	off := len(snapshotMagic)
	for off < len(data) {
		if ended {
			return nil, &snapshotError{off, "data after the end of the snapshot"}
		}
		rest := data[off:]
		if len(rest) < 8 {
			return nil, &snapshotError{off, "cut off in a frame header"}
		}
		n := int(binary.LittleEndian.Uint32(rest))
		if n == 0 || n > len(rest)-8 {
			return nil, &snapshotError{off, fmt.Sprintf("frame length %d with %d bytes left", n, len(rest)-8)}
		}
		payload := rest[8 : 8+n]
		if crc32.Checksum(payload, statelog.CRCTable) != binary.LittleEndian.Uint32(rest[4:]) {
			return nil, &snapshotError{off, "checksum mismatch"}
		}
		switch kind := payload[0]; {
		case st == nil && kind != frameHeader:
			return nil, &snapshotError{off, "the first frame is not the header"}
		case kind == frameHeader:
			if st != nil {
				return nil, &snapshotError{off, "a second header"}
			}
			st = new(state)
			if err := strictDecode(payload[1:], st); err != nil {
				return nil, &snapshotError{off, "header: " + err.Error()}
			}
			if st.Format != stateFormat || st.Version != 3 || st.Results != nil {
				return nil, &snapshotError{off, fmt.Sprintf("header of format %q version %d, want %q version 3 without results", st.Format, st.Version, stateFormat)}
			}
		case kind == frameResults:
			d := binReader{data: payload, off: 1}
			n := d.uvarint()
			// Each result takes well over 8 bytes: a damaged count cannot
			// make the decoder allocate much more than the file's size.
			if d.err != nil || n == 0 || n > uint64(len(payload)/8) {
				return nil, &snapshotError{off, fmt.Sprintf("a count of %d results in %d bytes", n, len(payload))}
			}
			count := int(n)
			chunks = append(chunks, chunk{offset: off, payload: payload[d.off:], start: total})
			total += count
		case kind == frameEnd:
			d := binReader{data: payload, off: 1}
			if want := d.uvarint(); d.err != nil || d.off != len(payload) || want != uint64(total) {
				return nil, &snapshotError{off, fmt.Sprintf("the end frame does not match the %d results before it", total)}
			}
			ended = true
		default:
			return nil, &snapshotError{off, fmt.Sprintf("unknown frame kind %q", kind)}
		}
		off += 8 + n
	}
	if !ended {
		return nil, &snapshotError{off, "cut off before the end frame"}
	}
	if total == 0 {
		return st, nil
	}
	// Each result is checked by decoding it, and kept as its block
	// (resultblob.go), which is what the store holds.
	st.ResultBlobs = make([][]byte, total)
	errs := make([]error, len(chunks))
	workers := min(runtime.GOMAXPROCS(0), len(chunks))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(chunks); i += workers {
				c := chunks[i]
				end := total
				if i+1 < len(chunks) {
					end = chunks[i+1].start
				}
				d := binReader{data: c.payload}
				var scratch PartnerResult
				for j := c.start; j < end && d.err == nil; j++ {
					start := d.off
					d.result(&scratch)
					st.ResultBlobs[j] = slices.Clone(d.data[start:d.off])
				}
				if d.err == nil && d.off != len(d.data) {
					d.fail("data after the last result")
				}
				if d.err != nil {
					errs[i] = &snapshotError{c.offset, "results: " + d.err.Error()}
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return st, nil
}

// isSnapshotV3 reports whether data is a version 3 state file.
func isSnapshotV3(data []byte) bool {
	return bytes.HasPrefix(data, []byte(snapshotMagic))
}
