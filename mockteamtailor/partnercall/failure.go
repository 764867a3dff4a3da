package partnercall

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Failure is why a call to a partner got no usable answer: one of the
// failures docs/protocol.md §1.3 names (timeout, refused connection, TLS or DNS
// error) or another transport error.
type Failure struct {
	// Text says what happened, naming the host.
	Text string
	// Unreachable is set when nothing answered at all (DNS, refused, no
	// route, TLS): the partner is not running where it was looked for,
	// as opposed to too slow or misbehaving.
	Unreachable bool
	// Timeout is set when the partner did not answer in time.
	Timeout bool
}

// Describe says what a transport error err of a call to u means. timeout
// is the call's deadline, named in the text of a timeout; maxHeaderBytes
// the bound named when the answer's headers were too large.
func Describe(err error, u *url.URL, timeout time.Duration, maxHeaderBytes int64) Failure {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	unreachable := func(format string, args ...any) Failure {
		return Failure{Text: fmt.Sprintf(format, args...), Unreachable: true}
	}
	switch {
	case IsTimeout(err):
		return Failure{Text: fmt.Sprintf("timeout: no complete answer from %s within %s", u.Host, timeout), Timeout: true}
	case errors.As(err, &dnsErr):
		return unreachable("DNS error: the host %q could not be resolved (%s)", dnsErr.Name, dnsErr.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return unreachable("connection refused: nothing is listening at %s", u.Host)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return unreachable("no route to %s", u.Host)
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return unreachable("TLS error: the certificate of %s is not trusted (%v)", u.Host, err)
	case errors.As(err, &recordErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return unreachable("TLS error: %s did not answer TLS (is it plain http?)", u.Host)
	case strings.Contains(err.Error(), "tls:"):
		return unreachable("TLS error talking to %s: %v", u.Host, err)
	case errors.Is(err, context.Canceled):
		return Failure{Text: "cancelled: the call was given up before an answer came (interrupted)"}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Failure{Text: fmt.Sprintf("connection error: %s closed the connection without a complete answer", u.Host)}
	case strings.Contains(err.Error(), "server response headers exceeded"):
		return Failure{Text: fmt.Sprintf("answer headers larger than %d bytes from %s: headers that large are refused", maxHeaderBytes, u.Host)}
	}
	return Failure{Text: fmt.Sprintf("connection error talking to %s: %v", u.Host, err)}
}

// IsTimeout reports whether err of a call means the partner did not
// answer in time: the call's deadline passed, or the transport timed out.
// It is the rule Describe names a timeout by, for every tool that counts
// timeouts.
func IsTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &t) && t.Timeout())
}
