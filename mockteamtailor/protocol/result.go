package protocol

import "encoding/json"

// Status is where a partner result stands (docs/protocol.md §2.3). A result moves
// forward only: sending → sent → pending → completed or failed.
type Status string

// The statuses of a partner result, in their order.
const (
	StatusSending   Status = "sending"
	StatusSent      Status = "sent"
	StatusPending   Status = "pending"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed"
)

// Statuses returns every status in order.
func Statuses() []Status {
	return []Status{StatusSending, StatusSent, StatusPending, StatusCompleted, StatusFailed}
}

// statusNameList is the statuses as strings, for decoding.
var statusNameList = StatusNames()

// StatusNames returns every status in order, as strings.
func StatusNames() []string {
	names := make([]string, 0, 5)
	for _, s := range Statuses() {
		names = append(names, string(s))
	}
	return names
}

// Rank is the status's place in the order: completed and failed share the
// last place; 0 for an unknown status.
func (s Status) Rank() int {
	switch s {
	case StatusSending:
		return 1
	case StatusSent:
		return 2
	case StatusPending:
		return 3
	case StatusCompleted, StatusFailed:
		return 4
	}
	return 0
}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return s.Rank() > 0 }

// Final reports whether s is completed or failed, from which a result never
// moves. It is the one place the rule is written: the mock, the suite and
// its tools ask it.
func (s Status) Final() bool { return s == StatusCompleted || s == StatusFailed }

// AnswerStatus reads the status a webhook answer's
// partner_result_attributes give (docs/protocol.md §1.3), false when the
// body is not JSON or gives no status string. Whether the attributes
// apply is CheckWebhookResponse's to say.
func AnswerStatus(body []byte) (Status, bool) {
	var doc struct {
		Attrs struct {
			Status *string `json:"status"`
		} `json:"partner_result_attributes"`
	}
	if json.Unmarshal(body, &doc) != nil || doc.Attrs.Status == nil {
		return "", false
	}
	return Status(*doc.Attrs.Status), true
}

// UpdateStatus reads the status a JSON:API partner-result document sets
// (data.attributes.status, docs/protocol.md §2.3), false when the body is
// not JSON or sets no status string.
func UpdateStatus(body []byte) (Status, bool) {
	var doc struct {
		Data struct {
			Attributes struct {
				Status *string `json:"status"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &doc) != nil || doc.Data.Attributes.Status == nil {
		return "", false
	}
	return Status(*doc.Data.Attributes.Status), true
}

// ResultAttributes are the attributes of a partner result a partner
// reports (docs/protocol.md §2.3). Optional attributes are nil when unset.
type ResultAttributes struct {
	Status      Status     `json:"status"`
	CandidateID int64      `json:"candidateId"`
	JobID       *int64     `json:"jobId,omitempty"`
	Summary     *string    `json:"summary,omitempty"`
	URL         *string    `json:"url,omitempty"`
	Assessment  Assessment `json:"assessment"`
	// Details is the free-form details object, kept as sent; nil is {}.
	Details            json.RawMessage `json:"details,omitempty"`
	Attachments        []Attachment    `json:"attachments"`        // nil is null
	Actions            []Action        `json:"actions"`            // nil is null
	AssessmentCriteria []Criterion     `json:"assessmentCriteria"` // nil is null
}

// Assessment is the assessment block of a partner result. Nil fields are
// unset and rendered as null (docs/protocol.md §2.3).
type Assessment struct {
	Score    *float64 `json:"score"`
	Grade    *string  `json:"grade"`
	Duration *int64   `json:"duration"` // seconds
}

// Attachment is a link shown on a partner result.
type Attachment struct {
	URL         string `json:"url"`
	Description string `json:"description"`
}

// Action is a button on a partner result; clicking it POSTs the original
// partner event to BASE_URL/<endpoint> (docs/protocol.md §2.3).
type Action struct {
	ButtonText string `json:"buttonText"`
	Endpoint   string `json:"endpoint"`
}

// Criterion is a score for one of the assessment criteria a partner's
// config declared.
type Criterion struct {
	ID    json.RawMessage `json:"id"` // string or integer, kept as sent
	Score *float64        `json:"score,omitempty"`
}
