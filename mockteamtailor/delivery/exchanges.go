package delivery

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// FetchActivationConfig asks a partner with a dynamic activation form
// for it: GET BASE_URL/activation?company_id=... (docs/protocol.md §4).
// act is nil before the first activation, which has no provider key to
// send. An answer that is not a valid activation config is a
// *PartnerError; its entry is returned all the same.
func (s *Sender) FetchActivationConfig(ctx context.Context, p store.Partner, act *store.Activation, companyUUID, purpose string) (protocol.Form, json.RawMessage, store.Delivery, error) {
	return s.fetchForm(ctx, Call{Kind: store.KindActivation, Partner: p, Activation: act, Method: http.MethodGet, Path: "activation", Query: url.Values{"company_id": {companyUUID}}},
		store.Delivery{CompanyUUID: companyUUID, Purpose: purpose}, ActivationConfig)
}

// Validate calls an activation's validation endpoint with its new
// provider key (docs/protocol.md §1.3): a refusal returns the partner's
// messages; an answer that neither accepts nor refuses is a
// *PartnerError. The entry is returned in every case where a call was
// made.
func (s *Sender) Validate(ctx context.Context, p store.Partner, act store.Activation, endpoint string) ([]string, store.Delivery, error) {
	var accepted bool
	var refusal []string
	x, d, err := s.exchange(ctx, Call{Kind: store.KindValidate, Partner: p, Activation: &act, Method: http.MethodGet, Path: endpoint},
		store.Delivery{CompanyUUID: act.CompanyUUID},
		func(x *Exchange) (verdict, reason string) {
			accepted, refusal, verdict, reason = Validation(x)
			return verdict, reason
		})
	switch {
	case err != nil:
		return nil, d, err
	case accepted || refusal != nil:
		return refusal, d, nil
	}
	return nil, d, &PartnerError{Call: "the validation endpoint " + endpoint, Reason: d.Reason, DeliveryID: d.ID, Unreachable: x.Unreachable}
}

// FetchConfig asks for the form of a trigger: GET BASE_URL/config with
// query (docs/protocol.md §3). An answer that is not a valid config
// document is a *PartnerError; its entry is returned all the same.
func (s *Sender) FetchConfig(ctx context.Context, p store.Partner, act store.Activation, query url.Values, meta store.Delivery) (protocol.Form, json.RawMessage, store.Delivery, error) {
	return s.fetchForm(ctx, Call{Kind: store.KindConfig, Partner: p, Activation: &act, Method: http.MethodGet, Path: "config", Query: query}, meta, Config)
}

// fetchForm makes a GET whose answer must be a form document, judged by
// judge: the form and the document as answered, or a *PartnerError
// naming the call.
func (s *Sender) fetchForm(ctx context.Context, c Call, meta store.Delivery, judge func(*Exchange) (protocol.Form, string, string)) (protocol.Form, json.RawMessage, store.Delivery, error) {
	var form protocol.Form
	x, d, err := s.exchange(ctx, c, meta, func(x *Exchange) (verdict, reason string) {
		form, verdict, reason = judge(x)
		return verdict, reason
	})
	switch {
	case err != nil:
		return protocol.Form{}, nil, d, err
	case d.Verdict != store.VerdictOK:
		return protocol.Form{}, nil, d, &PartnerError{Call: c.Method + " /" + c.Path, Reason: d.Reason, DeliveryID: d.ID, Unreachable: x.Unreachable}
	}
	return form, json.RawMessage(x.RespBody), d, nil
}

// webhookCall is the call that delivers a webhook body of event eventID:
// POST BASE_URL/webhook, signed (docs/protocol.md §1.1, §1.2).
func webhookCall(p store.Partner, act store.Activation, body []byte, eventID string) Call {
	return Call{Kind: store.KindWebhook, Partner: p, Activation: &act, Method: http.MethodPost, Path: "webhook", Body: body, SignEventID: eventID}
}

// SendWebhook POSTs a webhook body of event eventID, signed, and
// journals the answer with meta. update applies the answer to the
// partner result (docs/protocol.md §1.3); the exchange is returned for
// the caller's log.
func (s *Sender) SendWebhook(ctx context.Context, p store.Partner, act store.Activation, body []byte, eventID string, meta store.Delivery) (*Exchange, store.Delivery, func(*store.PartnerResult), error) {
	var update func(*store.PartnerResult)
	x, d, err := s.exchange(ctx, webhookCall(p, act, body, eventID), meta,
		func(x *Exchange) (verdict, reason string) {
			verdict, reason, update = Webhook(x)
			return verdict, reason
		})
	return x, d, update, err
}

// WebhookRequest is the request SendWebhook would send, signed now, for a
// dry run to show.
func (s *Sender) WebhookRequest(p store.Partner, act store.Activation, body []byte, eventID string) (store.HTTPMessage, error) {
	c := webhookCall(p, act, body, eventID)
	target, err := partnerURL(p, c.Path, nil)
	if err != nil {
		return store.HTTPMessage{}, err
	}
	h := http.Header{}
	s.headers(c).Apply(h, true)
	return store.HTTPMessage{Method: c.Method, URL: target, Header: h, Body: string(body)}, nil
}

// InvokeAction POSTs a result's partner event, signed afresh, to
// BASE_URL/<endpoint> of action a (docs/protocol.md §2.3), and journals
// the answer.
func (s *Sender) InvokeAction(ctx context.Context, p store.Partner, act store.Activation, res store.PartnerResult, a protocol.Action) (store.Delivery, error) {
	_, d, err := s.exchange(ctx, Call{Kind: store.KindAction, Partner: p, Activation: &act, Method: http.MethodPost, Path: a.Endpoint, Body: res.Event, SignEventID: res.EventID},
		store.Delivery{EventID: res.EventID, ResultID: res.ID, CandidateID: res.CandidateID, CompanyUUID: res.CompanyUUID},
		func(x *Exchange) (string, string) { return Action(x, a.ButtonText) })
	return d, err
}

// Replay sends a journaled call c again, signed afresh, and journals it
// with meta, whose ReplayOf names the entry replayed.
func (s *Sender) Replay(ctx context.Context, c Call, meta store.Delivery) (store.Delivery, error) {
	_, d, err := s.exchange(ctx, c, meta, func(x *Exchange) (string, string) { return Replayed(x, meta.ReplayOf) })
	return d, err
}

// CompanyCall is a company webhook (docs/company-webhooks.md), whose URL
// and headers its caller makes: a subscription's or a partner's setup.
type CompanyCall struct {
	Kind    string
	Partner store.Partner // of a setup; zero for a subscription
	URL     string
	Header  http.Header
	Body    []byte
	// Start is the send time, the one the signature holds.
	Start time.Time
	// What names the event and its receiver in the verdict's reason.
	What string
}

// SendCompanyWebhook POSTs a company event as c says and journals the
// answer with meta. Nothing is retried.
func (s *Sender) SendCompanyWebhook(ctx context.Context, c CompanyCall, meta store.Delivery) (store.Delivery, error) {
	call := Call{Kind: c.Kind, Partner: c.Partner, Method: http.MethodPost, Body: c.Body, company: true, target: c.URL, header: c.Header, start: c.Start}
	_, d, err := s.exchange(ctx, call, meta, func(x *Exchange) (string, string) { return CompanyWebhook(x, c.What) })
	return d, err
}
