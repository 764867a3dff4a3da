package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/internal/text"
)

var durationPattern = regexp.MustCompile(`^([0-9]{1,2}):([0-5][0-9]):([0-5][0-9])$`)

// ParseDuration reads an assessment duration written as H:MM:SS or
// HH:MM:SS and returns it in seconds ("0:32:14" is 1934), as Teamtailor
// stores it (docs/protocol.md §2.3).
func ParseDuration(s string) (int64, error) {
	m := durationPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not H:MM:SS or HH:MM:SS (minutes and seconds 00-59)", s)
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	se, _ := strconv.Atoi(m[3])
	return int64(h*3600 + mi*60 + se), nil
}

// decodeDuration accepts seconds as a non-negative integer or a
// H:MM:SS/HH:MM:SS string.
func decodeDuration(raw any) (int64, error) {
	if s, ok := raw.(string); ok {
		return ParseDuration(s)
	}
	n, ok := raw.(json.Number)
	if !ok {
		return 0, fmt.Errorf("must be seconds (an integer) or \"H:MM:SS\", got %s", KindOf(raw))
	}
	v, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || !isInteger(n) || v < 0 || v > math.MaxInt32 {
		return 0, fmt.Errorf("must be a whole number of seconds from 0 or \"H:MM:SS\", got %s", n)
	}
	return int64(v), nil
}

// decodeScore accepts a number from 0 to 100.
func decodeScore(raw any) (float64, error) {
	n, ok := raw.(json.Number)
	if !ok {
		return 0, fmt.Errorf("must be a number from 0 to 100, got %s", KindOf(raw))
	}
	v, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || v < 0 || v > 100 {
		return 0, fmt.Errorf("must be a number from 0 to 100, got %s", n)
	}
	return v, nil
}

// decodeID accepts a positive integer (a Teamtailor record id).
func decodeID(raw any) (int64, error) {
	n, ok := raw.(json.Number)
	if !ok {
		return 0, fmt.Errorf("must be an integer id, got %s", KindOf(raw))
	}
	if !isInteger(n) {
		return 0, fmt.Errorf("must be an integer id, got %s", n)
	}
	v, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || v < 1 || v > 1<<53 {
		return 0, fmt.Errorf("must be a positive integer id, got %s", n)
	}
	return int64(v), nil
}

// decodeEnum accepts a string among allowed.
func decodeEnum(raw any, allowed []string, nullable bool, dst *string) error {
	orNull := ""
	if nullable {
		orNull = ", or null"
	}
	v, ok := raw.(string)
	*dst = v
	if !ok || !slices.Contains(allowed, v) {
		return fmt.Errorf("must be one of %s%s, got %s", strings.Join(allowed, ", "), orNull, literal(raw))
	}
	return nil
}

// DecodeHTTPURL accepts an absolute http or https URL.
func DecodeHTTPURL(raw any, dst *string) error {
	v, ok := raw.(string)
	if !ok {
		return fmt.Errorf("must be an http(s) URL string, got %s", KindOf(raw))
	}
	*dst = v
	u, err := url.Parse(*dst)
	if err != nil || (strings.ToLower(u.Scheme) != "http" && strings.ToLower(u.Scheme) != "https") || u.Host == "" {
		return fmt.Errorf("must be an absolute http or https URL, got %q", *dst)
	}
	return nil
}

// isInteger reports whether n is written as a whole number (1934, 1934.0,
// 1.934e3 all are).
func isInteger(n json.Number) bool {
	f, err := strconv.ParseFloat(n.String(), 64)
	return err == nil && f == math.Trunc(f) && !math.IsInf(f, 0)
}

func IsNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func CompactJSON(raw json.RawMessage) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return slices.Clone(raw)
	}
	return buf.Bytes()
}

// PointerEscape escapes a key for use in a JSON pointer (RFC 6901).
func PointerEscape(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// KindOf names the JSON type of a decoded value for error messages.
func KindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// literal renders a decoded value as JSON for error messages.
func literal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return KindOf(v)
	}
	return text.Cut{Max: 100, Mark: "…"}.Of(string(b))
}

var attachmentKeys = []string{"url", "description"}

// hasOtherKey reports whether m has a key not in allowed, without
// allocating: the sorted key list is only built to report one.
func hasOtherKey(m map[string]any, allowed []string) bool {
	for k := range m {
		if !slices.Contains(allowed, k) {
			return true
		}
	}
	return false
}

// SortedKeys returns the keys of m, sorted.
func SortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// detailsWithinLimit reports whether details nest at most 2 levels
// (docs/protocol.md §2.3); checkDetails then names the first offence.
func detailsWithinLimit(members map[string]any) bool {
	deep := func(v any) bool {
		switch v.(type) {
		case map[string]any, []any:
			return true
		}
		return false
	}
	for _, v := range members {
		switch v := v.(type) {
		case map[string]any:
			for _, iv := range v {
				if deep(iv) {
					return false
				}
			}
		case []any:
			for _, iv := range v {
				if deep(iv) {
					return false
				}
			}
		}
	}
	return true
}

// decodeValue decodes one JSON document into plain values, numbers as
// json.Number so integers and large values keep their text.
func decodeValue(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
