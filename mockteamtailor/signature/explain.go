package signature

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Diagnosis says whether a header verifies and why (or why not).
type Diagnosis struct {
	// Valid is true exactly when Err is nil.
	Valid bool
	// Reasons are human sentences, the most likely cause first.
	Reasons []string
	// Err is what Verify returns for the same inputs.
	Err error
}

// Explain verifies header like Verify and says why it does or does not
// verify, reporting every finding, most likely cause first:
//   - the header is missing or malformed (quoting the bad part);
//   - there is no v1 (v0 is a decoy that never verifies);
//   - v1 is the pre-2024-07-12 signature of the body (when body is given),
//     or of the body re-serialised by JSON.stringify;
//   - v1 signs "<t>.undefined": the event id was read from the wrong key;
//   - v0, the decoy, carries the signature the receiver computed;
//   - the event id is empty, or differs from the partner-event.id in body;
//   - v1 matches nothing: wrong secret or wrong id;
//   - the timestamp is outside tolerance, and by how much.
//
// body is the raw webhook body, or nil when unknown. A tolerance <= 0 means
// DefaultTolerance. See docs/protocol.md §1.2.
func Explain(header, secret, eventID string, body []byte, now time.Time, tolerance time.Duration) Diagnosis {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	d := Diagnosis{Err: Verify(header, secret, eventID, now, tolerance)}
	d.Valid = d.Err == nil
	add := func(format string, args ...any) { d.Reasons = append(d.Reasons, fmt.Sprintf(format, args...)) }

	p, err := Parse(header)
	if err != nil {
		if errors.Is(err, ErrMissing) {
			add("the %s header is missing or empty: Teamtailor signs every webhook", Header)
		} else {
			add("the header does not parse (%v); the format is t=<unix seconds>,v1=<64 hex>,v0=<64 hex>", err)
		}
		f, _ := eventIDFindings(p, secret, eventID, body)
		d.Reasons = append(d.Reasons, f...)
		return d
	}
	ts := p.Timestamp
	want := Compute(secret, ts, eventID)
	v1 := p.Signatures[SchemeV1]
	when, lateErr := timing(ts, now, tolerance)
	idFindings, idExplains := eventIDFindings(p, secret, eventID, body)

	if matchesAny(v1, want) {
		if lateErr == nil {
			add("v1 matches; %s", when)
		} else {
			add("v1 matches, but the %s: a replayed delivery, or a clock that is off", when)
		}
		d.Reasons = append(d.Reasons, idFindings...)
		return d
	}

	explained := idExplains
	switch {
	case len(v1) == 0 && slices.Equal(p.Schemes, []string{SchemeV0}):
		add("no v1 signature: only v0 is present: v0 is a decoy that never verifies; use v1")
	case len(v1) == 0:
		add("no v1 signature: the header has %s; receivers must use v1, the newest scheme, and ignore the others (downgrade protection)", schemeList(p))
	}
	if body != nil && matchesAny(v1, ComputeLegacy(secret, ts, body)) {
		add(`the body was signed instead of the event id: since 2024-07-12 Teamtailor signs "<t>.<partner-event id>", not "<t>.<body>"`)
		explained = true
	}
	if eventID != Undefined && matchesAny(v1, ComputeUndefined(secret, ts)) {
		add(`v1 signs "<t>.undefined": the event id was read from a key the body does not have; it is partner-event.id (body["partner-event"].id in JavaScript)`)
		explained = true
	}
	if body != nil {
		if again, err := Restringify(body); err == nil && !bytes.Equal(again, body) && matchesAny(v1, ComputeLegacy(secret, ts, again)) {
			add(`the re-serialised body was signed (JSON.stringify of the parsed body): since 2024-07-12 Teamtailor signs "<t>.<partner-event id>", and a re-serialised body is not the bytes sent anyway`)
			explained = true
		}
	}
	if matchesAny(p.Signatures[SchemeV0], want) {
		add("you verified v0, the decoy: v0 carries the signature of %q, but receivers must ignore v0 and check v1", Message(ts, eventID))
		explained = true
	}
	d.Reasons = append(d.Reasons, idFindings...)
	if len(v1) > 0 && !explained {
		add("v1 does not match: wrong webhook secret, or the wrong event id (use partner-event.id from the body, not partner-result.id or the candidate id)")
	}
	if lateErr != nil {
		add("also, the %s", when)
	}
	return d
}

// eventIDFindings reports an empty event id and an event id that differs
// from the body's partner-event.id, and whether v1 matches the latter.
// explains is true when these findings account for a v1 mismatch.
func eventIDFindings(p Parsed, secret, eventID string, body []byte) (found []string, explains bool) {
	bodyID := ""
	if body != nil {
		bodyID, _ = EventID(body)
	}
	switch {
	case eventID == "" && bodyID != "":
		found = append(found, fmt.Sprintf(`the event id is missing: the signed message is "<t>.<partner-event id>" and the body's partner-event.id is %q`, bodyID))
	case eventID == "":
		found = append(found, `the event id is missing: the signed message is "<t>.<partner-event id>", with partner-event.id from the webhook body`)
	case bodyID != "" && bodyID != eventID:
		found = append(found, fmt.Sprintf("the event id %q is not the body's partner-event.id %q", eventID, bodyID))
	}
	explains = eventID == ""
	if bodyID != "" && bodyID != eventID && matchesAny(p.Signatures[SchemeV1], Compute(secret, p.Timestamp, bodyID)) {
		found = append(found, fmt.Sprintf("v1 matches the body's partner-event.id %q: verify with that id", bodyID))
		explains = true
	}
	return found, explains
}

// EventID returns partner-event.id from a webhook body (docs/protocol.md §1.1),
// the id v1 signs. A numeric id is returned as written.
func EventID(body []byte) (string, error) {
	var doc struct {
		PartnerEvent *struct {
			ID json.RawMessage `json:"id"`
		} `json:"partner-event"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("the body is not a JSON webhook body: %w", err)
	}
	if doc.PartnerEvent == nil || len(doc.PartnerEvent.ID) == 0 || string(doc.PartnerEvent.ID) == "null" {
		return "", errors.New("the body has no partner-event.id")
	}
	raw := doc.PartnerEvent.ID
	var id string
	if err := json.Unmarshal(raw, &id); err == nil {
		if id == "" {
			return "", errors.New("the body's partner-event.id is empty")
		}
		return id, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", fmt.Errorf("the body's partner-event.id is %s, not a string", raw)
}

// String renders d for people: "valid: <first reason>" or "invalid:", then
// the remaining reasons, one per line, indented.
func (d Diagnosis) String() string {
	var b strings.Builder
	reasons := d.Reasons
	if d.Valid {
		b.WriteString("valid:")
		if len(reasons) > 0 {
			b.WriteString(" " + reasons[0])
			reasons = reasons[1:]
		}
	} else {
		b.WriteString("invalid:")
	}
	for _, r := range reasons {
		b.WriteString("\n  " + r)
	}
	return b.String()
}

// MarshalJSON renders d as {"valid": bool, "reasons": [...], "error": text
// or null}.
func (d Diagnosis) MarshalJSON() ([]byte, error) {
	var errText *string
	if d.Err != nil {
		s := d.Err.Error()
		errText = &s
	}
	reasons := d.Reasons
	if reasons == nil {
		reasons = []string{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // reasons quote "<t>.<partner-event id>"
	err := enc.Encode(struct {
		Valid   bool     `json:"valid"`
		Reasons []string `json:"reasons"`
		Error   *string  `json:"error"`
	}{d.Valid, reasons, errText})
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}
