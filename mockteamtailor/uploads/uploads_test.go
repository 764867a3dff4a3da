package uploads

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"
)

type env struct {
	now   time.Time
	files *Files
	srv   *httptest.Server
}

func newEnv(t *testing.T) *env {
	e := &env{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	n := 0
	e.files = New([]byte("key"), "", time.Minute, func() time.Time { return e.now }, func() string { n++; return "f" + strings.Repeat("x", n) })
	r := mux.NewRouter()
	r.Handle("/files/{id}", e.files.Handler())
	e.srv = httptest.NewServer(r)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) get(t *testing.T, id string) (int, string) {
	t.Helper()
	resp, err := http.Get(e.srv.URL + e.files.URL(id))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 512)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

// Rule: a file is served by its signed URL while the URL is valid, then
// 403; a forged signature is a 403.
func TestSignedURLs(t *testing.T) {
	e := newEnv(t)
	id, err := e.files.Add("brief.txt", "text/plain", []byte("the brief"))
	if err != nil {
		t.Fatal(err)
	}
	if st, body := e.get(t, id); st != http.StatusOK || body != "the brief" {
		t.Fatalf("fresh URL: %d %q", st, body)
	}
	u, _ := url.Parse(e.files.URL(id))
	q := u.Query()
	q.Set("signature", strings.Repeat("0", 64))
	u.RawQuery = q.Encode()
	resp, err := http.Get(e.srv.URL + u.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged signature: %d, want 403", resp.StatusCode)
	}
	late := e.srv.URL + e.files.URL(id)
	e.now = e.now.Add(2 * time.Minute)
	resp, err = http.Get(late)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("expired URL: %d, want 403", resp.StatusCode)
	}
}

// Rule: files are kept for TTL, then dropped; Clear drops them all.
func TestFilesExpire(t *testing.T) {
	e := newEnv(t)
	for range 3 {
		if _, err := e.files.Add("f", "", []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	e.now = e.now.Add(TTL + time.Second)
	id, err := e.files.Add("g", "", []byte("y"))
	if err != nil {
		t.Fatal(err)
	}
	if n := e.files.Len(); n != 1 || !e.files.Has(id) {
		t.Errorf("%d files kept after the first three expired, want only the new one", n)
	}
	e.files.Clear()
	if e.files.Len() != 0 || e.files.Has(id) {
		t.Errorf("files kept after Clear")
	}
}
