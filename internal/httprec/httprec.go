// Package httprec records what passes through an HTTP handler: the
// status, the size and the start of the bodies, bounded in bytes, for
// journals and logs.
package httprec

import (
	"io"
	"net/http"
	"strings"
)

// Capture keeps the first limit bytes of a body passing through. The
// journal entry takes its text as it is (strings.Builder: no copy).
type Capture struct {
	Buf   strings.Builder
	Limit int
	Total int
	EOF   bool // the reader reported the end of the body
}

// Keep records p.
func (c *Capture) Keep(p []byte) {
	c.Total += len(p)
	if c.Buf.Cap() == 0 && c.Limit > 0 {
		c.Buf.Grow(min(len(p), c.Limit)) // a response is mostly one write
	}
	if room := c.Limit - c.Buf.Len(); room > 0 {
		c.Buf.Write(p[:min(room, len(p))])
	}
}

// Tee records in C what a handler reads of a request body.
type Tee struct {
	io.ReadCloser
	C *Capture
}

func (t *Tee) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	t.C.Keep(p[:n])
	if err == io.EOF {
		t.C.EOF = true
	}
	return n, err
}

// Writer records the status, the size and (up to Body.Limit, which may
// be 0) the start of a response body.
type Writer struct {
	http.ResponseWriter
	Status int
	Body   Capture
}

func (w *Writer) WriteHeader(code int) {
	if w.Status == 0 {
		w.Status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *Writer) Write(p []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	w.Body.Keep(p)
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController and hijacking reach the connection.
func (w *Writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
