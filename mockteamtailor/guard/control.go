package guard

import (
	"crypto/subtle"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// Refuse answers a request a guard refused, with err as the error
// document the mock's APIs use.
type Refuse func(w http.ResponseWriter, err *protocol.Error)

// TokenCookiePrefix starts the name of the cookie the web UI keeps the
// control token in, after the banner's link (?token=...) handed it over
// once. The name ends with the port the browser reached the mock at
// (TokenCookie): cookies are shared by every port of a host, so two mocks
// on one machine would otherwise overwrite each other's token.
const TokenCookiePrefix = "mocktt_control_"

// TokenCookie is the name of the token cookie for r: TokenCookiePrefix
// and the port of r's Host, or the scheme's default port.
func TokenCookie(r *http.Request) string {
	if _, port, err := net.SplitHostPort(r.Host); err == nil && port != "" && isDigits(port) {
		return TokenCookiePrefix + port
	}
	if r.TLS != nil {
		return TokenCookiePrefix + "443"
	}
	return TokenCookiePrefix + "80"
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(s) <= 5
}

// CrossSite returns the refusal of a request a browser marked as coming
// from another site, whatever its method, or nil. Go's
// http.CrossOriginProtection lets GET, HEAD and OPTIONS through, as safe
// methods; on the control API they are not all safe: GET
// /mock/v1/partners/{id}/config calls the partner and journals the call,
// so a page on another site could flood the journal with them.
func CrossSite(r *http.Request) *protocol.Error {
	if !FromOtherSite(r) {
		return nil
	}
	return protocol.NewError(http.StatusForbidden, "Forbidden", "cross-site request refused: %s %s came from another site (Origin %q, Sec-Fetch-Site %q); the mock's APIs only take requests from its own pages and from non-browser clients",
		r.Method, r.URL.Path, r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site"))
}

// FromOtherSite reports whether a browser sent r from a page of another
// site, whatever r's method: Sec-Fetch-Site says so (anything but
// same-origin, or none for an address typed or a bookmark), or, from a
// browser that does not send it, an Origin whose host is not r's Host.
// A request with neither header comes from outside a browser (curl, the
// CLI, a test) and is not from another site. The rule is
// http.CrossOriginProtection's, for every method.
func FromOtherSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return false
	case "":
	default:
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || u.Host == "" || u.Host != r.Host
}

// JSONBody refuses bodies that are not JSON (application/json or a +json
// type) on the control API. A page on another site can send text/plain,
// form-encoded and multipart bodies without asking (an HTML form, a
// no-cors fetch); application/json it cannot. Uploads (uploadPath) carry
// the file's own type and rely on the cross-site check and the token.
func JSONBody(r *http.Request, uploadPath string) *protocol.Error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if r.URL.Path == uploadPath {
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
		return protocol.NewError(http.StatusUnsupportedMediaType, "Unsupported media type", "the control API takes JSON bodies only: send Content-Type: application/json (got %s)", ct)
	}
	return nil
}

// Token is the control token: when the mock listens beyond loopback, the
// control API and the web UI need it.
type Token string

// OK reports whether r carries the token: as "Authorization: Bearer
// <token>", or as the web UI's cookie.
func (t Token) OK(r *http.Request) bool {
	want := []byte(t)
	if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(v)), want) == 1 {
		return true
	}
	if c, err := r.Cookie(TokenCookie(r)); err == nil && subtle.ConstantTimeCompare([]byte(c.Value), want) == 1 {
		return true
	}
	return false
}

// Accept checks the token of the banner's link, keeps it in a cookie and
// redirects to the same page without it, so the token does not stay in
// the address bar or the history.
func (t Token) Accept(w http.ResponseWriter, r *http.Request, refuse Refuse) {
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("token")), []byte(t)) != 1 {
		t.Refuse(w, false, refuse)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: TokenCookie(r), Value: string(t), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	q.Del("token")
	u := *r.URL
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
}

// Refuse answers a request without the token: a JSON error on the API, a
// page of text in the web UI.
func (Token) Refuse(w http.ResponseWriter, api bool, refuse Refuse) {
	const how = "the mock listens beyond loopback, so the control API and the web UI need the control token the banner printed: " +
		"send \"Authorization: Bearer <token>\" (the CLI reads MOCKTT_CONTROL_TOKEN), or open the web UI through the banner's link once"
	if api {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mockteamtailor control API"`)
		refuse(w, protocol.NewError(http.StatusUnauthorized, "Unauthorized", how))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusUnauthorized)
	w.Write([]byte("401 Unauthorized: " + how + ".\n"))
}
