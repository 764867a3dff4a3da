package partnerapi

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/httprec"
	"github.com/mockteamtailor/mockteamtailor/internal/secret"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// journalAPI records a Partner API request the partner made (docs/protocol.md
// §2), with what the mock answered. Of a request refused before
// authentication it keeps less (RefusedBodyLimit, RefusedHeaderLimit).
func (s *API) journalAPI(r *http.Request, partnerID string, refused bool, reqBody *httprec.Capture, w *httprec.Writer, start time.Time, began time.Time) {
	limit := reqBody.Limit
	// A request refused before its body was read (401, 406, 415...) still
	// shows what it sent: read what the journal keeps of the rest.
	// One byte more than it keeps, so a longer body shows as cut.
	if r.Body != nil && !reqBody.EOF && reqBody.Buf.Len() < limit {
		io.CopyN(io.Discard, r.Body, int64(limit-reqBody.Buf.Len()+1))
	}
	// The captured bodies are not copied again: nothing writes to them
	// after the handler returned. The headers are copied: keeping the
	// response's own map instead saved 1.5 % of the CPU but held 15 MB
	// more in memory under load.
	headerLimit := store.JournalHeaderLimit
	if refused {
		headerLimit = RefusedHeaderLimit
	}
	req := store.NewHTTPMessageCut(r.Header, headerLimit, keptString(&reqBody.Buf), limit)
	s.redactAuthInPlace(req.Header)
	req.BodySize, req.BodyTruncated = reqBody.Total, reqBody.Total > reqBody.Buf.Len()
	req.Method, req.URL = r.Method, s.cfg.baseURL()+r.URL.RequestURI()
	resp := store.NewHTTPMessageString(w.Header(), keptString(&w.Body.Buf), s.cfg.JournalBodyLimit)
	resp.Status = w.Status
	resp.BodySize, resp.BodyTruncated = w.Body.Total, w.Body.Total > w.Body.Buf.Len()
	verdict, reason := store.VerdictOK, answered(r.Method, r.URL.Path, w.Status)
	if w.Status >= 400 {
		verdict = store.VerdictFailed
		if detail := httpapi.FirstDetail([]byte(w.Body.Buf.String())); detail != "" {
			reason += ": " + detail
		}
	}
	d := store.Delivery{Kind: store.KindPartnerAPI, PartnerID: partnerID, Time: start, DurationMS: float64(time.Since(began).Microseconds()) / 1000,
		Request: req, Response: &resp, Verdict: verdict, Reason: reason}
	if id, ok := strings.CutPrefix(r.URL.Path, "/partner/v1/partner-results/"); ok {
		d.ResultID = id
	}
	d, err := s.store.AppendJournal(r.Context(), d)
	if err != nil {
		// The request was answered; only its record is missing, which the
		// log says.
		s.logger.ErrorContext(r.Context(), "journal entry not kept", "kind", store.KindPartnerAPI, "partner", partnerID, "error", err)
		return
	}
	if s.publish != nil {
		s.publish(d)
	}
}

// keptString is what a capture holds, for the journal to keep: the
// builder's own bytes when they fill its buffer (the usual case: it was
// grown to the body's length), a copy when most of the buffer is unused,
// which the journal would keep reachable without counting it.
func keptString(b *strings.Builder) string {
	if b.Cap()-b.Len() > b.Len()/4+64 {
		return strings.Clone(b.String())
	}
	return b.String()
}

// answered is a journal entry's reason: "PUT /path answered 200".
func answered(method, path string, status int) string {
	b := make([]byte, 0, 64)
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, " answered "...)
	b = strconv.AppendInt(b, int64(status), 10)
	return string(b)
}

// redactAuthInPlace keeps the scheme of the Authorization header and masks the
// key, so the journal never holds the partner API key in full.
func (s *API) redactAuthInPlace(h http.Header) {
	v := h.Get("Authorization")
	if v == "" {
		return
	}
	// The same partner sends the same header on every request: the last
	// one masked is kept, so masking costs no allocation on the hot path.
	redacted := ""
	if last := s.lastRedacted.Load(); last != nil && last[0] == v {
		redacted = last[1]
	} else {
		scheme, key, _ := strings.Cut(v, " ")
		redacted = scheme + " " + secret.Mask(key)
		s.lastRedacted.Store(&[2]string{v, redacted})
	}
	if vs := h["Authorization"]; len(vs) == 1 {
		vs[0] = redacted // the copy's own slice
		return
	}
	h.Set("Authorization", redacted)
}
