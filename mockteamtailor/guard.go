package mockteamtailor

import (
	"crypto/subtle"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The mock runs beside a browser on developers' machines. What a web page
// on another site must not be able to do is drive it: guard.go holds the
// checks every request passes before it reaches a route (README
// "Security").

// ControlTokenCookie is the cookie the web UI keeps the control token in,
// after the banner's link (?token=...) handed it over once.
const ControlTokenCookie = "mocktt_control_token"

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

// HostGuard refuses, with a 403 naming the way to allow it, every request
// whose Host the policy does not allow. It wraps every route, including
// /healthz and the web UI. The embedded mock of the conformance suite
// uses it as serve does.
func HostGuard(p HostPolicy, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !p.Allows(r.Host) {
			writeControlJSONError(w, errForbidden("the Host %q is not one this mock answers (a defence against DNS rebinding); "+
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

// controlGuard protects the control API (/mock/v1) and, for the token,
// the web UI: no cross-site requests that change anything, no bodies a
// plain HTML form or a no-cors fetch can send, and the control token when
// one is set.
func (s *Server) controlGuard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeControlJSONError(w, errForbidden("cross-site request refused: %s %s came from another site (Origin %q, Sec-Fetch-Site %q); the control API only takes requests from the mock's own pages and from non-browser clients",
			r.Method, r.URL.Path, r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site")))
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api := strings.HasPrefix(r.URL.Path, "/mock/")
		ui := !api && !strings.HasPrefix(r.URL.Path, "/partner/") && !strings.HasPrefix(r.URL.Path, "/files/") &&
			!strings.HasPrefix(r.URL.Path, "/schemas") && r.URL.Path != "/healthz"
		if !api && !ui {
			next.ServeHTTP(w, r)
			return
		}
		if s.cfg.ControlToken != "" {
			if ui && r.URL.Query().Has("token") {
				s.acceptUIToken(w, r)
				return
			}
			if !s.tokenOK(r) {
				s.refuseToken(w, r, api)
				return
			}
		}
		if !api {
			next.ServeHTTP(w, r)
			return
		}
		if err := cop.Check(r); err != nil {
			cop.Handler(next).ServeHTTP(w, r) // the deny handler answers
			return
		}
		if err := controlMediaType(r); err != nil {
			writeControlJSONError(w, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// controlMediaType refuses bodies that are not JSON (application/json or
// a +json type) on the control API. A page on another site can send text/plain, form-encoded
// and multipart bodies without asking (an HTML form, a no-cors fetch);
// application/json it cannot. Uploads carry the file's own type and rely
// on the cross-site check and the token.
func controlMediaType(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if r.URL.Path == "/mock/v1/uploads" {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" && r.ContentLength == 0 {
		return nil // no body: reset, replay, actions
	}
	mt, _, err := mime.ParseMediaType(ct)
	// application/json and the +json types (the Partner API's
	// application/vnd.api+json) alike: no page can send either cross-site
	// without a CORS preflight, which the mock never answers.
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		if ct == "" {
			ct = "none"
		}
		return errUnsupportedMediaType("the control API takes JSON bodies only: send Content-Type: application/json (got %s)", ct)
	}
	return nil
}

// tokenOK reports whether r carries the control token: as
// "Authorization: Bearer <token>", or as the web UI's cookie.
func (s *Server) tokenOK(r *http.Request) bool {
	want := []byte(s.cfg.ControlToken)
	if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(v)), want) == 1 {
		return true
	}
	if c, err := r.Cookie(ControlTokenCookie); err == nil && subtle.ConstantTimeCompare([]byte(c.Value), want) == 1 {
		return true
	}
	return false
}

// acceptUIToken checks the token of the banner's link, keeps it in a
// cookie and redirects to the same page without it, so the token does
// not stay in the address bar or the history.
func (s *Server) acceptUIToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("token")), []byte(s.cfg.ControlToken)) != 1 {
		s.refuseToken(w, r, false)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: ControlTokenCookie, Value: s.cfg.ControlToken, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	q.Del("token")
	u := *r.URL
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
}

func (s *Server) refuseToken(w http.ResponseWriter, r *http.Request, api bool) {
	const how = "the mock listens beyond loopback, so the control API and the web UI need the control token the banner printed: " +
		"send \"Authorization: Bearer <token>\" (the CLI reads MOCKTT_CONTROL_TOKEN), or open the web UI through the banner's link once"
	if api {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mockteamtailor control API"`)
		writeControlJSONError(w, errUnauthorized(how))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusUnauthorized)
	w.Write([]byte("401 Unauthorized: " + how + ".\n"))
}

// writeControlJSONError writes err as the {"errors": [...]} document both
// APIs use, without a request logger (the guards run before routing).
func writeControlJSONError(w http.ResponseWriter, err error) {
	status, doc, _ := toErrorDocument(err)
	body, _ := encodeJSON(doc)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(body)
}
