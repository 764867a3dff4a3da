package mockteamtailor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// capture keeps the first limit bytes of a body passing through.
type capture struct {
	buf   bytes.Buffer
	limit int
	total int
}

func (c *capture) keep(p []byte) {
	c.total += len(p)
	if c.buf.Cap() == 0 && c.limit > 0 {
		c.buf.Grow(min(len(p), c.limit)) // a response is mostly one write
	}
	if room := c.limit - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
}

// teeBody records what the handler reads of a request body.
type teeBody struct {
	io.ReadCloser
	c *capture
}

func (t teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	t.c.keep(p[:n])
	return n, err
}

// recordingWriter records the status, the size and (up to body.limit,
// which may be 0) the start of a response body.
type recordingWriter struct {
	http.ResponseWriter
	status int
	body   capture
}

func (w *recordingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.keep(p)
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController and hijacking reach the connection.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// journalAPI records a Partner API request the partner made (PROTOCOL
// §2), with what the mock answered.
func (s *Server) journalAPI(r *http.Request, partnerID string, reqBody *capture, w *recordingWriter, start time.Time, began time.Time) {
	limit := reqBody.limit
	// A request refused before its body was read (401, 406, 415...) still
	// shows what it sent: read what the journal keeps of the rest.
	// One byte more than it keeps, so a longer body shows as cut.
	if r.Body != nil && reqBody.buf.Len() < limit {
		io.Copy(io.Discard, io.LimitReader(r.Body, int64(limit-reqBody.buf.Len()+1)))
	}
	req := store.NewHTTPMessage(r.Header, reqBody.buf.Bytes(), limit) // a copy of the headers
	redactAuthInPlace(req.Header)
	req.BodySize, req.BodyTruncated = reqBody.total, reqBody.total > reqBody.buf.Len()
	req.Method, req.URL = r.Method, s.cfg.baseURL()+r.URL.RequestURI()
	resp := store.NewHTTPMessage(w.Header(), w.body.buf.Bytes(), s.cfg.JournalBodyLimit)
	resp.Status = w.status
	resp.BodySize, resp.BodyTruncated = w.body.total, w.body.total > w.body.buf.Len()
	verdict, reason := store.VerdictOK, fmt.Sprintf("%s %s answered %d", r.Method, r.URL.Path, w.status)
	if w.status >= 400 {
		verdict = store.VerdictFailed
		if detail := firstErrorDetail(w.body.buf.Bytes()); detail != "" {
			reason += ": " + detail
		}
	}
	d := store.Delivery{Kind: store.KindPartnerAPI, PartnerID: partnerID, Time: start, DurationMS: float64(time.Since(began).Microseconds()) / 1000,
		Request: req, Response: &resp, Verdict: verdict, Reason: reason}
	if id, ok := strings.CutPrefix(r.URL.Path, "/partner/v1/partner-results/"); ok {
		d.ResultID = id
	}
	d, _ = s.store.AppendJournal(r.Context(), d)
	s.events.publish(d)
}

// redactAuthInPlace keeps the scheme of the Authorization header and masks the
// key, so the journal never holds the partner API key in full.
func redactAuthInPlace(h http.Header) {
	if v := h.Get("Authorization"); v != "" {
		scheme, key, _ := strings.Cut(v, " ")
		h.Set("Authorization", scheme+" "+Mask(key))
	}
}

func firstErrorDetail(body []byte) string {
	var doc errorDocument
	if json.Unmarshal(body, &doc) != nil || len(doc.Errors) == 0 {
		return ""
	}
	e := doc.Errors[0]
	msg := e.Detail
	if e.Source != nil && e.Source.Pointer != "" {
		msg = e.Source.Pointer + ": " + msg
	}
	if n := len(doc.Errors); n > 1 {
		msg += fmt.Sprintf(" (and %d more)", n-1)
	}
	return msg
}
