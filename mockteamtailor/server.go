package mockteamtailor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/delivery"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/partnerapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/uploads"
)

// Server is the admin model in process.
var _ controlapi.Admin = (*Server)(nil)

// Server is the fake Teamtailor as an http.Handler. It starts nothing: the
// caller owns listeners, so tests can wrap it in httptest.NewServer.
type Server struct {
	logger *slog.Logger
	cfg    Config
	store  store.Store
	ids    *idgen.IDs
	clock  func() time.Time
	api    *partnerapi.API  // the Partner API
	v1     *publicapi.API   // Teamtailor's public API (/v1)
	sender *delivery.Sender // calls to partners, journaled (outbound.go)
	events hub              // live journal entries
	watch  resultWatch      // waiters for results (resultwait.go)
	hooks  companyHooks     // company webhooks and partner setups (companyhooks.go)
	files  *uploads.Files   // uploads of file fields, served by signed URL
	bulk   bulkRuns         // progress of bulk triggers

	startMu sync.Mutex // serialises resets; guards started
	started bool       // MarkStart was called

	ui       atomic.Pointer[http.Handler]                 // the web UI, serving every path the routes do not
	imported atomic.Pointer[map[string]fixtures.Imported] // imported fixtures by name (imported.go)

	bg       sync.WaitGroup     // background work: bulk runs
	bgCtx    context.Context    // ends when the server closes
	bgCancel context.CancelFunc // ends bgCtx
	handler  http.Handler
	reqLog   requestLogLimit // lines of the request log this second
}

// NewServer returns the mock's HTTP surface (see routes.go) over store.
// ids supplies result ids and JWE nonces, clock the time; pass seeded and
// fixed ones for reproducible output.
func NewServer(logger *slog.Logger, cfg Config, st store.Store, ids *idgen.IDs, clock func() time.Time) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil || st == nil || ids == nil || clock == nil {
		return nil, errors.New("mockteamtailor: NewServer needs a logger, a store, an id source and a clock")
	}
	for _, h := range cfg.AllowedHosts {
		if strings.TrimSpace(h) == "*" {
			logger.Warn("the Host check is off: --allowed-host \"*\" answers any Host, which lets a web page reach the mock, and its keys, through DNS rebinding; allow the names you use instead")
			break
		}
	}
	s := &Server{
		logger: logger,
		cfg:    cfg,
		ids:    ids,
		clock:  clock,
		reqLog: requestLogLimit{logger: logger},
	}
	// Every result written through the server wakes its waiters.
	st = watchedStore{Store: st, watch: &s.watch}
	s.store = st
	s.api = partnerapi.New(logger, partnerapi.Config{
		PublicURL: cfg.PublicURL, MaxBodyBytes: cfg.MaxBodyBytes, JournalBodyLimit: cfg.JournalBodyLimit,
		DefaultPageSize: cfg.DefaultPageSize, MaxPageSize: cfg.MaxPageSize, AcceptUnknownCandidates: cfg.AcceptUnknownCandidates,
		RateLimit: cfg.RateLimit, RateWindow: cfg.RateWindow, EnforceRateLimit: cfg.EnforceRateLimit,
	}, st, ids, clock, s.events.publish)
	s.v1 = s.newPublicAPI()
	s.sender = s.newSender()
	s.files = uploads.New([]byte(ids.Secret("", 32)), cfg.baseURL(), cfg.FileURLTTL, clock, func() string { return ids.Secret("f", 12) })
	s.bgCtx, s.bgCancel = context.WithCancel(context.Background())
	// The subscriptions and setups a --state store kept
	// (docs/company-webhooks.md §2).
	if err := s.hooks.load(s.bgCtx, st); err != nil {
		return nil, fmt.Errorf("mockteamtailor: company webhooks: %w", err)
	}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Config returns the configuration the server was built with.
func (s *Server) Config() Config { return s.cfg }

// SetRateLimit changes the Partner API rate limit while the server runs:
// limit requests per window for each partner, answered with 429 beyond it
// when enforce is set.
func (s *Server) SetRateLimit(limit int, window time.Duration, enforce bool) error {
	if limit <= 0 || window < time.Second {
		return errors.New("rate limit needs a positive limit and a window of at least 1s")
	}
	s.api.SetRateLimit(limit, window, enforce)
	s.v1.SetRateLimit(publicapi.DefaultConfig().RateLimit, publicapi.DefaultConfig().RateWindow, enforce)
	return nil
}

// ResultURL is the update-url of a partner result (docs/protocol.md §1.1).
func (s *Server) ResultURL(id string) string { return s.api.ResultURL(id) }

// Upload keeps a file for a form's file field and returns it with the
// form value "upload:<id>" that refers to it (package uploads).
func (s *Server) Upload(_ context.Context, name, contentType string, data []byte) (controlapi.Upload, error) {
	id, err := s.files.Add(name, contentType, data)
	if err != nil {
		return controlapi.Upload{}, err
	}
	return controlapi.Upload{ID: id, Name: name, Size: len(data), Value: "upload:" + id}, nil
}

// SetUI mounts a web UI: it serves every path the mock's own routes do
// not (the UI is built on the control API and the store, so it lives in a
// package of its own).
func (s *Server) SetUI(h http.Handler) { s.ui.Store(&h) }
