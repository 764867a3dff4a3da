package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance/judge"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/internal/httprec"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/guard"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Mock is the embedded fake Teamtailor: the mockteamtailor library on a
// listener the partner can reach. It holds the partner under test, its
// sandbox company with every job and candidate fixture, an activation
// carrying the configured provider key, and it answers the partner's
// result posts on its Partner API.
type Mock struct {
	Server     *mockteamtailor.Server
	URL        string // public base URL, as in update-url
	Partner    store.Partner
	Company    store.Company
	Activation store.Activation
	// JobID, StageID and UserID are what /config gets for a trigger on the
	// sandbox's first job stage (docs/protocol.md §1).
	JobID, StageID, UserID int64
	// Host is the Teamtailor-Host every call to the partner carries
	// (--teamtailor-host).
	Host string

	candidates map[string]int64 // candidate fixture name -> candidate id
	inbox      *Inbox
	hs         *http.Server
	ln         net.Listener
}

// partnerID is the id of the partner under test in the embedded mock.
const partnerID = "partner-under-test"

// maxInboxBytes bounds the bodies and headers the inbox keeps of the
// partner's Partner API requests over a run; past it, the oldest requests
// lose their bodies and headers.
const maxInboxBytes = 32 << 20

// maxRecorded is how much of each request the partner sends the embedded
// mock, and of each answer, a transcript keeps.
const maxRecorded = 1 << 20

// StartMock starts the embedded mock on TestContext.MockListen.
func StartMock(ctx context.Context) (*Mock, error) {
	ln, err := net.Listen("tcp", settings.TestContext.MockListen)
	if err != nil {
		return nil, fmt.Errorf("--mock-listen %s: %w", settings.TestContext.MockListen, err)
	}
	m, err := newMock(ctx, ln)
	if err != nil {
		ln.Close()
		return nil, err
	}
	go func() {
		if err := m.hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.inbox.failed(fmt.Sprintf("stopped serving: %v", err))
		}
	}()
	return m, nil
}

func newMock(ctx context.Context, ln net.Listener) (*Mock, error) {
	public := settings.TestContext.MockPublicURL
	if public == "" {
		public = "http://" + ln.Addr().String()
	}
	cfg := mockteamtailor.DefaultConfig()
	cfg.PublicURL = strings.TrimRight(public, "/")
	cfg.DeliveryTimeout = settings.TestContext.Timeout
	// docs/protocol.md §1, Decision: Teamtailor-Host is the stack's host
	// unless --teamtailor-host names another, or "mock" the mock's own
	// host:port; the mock answers on the host it announces, so a partner
	// that builds its Partner API URL from the header reaches it.
	switch h := settings.TestContext.TeamtailorHost; h {
	case "":
	case settings.TeamtailorHostMock:
		if u, err := url.Parse(cfg.PublicURL); err == nil {
			cfg.TeamtailorHost = u.Host
		}
	default:
		cfg.TeamtailorHost = h
		if u, err := url.Parse("http://" + h); err == nil {
			cfg.AllowedHosts = append(cfg.AllowedHosts, u.Hostname())
		}
	}
	st := store.NewMemStore()
	ids := idgen.New()
	srv, err := mockteamtailor.NewServer(slog.New(slog.DiscardHandler), cfg, st, ids, time.Now)
	if err != nil {
		return nil, fmt.Errorf("embedded mock: %w", err)
	}
	sb, err := sandbox.Seed(ctx, st, ids, time.Now, sandbox.PartnerSettings{
		ID: partnerID, Name: "Partner under test", APIKey: settings.TestContext.APIKey,
		WebhookSecret: settings.TestContext.WebhookSecret, BaseURL: settings.TestContext.BaseURL,
		Adjust: func(p *store.Partner) {
			p.Assessment, p.AllowBulk = settings.TestContext.Assessment, settings.TestContext.Bulk
			// Webhooks carry every optional block a partner can switch on,
			// so the edge-case fixtures reach the partner whole (docs/protocol.md
			// §1.1).
			p.IncludeJobOffers, p.IncludeUploads = true, true
		},
		// The sandbox activation carries the provider key the suite sends.
		ProviderKey: settings.TestContext.ProviderKey, ActivationValues: settings.TestContext.ActivationFields,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded mock: %w", err)
	}
	p, act := sb.Partner, sb.Activation
	if err := srv.SetImportedFixtures(settings.TestContext.Imported()); err != nil {
		return nil, fmt.Errorf("embedded mock: --fixtures: %w", err)
	}
	m := &Mock{Server: srv, URL: cfg.PublicURL, Host: cfg.HostHeader(), Partner: p, Company: sb.Company, Activation: act, ln: ln, inbox: &Inbox{}}
	if err := m.locate(ctx); err != nil {
		return nil, fmt.Errorf("embedded mock: %w", err)
	}
	// The Host allow-list comes first, as on every route of the mock; then
	// only the partner-facing routes are served.
	guarded := guard.Hosts(guard.NewHostPolicy(cfg.PublicURL, cfg.AllowedHosts), mockteamtailor.Refuse, partnerFacing(srv))
	m.hs = &http.Server{Handler: m.inbox.wrap(guarded), ReadHeaderTimeout: 10 * time.Second}
	return m, nil
}

// partnerFacing serves what a partner calls, the Partner API and the file
// URLs of webhooks, and nothing else: the control API (keys, reset) and
// the web UI of a standalone mock are not part of a run, so a partner or
// anyone on the network cannot read the run's keys or reset its state.
func partnerFacing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mockteamtailor.PartnerFacingPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "404: the conformance suite's embedded mock serves only the Partner API (/partner/v1/…) and file URLs (/files/…), not %s\n", r.URL.Path)
	})
}

// locate finds the sandbox's first job, stage and user, and the candidate
// of each fixture.
func (m *Mock) locate(ctx context.Context) error {
	st := m.Server.Store()
	jobs, err := st.Jobs(ctx, m.Company.UUID)
	if err != nil || len(jobs) == 0 || len(jobs[0].Stages) == 0 {
		return fmt.Errorf("the sandbox has no job with a stage (%v)", err)
	}
	m.JobID, m.StageID = jobs[0].ID, jobs[0].Stages[0].ID
	if len(m.Company.Users) > 0 {
		m.UserID = m.Company.Users[0].ID
	}
	recs, _, err := st.Candidates(ctx, m.Company.UUID, store.Page{Number: 1, Size: 1000})
	if err != nil {
		return err
	}
	m.candidates = map[string]int64{}
	for _, name := range fixtures.Names(fixtures.KindCandidates) {
		c, err := sandbox.CandidateFixture(name)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if r.Data.UUID == c.UUID {
				m.candidates[name] = r.ID
			}
		}
		if _, ok := m.candidates[name]; !ok {
			return fmt.Errorf("candidate fixture %q is not in the sandbox", name)
		}
	}
	return nil
}

// Close stops the mock. The checks are over: a result the partner is
// still posting is not waited for beyond a moment.
func (m *Mock) Close(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := m.hs.Shutdown(ctx); err != nil {
		m.hs.Close()
	}
	return m.Server.Close(ctx)
}

// Ping checks that the mock answers on its listener, as the partner
// will call it: a request for a file that does not exist must get the
// mock's 404.
func (m *Mock) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+m.ln.Addr().String()+"/files/ttconformance-ping", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", req.URL, err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("GET %s answered %d", req.URL, resp.StatusCode)
	}
	return nil
}

// CandidateFixtures returns the names of the candidate fixtures, sorted.
func (m *Mock) CandidateFixtures() []string {
	return fixtures.Names(fixtures.KindCandidates)
}

// Webhook is a webhook built by the mock and not sent yet: its partner
// result exists, in status sending.
type Webhook struct {
	mockteamtailor.PreparedWebhook
	Candidate string // the candidate fixture
	Bulk      bool   // bulk mode: no job (docs/protocol.md §5)
}

// PrepareWebhook builds the webhook Teamtailor would send for the
// candidate of a fixture with webhook-data data, on the sandbox's first job
// or, with bulk, without job. Each call makes a new event and result.
func (m *Mock) PrepareWebhook(ctx context.Context, candidate string, bulk bool, data map[string]string) (Webhook, error) {
	id, ok := m.candidates[candidate]
	if !ok {
		return Webhook{}, fmt.Errorf("there is no candidate fixture %q", candidate)
	}
	req := mockteamtailor.PrepareRequest{PartnerID: m.Partner.ID, CandidateID: id, JobID: m.JobID, WebhookData: data}
	if bulk {
		req.JobID = 0
	}
	w, err := m.Server.PrepareWebhook(ctx, req)
	if err != nil {
		return Webhook{}, fmt.Errorf("prepare a webhook for %s: %w", candidate, err)
	}
	return Webhook{PreparedWebhook: w, Candidate: candidate, Bulk: bulk}, nil
}

// CandidateID returns the sandbox candidate id of a candidate fixture,
// for the mock's own operations on it (Server.RejectApplication, say).
func (m *Mock) CandidateID(fixture string) (int64, bool) {
	id, ok := m.candidates[fixture]
	return id, ok
}

// PostsTo returns the partner's Partner API requests to the update-url of
// result id so far, oldest first.
func (m *Mock) PostsTo(resultID string) []partner.Exchange { return m.inbox.to(resultID) }

// Inbox records every Partner API request the partner makes to the
// embedded mock, whole, with the mock's answer. The mock's own journal
// keeps only the bytes its handlers read, so a request refused for its
// headers (401, 406, 415) has no body there; the suite needs the body of
// every post to judge it.
type Inbox struct {
	mu       sync.Mutex // guards byResult, whole, kept, observe and failures
	byResult map[string][]*partner.Exchange
	// whole are the requests in byResult that keep their bodies, oldest
	// first, and kept the bytes of their bodies and headers.
	whole   []*partner.Exchange
	kept    int
	observe PostObserver
	// refuse holds the results whose posts get a 429 for a while
	// (RateLimitPosts), by result id.
	refuse map[string]*postLimit
	// failures are the mock's own failures: 5xx answers to the partner,
	// a listener that died. They make the run an error, never a partner
	// failure.
	failures []string
}

// maxMockFailures bounds the failures kept.
const maxMockFailures = 10

func (in *Inbox) failed(what string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.failures) < maxMockFailures {
		in.failures = append(in.failures, what)
	}
}

// Failures returns what went wrong in the embedded mock itself.
func (m *Mock) Failures() []string {
	m.inbox.mu.Lock()
	defer m.inbox.mu.Unlock()
	return slices.Clone(m.inbox.failures)
}

// PostObserver is told of a Partner API request the partner made to the
// update-url of result resultID ("" for other Partner API paths), with the
// mock's answer status, when it arrived and the request body (at most 1 MiB).
type PostObserver func(resultID, method string, status int, at time.Time, body []byte)

// Observe makes the inbox hand every Partner API request to f instead of
// keeping it: a capacity run sends more webhooks than it could keep the
// exchanges of. Call it before sending webhooks.
func (m *Mock) Observe(f PostObserver) {
	m.inbox.mu.Lock()
	defer m.inbox.mu.Unlock()
	m.inbox.observe = f
}

// postLimit is a rate limit on the posts to one result: the first post is
// answered 429 with Retry-After, and so is every post until the wait has
// passed.
type postLimit struct {
	retryAfter time.Duration
	until      time.Time // zero until the first post was refused
}

// RateLimitPosts makes the embedded mock answer the partner's first
// request to the update-url of result resultID with 429 Too Many
// Requests and Retry-After (whole seconds, at least 1), and every request
// to it before that wait has passed; after it, the requests go to the
// mock as usual. It returns the wait announced. Unlike the mock's fault
// (Server.RateLimitResultPosts), which takes the next result post of any
// result, it takes only this result's, so a late post the partner makes
// for an earlier webhook cannot use it up.
func (m *Mock) RateLimitPosts(resultID string, retryAfter time.Duration) time.Duration {
	retryAfter = max(retryAfter.Round(time.Second), time.Second)
	m.inbox.mu.Lock()
	defer m.inbox.mu.Unlock()
	if m.inbox.refuse == nil {
		m.inbox.refuse = map[string]*postLimit{}
	}
	m.inbox.refuse[resultID] = &postLimit{retryAfter: retryAfter}
	return retryAfter
}

// refused answers a request to the update-url of result id with 429 while
// its rate limit (RateLimitPosts) holds, and reports whether it did.
func (in *Inbox) refused(w http.ResponseWriter, r *http.Request, id string) bool {
	if id == "" || (r.Method != http.MethodPatch && r.Method != http.MethodPut) {
		return false
	}
	in.mu.Lock()
	rf := in.refuse[id]
	now := time.Now()
	if rf == nil || (!rf.until.IsZero() && !now.Before(rf.until)) {
		in.mu.Unlock()
		return false
	}
	if rf.until.IsZero() {
		rf.until = now.Add(rf.retryAfter)
	}
	wait := max(int((rf.until.Sub(now)+time.Second-1)/time.Second), 1)
	in.mu.Unlock()
	// The same answer as the mock's own 429s (docs/protocol.md §2).
	w.Header().Set("Retry-After", strconv.Itoa(wait))
	httpapi.WriteError(w, r, slog.New(slog.DiscardHandler), httpapi.New(http.StatusTooManyRequests, "Too many requests",
		"rate limit exceeded (the conformance suite refuses this result's first post to see it retried); retry after %d seconds", wait))
	return true
}

// wrap records the requests to /partner/ passing to next.
func (in *Inbox) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/partner/") {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxRecorded))
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &httprec.Writer{ResponseWriter: w}
		rec.Body.Limit = maxRecorded
		id, _ := strings.CutPrefix(r.URL.Path, "/partner/v1/partner-results/")
		if id == r.URL.Path {
			id = ""
		}
		if !in.refused(rec, r, id) {
			next.ServeHTTP(rec, r)
		}
		if rec.Status >= 500 {
			in.failed(fmt.Sprintf("answered %d to the partner's %s %s: %s", rec.Status, r.Method, r.URL.Path, partner.Excerpt(rec.Body.Buf.String())))
		}
		in.mu.Lock()
		observe := in.observe
		in.mu.Unlock()
		if observe != nil {
			observe(id, r.Method, rec.Status, start, body)
			return
		}
		x := partner.Exchange{
			Direction: partner.FromPartner, Step: "the partner's " + r.Method + " " + r.URL.Path, Method: r.Method, URL: "http://" + r.Host + r.URL.RequestURI(),
			RequestHeader: r.Header.Clone(), RequestBody: string(body), RequestBodySize: int64(len(body)),
			Status: rec.Status, ResponseHeader: rec.Header().Clone(), ResponseBody: rec.Body.Buf.String(),
			Started: start, Elapsed: time.Since(start),
		}
		x.ElapsedMS = partner.MS(x.Elapsed)
		if len(x.URL) > partner.StoredURLLimit {
			// Only messages quote the URL; the result id comes from the path.
			x.URL, x.Truncated = partner.CutString(x.URL, partner.StoredURLLimit), true
		}
		in.mu.Lock()
		defer in.mu.Unlock()
		// The inbox keeps the whole body a check judges (the mock refuses
		// more than 1 MiB), the newest maxInboxBytes of them: a check
		// judges the posts its own webhook led to, moments after they
		// came, so past the bound the oldest requests lose their bodies
		// and headers, not the ones a check is waiting for.
		if in.byResult == nil {
			in.byResult = map[string][]*partner.Exchange{}
		}
		in.byResult[id] = append(in.byResult[id], &x)
		in.kept += partner.StoredSize(&x)
		in.whole = append(in.whole, &x)
		for in.kept > maxInboxBytes && len(in.whole) > 1 {
			old := in.whole[0]
			in.whole[0], in.whole = nil, in.whole[1:]
			in.kept -= partner.StoredSize(old)
			*old = partner.WithoutBodies(*old)
		}
	})
}

func (in *Inbox) to(resultID string) []partner.Exchange {
	in.mu.Lock()
	defer in.mu.Unlock()
	var out []partner.Exchange
	for _, x := range in.byResult[resultID] {
		out = append(out, *x)
	}
	return out
}

// fixtureNames lists fixture names except some.
func fixtureNames(except ...string) []string {
	return slices.DeleteFunc(fixtures.Names(fixtures.KindCandidates), func(n string) bool { return slices.Contains(except, n) })
}

// PartnerPath is the Partner API path of the partner under test, where it
// PUTs its attributes, e.g. a static webhook-config (docs/protocol.md §2.1).
func (m *Mock) PartnerPath() string { return "/partner/v1/partners/" + m.Partner.ID }

// StaticConfigPut returns the static webhook-config the partner gave on
// the embedded mock's Partner API (PUT or PATCH /partners/{id}, docs/protocol.md
// §2.1) so far, or nil: the last request that set webhook-config, taken
// (2xx) or refused for its content (422, the same rules the suite
// judges it by). A later request setting it to null makes the partner
// serve /config again.
func (m *Mock) StaticConfigPut() *StaticConfig {
	var found *StaticConfig
	for _, x := range m.PostsTo("") {
		if x.Method != http.MethodPut && x.Method != http.MethodPatch {
			continue
		}
		if u, err := url.Parse(x.URL); err != nil || u.Path != m.PartnerPath() {
			continue
		}
		if x.Status/100 != 2 && x.Status != http.StatusUnprocessableEntity {
			continue
		}
		var doc struct {
			Data struct {
				Attributes map[string]json.RawMessage `json:"attributes"`
			} `json:"data"`
		}
		if json.Unmarshal([]byte(x.RequestBody), &doc) != nil {
			continue
		}
		raw, ok := doc.Data.Attributes["webhook-config"]
		switch {
		case !ok:
			continue
		case string(raw) == "null":
			found = nil
		default:
			put := x
			found = &StaticConfig{Source: x.Method + " " + m.PartnerPath() + " on the embedded mock", Doc: raw, Put: &put}
		}
	}
	return found
}

// ResultPosts returns what the partner sent for the result of w: its
// requests to w's update-url and, matched to the event by candidate and
// job, the results it created with POST /partner-results since the
// webhook was sent (docs/protocol.md §2.3), oldest first.
func (m *Mock) ResultPosts(w Webhook, since time.Time) []partner.Exchange {
	out := m.PostsTo(w.ResultID)
	candidate, job := m.candidates[w.Candidate], m.JobID
	if w.Bulk {
		job = 0
	}
	for _, x := range m.PostsTo("") {
		if judge.IsCreate(x) && !x.Started.Before(since) && createdFor(x.RequestBody, candidate, job) {
			out = append(out, x)
		}
	}
	slices.SortStableFunc(out, func(a, b partner.Exchange) int { return a.Started.Compare(b.Started) })
	return out
}

// createdFor reports a POST /partner-results body whose candidate-id is
// candidate and whose job-id is job (absent or null for 0, bulk mode).
// Ids may be numbers or strings of digits, as JSON:API ids are.
func createdFor(body string, candidate, job int64) bool {
	var doc struct {
		Data struct {
			Attributes map[string]any `json:"attributes"`
		} `json:"data"`
	}
	if json.Unmarshal([]byte(body), &doc) != nil {
		return false
	}
	idOf := func(v any) (int64, bool) {
		switch v := v.(type) {
		case float64:
			return int64(v), v == float64(int64(v))
		case string:
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		case nil:
			return 0, true
		}
		return 0, false
	}
	c, ok := idOf(doc.Data.Attributes["candidate-id"])
	if !ok || c != candidate {
		return false
	}
	j, ok := idOf(doc.Data.Attributes["job-id"])
	return ok && (j == job || job == 0)
}

// ConfigQuery is the query of GET /config for a trigger on the sandbox's
// first job stage by its first user (docs/protocol.md §1).
func (m *Mock) ConfigQuery() url.Values {
	q := url.Values{}
	q.Set("job_id", strconv.FormatInt(m.JobID, 10))
	q.Set("stage_id", strconv.FormatInt(m.StageID, 10))
	if m.UserID != 0 {
		q.Set("user_id", strconv.FormatInt(m.UserID, 10))
	}
	return q
}

// ConfigStep names the /config call of a trigger on a job stage, or of
// bulk mode.
func (m *Mock) ConfigStep(bulk bool) string {
	if bulk {
		return "GET /config in bulk mode (no job, stage or user)"
	}
	return "GET /config for a trigger on a job stage"
}

// StaticConfig is the partner's static webhook-config (docs/protocol.md
// §2.1, §3): the config document it gives Teamtailor once instead of
// serving /config.
type StaticConfig struct {
	// Source says where the suite found it, for messages:
	// "--webhook-config <file name>" or the partner's PUT on the embedded
	// mock's Partner API.
	Source string
	// Doc is the config document.
	Doc []byte
	// Put is the partner's request that gave it, nil for a file.
	Put *partner.Exchange
}

// FileStaticConfig returns the static webhook-config --webhook-config
// gives, or nil.
func FileStaticConfig() *StaticConfig {
	if doc := settings.TestContext.WebhookConfigDoc(); doc != nil {
		return &StaticConfig{Source: "--webhook-config " + filepath.Base(settings.TestContext.WebhookConfig), Doc: doc}
	}
	return nil
}

// StaticConfigSkip is why the checks of GET /config are skipped for a
// partner with a static webhook-config.
const StaticConfigSkip = "the partner gives a static webhook-config; Teamtailor does not fetch /config"

// Exchange returns the stand-in for GET /config: the document, as if
// answered with 200, in direction Static.
func (s *StaticConfig) Exchange() *partner.Exchange {
	return &partner.Exchange{Direction: partner.Static, Step: "the partner's static webhook-config (" + s.Source + ")", Method: "STATIC", URL: s.Source,
		Status: http.StatusOK, ResponseBody: string(s.Doc), RequestHeader: http.Header{}}
}

// KeyLookups counts the partner's key lookups (GET partner-activations) the
// mock received, those it answered with 2xx, and the status of the last.
func (m *Mock) KeyLookups() (n, ok, last int) {
	m.inbox.mu.Lock()
	defer m.inbox.mu.Unlock()
	for _, x := range m.inbox.byResult[""] {
		if x.Method == http.MethodGet && strings.Contains(x.URL, "/partner-activations") {
			n++
			last = x.Status
			if x.Status >= 200 && x.Status < 300 {
				ok++
			}
		}
	}
	return n, ok, last
}

// Detached returns a mock at url with no server behind it: what is served
// through Record lands in its inbox, for tests of what is judged from it.
func Detached(url string) *Mock { return &Mock{URL: url, inbox: &Inbox{}} }

// Record returns next behind the recording of the partner's requests.
func (m *Mock) Record(next http.Handler) http.Handler { return m.inbox.wrap(next) }
