package signature

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/text"
)

// CompanyHeader is the header that signs company webhooks and partner
// webhook setups (docs/company-webhooks.md §5). Its value is base64 text;
// what it decodes to depends on the subscription's signature version.
const CompanyHeader = "TT-Signature"

// Company signature versions (docs/company-webhooks.md §5).
const (
	// CompanyV1 signs only the resource id: legacy, deprecated by
	// Teamtailor, still sent by subscriptions set to it.
	CompanyV1 = "v1"
	// CompanyV2 signs "<t>.<raw body>": the version Teamtailor recommends.
	CompanyV2 = "v2"
)

// SignCompanyV1 returns the v1 TT-Signature of the resource id:
// base64(hex(HMAC-SHA256(key, id))). The HMAC is rendered as lower-case hex
// text and that text is base64-encoded, as Teamtailor's sample code
// (Buffer.from(hexDigest).toString('base64')) does, so the decoded value
// is 64 hex characters (docs/company-webhooks.md §5.1).
func SignCompanyV1(key, id string) string {
	return base64.StdEncoding.EncodeToString([]byte(hexHMAC([]byte(key), id)))
}

// CompanyV2Message returns what v2 signs: "<t>.<raw body>"
// (docs/company-webhooks.md §5.2).
func CompanyV2Message(timestamp int64, body []byte) string {
	return strconv.FormatInt(timestamp, 10) + "." + string(body)
}

// ComputeCompanyV2 returns the hex HMAC-SHA256 of CompanyV2Message under
// key.
func ComputeCompanyV2(key string, timestamp int64, body []byte) string {
	return hexHMAC([]byte(key), CompanyV2Message(timestamp, body))
}

// SignCompanyV2 returns the v2 TT-Signature of the exact body bytes sent at
// t: base64("t=<unix seconds>,v2=<hex>") with padding, exactly two parts
// (docs/company-webhooks.md §5.2: Teamtailor's sample verifiers refuse any
// other number of parts). t is truncated to whole seconds.
func SignCompanyV2(key string, body []byte, t time.Time) string {
	ts := t.Unix()
	return base64.StdEncoding.EncodeToString([]byte("t=" + strconv.FormatInt(ts, 10) + ",v2=" + ComputeCompanyV2(key, ts, body)))
}

// CompanyParsed is a decoded TT-Signature.
type CompanyParsed struct {
	// Version is CompanyV1 or CompanyV2.
	Version string
	// Decoded is the base64-decoded header text.
	Decoded string
	// Timestamp is v2's t; 0 for v1.
	Timestamp int64
	// HMAC is the hex HMAC the header carries (v1: the whole decoded
	// text; v2: the v2 part).
	HMAC string
}

// ParseCompany decodes a TT-Signature header and tells its version the way
// Teamtailor's receivers do: a decoded value starting with "t=" is v2,
// anything else v1 (docs/company-webhooks.md §8). Errors wrap ErrMissing
// (empty header) or ErrMalformed: not base64, a v1 value that is not 64 hex
// characters, a v2 value that is not exactly "t=<unix seconds>,v2=<64 hex>".
func ParseCompany(header string) (CompanyParsed, error) {
	header = strings.TrimSpace(header)
	if header == "" {
		return CompanyParsed{}, errEmpty{}
	}
	raw, err := base64.StdEncoding.DecodeString(header)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(header); err != nil {
			return CompanyParsed{}, fmt.Errorf("%w: %s is base64 text and this is not base64 (%v)", ErrMalformed, CompanyHeader, err)
		}
	}
	p := CompanyParsed{Decoded: string(raw)}
	if !strings.HasPrefix(p.Decoded, "t=") {
		p.Version, p.HMAC = CompanyV1, p.Decoded
		if !isHMACHex(p.HMAC) {
			return p, fmt.Errorf("%w: a v1 %s decodes to 64 hex characters (hex HMAC-SHA256 of the resource id), got %q", ErrMalformed, CompanyHeader, clip(p.Decoded))
		}
		return p, nil
	}
	p.Version = CompanyV2
	parts := strings.Split(p.Decoded, ",")
	if len(parts) != 2 {
		return p, fmt.Errorf("%w: a v2 %s decodes to exactly two parts, t=<unix seconds>,v2=<64 hex>; got %d parts in %q", ErrMalformed, CompanyHeader, len(parts), clip(p.Decoded))
	}
	ts, err := parseTimestamp(strings.TrimPrefix(parts[0], "t="))
	if err != nil {
		return p, fmt.Errorf("%w: %s in %q", ErrMalformed, err, clip(p.Decoded))
	}
	v, ok := strings.CutPrefix(parts[1], "v2=")
	if !ok || !isHMACHex(v) {
		return p, fmt.Errorf("%w: the second part of a v2 %s is v2=<64 hex>, got %q", ErrMalformed, CompanyHeader, clip(parts[1]))
	}
	p.Timestamp, p.HMAC = ts, v
	return p, nil
}

func isHMACHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil && len(s) == signatureHexLen
}

func clip(s string) string {
	return text.Cut{Max: 100, Mark: "...", Bytes: true}.Of(s)
}

// VerifyCompanyV1 reports whether header is the v1 TT-Signature of the
// resource id under key. v1 carries no timestamp, so nothing limits a
// replay (docs/company-webhooks.md §5.1). Errors wrap ErrMissing,
// ErrMalformed or ErrMismatch; a v2 header is ErrMismatch with its reason.
func VerifyCompanyV1(header, key, id string) error {
	p, err := ParseCompany(header)
	if err != nil {
		return err
	}
	if p.Version != CompanyV1 {
		return fmt.Errorf("%w: the header is v2 (it decodes to t=...,v2=...), which signs the body, not the resource id", ErrMismatch)
	}
	if !hexEqual(p.HMAC, hexHMAC([]byte(key), id)) {
		return fmt.Errorf("%w: the header is not base64(hex(HMAC-SHA256)) of the resource id %q under this signature key", ErrMismatch, id)
	}
	return nil
}

// VerifyCompanyV2 reports whether header is a v2 TT-Signature of the raw
// body under key, with t within tolerance of now either way (<= 0:
// DefaultTolerance). Errors wrap ErrMissing, ErrMalformed, ErrMismatch,
// ErrStale or ErrFuture; a v1 header is ErrMismatch with its reason.
func VerifyCompanyV2(header, key string, body []byte, now time.Time, tolerance time.Duration) error {
	p, err := ParseCompany(header)
	if err != nil {
		return err
	}
	if p.Version != CompanyV2 {
		return fmt.Errorf("%w: the header is v1 (it signs the resource id, not the body)", ErrMismatch)
	}
	if !hexEqual(p.HMAC, ComputeCompanyV2(key, p.Timestamp, body)) {
		reason := "the v2 value is not the HMAC-SHA256 of \"<t>.<raw body>\" under this signature key"
		if re, err := Restringify(body); err == nil && !bytes.Equal(re, body) && hexEqual(p.HMAC, ComputeCompanyV2(key, p.Timestamp, re)) {
			reason = "the v2 value signs the body re-serialised (JSON.stringify), not the raw bytes received"
		}
		return fmt.Errorf("%w: %s", ErrMismatch, reason)
	}
	return checkTimestamp(p.Timestamp, now, tolerance)
}

// VerifyCompany verifies a company webhook the way docs/company-webhooks.md
// §8 tells receivers to: a v2 header is checked over the raw body, a v1
// header over payload.data.id read from the body.
func VerifyCompany(header, key string, body []byte, now time.Time, tolerance time.Duration) error {
	p, err := ParseCompany(header)
	if err != nil {
		return err
	}
	if p.Version == CompanyV2 {
		return VerifyCompanyV2(header, key, body, now, tolerance)
	}
	id, err := ResourceID(body)
	if err != nil {
		return fmt.Errorf("%w: a v1 header signs payload.data.id, and %v", ErrMismatch, err)
	}
	return VerifyCompanyV1(header, key, id)
}

func hexEqual(a, b string) bool {
	x, err1 := hex.DecodeString(a)
	y, err2 := hex.DecodeString(b)
	return err1 == nil && err2 == nil && hmac.Equal(x, y)
}

// ErrNoResourceID is ResourceID's error for a body without a string
// payload.data.id.
var ErrNoResourceID = errors.New("no payload.data.id")

// ResourceID returns payload.data.id of a company webhook body: the value v1
// signs (docs/company-webhooks.md §5.1).
func ResourceID(body []byte) (string, error) {
	var doc struct {
		Payload struct {
			Data struct {
				ID json.RawMessage `json:"id"`
			} `json:"data"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("%w: the body is not JSON (%v)", ErrNoResourceID, err)
	}
	var id string
	if err := json.Unmarshal(doc.Payload.Data.ID, &id); err != nil || id == "" {
		return "", fmt.Errorf("%w: the body has no payload.data.id string", ErrNoResourceID)
	}
	return id, nil
}
