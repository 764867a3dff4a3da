package partner

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A refused connection means the suite cannot run a check (error); a
// timeout means the partner broke the rule to answer in time (failure).
func TestTransportErrorsTellUnreachableFromSlow(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = http.Get("http://" + addr)
	msg, unreachable := describeTransportError(err, &url.URL{Host: addr}, time.Second)
	if !unreachable || !strings.Contains(msg, "connection refused") {
		t.Errorf("refused: %q, unreachable %v", msg, unreachable)
	}

	hang := make(chan struct{})
	defer close(hang)
	srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-hang })}
	ln, _ = net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Close()
	_, err = (&http.Client{Timeout: 50 * time.Millisecond}).Get("http://" + ln.Addr().String())
	msg, unreachable = describeTransportError(err, &url.URL{Host: ln.Addr().String()}, 50*time.Millisecond)
	if unreachable || !strings.HasPrefix(msg, "timeout") {
		t.Errorf("hang: %q, unreachable %v", msg, unreachable)
	}
}
