// Package partnerapi is the Partner API a partner calls (docs/protocol.md §2):
// authentication, the API version, rate limits and injected faults, the
// partners, partner-activations and partner-results resources as JSON:API
// documents, and a journal entry for every request. It needs only the
// store: the mock serves it beside its control API, and the conformance
// suite's embedded mock serves it alone.
package partnerapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockteamtailor/mockteamtailor/internal/ratelimit"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// RefusedBodyLimit is how many bytes of body the journal keeps of a
// request refused before authentication: enough to recognise it, too
// little for anyone to fill the journal with (docs/security.md).
const RefusedBodyLimit = 1 << 10

// RefusedHeaderLimit is how many bytes of headers (counted as
// store.CutHeader counts them) the journal keeps of a request refused
// before authentication, for the same reason: anyone can send 1 MiB of
// headers, thousands of times.
const RefusedHeaderLimit = 8 << 10

// Config is what the Partner API is set up with.
type Config struct {
	// PublicURL is the mock's base URL, for links and update-urls.
	PublicURL string
	// MaxBodyBytes bounds a request document.
	MaxBodyBytes int64
	// JournalBodyLimit bounds the bodies a journal entry keeps.
	JournalBodyLimit int
	// DefaultPageSize and MaxPageSize are the page sizes of lists.
	DefaultPageSize, MaxPageSize int
	// AcceptUnknownCandidates lets a result name a candidate the mock
	// does not hold (checkCandidate).
	AcceptUnknownCandidates bool
	// RateLimit requests per RateWindow are allowed to each partner;
	// beyond, a 429 when EnforceRateLimit is set.
	RateLimit        int
	RateWindow       time.Duration
	EnforceRateLimit bool
}

func (c Config) baseURL() string { return strings.TrimRight(c.PublicURL, "/") }

// Store is what the Partner API reads and writes: the partner and its
// activations, the candidates results name, the results, and the journal.
// The methods return the errors store.Store documents.
type Store interface {
	Partner(ctx context.Context, id string) (store.Partner, error)
	PartnerByAPIKey(ctx context.Context, key string) (store.Partner, error)
	PutPartner(ctx context.Context, p store.Partner) error
	Activation(ctx context.Context, partnerID, id string) (store.Activation, error)
	Activations(ctx context.Context, partnerID string, page store.Page) ([]store.Activation, int, error)
	Candidate(ctx context.Context, id int64) (store.CandidateRecord, error)
	CreateResult(ctx context.Context, r store.PartnerResult) (store.PartnerResult, error)
	Result(ctx context.Context, partnerID, id string) (store.PartnerResult, error)
	Results(ctx context.Context, partnerID string, page store.Page) ([]store.PartnerResult, int, error)
	UpdateResult(ctx context.Context, partnerID, id string, update func(*store.PartnerResult) error) (store.PartnerResult, error)
	DeleteResult(ctx context.Context, partnerID, id string) error
	AppendJournal(ctx context.Context, d store.Delivery) (store.Delivery, error)
}

// API serves the Partner API. Create it with New.
type API struct {
	logger  *slog.Logger
	cfg     Config
	store   Store
	ids     *idgen.IDs
	clock   func() time.Time
	publish func(store.Delivery)
	limiter *ratelimit.Limiter[rateBucket]
	faults  faults
	// lastRedacted is the last Authorization header masked for the
	// journal and its masked form (apijournal.go).
	lastRedacted atomic.Pointer[[2]string]
	handler      http.Handler
}

// New returns the Partner API over st. ids makes result ids, clock the
// time; publish, when not nil, hears of every journal entry.
func New(logger *slog.Logger, cfg Config, st Store, ids *idgen.IDs, clock func() time.Time, publish func(store.Delivery)) *API {
	s := &API{logger: logger, cfg: cfg, store: st, ids: ids, clock: clock, publish: publish,
		limiter: ratelimit.New[rateBucket](cfg.RateLimit, cfg.RateWindow, cfg.EnforceRateLimit)}
	s.handler = s.routes()
	return s
}

// ServeHTTP serves a request under /partner/.
func (s *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// routes is the Partner API's route table.
func (s *API) routes() http.Handler {
	// The Partner API is a router of its own, wrapped as a whole, so auth,
	// version and rate-limit headers apply to unmatched paths too
	// (gorilla/mux runs Use middleware only on matched routes).
	api := mux.NewRouter()
	api.NotFoundHandler = httpapi.RouteNotFound(s.logger)
	api.MethodNotAllowedHandler = httpapi.MethodNotAllowed(s.logger)
	// Full paths, not a subrouter: a subrouter would turn a wrong method
	// into a 404 instead of a 405.
	const v1 = "/partner/v1"
	// noQuery marks the routes that take no query parameters; lists
	// check theirs (listHandler), writes after their body (results.go).
	api.Handle(v1+"/partners/{id}", s.noQuery(s.handlePartnerGet())).Methods(http.MethodGet)
	api.Handle(v1+"/partners/{id}", s.handlePartnerUpdate()).Methods(http.MethodPut, http.MethodPatch)
	api.Handle(v1+"/partner-activations", s.handleActivationList()).Methods(http.MethodGet)
	api.Handle(v1+"/partner-activations/{id}", s.noQuery(s.handleActivationGet())).Methods(http.MethodGet)
	api.Handle(v1+"/partner-results", s.handleResultList()).Methods(http.MethodGet)
	api.Handle(v1+"/partner-results", s.handleResultCreate()).Methods(http.MethodPost)
	api.Handle(v1+"/partner-results/{id}", s.noQuery(s.handleResultGet())).Methods(http.MethodGet)
	api.Handle(v1+"/partner-results/{id}", s.handleResultUpdate()).Methods(http.MethodPut, http.MethodPatch)
	api.Handle(v1+"/partner-results/{id}", s.noQuery(s.handleResultDelete())).Methods(http.MethodDelete)
	return s.partnerAPI(api)
}

// noQuery answers a request with query parameters with a 400 naming them
// (checkQuery) before next sees it.
func (s *API) noQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkQuery(r, false); err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// SetRateLimit changes the rate limit while the API serves: limit
// requests per window for each partner, answered with 429 beyond it when
// enforce is set.
func (s *API) SetRateLimit(limit int, window time.Duration, enforce bool) {
	s.limiter.Set(limit, window, enforce)
}

// RateLimit returns the rate limit in force.
func (s *API) RateLimit() (limit int, window time.Duration, enforce bool) {
	return s.limiter.Settings()
}

// resultPathPrefix is the path of partner results; an update goes to
// resultPathPrefix + id.
const resultPathPrefix = "/partner/v1/partner-results/"

// Hot serves the Partner API's busiest route, PUT and PATCH of a
// partner result, without the routers: gorilla/mux copies the request
// twice per router and builds a map of its variables. It matches exactly
// what the route table above sends to handleResultUpdate (a clean path,
// one non-empty segment after the prefix); everything else goes to next.
func (s *API) Hot(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := hotUpdateID(r); ok {
			s.servePartnerAPI(w, r, nil, id)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hotUpdateID returns the result id of a PUT or PATCH the route table
// would give handleResultUpdate.
func hotUpdateID(r *http.Request) (string, bool) {
	if r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return "", false
	}
	id, ok := strings.CutPrefix(r.URL.Path, resultPathPrefix)
	// "." and ".." would be cleaned away (and redirected) by the router.
	if !ok || id == "" || id == "." || id == ".." || strings.IndexByte(id, '/') >= 0 {
		return "", false
	}
	return id, true
}
