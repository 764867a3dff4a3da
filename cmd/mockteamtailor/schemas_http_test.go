package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// Rule: the schemas served by "serve" answer HEAD as GET, without the
// body: the index /schemas/ (not a 404) and each schema, with the same
// status, Content-Type and Content-Length.
func TestServeSchemasAnswerHead(t *testing.T) {
	r := startRun(t, nil, "serve", "--listen", "127.0.0.1:0")
	for _, path := range []string{"/schemas/", "/schemas/partner-result.schema.json"} {
		get, err := http.Get(r.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(get.Body)
		get.Body.Close()
		head, err := http.Head(r.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		rest, _ := io.ReadAll(head.Body)
		head.Body.Close()
		if get.StatusCode != http.StatusOK || head.StatusCode != http.StatusOK {
			t.Errorf("%s: GET %d, HEAD %d; want 200 for both", path, get.StatusCode, head.StatusCode)
			continue
		}
		if len(rest) != 0 {
			t.Errorf("HEAD %s sent a body of %d bytes", path, len(rest))
		}
		if ct := head.Header.Get("Content-Type"); ct == "" || ct != get.Header.Get("Content-Type") {
			t.Errorf("HEAD %s Content-Type %q, GET %q", path, ct, get.Header.Get("Content-Type"))
		}
		if head.ContentLength >= 0 && head.ContentLength != int64(len(body)) {
			t.Errorf("HEAD %s Content-Length %d, GET sent %d bytes", path, head.ContentLength, len(body))
		}
		if path == "/schemas/" && !strings.Contains(string(body), "webhook.schema.json") {
			t.Errorf("GET /schemas/ does not list the schemas:\n%s", body)
		}
	}
}
