package webui

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/mockteamtailor/mockteamtailor/internal/curl"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// deliveriesShown caps the live backlog; deliveriesPage is how many
// entries one page of the inspector lists (older ones are on the next
// pages).
const (
	deliveriesShown = 200
	deliveriesPage  = 50
)

var (
	kinds    = []string{store.KindWebhook, store.KindConfig, store.KindActivation, store.KindValidate, store.KindAction, store.KindPartnerAPI, publicapi.KindPublicAPI, store.KindCompanyWebhook}
	verdicts = []string{store.VerdictOK, store.VerdictFailed, store.VerdictInvalid, store.VerdictError}
)

var verdictLabels = map[string]string{
	store.VerdictOK: "ok: as the protocol expects", store.VerdictFailed: "failed: a failure status",
	store.VerdictInvalid: "invalid: breaks the protocol", store.VerdictError: "error: no answer",
}

// journalFor returns the newest n journal entries matching f that
// belong to the partner, oldest first. Partner API requests whose key
// was refused belong to no partner; they are everyone's, since "my key
// is refused" is just what a developer comes here to find.
func (u *UI) journalFor(ctx context.Context, partnerID string, f store.JournalFilter, n int) ([]store.Delivery, error) {
	f.PartnerID, f.Limit = "", 0
	ds, err := u.store.Journal(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []store.Delivery
	for i := len(ds) - 1; i >= 0 && (n <= 0 || len(out) < n); i-- {
		if ours(ds[i], partnerID) {
			out = append(out, ds[i])
		}
	}
	slices.Reverse(out)
	return out, nil
}

func ours(d store.Delivery, partnerID string) bool {
	return d.PartnerID == partnerID || d.PartnerID == ""
}

type deliveriesView struct {
	Rows     []deliveryView
	Kind     string
	Verdict  string
	Kinds    []optionView
	Verdicts []optionView
	Problems []string
	Limit    int
	// Paging, newest first: entries From to To of Total on page Page of
	// Pages; NewerURL and OlderURL link the neighbours ("" at the ends).
	Page, Pages, Total, From, To int
	NewerURL, OlderURL           string
}

func (u *UI) deliveries(w http.ResponseWriter, r *http.Request) {
	p, _, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return
	}
	q := r.URL.Query()
	v := deliveriesView{Kind: q.Get("kind"), Verdict: q.Get("verdict"), Limit: deliveriesShown}
	status := http.StatusOK
	if v.Kind != "" && !slices.Contains(kinds, v.Kind) {
		v.Problems = append(v.Problems, fmt.Sprintf("%q is not a kind of call; showing every kind.", v.Kind))
		v.Kind, status = "", http.StatusBadRequest
	}
	if v.Verdict != "" && !slices.Contains(verdicts, v.Verdict) {
		v.Problems = append(v.Problems, fmt.Sprintf("%q is not a verdict; showing every verdict.", v.Verdict))
		v.Verdict, status = "", http.StatusBadRequest
	}
	for _, k := range kinds {
		v.Kinds = append(v.Kinds, optionView{ID: k, Label: kindLabels[k], Selected: k == v.Kind})
	}
	for _, vd := range verdicts {
		v.Verdicts = append(v.Verdicts, optionView{ID: vd, Label: verdictLabels[vd], Selected: vd == v.Verdict})
	}
	ds, err := u.journalFor(r.Context(), p.ID, store.JournalFilter{Kind: v.Kind, Verdict: v.Verdict}, 0)
	if err != nil {
		u.failPage(w, r, "The journal could not be read", err)
		return
	}
	v.Total, v.Page = len(ds), 1
	v.Pages = max(1, (v.Total+deliveriesPage-1)/deliveriesPage)
	if raw := q.Get("page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > v.Pages {
			v.Problems = append(v.Problems, fmt.Sprintf("there is no page %q; there are %d, showing the first.", raw, v.Pages))
			status = http.StatusBadRequest
		} else {
			v.Page = n
		}
	}
	// Newest first: page 1 holds the newest entries.
	newest := len(ds) - 1 - (v.Page-1)*deliveriesPage
	for i := newest; i >= 0 && i > newest-deliveriesPage; i-- {
		v.Rows = append(v.Rows, newDeliveryView(ds[i]))
	}
	if len(v.Rows) > 0 {
		v.From, v.To = (v.Page-1)*deliveriesPage+1, (v.Page-1)*deliveriesPage+len(v.Rows)
	}
	pageURL := func(n int) string {
		qs := url.Values{}
		if v.Kind != "" {
			qs.Set("kind", v.Kind)
		}
		if v.Verdict != "" {
			qs.Set("verdict", v.Verdict)
		}
		if n > 1 {
			qs.Set("page", strconv.Itoa(n))
		}
		if len(qs) == 0 {
			return "/deliveries"
		}
		return "/deliveries?" + qs.Encode()
	}
	if v.Page > 1 {
		v.NewerURL = pageURL(v.Page - 1)
	}
	if v.Page < v.Pages {
		v.OlderURL = pageURL(v.Page + 1)
	}
	u.render(w, r, status, "deliveries", page{Title: "Deliveries", Section: "deliveries", Partner: p, Data: v})
}

// deliveryDetail is one journal entry in full.
type deliveryDetail struct {
	V             deliveryView
	Request       messageView
	Response      *messageView
	Signature     *signatureView
	Curl          string
	Replayable    bool
	CandidateName string
	Partner       store.Partner
}

type messageView struct {
	Headers   []keyValue
	Body      string
	JSON      bool
	Size      int
	Truncated bool
	// HeadersCut marks headers the journal cut; HeaderSize is what was
	// sent in all.
	HeadersCut bool
	HeaderSize int
}

// signatureView explains the Teamtailor-Signature of a webhook or an
// action (docs/protocol.md §1.2) with signature.Explain.
type signatureView struct {
	Header     string
	Timestamp  time.Time
	Valid      bool
	Reasons    []string
	With       string // whose secret
	At         string // when it was checked against
	Custom     bool   // checked with a secret typed in
	CheckedNow bool
}

func newMessageView(m store.HTTPMessage) messageView {
	v := messageView{Size: m.BodySize, Truncated: m.BodyTruncated, HeadersCut: m.HeaderTruncated, HeaderSize: m.HeaderSize}
	for _, k := range sortedKeys(m.Header) {
		for _, val := range m.Header[k] {
			v.Headers = append(v.Headers, keyValue{Key: k, Value: val})
		}
	}
	v.Body, v.JSON = prettyJSON(m.Body)
	return v
}

func (u *UI) loadDelivery(w http.ResponseWriter, r *http.Request) (store.Delivery, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		u.errorPage(w, r, http.StatusNotFound, "No such delivery", fmt.Sprintf("%q is not a delivery id: ids are whole numbers.", r.PathValue("id")))
		return store.Delivery{}, false
	}
	d, err := u.store.JournalEntry(r.Context(), id)
	if err != nil {
		u.errorPage(w, r, http.StatusNotFound, "No such delivery", fmt.Sprintf("There is no delivery %d; the journal keeps the newest entries only.", id))
		return d, false
	}
	return d, true
}

func (u *UI) deliveryDetail(r *http.Request, d store.Delivery) deliveryDetail {
	v := deliveryDetail{V: newDeliveryView(d), Request: newMessageView(d.Request), Curl: curl.Command(curl.Request{Method: d.Request.Method, URL: d.Request.URL, Header: d.Request.Header, Body: d.Request.Body}, "  ")}
	if d.Response != nil {
		m := newMessageView(*d.Response)
		v.Response = &m
	}
	v.Partner, _ = u.store.Partner(r.Context(), d.PartnerID)
	v.Replayable = d.Kind != store.KindPartnerAPI && d.Kind != publicapi.KindPublicAPI
	if d.CandidateID != 0 {
		if c, err := u.store.Candidate(r.Context(), d.CandidateID); err == nil {
			v.CandidateName, _ = cutText(candidateName(c), 60)
		}
	}
	if h := d.Request.Header.Get(signature.Header); h != "" || d.Kind == store.KindWebhook || d.Kind == store.KindAction {
		v.Signature = u.explain(d, v.Partner.WebhookSecret, false, d.Time)
		v.Signature.With = "the partner's webhook secret"
		v.Signature.At = "when it was sent"
	}
	return v
}

func (u *UI) explain(d store.Delivery, secret string, custom bool, at time.Time) *signatureView {
	h := d.Request.Header.Get(signature.Header)
	var body []byte
	if !d.Request.BodyTruncated {
		body = []byte(d.Request.Body)
	}
	signed := d.EventID
	if d.Kind == store.KindCompanyWebhook {
		// A webhook setup's Teamtailor-Signature signs the record's id
		// (docs/company-webhooks.md §6).
		signed, _ = signature.ResourceID(body)
	}
	diag := signature.Explain(h, secret, signed, body, at, 0)
	s := &signatureView{Header: h, Valid: diag.Valid, Reasons: diag.Reasons, Custom: custom}
	if p, err := signature.Parse(h); err == nil {
		s.Timestamp = time.Unix(p.Timestamp, 0)
	}
	return s
}

func (u *UI) delivery(w http.ResponseWriter, r *http.Request) {
	d, ok := u.loadDelivery(w, r)
	if !ok {
		return
	}
	v := u.deliveryDetail(r, d)
	u.render(w, r, http.StatusOK, "delivery", page{Title: fmt.Sprintf("Delivery #%d", d.ID), Section: "deliveries", Partner: v.Partner, Data: v})
}

// verify explains the signature again, with a secret typed in (is that
// the one my integration uses?) and/or against the clock now (would my
// integration's timestamp window accept it now?).
func (u *UI) verify(w http.ResponseWriter, r *http.Request) {
	d, ok := u.loadDelivery(w, r)
	if !ok {
		return
	}
	v := u.deliveryDetail(r, d)
	secret, custom := r.PostFormValue("secret"), true
	if secret == "" {
		secret, custom = v.Partner.WebhookSecret, false
	}
	at, now := d.Time, r.PostFormValue("at") == "now"
	if now {
		at = u.clock()
	}
	v.Signature = u.explain(d, secret, custom, at)
	v.Signature.CheckedNow = now
	v.Signature.With = "the partner's webhook secret"
	if custom {
		v.Signature.With = "the secret you entered"
	}
	v.Signature.At = "when it was sent"
	if now {
		v.Signature.At = "now"
	}
	u.render(w, r, http.StatusOK, "delivery", page{Title: fmt.Sprintf("Delivery #%d", d.ID), Section: "deliveries", Partner: v.Partner, Data: v})
}

// replay sends a call again, signed afresh (Replay).
func (u *UI) replay(w http.ResponseWriter, r *http.Request) {
	d, ok := u.loadDelivery(w, r)
	if !ok {
		return
	}
	nd, err := u.srv.Replay(r.Context(), d.ID)
	if err != nil {
		_, msgs := describe(err)
		u.redirect(w, r, fmt.Sprintf("/deliveries/%d", d.ID), &flash{Level: "error", Text: "Not replayed: " + strings.Join(msgs, " ")})
		return
	}
	f := flash{Level: "ok", Text: fmt.Sprintf("Replayed delivery #%d as #%d.", d.ID, nd.ID)}
	if nd.Verdict != store.VerdictOK {
		f.Level = "error"
	}
	u.redirect(w, r, fmt.Sprintf("/deliveries/%d", nd.ID), &f)
}

// liveEvent is what a page learns about a new journal entry.
type liveEvent struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Verdict     string `json:"verdict"`
	CandidateID int64  `json:"candidateId,omitempty"`
	ResultID    string `json:"resultId,omitempty"`
	BulkRunID   string `json:"bulkRunId,omitempty"`
	Row         string `json:"row"` // the inspector's table row
}

// live streams the current partner's new journal entries as server-sent
// events. It catches up from the journal first (after ?after= or the
// Last-Event-ID the browser sends when it reconnects), so nothing is
// missed between the page and the stream, and ends after streamFor (the
// browser reconnects at once).
func (u *UI) live(w http.ResponseWriter, r *http.Request) {
	p, _, err := u.currentPartner(r)
	if err != nil {
		http.Error(w, "no partner", http.StatusNotFound)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if id, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64); err == nil {
		after = id
	}
	ch, stop := u.srv.Subscribe()
	defer stop()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 300\n\n")
	send := func(d store.Delivery) error {
		row, err := u.partialString("deliveryRow", newDeliveryView(d))
		if err != nil {
			u.log.Error("render live row", "error", err)
		}
		b, _ := json.Marshal(liveEvent{ID: d.ID, Kind: d.Kind, Verdict: d.Verdict, CandidateID: d.CandidateID, ResultID: d.ResultID, BulkRunID: d.BulkRunID, Row: strings.TrimSpace(row)})
		fmt.Fprintf(w, "id: %d\nevent: delivery\ndata: %s\n\n", d.ID, b)
		after = max(after, d.ID)
		return rc.Flush()
	}
	if after > 0 || r.URL.Query().Has("after") {
		backlog, err := u.journalFor(r.Context(), p.ID, store.JournalFilter{AfterID: after}, deliveriesShown)
		if err != nil {
			return
		}
		for _, d := range backlog {
			if send(d) != nil {
				return
			}
		}
	}
	if rc.Flush() != nil {
		return
	}
	end := time.NewTimer(u.streamFor)
	defer end.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-end.C:
			return
		case d, ok := <-ch:
			if !ok {
				return
			}
			if !ours(d, p.ID) || d.ID <= after {
				continue
			}
			if send(d) != nil {
				return
			}
		}
	}
}
