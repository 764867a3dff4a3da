package mockteamtailor

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/companyevent"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/delivery"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnercall"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// KindCompanyWebhook marks journal entries of company webhook and partner
// setup deliveries (docs/company-webhooks.md §7).
const KindCompanyWebhook = store.KindCompanyWebhook

// companyHooks holds company webhook subscriptions, partner webhook
// setups, their delivery queues and the listeners of company events. The
// subscriptions and setups are kept in the store too (on their company and
// partner), so serve --state keeps them across a restart; these are the
// working copies, loaded from the store at start and after a reset.
type companyHooks struct {
	mu        sync.Mutex // guards everything below
	subs      []controlapi.Subscription
	nextID    int64
	setups    map[string]controlapi.WebhookSetup // by partner id
	queues    map[string]*hookQueue              // by target key
	listeners map[chan CompanyEvent]struct{}
}

// hookQueue is one target's pending deliveries; one goroutine drains it
// while it is not empty, so deliveries go out one at a time, in order.
type hookQueue struct {
	pending []hookDelivery
	running bool
	dropped int // events not queued because the queue was full
}

// What the company webhooks keep is bounded (docs/security.md): the
// subscriptions, each one's text, and the events waiting for a slow
// target. An event for a full queue is dropped and logged: the target is
// not keeping up, and a failed delivery is never retried anyway.
const (
	MaxSubscriptions    = 100
	MaxSubscriptionText = 2048 // bytes of a label, URL or signature key
	MaxQueuedEvents     = 1000 // per target
)

// hookDelivery is one event for one target: a subscription, or a partner
// setup in one company.
type hookDelivery struct {
	ev         CompanyEvent
	sub        *controlapi.Subscription
	partner    store.Partner
	activation store.Activation
	setupURL   string
}

// quiet reports whether no subscription, setup or listener would get an
// event, so emitting can skip building it.
func (h *companyHooks) quiet() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs) == 0 && len(h.setups) == 0 && len(h.listeners) == 0
}

// load replaces the subscriptions and setups with those the store keeps;
// deliveries already queued still go out.
func (h *companyHooks) load(ctx context.Context, st store.Store) error {
	partners, err := st.Partners(ctx)
	if err != nil {
		return err
	}
	companies, err := st.Companies(ctx)
	if err != nil {
		return err
	}
	setups := map[string]controlapi.WebhookSetup{}
	for _, p := range partners {
		if p.WebhookSetup != nil {
			setups[p.ID] = controlapi.WebhookSetup{URL: p.WebhookSetup.URL, Events: slices.Clone(p.WebhookSetup.Events)}
		}
	}
	var subs []controlapi.Subscription
	last := int64(0)
	for _, c := range companies {
		last = max(last, c.LastWebhookID)
		for _, w := range c.Webhooks {
			subs = append(subs, controlapi.Subscription{ID: w.ID, CompanyUUID: c.UUID, Label: w.Label, URL: w.URL,
				Events: slices.Clone(w.Events), SignatureKey: w.SignatureKey, SignatureVersion: w.SignatureVersion})
		}
	}
	slices.SortFunc(subs, func(a, b controlapi.Subscription) int { return cmp.Compare(a.ID, b.ID) })
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs, h.setups = subs, nil
	if len(setups) > 0 {
		h.setups = setups
	}
	h.nextID = max(h.nextID, last)
	for _, sub := range subs {
		h.nextID = max(h.nextID, sub.ID)
	}
	return nil
}

func (h *companyHooks) listen() (<-chan CompanyEvent, func()) {
	ch := make(chan CompanyEvent, 1024)
	h.mu.Lock()
	if h.listeners == nil {
		h.listeners = map[chan CompanyEvent]struct{}{}
	}
	h.listeners[ch] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.listeners, ch)
			h.mu.Unlock()
			close(ch)
		})
	}
}

// dispatch queues evs for their targets. It holds the lock from the first
// event to the last, so the events of one write stay together and in
// order in every queue.
func (h *companyHooks) dispatch(ctx context.Context, s *Server, evs []CompanyEvent) {
	// Partner setups deliver to the companies that activated the partner:
	// activation starts the setup's deliveries, deactivation stops them
	// (docs/company-webhooks.md §6). Looked up before taking the lock.
	type setupTarget struct {
		p   store.Partner
		act store.Activation
		url string
		evs []string
	}
	var setups []setupTarget
	h.mu.Lock()
	bySetup := maps2slice(h.setups)
	h.mu.Unlock()
	for _, ps := range bySetup {
		p, err := s.store.Partner(ctx, ps.id)
		if err != nil {
			continue
		}
		act, err := s.store.ActivationFor(ctx, p.ID, evs[0].CompanyUUID)
		if err != nil {
			continue
		}
		setups = append(setups, setupTarget{p, act, ps.setup.URL, ps.setup.Events})
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ev := range evs {
		for ch := range h.listeners {
			select {
			case ch <- ev:
			default:
			}
		}
		for i := range h.subs {
			sub := h.subs[i]
			if sub.CompanyUUID == ev.CompanyUUID && slices.Contains(sub.Events, ev.Event.Name) {
				h.enqueue(s, fmt.Sprintf("sub:%d", sub.ID), hookDelivery{ev: ev, sub: &sub})
			}
		}
		for _, t := range setups {
			if slices.Contains(t.evs, ev.Event.Name) {
				h.enqueue(s, "setup:"+t.p.ID+":"+ev.CompanyUUID, hookDelivery{ev: ev, partner: t.p, activation: t.act, setupURL: t.url})
			}
		}
	}
}

type partnerSetup struct {
	id    string
	setup controlapi.WebhookSetup
}

func maps2slice(m map[string]controlapi.WebhookSetup) []partnerSetup {
	out := make([]partnerSetup, 0, len(m))
	for id, st := range m {
		out = append(out, partnerSetup{id, st})
	}
	slices.SortFunc(out, func(a, b partnerSetup) int { return strings.Compare(a.id, b.id) })
	return out
}

// enqueue adds d to key's queue and starts its drain when idle. h.mu is
// held.
func (h *companyHooks) enqueue(s *Server, key string, d hookDelivery) {
	if h.queues == nil {
		h.queues = map[string]*hookQueue{}
	}
	q := h.queues[key]
	if q == nil {
		q = &hookQueue{}
		h.queues[key] = q
	}
	if len(q.pending) >= MaxQueuedEvents {
		q.dropped++
		s.logger.Warn("company event dropped: its target's queue is full", "target", key, "event", d.ev.Event.Name,
			"queued", len(q.pending), "dropped", q.dropped)
		return
	}
	q.pending = append(q.pending, d)
	if q.running {
		return
	}
	q.running = true
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		for {
			h.mu.Lock()
			if len(q.pending) == 0 || s.bgCtx.Err() != nil {
				q.running, q.pending = false, nil
				h.mu.Unlock()
				return
			}
			next := q.pending[0]
			q.pending = q.pending[1:]
			h.mu.Unlock()
			s.deliverCompanyEvent(s.bgCtx, next, 0)
		}
	}()
}

// deliverCompanyEvent sends one event to one target, once: a failure is
// journaled, never retried (docs/company-webhooks.md §7). replayOf marks a
// replay of that journal entry. It returns the journal entry.
func (s *Server) deliverCompanyEvent(ctx context.Context, d hookDelivery, replayOf int64) store.Delivery {
	ev, id := d.ev.Event, d.ev.Event.Data.ID
	now := s.clock()
	h := http.Header{}
	var (
		body   []byte
		err    error
		target string
		who    string
	)
	if d.sub != nil {
		// docs/company-webhooks.md §4, §5: v1 signs the resource id and
		// the body repeats the value; v2 signs the body, which has no
		// signature member.
		target, who = d.sub.URL, fmt.Sprintf("subscription %d (%s)", d.sub.ID, d.sub.Label)
		if d.sub.SignatureVersion == signature.CompanyV1 {
			sig := signature.SignCompanyV1(d.sub.SignatureKey, id)
			body, err = companyevent.Body(ev, sig)
			setCompanySignature(h, sig)
		} else {
			body, err = companyevent.Body(ev, "")
			setCompanySignature(h, signature.SignCompanyV2(d.sub.SignatureKey, body, now))
		}
		h.Set("User-Agent", s.cfg.UserAgent)
		h.Set("Content-Type", "application/json")
		h.Set("Accept-Encoding", "gzip")
	} else {
		// docs/company-webhooks.md §6: the activation's provider key, the
		// API token when the partner requires one, Teamtailor-Host, and
		// both signatures keyed with the partner's webhook secret.
		target, who = d.setupURL, fmt.Sprintf("the webhook setup of partner %s", d.partner.ID)
		hd := partnercall.Headers{UserAgent: s.cfg.UserAgent, Host: s.cfg.StackHost(), ProviderKey: d.activation.ProviderKey, Gzip: true,
			Signature: signature.Sign(d.partner.WebhookSecret, id, now)}
		if d.partner.RequireAPIToken {
			hd.APIToken = d.activation.APIToken
		}
		hd.Apply(h, true)
		sig := signature.SignCompanyV1(d.partner.WebhookSecret, id)
		body, err = companyevent.Body(ev, sig)
		setCompanySignature(h, sig)
	}
	if err != nil {
		s.logger.ErrorContext(ctx, "company event not encoded", "event", ev.Name, "error", err)
		return store.Delivery{}
	}
	out, err := s.sender.SendCompanyWebhook(ctx, delivery.CompanyCall{Kind: KindCompanyWebhook, Partner: d.partner, URL: target, Header: h, Body: body, Start: now,
		What: fmt.Sprintf("%s of %s %s to %s", ev.Name, ev.Data.Type, id, who)},
		store.Delivery{CompanyUUID: d.ev.CompanyUUID, ReplayOf: replayOf})
	if bad := (*delivery.BadURLError)(nil); errors.As(err, &bad) {
		s.logger.ErrorContext(ctx, "company webhook URL not usable", "url", target, "error", bad.Err)
	}
	return out
}

// replayCompanyWebhook sends a journaled company event again, now, to the
// subscription or setup it went to, signed afresh with its current key:
// the subscription of the same company and URL, or the partner's setup in
// that company while the partner is activated there.
func (s *Server) replayCompanyWebhook(ctx context.Context, d store.Delivery) (store.Delivery, error) {
	if d.Request.BodyTruncated {
		return store.Delivery{}, httpapi.Conflict("delivery %d: the journal kept only part of its body, so it cannot be sent again", d.ID)
	}
	ev, _, err := companyevent.Parse([]byte(d.Request.Body))
	if err != nil {
		return store.Delivery{}, httpapi.Conflict("delivery %d: its body is not a company event: %v", d.ID, err)
	}
	hd := hookDelivery{ev: CompanyEvent{CompanyUUID: d.CompanyUUID, Event: ev, Time: s.clock()}}
	if d.PartnerID != "" {
		p, err := s.store.Partner(ctx, d.PartnerID)
		if err != nil {
			return store.Delivery{}, httpapi.NotFound("partner %q of delivery %d no longer exists", d.PartnerID, d.ID)
		}
		act, err := s.store.ActivationFor(ctx, p.ID, d.CompanyUUID)
		if err != nil {
			return store.Delivery{}, httpapi.Conflict("partner %s is no longer activated in company %s, so its webhook setup sends nothing there", p.ID, d.CompanyUUID)
		}
		hd.partner, hd.activation, hd.setupURL = p, act, d.Request.URL
	} else {
		i := slices.IndexFunc(s.Subscriptions(), func(sub controlapi.Subscription) bool {
			return sub.CompanyUUID == d.CompanyUUID && sub.URL == d.Request.URL
		})
		if i < 0 {
			return store.Delivery{}, httpapi.Conflict("no company webhook of company %s sends to %s any more", d.CompanyUUID, d.Request.URL)
		}
		sub := s.Subscriptions()[i]
		hd.sub = &sub
	}
	out := s.deliverCompanyEvent(ctx, hd, d.ID)
	if out.ID == 0 {
		return out, httpapi.Conflict("delivery %d could not be sent again", d.ID)
	}
	return out, nil
}

// ---- subscriptions ----

// CreateWebhook adds a company webhook. Events default to all nine,
// the version to v2 and the key to 32 random bytes, hex
// (docs/company-webhooks.md §2).
func (s *Server) CreateWebhook(ctx context.Context, in controlapi.SubscriptionInput) (controlapi.Subscription, error) {
	if _, err := s.store.Company(ctx, in.CompanyUUID); err != nil {
		return controlapi.Subscription{}, httpapi.Invalid("/companyUuid", "there is no company %q", in.CompanyUUID)
	}
	if err := checkHookURL(in.URL); err != nil {
		return controlapi.Subscription{}, httpapi.Invalid("/url", "%v", err)
	}
	for _, f := range []struct{ pointer, value string }{{"/label", in.Label}, {"/url", in.URL}, {"/signatureKey", in.SignatureKey}} {
		if len(f.value) > MaxSubscriptionText {
			return controlapi.Subscription{}, httpapi.Invalid(f.pointer, "%s is %d bytes, more than the %d the mock keeps", f.pointer[1:], len(f.value), MaxSubscriptionText)
		}
	}
	events, err := checkEvents(in.Events)
	if err != nil {
		return controlapi.Subscription{}, httpapi.Invalid("/events", "%v", err)
	}
	version := in.SignatureVersion
	switch version {
	case "":
		version = signature.CompanyV2
	case signature.CompanyV1, signature.CompanyV2:
	default:
		return controlapi.Subscription{}, httpapi.Invalid("/signatureVersion", "signatureVersion %q is not v1 or v2", version)
	}
	key := in.SignatureKey
	if key == "" {
		b := make([]byte, 32)
		rand.Read(b)
		key = hex.EncodeToString(b)
	}
	h := &s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) >= MaxSubscriptions {
		return controlapi.Subscription{}, httpapi.Invalid("/url", "the mock keeps at most %d company webhooks; delete one first (DELETE /mock/v1/webhooks/{id})", MaxSubscriptions)
	}
	sub := controlapi.Subscription{ID: h.nextID + 1, CompanyUUID: in.CompanyUUID, Label: in.Label, URL: in.URL, Events: events, SignatureKey: key, SignatureVersion: version}
	// Kept on the company, so serve --state keeps it.
	if _, err := s.store.UpdateCompany(ctx, in.CompanyUUID, func(c *store.Company) error {
		c.Webhooks = append(c.Webhooks, store.CompanyWebhook{ID: sub.ID, Label: sub.Label, URL: sub.URL, Events: slices.Clone(events),
			SignatureKey: key, SignatureVersion: version})
		c.LastWebhookID = max(c.LastWebhookID, sub.ID)
		return nil
	}); err != nil {
		return controlapi.Subscription{}, storeErr(err, "company "+in.CompanyUUID)
	}
	h.nextID++
	h.subs = append(h.subs, sub)
	return sub, nil
}

// Subscriptions returns every company webhook, by id.
func (s *Server) Subscriptions() []controlapi.Subscription {
	h := &s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.subs)
}

// Webhook returns one company webhook.
func (s *Server) Webhook(_ context.Context, id int64) (controlapi.Subscription, error) {
	for _, sub := range s.Subscriptions() {
		if sub.ID == id {
			return sub, nil
		}
	}
	return controlapi.Subscription{}, httpapi.NotFound("there is no company webhook %d", id)
}

// DeleteWebhook removes a company webhook; deliveries already queued
// still go out.
func (s *Server) DeleteWebhook(ctx context.Context, id int64) error {
	h := &s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	i := slices.IndexFunc(h.subs, func(sub controlapi.Subscription) bool { return sub.ID == id })
	if i < 0 {
		return httpapi.NotFound("there is no company webhook %d", id)
	}
	_, err := s.store.UpdateCompany(ctx, h.subs[i].CompanyUUID, func(c *store.Company) error {
		c.Webhooks = slices.DeleteFunc(c.Webhooks, func(w store.CompanyWebhook) bool { return w.ID == id })
		return nil
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	h.subs = slices.Delete(h.subs, i, i+1)
	return nil
}

// ---- partner webhook setups ----

// SetWebhookSetup gives a partner a webhook setup (events default to all
// nine): every company that has activated the partner, now or later,
// sends its events there (docs/company-webhooks.md §6).
func (s *Server) SetWebhookSetup(ctx context.Context, partnerID string, in controlapi.WebhookSetup) (controlapi.WebhookSetup, error) {
	if _, err := s.store.Partner(ctx, partnerID); err != nil {
		return in, storeErr(err, "partner "+partnerID)
	}
	if err := checkHookURL(in.URL); err != nil {
		return in, httpapi.Invalid("/url", "%v", err)
	}
	events, err := checkEvents(in.Events)
	if err != nil {
		return in, httpapi.Invalid("/events", "%v", err)
	}
	in.Events = events
	h := &s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	// Kept on the partner, so serve --state keeps it.
	if err := s.putPartnerSetup(ctx, partnerID, &store.WebhookSetup{URL: in.URL, Events: slices.Clone(events)}); err != nil {
		return in, err
	}
	if h.setups == nil {
		h.setups = map[string]controlapi.WebhookSetup{}
	}
	h.setups[partnerID] = in
	return in, nil
}

// putPartnerSetup stores a partner's setup, nil for none.
func (s *Server) putPartnerSetup(ctx context.Context, partnerID string, st *store.WebhookSetup) error {
	p, err := s.store.Partner(ctx, partnerID)
	if err != nil {
		return storeErr(err, "partner "+partnerID)
	}
	p.WebhookSetup = st
	return s.store.PutPartner(ctx, p)
}

// WebhookSetup returns a partner's webhook setup.
func (s *Server) WebhookSetup(_ context.Context, partnerID string) (controlapi.WebhookSetup, error) {
	h := &s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ok := h.setups[partnerID]
	if !ok {
		return st, httpapi.NotFound("partner %q has no webhook setup", partnerID)
	}
	return st, nil
}

// DeleteWebhookSetup removes a partner's webhook setup.
func (s *Server) DeleteWebhookSetup(ctx context.Context, partnerID string) error {
	h := &s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.setups[partnerID]; !ok {
		return httpapi.NotFound("partner %q has no webhook setup", partnerID)
	}
	if err := s.putPartnerSetup(ctx, partnerID, nil); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	delete(h.setups, partnerID)
	return nil
}

// checkHookURL accepts absolute http and https URLs. Teamtailor sends only
// to HTTPS; the mock, a test tool, accepts http too
// (docs/company-webhooks.md §2).
func checkHookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("url %q must be an absolute http or https URL, e.g. https://example.com/teamtailor/events", raw)
	}
	return nil
}

// checkEvents defaults to all nine events and refuses unknown names.
func checkEvents(events []string) ([]string, error) {
	if len(events) == 0 {
		return slices.Clone(companyevent.Names), nil
	}
	var out []string
	for _, e := range events {
		if !companyevent.Known(e) {
			return nil, fmt.Errorf("event %q is not one of %s", e, strings.Join(companyevent.Names, ", "))
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// setCompanySignature sets TT-Signature spelled as Teamtailor spells it;
// http.Header.Set would send it as "Tt-Signature". Header names are
// case-insensitive, so receivers read it either way.
func setCompanySignature(h http.Header, value string) {
	h[signature.CompanyHeader] = []string{value}
}
