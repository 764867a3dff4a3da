package examplepartner

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
)

// event is the part of a webhook body (docs/protocol.md §1.1) this partner uses.
// Decoding into it is lenient on purpose: unknown keys are ignored, null
// leaves the zero value, and optional blocks may be absent.
type event struct {
	PartnerEvent struct {
		ID string `json:"id"`
		// WebhookData holds the values picked in the /config form. They are
		// strings, but reading them as any keeps a number from failing the
		// whole webhook.
		WebhookData   map[string]any `json:"webhook-data"`
		PartnerResult struct {
			ID        string `json:"id"`
			UpdateURL string `json:"update-url"`
		} `json:"partner-result"`
		Candidate struct {
			ID        json.RawMessage `json:"id"`
			FirstName *string         `json:"first-name"`
			Job       json.RawMessage `json:"job"` // absent in bulk mode (docs/protocol.md §5)
		} `json:"candidate"`
	} `json:"partner-event"`
}

// data returns the webhook-data value of a form field, as a string.
func (ev event) data(key string) string {
	switch v := ev.PartnerEvent.WebhookData[key].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// firstName returns the candidate's first name, or "".
func (ev event) firstName() string {
	if n := ev.PartnerEvent.Candidate.FirstName; n != nil {
		return *n
	}
	return ""
}

// bulk reports whether the webhook comes from bulk mode: no job key.
func (ev event) bulk() bool {
	j := string(ev.PartnerEvent.Candidate.Job)
	return j == "" || j == "null"
}

// webhookResponse is the optional body of a 2xx webhook answer (docs/protocol.md
// §1.3); its container is snake_case.
type webhookResponse struct {
	Attributes struct {
		Status string `json:"status"`
	} `json:"partner_result_attributes"`
}

// webhook answers a trigger. Teamtailor does not retry failed deliveries
// and gives up after a timeout (docs/protocol.md §1.3), so it answers at once with
// the result "pending" and posts the real result later, from a goroutine.
func (p *Partner) webhook(w http.ResponseWriter, r *http.Request) {
	if !p.track() {
		http.Error(w, "Example Partner is shutting down; try again later", http.StatusServiceUnavailable)
		return
	}
	ev, ok := p.acceptWebhook(w, r)
	if !ok {
		p.pending.Done()
		return
	}
	go p.completeLater(ev) // calls p.pending.Done
}

// track counts one more pending result, unless Close was called.
func (p *Partner) track() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.pending.Add(1)
	return true
}

// acceptWebhook verifies a webhook and answers it; ok is true when it
// answered 200 and the result is to be posted.
func (p *Partner) acceptWebhook(w http.ResponseWriter, r *http.Request) (ev event, ok bool) {
	if ev, ok = p.readSignedEvent(w, r); !ok {
		return ev, false
	}
	res := ev.PartnerEvent.PartnerResult
	if res.ID == "" {
		http.Error(w, "partner-event.partner-result.id is missing", http.StatusBadRequest)
		return ev, false
	}
	// The body is not signed (docs/protocol.md §1.2), and update-url receives the
	// partner API key: results go only to the Teamtailor the partner is
	// configured for (docs/protocol.md §8), e.g. api.teamtailor.com in production.
	u, err := url.Parse(res.UpdateURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		http.Error(w, fmt.Sprintf("partner-event.partner-result.update-url %q is not an http(s) URL", res.UpdateURL), http.StatusBadRequest)
		return ev, false
	}
	if !p.cfg.AnyUpdateHost && len(p.cfg.UpdateHosts) > 0 && !slices.Contains(p.cfg.UpdateHosts, u.Host) {
		p.log.Warn("refused update-url host", "event", ev.PartnerEvent.ID, "host", u.Host)
		http.Error(w, fmt.Sprintf("partner-event.partner-result.update-url is on %s, which is not the Teamtailor this partner is configured for", u.Host), http.StatusBadRequest)
		return ev, false
	}

	// One event can arrive twice (docs/protocol.md §1.3, Duplicate
	// delivery), or a captured webhook be replayed with another body inside
	// the signature's window (§8): the event id is the key of the work, so
	// a second copy is answered 200 and starts nothing. A partner with a database does this
	// with a unique index on the event id and INSERT … ON CONFLICT DO
	// NOTHING.
	if !p.events.add(ev.PartnerEvent.ID) {
		p.log.Info("webhook accepted again: event already received, nothing started", "event", ev.PartnerEvent.ID, "result", res.ID)
		writeJSON(w, http.StatusOK, struct{}{})
		return ev, false
	}
	p.log.Info("webhook accepted", "event", ev.PartnerEvent.ID, "result", res.ID,
		"candidate", string(ev.PartnerEvent.Candidate.ID), "test", ev.data("test"), "bulk", ev.bulk())
	var answer webhookResponse
	answer.Attributes.Status = "pending"
	writeJSON(w, http.StatusOK, answer)
	// Send the answer before starting on the result, so the result cannot
	// overtake it.
	http.NewResponseController(w).Flush()
	return ev, true
}

// actionResponse is the body of a successful action.
type actionResponse struct {
	OK bool `json:"ok"`
}

// action answers a click on an action button of a result posted earlier.
// Teamtailor POSTs the original partner event, signed anew, to the
// endpoint the result named (docs/protocol.md §2.3).
func (p *Partner) action(w http.ResponseWriter, r *http.Request) {
	ev, ok := p.readSignedEvent(w, r)
	if !ok {
		return
	}
	switch name := r.PathValue("name"); name {
	case "resend":
		p.log.Info("action: resending the invitation", "event", ev.PartnerEvent.ID,
			"result", ev.PartnerEvent.PartnerResult.ID, "candidate", string(ev.PartnerEvent.Candidate.ID))
		writeJSON(w, http.StatusOK, actionResponse{OK: true})
	default:
		http.Error(w, fmt.Sprintf("unknown action %q; Example Partner knows actions/resend", name), http.StatusNotFound)
	}
}

// maxEvents is how many event ids the partner remembers: a duplicate
// comes moments after the first copy, and the bound keeps a long load
// test from growing the set without end.
const maxEvents = 100_000

// eventSet is the event ids received, the oldest forgotten first.
type eventSet struct {
	mu    sync.Mutex // guards seen and order
	seen  map[string]bool
	order []string
}

// add records id and reports whether it is new.
func (s *eventSet) add(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[id] {
		return false
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if len(s.order) >= maxEvents {
		delete(s.seen, s.order[0])
		s.order = s.order[1:]
	}
	s.seen[id] = true
	s.order = append(s.order, id)
	return true
}
