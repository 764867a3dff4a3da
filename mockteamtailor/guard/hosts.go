package guard

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// HostPolicy decides which Host headers the mock answers. Browsers send
// the name they resolved in Host, so refusing unknown names defeats DNS
// rebinding: a page on evil.example whose name was re-pointed at 127.0.0.1
// still sends "Host: evil.example".
type HostPolicy struct {
	any   bool
	exact map[string]bool
	// suffixes are allowed domains written "*.example.com" or
	// ".example.com", kept as ".example.com".
	suffixes []string
}

// NewHostPolicy allows loopback and every other IP address, localhost and
// *.localhost, the host of publicURL and each of extra ("*" allows every
// host; "*.example.com" every subdomain of example.com).
//
// IP literals are allowed whatever the address: rebinding needs a name
// the attacker controls, and a page can only make a browser send
// "Host: 10.0.0.5" by being served from 10.0.0.5 itself.
func NewHostPolicy(publicURL string, extra []string) HostPolicy {
	p := HostPolicy{exact: map[string]bool{"localhost": true}}
	if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" {
		p.exact[normalizeHost(u.Hostname())] = true
	}
	for _, h := range extra {
		h = normalizeHost(strings.TrimSpace(h))
		switch {
		case h == "":
		case h == "*":
			p.any = true
		case strings.HasPrefix(h, "*."):
			p.suffixes = append(p.suffixes, h[1:])
		case strings.HasPrefix(h, "."):
			p.suffixes = append(p.suffixes, h)
		default:
			p.exact[h] = true
		}
	}
	return p
}

// Allows reports whether a request with this Host header (name, name:port
// or [ip]:port) is answered.
func (p HostPolicy) Allows(hostHeader string) bool {
	if p.any {
		return true
	}
	host := hostHeader
	if h, _, err := net.SplitHostPort(hostHeader); err == nil {
		host = h
	}
	host = normalizeHost(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if host == "" {
		// HTTP/1.0 without Host: no browser sends that.
		return true
	}
	if net.ParseIP(host) != nil || p.exact[host] || strings.HasSuffix(host, ".localhost") {
		return true
	}
	for _, s := range p.suffixes {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

func normalizeHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

// Hosts refuses, with a 403 naming the way to allow it, every request
// whose Host the policy does not allow. It wraps every route, including
// /healthz and the web UI. The embedded mock of the conformance suite
// uses it as serve does.
func Hosts(p HostPolicy, refuse Refuse, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !p.Allows(r.Host) {
			refuse(w, protocol.NewError(http.StatusForbidden, "Forbidden", "the Host %q is not one this mock answers (a defence against DNS rebinding); "+
				"allowed are IP addresses, localhost, *.localhost and the host of the public URL (--public-url, --mock-public-url); "+
				"add a name with --allowed-host %s (MOCKTT_ALLOWED_HOSTS)", r.Host, hostOnly(r.Host)))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}

// CheckAllowedHost says why h cannot be an allowed host name, or returns
// nil: a name the Host check compares requests with must be a host name
// (letters, digits, "-" and "_", in labels of at most 63), optionally
// written "*.example.com" or ".example.com" for its subdomains, or "*".
// A port, a URL, a Unicode name or a wildcard elsewhere would never match
// any request, and the mock would refuse the name it was told to answer.
func CheckAllowedHost(h string) error {
	name := strings.TrimSpace(h)
	switch {
	case name == "", name == "*":
		return nil
	case strings.Contains(name, "://") || strings.ContainsAny(name, "/?#@"):
		return fmt.Errorf("%q is not a host name: give the name alone, e.g. mock.example.com", h)
	}
	if ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")); ip != nil {
		return nil // always allowed anyway
	}
	if host, port, err := net.SplitHostPort(name); err == nil {
		return fmt.Errorf("%q has a port (%s): the Host check compares names only, give %q", h, port, host)
	}
	for _, r := range name {
		if r >= 0x80 {
			return fmt.Errorf("%q is not ASCII: browsers send a Unicode name in its IDNA form, so give that (punycode, labels starting xn--)", h)
		}
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(name, "*"), ".")
	if rest == "" || strings.Contains(rest, "*") || (strings.HasPrefix(name, "*") && !strings.HasPrefix(name, "*.")) {
		return fmt.Errorf("%q: a wildcard is only \"*\" (any host) or a leading \"*.\" (every subdomain, e.g. *.example.com)", h)
	}
	rest = strings.TrimSuffix(rest, ".")
	if len(rest) > 253 {
		return fmt.Errorf("%q is longer than the 253 characters of a host name", h)
	}
	for label := range strings.SplitSeq(rest, ".") {
		if err := checkLabel(label); err != "" {
			return fmt.Errorf("%q is not a host name: %s", h, err)
		}
	}
	return nil
}

func checkLabel(label string) string {
	switch {
	case label == "":
		return "it has an empty label (two dots in a row, or a leading dot)"
	case len(label) > 63:
		return fmt.Sprintf("the label %q is longer than 63 characters", label)
	case label[0] == '-' || label[len(label)-1] == '-':
		return fmt.Sprintf("the label %q starts or ends with \"-\"", label)
	}
	for _, c := range []byte(label) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Sprintf("%q is not a letter, a digit, \"-\" or \"_\"", c)
		}
	}
	return ""
}
