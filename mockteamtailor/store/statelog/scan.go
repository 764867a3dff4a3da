package statelog

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"strings"
)

// What a crash can leave of a log, and what it cannot (docs/operators.md "State").
//
// A version 4 log is written so that a crash leaves one shape only: the
// file is extended with zeros, and those zeros fsync'd, before records
// are written into them, so a commit cut short by a crash leaves whole
// records, then what reached the disk of the records that were never
// acknowledged (whole sectors of them, the rest still zeros), then zeros
// to the end of the file. A new log starts with a start record and
// zeros; a clean shutdown cuts the zeros off and ends the log with an end
// record, which is zeroed before the log is appended to again. Every
// record ends with an end mark (its length, complemented), never zero.
//
// So the reader accepts, after the whole records: nothing, when the last
// of them is the end record; zeros; or one last record whose end mark is
// not on disk, followed by zeros, with a sector of it (512 bytes at
// a multiple of 512 in the file) zeros, whose length field is not
// contradicted by a shorter record that matches its checksum. That one
// is the torn tail: it was never acknowledged, and start-up drops it.
// Anything else is damage: start-up stops, naming the file, the offset
// and the problem, and changes no file.
//
// Logs of versions 1 to 3 have no end marks or end records: the same
// rules apply without them, and a log that ends after a whole record is
// taken as ended by a clean shutdown.

// Sector is the unit a disk writes whole: a crash loses whole
// sectors of a write, never part of one.
const Sector = 512

// EndRecord is the payload of the end record of a version 4 log, and
// StartRecord that of its first record.
const (
	EndRecord   = 'E'
	StartRecord = 'S'
)

// MagicV4 starts the header of a version 4 log, which goes on with
// the log's identity (32 hexadecimal digits), which the snapshot names,
// and a newline.
const MagicV4 = "mockteamtailor-log 4 "

// HeaderV4 is the size of a version 4 log's header.
const HeaderV4 = len(MagicV4) + 32 + 1

// Damage is what is wrong with a log file, and where.
type Damage struct {
	Offset  int64
	Problem string
}

// Scan is what Read found in a log file.
type Scan struct {
	Version   int    // 1 to 4
	ID        string // of a version 4 log
	HeaderLen int64
	Records   int   // whole records, start and end records included
	Data      int   // whole records but start and end records
	End       int64 // where the whole records end
	// Closed: the log ends with its end record (and nothing, or zeros),
	// which starts at EndRecordAt.
	Closed      bool
	EndRecordAt int64
	// Torn is the size of the torn last record at End (0: none).
	Torn  int64
	Size  int64
	Clean bool // no data records, only start and end records
	// Damage, when set, is the first problem; End is where the whole
	// records before it end.
	Damage *Damage
}

// ParseHeader returns the version, identity and size of the header
// of a log; a problem when data does not start with one.
func ParseHeader(data []byte) (version int, id string, n int, problem string) {
	if bytes.HasPrefix(data, []byte(MagicV4)) || strings.HasPrefix(MagicV4, string(data)) {
		if len(data) < HeaderV4 {
			return 4, "", 0, fmt.Sprintf("the file is %d bytes long, cut off in its %d-byte header", len(data), HeaderV4)
		}
		hexID := string(data[len(MagicV4) : HeaderV4-1])
		if _, err := hex.DecodeString(hexID); err != nil || data[HeaderV4-1] != '\n' || strings.ToLower(hexID) != hexID {
			return 4, "", 0, "the header's log identity is damaged"
		}
		return 4, hexID, HeaderV4, ""
	}
	for v, m := range [...]string{MagicV1, MagicV2, MagicV3} {
		if bytes.HasPrefix(data, []byte(m)) {
			return v + 1, "", len(m), ""
		}
		if strings.HasPrefix(m, string(data)) {
			return v + 1, "", 0, fmt.Sprintf("the file is %d bytes long, cut off in its header", len(data))
		}
	}
	return 0, "", 0, "not a mockteamtailor state log of a version this mockteamtailor reads"
}

// Read reads the records of a log file, calling apply with the
// payload and offset of each whole record but start and end records, up to the
// first damage or the end. An error of apply is damage at the record's
// offset.
func Read(data []byte, apply func(payload []byte, offset int64) error) Scan {
	sc := Scan{Size: int64(len(data)), Clean: true}
	v, id, hl, problem := ParseHeader(data)
	sc.Version, sc.ID, sc.HeaderLen = v, id, int64(hl)
	if problem != "" {
		sc.Damage = &Damage{0, problem}
		return sc
	}
	tl := 0 // end mark length
	if v >= 4 {
		tl = 4
	}
	off := hl
	sc.End = int64(off)
	// Where the zeros at the end of the file start: found once, as a
	// running log has megabytes of them.
	zerosFrom := len(bytes.TrimRight(data, "\x00"))
	fail := func(format string, args ...any) Scan {
		sc.End = int64(off)
		sc.Damage = &Damage{int64(off), fmt.Sprintf(format, args...)}
		return sc
	}
	for {
		rest := data[off:]
		sc.End = int64(off)
		if len(rest) == 0 {
			if v >= 4 && !sc.Closed {
				if sc.Records == 0 {
					return fail("the log ends after its header, without the start record a new log begins with")
				}
				return fail("the log ends after a whole record, without the end record of a clean shutdown or the zeros a running store keeps after its records: it was cut short")
			}
			return sc
		}
		if off >= zerosFrom {
			if v >= 4 && sc.Records == 0 {
				return fail("zeros after the header, without the start record a new log begins with")
			}
			return sc // the zeros ahead of the records
		}
		if sc.Closed {
			return fail("data after the end record a clean shutdown writes last")
		}
		if len(rest) < 8 {
			return fail("the file ends %d bytes into a record header: it was cut short", len(rest))
		}
		n := int(binary.LittleEndian.Uint32(rest))
		sum := binary.LittleEndian.Uint32(rest[4:])
		if n == 0 {
			return fail("a record length of 0, with data after it")
		}
		if n > MaxRecord || 8+n+tl > len(rest) {
			return fail("a record length of %d bytes, with %d bytes left in the file: the length is damaged or the file was cut short", n, len(rest)-8)
		}
		payload := rest[8 : 8+n]
		markOK := tl == 0 || binary.LittleEndian.Uint32(rest[8+n:]) == ^uint32(n)
		if markOK && crc32.Checksum(payload, CRCTable) == sum {
			sc.Records++
			start := v >= 4 && n == 1 && payload[0] == StartRecord
			switch {
			case v >= 4 && start != (off == hl):
				return fail("the start record a new log begins with is missing or not first")
			case start:
			case v >= 4 && n == 1 && payload[0] == EndRecord:
				sc.Closed, sc.EndRecordAt = true, int64(off)
			default:
				sc.Data++
				sc.Closed, sc.Clean = false, false
				if apply != nil {
					if err := apply(payload, int64(off)); err != nil {
						return fail("%v", err)
					}
				}
			}
			off += 8 + n + tl
			continue
		}
		if v >= 4 && off == hl {
			// The start record is on disk before the snapshot names the log.
			return fail("the start record a new log begins with is damaged")
		}
		if problem := tornRecord(data, off, n, sum, tl, markOK); problem != "" {
			return fail("%s", problem)
		}
		sc.Closed = false
		sc.Torn = int64(8 + n + tl)
		return sc
	}
}

// tornRecord returns "" when the bad record at off (length n, checksum
// sum, end mark tl bytes) is the torn last record of a crash, or else
// what is wrong with it.
func tornRecord(data []byte, off, n int, sum uint32, tl int, markOK bool) string {
	end := off + 8 + n + tl
	problem := "checksum mismatch"
	if !markOK {
		problem = fmt.Sprintf("its end mark does not match its length of %d bytes", n)
	}
	if after := len(bytes.TrimRight(data[end:], "\x00")); after > 0 {
		return fmt.Sprintf("%s, with %d bytes of data after it", problem, after)
	}
	payload := data[off+8 : off+8+n]
	if crc32.Checksum(payload, CRCTable) == sum {
		// Whole, but for its end mark: damage, or a crash that lost just
		// the sector of the end mark; refused either way, as the record
		// may have been acknowledged.
		return problem + " (its payload matches its checksum)"
	}
	// A shorter record that matches the checksum (and its end mark): the
	// length field is damaged, and records may follow inside.
	c := uint32(0)
	for m := 1; m < n; m++ {
		c = crc32.Update(c, CRCTable, payload[m-1:m])
		if c == sum && (tl == 0 || binary.LittleEndian.Uint32(data[off+8+m:]) == ^uint32(m)) {
			return fmt.Sprintf("a record length of %d bytes where a whole record of %d bytes is: the length field is damaged", n, m)
		}
	}
	// A whole record inside this one: the length field is damaged (a
	// crash writes a record's own bytes, never another's).
	for p := off + 1; p+8 < end; p++ {
		if m := WholeRecordAt(data, p, tl); m > 0 {
			return fmt.Sprintf("a record length of %d bytes, over a whole record of %d bytes at offset %d: the length field is damaged", n, m, p)
		}
	}
	// A crash loses whole sectors: one of the record's reads as zeros
	// (from the record's start, for the sector it starts in).
	for s := (off + 8) / Sector * Sector; s < end; s += Sector {
		if AllZero(data[max(s, off):min(s+Sector, len(data))]) {
			return ""
		}
	}
	return problem + ", with no part of it missing: the record is damaged"
}

// WholeRecordAt returns the length of the whole record at p, or 0 when
// there is none.
func WholeRecordAt(data []byte, p, tl int) int {
	m := int(binary.LittleEndian.Uint32(data[p:]))
	if m == 0 || m > len(data)-p-8-tl {
		return 0
	}
	payload := data[p+8 : p+8+m]
	if tl > 0 && binary.LittleEndian.Uint32(data[p+8+m:]) != ^uint32(m) {
		return 0
	}
	if tl == 0 && !strings.ContainsRune("{BJ", rune(payload[0])) {
		return 0
	}
	if crc32.Checksum(payload, CRCTable) != binary.LittleEndian.Uint32(data[p+4:]) {
		return 0
	}
	return m
}

// AllZero reports whether b holds only zeros.
func AllZero(b []byte) bool {
	return len(bytes.TrimRight(b, "\x00")) == 0
}

// AppendRecord appends one version 4 record, whose payload fill
// appends in place: the Frame, then the end mark.
func AppendRecord(buf []byte, fill func([]byte) []byte) []byte {
	at := len(buf)
	buf = Frame(buf, fill)
	n := len(buf) - at - 8
	return binary.LittleEndian.AppendUint32(buf, ^uint32(n))
}

// AppendFrame appends one version 4 record of payload to buf.
func AppendFrame(buf, payload []byte) []byte {
	return AppendRecord(buf, func(b []byte) []byte { return append(b, payload...) })
}

// Frame appends a frame whose payload fill appends, in place: its
// length and checksum, then the payload. A snapshot is frames; a log
// record is a frame and, from version 4 on, an end mark.
func Frame(buf []byte, fill func([]byte) []byte) []byte {
	at := len(buf)
	buf = append(buf, make([]byte, 8)...)
	buf = fill(buf)
	payload := buf[at+8:]
	binary.LittleEndian.PutUint32(buf[at:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(buf[at+4:], crc32.Checksum(payload, CRCTable))
	return buf
}
