package mockteamtailor

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/secret"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// capture keeps the first limit bytes of a body passing through. The
// journal entry takes its text as it is (strings.Builder: no copy).
type capture struct {
	buf   strings.Builder
	limit int
	total int
	eof   bool // the reader reported the end of the body
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

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	t.c.keep(p[:n])
	if err == io.EOF {
		t.c.eof = true
	}
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
	if r.Body != nil && !reqBody.eof && reqBody.buf.Len() < limit {
		io.CopyN(io.Discard, r.Body, int64(limit-reqBody.buf.Len()+1))
	}
	// The captured bodies are not copied again: nothing writes to them
	// after the handler returned. The headers are copied.
	req := store.NewHTTPMessageString(r.Header, reqBody.buf.String(), limit)
	s.redactAuthInPlace(req.Header)
	req.BodySize, req.BodyTruncated = reqBody.total, reqBody.total > reqBody.buf.Len()
	req.Method, req.URL = r.Method, s.cfg.baseURL()+r.URL.RequestURI()
	resp := store.NewHTTPMessageString(w.Header(), w.body.buf.String(), s.cfg.JournalBodyLimit)
	resp.Status = w.status
	resp.BodySize, resp.BodyTruncated = w.body.total, w.body.total > w.body.buf.Len()
	verdict, reason := store.VerdictOK, answered(r.Method, r.URL.Path, w.status)
	if w.status >= 400 {
		verdict = store.VerdictFailed
		if detail := httpapi.FirstDetail([]byte(w.body.buf.String())); detail != "" {
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
func (s *Server) redactAuthInPlace(h http.Header) {
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
