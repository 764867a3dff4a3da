// Package publicapi is Teamtailor's public API (/v1) over the mock's
// store (docs/public-api.md): the API a partner calls with the company
// API key it receives as Teamtailor-Api-Token. It checks the version
// header, the key, its scope and permissions, counts requests for the
// rate-limit headers, and answers JSON:API documents read from, and
// written to, the same records the Partner API, the triggers and the web
// UI use. Every request gets a journal entry like a Partner API call.
package publicapi

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the companies' time zone, also where the system has no zone files

	"github.com/mockteamtailor/mockteamtailor/internal/httprec"
	"github.com/mockteamtailor/mockteamtailor/internal/ratelimit"
	"github.com/mockteamtailor/mockteamtailor/internal/secret"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// MediaType is the media type of every /v1 document.
const MediaType = "application/vnd.api+json"

// CurrentVersion is the newest X-Api-Version the mock knows, named in
// the 406 of a missing or invalid version; the mock serves its response
// shapes whatever accepted version is sent (docs/public-api.md §3).
const CurrentVersion = "20240904"

// firstVersion is Teamtailor's first public API version: earlier dates
// are refused.
const firstVersion = "20161108"

// Prefix is the path every /v1 route starts with.
const Prefix = "/v1/"

// KindPublicAPI is the journal kind of a /v1 request.
const KindPublicAPI = "public-api"

// Mover moves a candidate's application into a stage of its job the way a
// recruiter does, firing the stage's partner triggers (the control API's
// move). userID 0 means the trigger's creator is the one who moved it.
type Mover func(ctx context.Context, candidateID, jobID, stageID, userID int64) error

// Rejecter rejects a candidate's application to a job, with one of the
// company's reject reasons or none (0), or with undo takes the rejection
// back, the way a recruiter does on the candidate card.
type Rejecter func(ctx context.Context, candidateID, jobID int64, undo bool, reasonID int64) error

// Operations are the server's own operations that /v1 writes go
// through, so the web UI, the control API and /v1 change the world the
// same way (and whatever those operations set off, /v1 sets off too).
type Operations struct {
	// Move moves applications between stages (the stage PATCH).
	Move Mover
	// Reject rejects and un-rejects applications (the rejected-at PATCH).
	Reject Rejecter
	// CreateCandidate adds a candidate to a company and returns its id
	// (POST /v1/candidates).
	CreateCandidate func(ctx context.Context, companyUUID string, c protocol.Candidate) (int64, error)
	// UpdateCandidate changes a stored candidate and fires the company
	// events the change fires (docs/company-webhooks.md §3): PATCH and
	// merging POST of /v1/candidates, candidate custom-field values. Nil
	// changes the store alone.
	UpdateCandidate func(ctx context.Context, id int64, change func(*store.CandidateRecord) error) (store.CandidateRecord, error)
	// PutJob stores a changed job and fires job.update when a listed field
	// changed (job custom-field values). Nil stores it alone.
	PutJob func(ctx context.Context, j store.Job) (store.Job, error)
}

// changeCandidate changes a candidate through the operation, which fires
// the company events, or in the store when there is none.
func (a *API) changeCandidate(ctx context.Context, id int64, change func(*store.CandidateRecord) error) (store.CandidateRecord, error) {
	if a.ops.UpdateCandidate != nil {
		return a.ops.UpdateCandidate(ctx, id, change)
	}
	return a.store.UpdateCandidate(ctx, id, change)
}

// putJob stores a job through the operation, or in the store.
func (a *API) putJob(ctx context.Context, j store.Job) (store.Job, error) {
	if a.ops.PutJob != nil {
		return a.ops.PutJob(ctx, j)
	}
	return a.store.PutJob(ctx, j)
}

// Faults injects the Partner API's faults into a request; it reports
// whether the fault answered it.
type Faults func(w http.ResponseWriter, r *http.Request) bool

// Config is what the public API is set up with.
type Config struct {
	// PublicURL is the mock's base URL, for links.
	PublicURL string
	// MaxBodyBytes bounds a request document.
	MaxBodyBytes int64
	// JournalBodyLimit bounds the bodies a journal entry keeps.
	JournalBodyLimit int
	// RateLimit requests per RateWindow are allowed per key; beyond, a
	// 429 when EnforceRateLimit is set.
	RateLimit        int
	RateWindow       time.Duration
	EnforceRateLimit bool
	// Location is the companies' time zone, for timestamps.
	Location *time.Location
}

// DefaultConfig is Teamtailor's documented limits: 50 requests per 10
// seconds, counted but not enforced.
func DefaultConfig() Config {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		loc = time.FixedZone("CET", 3600)
	}
	return Config{MaxBodyBytes: 1 << 20, JournalBodyLimit: 64 << 10, RateLimit: 50, RateWindow: 10 * time.Second, Location: loc}
}

// Store is what /v1 reads and writes besides its operations: partners
// and their activations, companies, jobs, candidates, results, and the
// journal. The methods return the errors store.Store documents.
type Store interface {
	Partner(ctx context.Context, id string) (store.Partner, error)
	Partners(ctx context.Context) ([]store.Partner, error)
	Company(ctx context.Context, uuid string) (store.Company, error)
	Companies(ctx context.Context) ([]store.Company, error)
	UpdateCompany(ctx context.Context, uuid string, update func(*store.Company) error) (store.Company, error)
	ActivationFor(ctx context.Context, partnerID, companyUUID string) (store.Activation, error)
	AllResults(ctx context.Context, f store.ResultFilter) ([]store.PartnerResult, error)
	Job(ctx context.Context, id int64) (store.Job, error)
	Jobs(ctx context.Context, companyUUID string) ([]store.Job, error)
	PutJob(ctx context.Context, j store.Job) (store.Job, error)
	Candidate(ctx context.Context, id int64) (store.CandidateRecord, error)
	Candidates(ctx context.Context, companyUUID string, page store.Page) ([]store.CandidateRecord, int, error)
	UpdateCandidate(ctx context.Context, id int64, update func(*store.CandidateRecord) error) (store.CandidateRecord, error)
	AppendJournal(ctx context.Context, d store.Delivery) (store.Delivery, error)
}

// API serves /v1. Create it with New.
type API struct {
	logger  *slog.Logger
	cfg     Config
	store   Store
	clock   func() time.Time
	publish func(store.Delivery)
	faults  Faults
	ops     Operations
	limiter *ratelimit.Limiter[string]
}

// New returns the public API over st. publish, when not nil, hears of
// every journal entry; faults, when not nil, injects faults; ops are the
// server operations writes go through (a write whose operation is nil
// is a setup error: 500, logged).
func New(logger *slog.Logger, cfg Config, st Store, clock func() time.Time, publish func(store.Delivery), faults Faults, ops Operations) *API {
	d := DefaultConfig()
	if cfg.RateLimit <= 0 || cfg.RateWindow < time.Second {
		cfg.RateLimit, cfg.RateWindow = d.RateLimit, d.RateWindow
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = d.MaxBodyBytes
	}
	if cfg.JournalBodyLimit <= 0 {
		cfg.JournalBodyLimit = d.JournalBodyLimit
	}
	if cfg.Location == nil {
		cfg.Location = d.Location
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &API{logger: logger, cfg: cfg, store: st, clock: clock, publish: publish, faults: faults, ops: ops,
		limiter: ratelimit.New[string](cfg.RateLimit, cfg.RateWindow, cfg.EnforceRateLimit)}
}

// SetRateLimit changes the rate limit while the API serves.
func (a *API) SetRateLimit(limit int, window time.Duration, enforce bool) {
	a.limiter.Set(limit, window, enforce)
}

// caller is who a request authenticated as.
type caller struct {
	company store.Company
	key     store.APIKey
	// partnerID is the partner whose activation carries the key, for the
	// journal; "" when no activation does.
	partnerID string
}

// ServeHTTP serves a request under /v1/. The checks run in the order
// docs/public-api.md gives: version, key, rate limit, scope and
// permission, route, parameters, body.
func (a *API) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start, began := a.clock(), time.Now()
	var reqBody httprec.Capture
	reqBody.Limit = a.cfg.JournalBodyLimit
	if r.Body != nil {
		r.Body = http.MaxBytesReader(rw, r.Body, a.cfg.MaxBodyBytes)
		r.Body = &httprec.Tee{ReadCloser: r.Body, C: &reqBody}
	}
	w := &httprec.Writer{ResponseWriter: rw}
	w.Body.Limit = a.cfg.JournalBodyLimit
	who, authErr := a.authenticate(r)
	if authErr != nil {
		// Anyone can send unauthenticated requests: keep little of them.
		reqBody.Limit = min(reqBody.Limit, 1<<10)
	}
	defer func() { a.journal(r, who, &reqBody, w, start, began) }()
	if a.faults != nil && a.faults(w, r) {
		return
	}
	bucket := "key:" + who.key.Key
	if authErr != nil {
		bucket = "addr:" + remoteHost(r)
	}
	q := a.limiter.Take(bucket, a.clock())
	h := w.Header()
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(q.Limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(q.Remaining))
	h.Set("X-Rate-Limit-Reset", strconv.Itoa(q.Reset))
	version := r.Header.Get("X-Api-Version")
	if !validVersion(version) {
		h.Set("Content-Type", MediaType)
		w.WriteHeader(http.StatusNotAcceptable)
		w.Write(versionBody())
		return
	}
	if authErr != nil {
		writeProblem(w, unauthorized())
		return
	}
	if !q.Allowed {
		writeProblem(w, fail(http.StatusTooManyRequests, "Too Many Requests", "429", "Rate limit exceeded. Retry in %d seconds.", q.Reset))
		return
	}
	status, doc, p := a.route(w, r, who)
	if p != nil {
		writeProblem(w, p)
		return
	}
	// 2xx responses echo the version the client sent.
	h.Set("X-Api-Version", version)
	writeDocument(w, a.logger, r, status, doc)
}

// validVersion accepts a real calendar date YYYYMMDD from Teamtailor's
// first version on, future dates included: Teamtailor resolves a later
// date to its newest version.
func validVersion(v string) bool {
	if len(v) != 8 || v < firstVersion {
		return false
	}
	t, err := time.Parse("20060102", v)
	return err == nil && t.Format("20060102") == v
}

// authenticate finds the company and key of the request's Authorization
// header. A partner API key is no company key: 401.
func (a *API) authenticate(r *http.Request) (caller, error) {
	key, err := protocol.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return caller{}, err
	}
	companies, err := a.store.Companies(r.Context())
	if err != nil {
		return caller{}, err
	}
	for _, c := range companies {
		if k, ok := c.APIKey(key); ok {
			who := caller{company: c, key: k}
			who.partnerID = a.partnerOf(r.Context(), c.UUID, key)
			return who, nil
		}
	}
	return caller{}, errors.New("unknown key")
}

// partnerOf is the partner whose activation in the company carries key.
func (a *API) partnerOf(ctx context.Context, companyUUID, key string) string {
	partners, err := a.store.Partners(ctx)
	if err != nil {
		return ""
	}
	for _, p := range partners {
		if act, err := a.store.ActivationFor(ctx, p.ID, companyUUID); err == nil && act.APIToken == key {
			return p.ID
		}
	}
	return ""
}

// journal records the request like a Partner API call, the key masked.
func (a *API) journal(r *http.Request, who caller, reqBody *httprec.Capture, w *httprec.Writer, start, began time.Time) {
	req := store.NewHTTPMessageCut(r.Header, store.JournalHeaderLimit, reqBody.Buf.String(), reqBody.Limit)
	if v := req.Header.Get("Authorization"); v != "" {
		scheme, key, _ := strings.Cut(v, " ")
		req.Header.Set("Authorization", scheme+" "+secret.Mask(key))
	}
	req.BodySize, req.BodyTruncated = reqBody.Total, reqBody.Total > reqBody.Buf.Len()
	req.Method, req.URL = r.Method, a.cfg.PublicURL+r.URL.RequestURI()
	resp := store.NewHTTPMessageString(w.Header(), w.Body.Buf.String(), a.cfg.JournalBodyLimit)
	resp.Status = w.Status
	resp.BodySize, resp.BodyTruncated = w.Body.Total, w.Body.Total > w.Body.Buf.Len()
	verdict, reason := store.VerdictOK, r.Method+" "+r.URL.Path+" answered "+strconv.Itoa(w.Status)
	if w.Status >= 400 {
		verdict = store.VerdictFailed
	}
	d := store.Delivery{Kind: KindPublicAPI, PartnerID: who.partnerID, CompanyUUID: who.company.UUID, Time: start,
		DurationMS: float64(time.Since(began).Microseconds()) / 1000, Request: req, Response: &resp, Verdict: verdict, Reason: reason}
	d, err := a.store.AppendJournal(r.Context(), d)
	if err != nil {
		a.logger.ErrorContext(r.Context(), "journal entry not kept", "kind", KindPublicAPI, "error", err)
		return
	}
	if a.publish != nil {
		a.publish(d)
	}
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
