package framework

import (
	"flag"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// parse registers the flags on a fresh flag set, parses args with env as
// the environment and validates, as TestMain and Run do.
func parse(t *testing.T, args []string, env map[string]string) error {
	t.Helper()
	saved := settings.TestContext
	t.Cleanup(func() { settings.TestContext = saved })
	settings.TestContext = settings.Settings{}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	settings.RegisterFlags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return settings.AfterReadingAllFlags()
}

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
