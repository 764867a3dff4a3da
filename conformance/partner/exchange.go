package partner

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/internal/curl"
	"github.com/mockteamtailor/mockteamtailor/internal/text"
)

// Directions of exchanges.
const (
	// ToPartner is a call the suite made to BASE_URL, playing Teamtailor.
	ToPartner = "suite→partner"
	// FromPartner is a call the partner made to the embedded mock's
	// Partner API.
	FromPartner = "partner→mock"
	// Static is no call at all: the partner's static webhook-config,
	// which Teamtailor reads instead of calling GET /config. It stands in
	// for the config exchange and never joins a report.
	Static = "static"
)

// Exchange is one HTTP request and what came of it. The suite records
// every exchange of a check; failures quote them and the reports list
// them.
type Exchange struct {
	Direction      string        `json:"direction"`
	Step           string        `json:"step,omitempty"` // what the suite was doing
	Method         string        `json:"method"`
	URL            string        `json:"url"`
	RequestHeader  http.Header   `json:"requestHeader"`
	RequestBody    string        `json:"requestBody,omitempty"`
	Status         int           `json:"status,omitempty"` // 0 when nothing came back
	ResponseHeader http.Header   `json:"responseHeader,omitempty"`
	ResponseBody   string        `json:"responseBody,omitempty"`
	Started        time.Time     `json:"started"`
	Elapsed        time.Duration `json:"-"`
	ElapsedMS      float64       `json:"elapsedMs"`
	// Error says why nothing (complete) came back: a timeout, or the
	// partner was unreachable.
	Error string `json:"error,omitempty"`
	// Unreachable is set when the partner could not be reached at all
	// (connection refused, DNS, TLS): the suite could not run the check.
	Unreachable bool `json:"unreachable,omitempty"`
	// NotSent is set when the suite did not send the call because the
	// endpoint had hung twice already.
	NotSent bool `json:"-"`
	// Truncated is set when the reports keep less than the exchange
	// carried: a body cut to StoredBodyLimit (it ends in "… [cut: N more
	// bytes]"), header fields beyond storedHeaderLimit, or everything but
	// the request line and status once the run's RunExchangeLimit was
	// spent (BodiesOmitted).
	Truncated bool `json:"truncated,omitempty"`
	// RequestBodySize and ResponseBodySize are the sizes in bytes of the
	// bodies as sent and received (decompressed), set when Truncated. A
	// response read past Teamtailor's 1 MiB is counted up to 17 MiB.
	RequestBodySize  int64 `json:"requestBodySize,omitempty"`
	ResponseBodySize int64 `json:"responseBodySize,omitempty"`
	// BodiesOmitted is set when the exchange came after the run's
	// RunExchangeLimit was spent: it keeps no body and no header.
	BodiesOmitted bool `json:"bodiesOmitted,omitempty"`
}

// TooLarge reports an answer longer than Teamtailor reads.
func (x *Exchange) TooLarge() bool { return strings.HasPrefix(x.Error, tooLargePrefix) }

// tooLargePrefix starts the error of an answer longer than Teamtailor
// reads, in the mock's words (mockteamtailor/delivery).
const tooLargePrefix = "answer larger than 1 MiB"

// TimedOut reports a call that got no complete answer in time.
func (x *Exchange) TimedOut() bool { return strings.Contains(x.Error, "timeout: ") }

// Answered reports whether a complete response came back.
func (x *Exchange) Answered() bool { return x.Error == "" && x.Status != 0 }

// Success reports a complete 2xx response.
func (x *Exchange) Success() bool { return x.Answered() && x.Status >= 200 && x.Status < 300 }

// keyHeaders are the request headers failure messages quote, in order.
var keyHeaders = []string{"Authorization", "Teamtailor-Api-Token", "Content-Type", "Teamtailor-Signature", "Teamtailor-Host", "X-Api-Version"}

// excerptLimit is how much of a body failure messages quote.
const excerptLimit = 600

// Describe renders the exchange for people: what was sent (method, URL,
// key headers, body excerpt) and what came back (status, headers, body
// excerpt, time taken). Secrets are masked.
func (x *Exchange) Describe() string {
	var b strings.Builder
	if x.Direction == Static {
		fmt.Fprintf(&b, "The partner's static webhook-config (%s):\n    %s\n", x.URL, Excerpt(x.ResponseBody))
		return b.String()
	}
	who := "Sent"
	if x.Direction == FromPartner {
		who = "The partner sent"
	}
	fmt.Fprintf(&b, "%s:\n    %s %s\n", who, x.Method, x.URL)
	for _, name := range keyHeaders {
		for _, v := range x.RequestHeader.Values(name) {
			fmt.Fprintf(&b, "    %s: %s\n", name, capHeader(maskHeader(name, v)))
		}
	}
	if x.RequestBody != "" {
		fmt.Fprintf(&b, "    body: %s\n", Excerpt(x.RequestBody))
	}
	who = "Received"
	if x.Direction == FromPartner {
		who = "The mock answered"
	}
	switch {
	case x.Status == 0:
		fmt.Fprintf(&b, "%s: nothing after %s: %s\n", who, Round(x.Elapsed), x.Error)
	default:
		fmt.Fprintf(&b, "%s: %d %s after %s\n", who, x.Status, http.StatusText(x.Status), Round(x.Elapsed))
		shown, cut := 0, 0
		for _, name := range slices.Sorted(maps.Keys(x.ResponseHeader)) {
			if skipResponseHeader(name) {
				continue
			}
			for _, v := range x.ResponseHeader[name] {
				if shown >= maxHeaderLines {
					cut += len(name) + len(v) + 4
					continue
				}
				shown++
				fmt.Fprintf(&b, "    %s: %s\n", CapLine(name, headerValueLimit), capHeader(v))
			}
		}
		if cut > 0 {
			fmt.Fprintf(&b, "    … (%d more header bytes not shown)\n", cut)
		}
		body := x.ResponseBody
		if body == "" {
			body = "(empty)"
		}
		fmt.Fprintf(&b, "    body: %s\n", Excerpt(body))
		if x.Error != "" {
			fmt.Fprintf(&b, "    (%s)\n", x.Error)
		}
	}
	return b.String()
}

// maxHeaderLines and headerValueLimit cap the response headers failure
// messages quote.
const (
	maxHeaderLines   = 20
	headerValueLimit = 200
)

func capHeader(v string) string {
	if len(v) <= headerValueLimit {
		return v
	}
	return CapLine(v, headerValueLimit) + fmt.Sprintf(" (%d bytes in all)", len(v))
}

func skipResponseHeader(name string) bool {
	switch strings.ToLower(name) {
	case "date", "content-length", "x-content-type-options", "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset":
		return true
	}
	return false
}

// Curl returns a shell command that sends the request again, headers and
// body included. A webhook's signature in it holds its original
// timestamp, so a partner checking the window refuses it after a while.
func (x *Exchange) Curl() string {
	return curl.Command(curl.Request{Method: x.Method, URL: x.URL, Header: x.RequestHeader, Body: x.RequestBody}, "    ", "User-Agent")
}

// maskHeader masks credentials in a header value: the scheme of
// Authorization stays, the key is cut to its first characters.
func maskHeader(name, v string) string {
	switch strings.ToLower(name) {
	case "authorization":
		scheme, key, ok := strings.Cut(v, " ")
		if !ok {
			return settings.MaskSecret(v)
		}
		return scheme + " " + settings.MaskSecret(key)
	case "teamtailor-api-token":
		return settings.MaskSecret(v)
	}
	return v
}

// Excerpt returns the start of a body on one line, cut on a rune boundary.
func Excerpt(s string) string {
	return text.Cut{Max: excerptLimit, Mark: "…", Total: true, Trim: true}.Of(s)
}

// Round rounds d for a reader: to 10 ms above a second, to 10 µs above
// a millisecond.
func Round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d
}

// jwtPattern matches JSON Web Tokens: tokens of any kind are redacted
// from reports, whoever issued them.
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

// Redactor hides secrets in text that leaves the process as a file.
type Redactor struct {
	secrets []string
}

// NewRedactor returns a redactor for the API key, webhook secret and
// provider key of s, and any JWT.
func NewRedactor(s settings.Settings) Redactor { return Redactor{secrets: s.Secrets()} }

// String redacts every secret in s.
func (r Redactor) String(s string) string {
	for _, secret := range r.secrets {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
	}
	// ReplaceAllString copies s even when nothing matches: a report of
	// megabytes is only scanned.
	if !jwtPattern.MatchString(s) {
		return s
	}
	return jwtPattern.ReplaceAllString(s, "[REDACTED JWT]")
}

// Exchange returns a redacted copy of x: credentials headers are masked
// and every secret in the URL, headers and bodies is replaced.
func (r Redactor) Exchange(x Exchange) Exchange {
	x.URL = r.String(x.URL)
	x.RequestHeader = r.header(x.RequestHeader)
	x.ResponseHeader = r.header(x.ResponseHeader)
	x.RequestBody = r.String(x.RequestBody)
	x.ResponseBody = r.String(x.ResponseBody)
	x.Error = r.String(x.Error)
	return x
}

func (r Redactor) header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for name, values := range h {
		for _, v := range values {
			switch strings.ToLower(name) {
			case "authorization":
				scheme, _, _ := strings.Cut(v, " ")
				v = scheme + " [REDACTED]"
			case "teamtailor-api-token":
				v = "[REDACTED]"
			}
			out[name] = append(out[name], r.String(v))
		}
	}
	return out
}

// CapLine cuts s to at most n bytes, at a rune start, marking the cut.
func CapLine(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
