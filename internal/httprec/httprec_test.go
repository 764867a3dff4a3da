package httprec

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Rule: a capture keeps at most Limit bytes and counts them all.
func TestCaptureKeepsTheStart(t *testing.T) {
	c := Capture{Limit: 4}
	c.Keep([]byte("abc"))
	c.Keep([]byte("defgh"))
	if c.Buf.String() != "abcd" || c.Total != 8 {
		t.Errorf("kept %q of %d bytes, want \"abcd\" of 8", c.Buf.String(), c.Total)
	}
}

// Rule: a Tee records what is read and the end of the body.
func TestTeeRecordsTheBody(t *testing.T) {
	var c Capture
	c.Limit = 100
	tee := &Tee{ReadCloser: io.NopCloser(strings.NewReader("hello")), C: &c}
	b, err := io.ReadAll(tee)
	if err != nil || string(b) != "hello" || c.Buf.String() != "hello" || !c.EOF {
		t.Errorf("read %q (%v), captured %q, EOF %v", b, err, c.Buf.String(), c.EOF)
	}
}

// Rule: a Writer records the first status (200 when the handler only
// writes) and the body up to its limit.
func TestWriterRecordsStatusAndBody(t *testing.T) {
	rr := httptest.NewRecorder()
	w := &Writer{ResponseWriter: rr}
	w.Body.Limit = 2
	w.Write([]byte("xyz"))
	w.WriteHeader(http.StatusTeapot) // too late: net/http ignores it too
	if w.Status != http.StatusOK || w.Body.Buf.String() != "xy" || w.Body.Total != 3 || rr.Body.String() != "xyz" {
		t.Errorf("status %d, kept %q of %d, passed on %q", w.Status, w.Body.Buf.String(), w.Body.Total, rr.Body.String())
	}
}
