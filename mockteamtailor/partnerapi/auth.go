package partnerapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/httprec"
	"github.com/mockteamtailor/mockteamtailor/internal/ratelimit"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// apiVersionValue is shared by every response: net/http only reads it.
var apiVersionValue = []string{protocol.APIVersion}

type contextKey int

const partnerKey contextKey = iota + 1

func withPartner(ctx context.Context, p store.Partner) context.Context {
	return context.WithValue(ctx, partnerKey, p)
}

// partnerFrom returns the partner authenticated by partnerAPI. Handlers
// behind partnerAPI can rely on it being set.
func partnerFrom(ctx context.Context) store.Partner {
	p, _ := ctx.Value(partnerKey).(store.Partner)
	return p
}

// partnerAPI wraps every Partner API request: authentication (401),
// rate-limit headers and limiting (429), then the API version (406).
func (s *API) partnerAPI(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		s.servePartnerAPI(rw, r, next, "")
	})
}

// servePartnerAPI serves one Partner API request through the checks of
// partnerAPI, then next with the partner in the request's context; or,
// when updateID is set (routeHot matched PUT or PATCH on that result),
// the update itself, without the router's matching and context copies.
func (s *API) servePartnerAPI(rw http.ResponseWriter, r *http.Request, next http.Handler, updateID string) {
	// Every request is journaled with what it got (docs/protocol.md §2).
	start, began := s.clock(), time.Now()
	x := new(apiExchange) // one allocation for what the request keeps
	reqBody := &x.reqBody
	reqBody.Limit = s.cfg.JournalBodyLimit
	if r.Body != nil {
		x.tee = httprec.Tee{ReadCloser: r.Body, C: reqBody}
		r.Body = &x.tee
	}
	w := &x.w
	w.ResponseWriter = rw
	w.Body.Limit = s.cfg.JournalBodyLimit
	partner, authErr := s.authenticate(r)
	if authErr != nil {
		// Anyone can send unauthenticated requests: the journal keeps
		// only the start of their bodies (RefusedBodyLimit).
		reqBody.Limit = min(reqBody.Limit, RefusedBodyLimit)
	}
	// Grown to the limit that holds, not the larger one: the journal
	// keeps the buffer as it is, and an unauthenticated request of 1 MB
	// must not leave 64 KiB reachable for the 1 KiB it shows.
	if n := r.ContentLength; n > 0 {
		reqBody.Buf.Grow(int(min(n, int64(reqBody.Limit))))
	}
	defer func() { s.journalAPI(r, partner.ID, authErr != nil, reqBody, w, start, began) }()
	if s.injectFaults(w, r) {
		return
	}
	bucket := rateBucket{id: partner.ID}
	if authErr != nil {
		bucket = rateBucket{client: true, id: remoteHost(r)}
	}
	q := s.limiter.Take(bucket, s.clock())
	h := w.Header()
	// The three headers share the exchange's array and one string
	// (Teamtailor's names are already in canonical form).
	rl := x.rateLimitValues(q)
	h["X-Rate-Limit-Limit"] = rl[0:1:1]
	h["X-Rate-Limit-Remaining"] = rl[1:2:2]
	h["X-Rate-Limit-Reset"] = rl[2:3:3]
	if authErr != nil {
		httpapi.WriteError(w, r, s.logger, authErr)
		return
	}
	if !q.Allowed {
		h.Set("Retry-After", strconv.Itoa(q.Reset))
		httpapi.WriteError(w, r, s.logger, httpapi.New(http.StatusTooManyRequests, "Too many requests",
			"rate limit of %d requests per %s exceeded; retry after %d seconds", q.Limit, q.Window, q.Reset))
		return
	}
	// The fault "rate-limit the next result post" (faults.go): a 429
	// the partner is expected to retry after Retry-After.
	if s.faults.resultArmed.Load() && isResultPost(r) {
		if limited, retry := s.faults.resultLimited(); limited {
			h.Set("Retry-After", strconv.Itoa(retry))
			httpapi.WriteError(w, r, s.logger, httpapi.New(http.StatusTooManyRequests, "Too many requests",
				"rate limit exceeded (fault injected by the mock's control API, PUT /mock/v1/faults); retry after %d seconds", retry))
			return
		}
	}
	// docs/protocol.md §2 Decision: X-Api-Version is required; missing or
	// unknown is a 406 naming the supported version.
	switch v := r.Header.Get("X-Api-Version"); v {
	case protocol.APIVersion:
	case "":
		httpapi.WriteError(w, r, s.logger, httpapi.NotAcceptable("the X-Api-Version header is required; this API supports X-Api-Version: %s", protocol.APIVersion))
		return
	default:
		httpapi.WriteError(w, r, s.logger, httpapi.NotAcceptable("X-Api-Version %q is not supported; this API supports X-Api-Version: %s", v, protocol.APIVersion))
		return
	}
	h["X-Api-Version"] = apiVersionValue
	if updateID != "" {
		s.updateResult(w, r, partner.ID, updateID)
		return
	}
	next.ServeHTTP(w, r.WithContext(withPartner(r.Context(), partner)))
}

// apiExchange is what servePartnerAPI keeps of one request.
type apiExchange struct {
	reqBody httprec.Capture
	tee     httprec.Tee
	w       httprec.Writer
	rl      [3]string
}

// rateLimitValues returns the values of the X-Rate-Limit-Limit,
// -Remaining and -Reset headers of q, cut from one string.
func (x *apiExchange) rateLimitValues(q ratelimit.Quota) []string {
	var buf [64]byte
	b := strconv.AppendInt(buf[:0], int64(q.Limit), 10)
	n1 := len(b)
	b = strconv.AppendInt(b, int64(q.Remaining), 10)
	n2 := len(b)
	b = strconv.AppendInt(b, int64(q.Reset), 10)
	all := string(b)
	x.rl = [3]string{all[:n1], all[n1:n2], all[n2:]}
	return x.rl[:]
}

// authenticate finds the partner of the request's API key. docs/protocol.md §2
// Decision: "Token <key>", "Token token=<key>" and "Bearer <key>" are
// accepted; anything else is a 401.
func (s *API) authenticate(r *http.Request) (store.Partner, error) {
	key, err := protocol.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return store.Partner{}, httpapi.Unauthorized("%v", err)
	}
	p, err := s.store.PartnerByAPIKey(r.Context(), key)
	if errors.Is(err, store.ErrNotFound) {
		return store.Partner{}, httpapi.Unauthorized("the API key is not the key of any partner; use the partner API key the mock printed at start-up (mockteamtailor keys)")
	}
	return p, err
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
