package partnerapi

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// Faults are what the Partner API is told to do wrong, so a partner can
// test how its code copes (timeouts, 5xx, rate limits, broken
// connections). The zero value injects nothing.
type Faults struct {
	// Latency is added before every Partner API response.
	Latency time.Duration `json:"latency"`
	// Status, when set, is forced on the next Count requests, or, with
	// Count 0, on a Fraction (0..1] of requests.
	Status   int     `json:"status,omitempty"`
	Count    int     `json:"count,omitempty"`
	Fraction float64 `json:"fraction,omitempty"`
	// Connection is a connection-level fault for the next Count requests
	// (or a Fraction of them): "reset" (TCP reset), "empty" (close with no
	// reply) or "malformed" (a 200 whose body is cut-off JSON).
	Connection string `json:"connection,omitempty"`
	// ResultRateLimited answers the next N result posts (POST, PUT or
	// PATCH of partner-results) of an authenticated partner with 429 and
	// Retry-After: RetryAfter seconds; the post after them goes through.
	// Teamtailor may rate-limit any request, and the post of a result is
	// the one a partner must retry, not drop (docs/protocol.md §2).
	ResultRateLimited int `json:"resultRateLimited,omitempty"`
	// RetryAfter is the Retry-After of those 429s in seconds (default 1).
	RetryAfter int `json:"retryAfter,omitempty"`
}

// Validate reports every problem with f.
func (f Faults) Validate() error {
	var problems []error
	if f.Latency < 0 || f.Latency > time.Minute {
		problems = append(problems, fmt.Errorf("latency must be between 0 and 1m, got %s", f.Latency))
	}
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		problems = append(problems, fmt.Errorf("status must be a 4xx or 5xx code, got %d", f.Status))
	}
	switch f.Connection {
	case "", "reset", "empty", "malformed":
	default:
		problems = append(problems, fmt.Errorf("connection fault %q is not one of reset, empty, malformed", f.Connection))
	}
	if f.Status != 0 && f.Connection != "" {
		problems = append(problems, errors.New("set either a status or a connection fault, not both"))
	}
	if f.Count < 0 || f.Fraction < 0 || f.Fraction > 1 {
		problems = append(problems, fmt.Errorf("count must be >= 0 and fraction within 0..1, got %d and %v", f.Count, f.Fraction))
	}
	if f.ResultRateLimited < 0 || f.ResultRateLimited > 1000 {
		problems = append(problems, fmt.Errorf("resultRateLimited must be 0 to 1000 result posts, got %d", f.ResultRateLimited))
	}
	if f.RetryAfter < 0 || f.RetryAfter > 3600 {
		problems = append(problems, fmt.Errorf("retryAfter must be 0 to 3600 seconds, got %d", f.RetryAfter))
	}
	if (f.Status != 0 || f.Connection != "") && f.Count == 0 && f.Fraction == 0 {
		problems = append(problems, errors.New("say how many requests to fail: count (the next N) or fraction (0..1]"))
	}
	return errors.Join(problems...)
}

// faults is the injector in front of the Partner API.
type faults struct {
	mu  sync.Mutex // guards cur
	cur Faults
	// resultArmed is set while cur.ResultRateLimited > 0, so a result
	// post, the API's busiest request, takes no lock when it is not.
	resultArmed atomic.Bool
}

// SetFaults replaces the Partner API faults; the zero Faults clears them.
func (s *API) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.cur = f
	s.faults.resultArmed.Store(f.ResultRateLimited > 0)
	return nil
}

// Faults returns the faults in force; Count counts down as they fire.
func (s *API) Faults() Faults {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.cur
}

// next decides what the next request suffers.
func (fs *faults) next() (latency time.Duration, status int, conn string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := &fs.cur
	if f.Status == 0 && f.Connection == "" {
		return f.Latency, 0, ""
	}
	fire := false
	switch {
	case f.Count > 0:
		f.Count--
		fire = true
		if f.Count == 0 && f.Fraction == 0 {
			defer func() { f.Status, f.Connection = 0, "" }()
		}
	case f.Fraction > 0:
		fire = rand.Float64() < f.Fraction
	}
	if !fire {
		return f.Latency, 0, ""
	}
	return f.Latency, f.Status, f.Connection
}

// resultLimited reports whether a result post is to be answered with 429,
// and the Retry-After in seconds; it counts the fault down.
func (fs *faults) resultLimited() (bool, int) {
	if !fs.resultArmed.Load() {
		return false, 0
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := &fs.cur
	if f.ResultRateLimited <= 0 {
		return false, 0
	}
	f.ResultRateLimited--
	retry := f.RetryAfter
	if retry <= 0 {
		retry = 1
	}
	if f.ResultRateLimited == 0 {
		f.RetryAfter = 0
		fs.resultArmed.Store(false)
	}
	return true, retry
}

// isResultPost reports whether r posts a partner result: POST of the
// collection, PUT or PATCH of one result.
func isResultPost(r *http.Request) bool {
	switch r.Method {
	case http.MethodPost:
		return r.URL.Path == "/partner/v1/partner-results"
	case http.MethodPut, http.MethodPatch:
		_, ok := hotUpdateID(r)
		return ok
	}
	return false
}

// InjectFaults applies the Partner API's faults to a request of another
// API the mock serves (Teamtailor's public API shares them); it reports
// whether the request was answered by the fault.
func (s *API) InjectFaults(w http.ResponseWriter, r *http.Request) bool { return s.injectFaults(w, r) }

// injectFaults applies the configured faults to a Partner API request. It
// reports whether the request was answered by the fault.
func (s *API) injectFaults(w http.ResponseWriter, r *http.Request) bool {
	latency, status, conn := s.faults.next()
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return true
		}
	}
	switch {
	case status != 0:
		httpapi.WriteError(w, r, s.logger, httpapi.New(status, http.StatusText(status), "fault injected by the mock's control API (PUT /mock/v1/faults)"))
		return true
	case conn == "malformed":
		w.Header().Set("Content-Type", protocol.MediaType)
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"data": {"id": "fault", "type": "partner-res`))
		return true
	case conn != "":
		c, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return false
		}
		if tcp, ok := c.(*net.TCPConn); ok && conn == "reset" {
			tcp.SetLinger(0) // close sends RST instead of FIN
		}
		c.Close()
		return true
	}
	return false
}
