package protocol

import "testing"

// A result moves forward only: sending → sent → pending → completed or
// failed (docs/protocol.md §2.3); an unknown status has no place in the order.
func TestStatusOrder(t *testing.T) {
	order := Statuses()
	for i := 1; i < len(order); i++ {
		if order[i-1].Rank() > order[i].Rank() {
			t.Errorf("%s ranks after %s", order[i-1], order[i])
		}
	}
	if StatusSending.Rank() >= StatusSent.Rank() || StatusSent.Rank() >= StatusPending.Rank() || StatusPending.Rank() >= StatusCompleted.Rank() {
		t.Error("sending, sent, pending and completed are not in strictly rising order")
	}
	if StatusCompleted.Rank() != StatusFailed.Rank() || !StatusCompleted.Final() || !StatusFailed.Final() || StatusPending.Final() {
		t.Error("completed and failed must be the final statuses, and share the last place")
	}
	for _, s := range []Status{"", "done", "Completed"} {
		if s.Valid() || s.Rank() != 0 {
			t.Errorf("%q is taken for a status", s)
		}
	}
	if got := StatusNames(); len(got) != 5 || got[0] != "sending" || got[4] != "failed" {
		t.Errorf("StatusNames() = %v", got)
	}
}

// The status of a webhook answer and of a result update is read once
// here, for every tool that asks whether a result is final.
func TestStatusReaders(t *testing.T) {
	for _, c := range []struct {
		body string
		read func([]byte) (Status, bool)
		want Status
		ok   bool
	}{
		{`{"partner_result_attributes":{"status":"completed"}}`, AnswerStatus, StatusCompleted, true},
		{`{"partner_result_attributes":{"status":7}}`, AnswerStatus, "", false},
		{`{"partner_result_attributes":{}}`, AnswerStatus, "", false},
		{``, AnswerStatus, "", false},
		{`{"data":{"attributes":{"status":"failed"}}}`, UpdateStatus, StatusFailed, true},
		{`{"data":{"attributes":{"status":null}}}`, UpdateStatus, "", false},
		{`not json`, UpdateStatus, "", false},
	} {
		if got, ok := c.read([]byte(c.body)); got != c.want || ok != c.ok {
			t.Errorf("%s: %q %v, want %q %v", c.body, got, ok, c.want, c.ok)
		}
	}
}
