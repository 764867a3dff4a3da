package partner

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// Trap is a listener on another host than the embedded mock (another
// port of the same address: to an HTTP client, scheme, host and port make
// the origin): a forged update-url points there, and Trap records every
// request that reaches it, with its Authorization, so a check can tell a
// partner that sent its Partner API key to a host that is not the
// Teamtailor it is configured for (docs/protocol.md §8).
type Trap struct {
	// URL is the trap's base URL, as the partner reaches it.
	URL string

	srv *http.Server
	ln  net.Listener

	mu   sync.Mutex // guards reqs
	reqs []TrapRequest
}

// TrapRequest is one request the trap received.
type TrapRequest struct {
	Method        string
	Path          string
	Authorization string
	At            time.Time
}

// StartTrap listens on the host of --mock-listen, on a free port. Its URL
// takes the host of --mock-public-url when that is set, so a partner in
// another container reaches it as it reaches the mock (given the port is
// published).
func StartTrap() (*Trap, error) {
	host, _, err := net.SplitHostPort(settings.TestContext.MockListen)
	if err != nil {
		return nil, fmt.Errorf("--mock-listen %q: %w", settings.TestContext.MockListen, err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("the forged update-url host could not listen: %w", err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	publicHost := host
	if settings.TestContext.MockPublicURL != "" {
		if u, err := url.Parse(settings.TestContext.MockPublicURL); err == nil && u.Hostname() != "" {
			publicHost = u.Hostname()
		}
	}
	if publicHost == "0.0.0.0" || publicHost == "::" || publicHost == "" {
		publicHost = "127.0.0.1"
	}
	t := &Trap{URL: "http://" + net.JoinHostPort(publicHost, port), ln: ln}
	t.srv = &http.Server{Handler: http.HandlerFunc(t.record), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := t.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return
		}
	}()
	return t, nil
}

// record keeps the request's method, path and Authorization and answers
// as the Partner API would, so a partner has no reason to retry.
func (t *Trap) record(w http.ResponseWriter, r *http.Request) {
	t.mu.Lock()
	t.reqs = append(t.reqs, TrapRequest{Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Get("Authorization"), At: time.Now()})
	t.mu.Unlock()
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.Write([]byte(`{"data": null}`))
}

// Requests returns what the trap received so far, oldest first.
func (t *Trap) Requests() []TrapRequest {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]TrapRequest(nil), t.reqs...)
}

// Close stops the trap.
func (t *Trap) Close() error { return t.srv.Close() }
