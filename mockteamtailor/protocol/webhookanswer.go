package protocol

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// WebhookResponseAttrs reads partner_result_attributes from a 2xx body.
// It applies only if every given field is valid (docs/protocol.md §1.3); only
// assessment.score is read from assessment. A body that is not such a
// document is ignored.
func WebhookResponseAttrs(body []byte) (apply func(*ResultAttributes), note string, invalid bool) {
	trimmed := bytes.TrimSpace(body)
	var doc map[string]json.RawMessage
	if len(trimmed) == 0 {
		return nil, "no body", false
	}
	if json.Unmarshal(trimmed, &doc) != nil {
		return nil, "the body is not JSON and was ignored", false
	}
	raw, ok := doc["partner_result_attributes"]
	if !ok {
		return nil, "the body has no partner_result_attributes and was ignored", false
	}
	if err := schemas.Validate("webhook-response", trimmed); err != nil {
		return nil, err.Error(), true
	}
	decoded, err := decodeValue(raw)
	attrs, _ := decoded.(map[string]any)
	if err != nil {
		return nil, err.Error(), true
	}
	write := map[string]any{}
	for _, k := range []string{"status", "details", "attachments"} {
		if v, ok := attrs[k]; ok {
			write[k] = v
		}
	}
	var score *float64
	if a, ok := attrs["assessment"].(map[string]any); ok && a["score"] != nil {
		v, err := decodeScore(a["score"])
		if err != nil {
			return nil, "assessment.score " + err.Error(), true
		}
		score = &v
	}
	patch, problems := ValidateResultAttrs(write, false)
	if len(problems) > 0 {
		return nil, problems.Error(), true
	}
	return func(r *ResultAttributes) {
		// The partner may have posted its final result through the
		// Partner API before the mock read this answer: an answer never
		// moves a completed or failed result back.
		if r.Status.Final() && patch.Status.Set {
			patch.Status.Set = false
		}
		patch.Apply(r)
		if score != nil {
			r.Assessment.Score = score
		}
	}, "partner_result_attributes applied", false
}

// Cut shortens s to at most n bytes on a rune boundary, marking the cut.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// NonNil returns s, or an empty slice for nil, so that a list encodes as
// [] rather than null.
func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
