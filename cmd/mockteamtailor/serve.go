package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/internal/gcheadroom"
	"github.com/mockteamtailor/mockteamtailor/internal/logbuffer"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/webui"
)

// serveOptions are the flags of "mockteamtailor serve".
type serveOptions struct {
	listen, publicURL, stack, state, logFormat, seed string
	teamtailorHost                                   string
	maxPageSize                                      int
	acceptUnknownCandidates                          bool
	fixtures                                         string
	controlToken                                     string
	allowedHosts                                     []string
	partner                                          sandbox.PartnerSettings
	rateLimit, journalLimit                          int
	rateWindow, deliveryTimeout                      time.Duration
	journalBytes, resultBytes, candidateBytes        byteSize
}

func newServeCommand(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the mock Teamtailor (Partner API) until interrupted",
		Long: `Run the mock Teamtailor. With no flags it listens on 127.0.0.1:8080, generates and
prints a partner API key, a webhook secret and a sandbox provider key, and activates
the integration in a sandbox company, as Teamtailor does for integrations under
development.

Partner API decisions (docs/partner-developers.md): Authorization "Token <key>", "Token token=<key>"
and "Bearer <key>" are accepted; X-Api-Version: 20180828 is required (406 otherwise);
partner results accept PUT and PATCH as partial updates; partner-activations return
the provider key as a JWE {"alg":"dir","enc":"A128GCM"} keyed by the first 16 bytes
of sha256(webhook secret). Lists take page[number] and page[size] (10 by default,
at most 30: --max-page-size), and any other query parameter (filter, include,
sort...) is a 400 naming it; a result for a candidate-id the mock does not hold is
a 422 (--accept-unknown-candidates). Full list: docs/protocol.md.

Teamtailor-Host carries the stack's host, as Teamtailor sends it. A partner that
builds its Partner API URL from that header reaches the mock with
--teamtailor-host set to the mock's host:port (e.g. 127.0.0.1:8080) and http as
the scheme for a local host.

Every flag can also be set with an environment variable MOCKTT_<FLAG>, e.g.
MOCKTT_API_KEY or MOCKTT_RATE_LIMIT; a flag on the command line wins.

Security (docs/security.md): the mock answers only requests whose Host is an IP
address, localhost, *.localhost, the host of --public-url or an --allowed-host, and
its control API refuses cross-site requests and bodies that are not JSON. Listening
beyond loopback (e.g. --listen 0.0.0.0:8080 in Docker) turns on a control token for
the control API and the web UI; the banner prints it and a link that logs the UI in.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			given, err := bindEnv(cmd.Flags(), getenv)
			if err != nil {
				return err
			}
			if getenv("GOGC") == "" {
				// docs/performance.md: collecting after every few
				// megabytes cost a small sandbox under load 8-10 % of
				// its CPU per request. A GOGC of the user's own wins.
				defer gcheadroom.Start(gcHeadroom)()
			}
			return serve(cmd.Context(), o, given, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	f.StringVar(&o.publicURL, "public-url", "", "base URL partners reach the mock at, used in links.self and update-url (default: derived from --listen)")
	f.StringVar(&o.partner.APIKey, "api-key", "", "partner API key partners send as \"Authorization: Token <key>\" (default: generated)")
	f.StringVar(&o.partner.WebhookSecret, "webhook-secret", "", "secret that signs webhooks and keys the provider-key JWE (default: generated)")
	f.StringVar(&o.partner.ID, "partner-id", "1", "id of the partner integration")
	f.StringVar(&o.partner.Name, "partner-name", "", "name of the partner integration (default \"Example Partner\")")
	f.StringVar(&o.partner.BaseURL, "partner-base-url", "", "BASE_URL of the partner's server, an absolute http(s) URL such as http://localhost:3000, where /config, /webhook and /activation live")
	f.StringVar(&o.stack, "stack", "eu", "Teamtailor stack: eu (api.teamtailor.com), na (api.na.teamtailor.com) or ap (api.au.teamtailor.com); sent as Teamtailor-Host")
	f.StringVar(&o.teamtailorHost, "teamtailor-host", "", "`HOST` sent as Teamtailor-Host instead of the --stack host, e.g. 127.0.0.1:8080 (the mock itself) for a partner that builds its Partner API URL from that header (default: the stack's host, as Teamtailor sends)")
	f.IntVar(&o.maxPageSize, "max-page-size", 30, "largest page[size] the Partner API accepts (Teamtailor's cap is 30; a larger one is a 400)")
	f.BoolVar(&o.acceptUnknownCandidates, "accept-unknown-candidates", false, "let a partner create a result for a candidate-id the mock does not hold (default: 422 on /data/attributes/candidate-id)")
	f.StringVar(&o.seed, "seed", "", "number that makes every generated key and id deterministic (default: random)")
	f.StringVar(&o.state, "state", "", "file that keeps the mock's state across restarts; every change is on disk before it is acknowledged")
	f.StringVar(&o.logFormat, "log-format", "text", "log format on stderr: text or json")
	f.IntVar(&o.rateLimit, "rate-limit", 0, "enforce this many Partner API requests per --rate-window and partner with 429 (default: report Teamtailor's 50 per 10s in headers, never refuse)")
	f.DurationVar(&o.rateWindow, "rate-window", 10*time.Second, "window of the Partner API rate limit")
	f.DurationVar(&o.deliveryTimeout, "delivery-timeout", 30*time.Second, "how long the mock waits for the partner on every call; failed deliveries are not retried")
	f.StringVar(&o.fixtures, "fixtures", "", "`DIR` of imported fixtures (mockteamtailor fixtures import): each becomes a sandbox candidate, \"trigger --fixture NAME\" and \"replay\" find them by name")
	f.StringVar(&o.controlToken, "control-token", "", "token the control API and the web UI require (\"Authorization: Bearer <token>\"); default: generated when --listen is not a loopback address, none on loopback")
	f.StringSliceVar(&o.allowedHosts, "allowed-host", nil, "another host name the mock answers, without a port, a Unicode name in its xn-- form (repeatable; \"*.example.com\" for subdomains; \"*\" answers any Host, which is UNSAFE: it lets DNS rebinding reach the keys, and logs a warning); IP addresses, localhost and the --public-url host are always allowed")
	f.IntVar(&o.journalLimit, "journal-limit", store.DefaultJournalLimit, "how many journal entries (deliveries and Partner API requests) the mock keeps")
	o.journalBytes, o.resultBytes, o.candidateBytes = store.DefaultJournalByteLimit, store.DefaultResultByteLimit, store.DefaultCandidateByteLimit
	f.Var(&o.journalBytes, "journal-byte-limit", "how many bytes the journal keeps in all, a size such as 64MiB or 500MB; beyond it the oldest entries go")
	f.Var(&o.resultBytes, "result-byte-limit", "how many bytes the partner results of all partners may hold; a result past it is refused with 422")
	f.Var(&o.candidateBytes, "candidate-byte-limit", "how many bytes the candidates of all companies may hold; a candidate past it is refused with 422")
	return cmd
}

// gcHeadroom is how far serve lets the heap grow above what is live
// before collecting, while that is more than GOGC=100 allows: measured
// under wrk, 32 MB cut the CPU per request by 8-10 % for 17-19 MB more
// RSS; 16 MB did nothing, 64 MB no more than 32 for 52 MB more.
const gcHeadroom = 32 << 20

func serve(ctx context.Context, o serveOptions, given map[string]bool, stdout, stderr io.Writer) error {
	// The request log is batched: a write per request costs more than the
	// request itself on the Partner API's hot path.
	logOut := logbuffer.New(stderr, 100*time.Millisecond)
	defer logOut.Close()
	logger, err := newLogger(o.logFormat, logOut)
	if err != nil {
		return err
	}
	ids := idgen.New()
	if o.seed != "" {
		n, err := strconv.ParseUint(o.seed, 10, 64)
		if err != nil {
			return fmt.Errorf("--seed %q must be a whole number from 0 to 18446744073709551615", o.seed)
		}
		ids = idgen.NewSeeded(n)
	}
	if o.rateLimit < 0 {
		return fmt.Errorf("--rate-limit %d must be 0 (not enforced) or a positive number of requests", o.rateLimit)
	}

	// Everything that can be wrong with the flags is checked before the
	// state file is opened, so a bad start never writes to it.
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", o.listen, err)
	}
	defer ln.Close()
	cfg := mockteamtailor.DefaultConfig()
	cfg.PublicURL = o.publicURL
	if cfg.PublicURL == "" {
		cfg.PublicURL = publicURLFor(ln.Addr())
	}
	cfg.Stack = o.stack
	if _, ok := mockteamtailor.StackHost(o.stack); !ok {
		return fmt.Errorf("--stack %q must be eu, na or ap", o.stack)
	}
	if err := sandbox.CheckPartnerBaseURL(o.partner.BaseURL); err != nil {
		return fmt.Errorf("--partner-base-url: %w", err)
	}
	if o.rateLimit > 0 {
		cfg.RateLimit, cfg.RateWindow, cfg.EnforceRateLimit = o.rateLimit, o.rateWindow, true
	}
	cfg.DeliveryTimeout = o.deliveryTimeout
	cfg.TeamtailorHost = o.teamtailorHost
	cfg.MaxPageSize = o.maxPageSize
	cfg.AcceptUnknownCandidates = o.acceptUnknownCandidates
	cfg.AllowedHosts = o.allowedHosts
	cfg.ControlToken = o.controlToken
	if cfg.ControlToken == "" && !isLoopback(ln.Addr()) {
		// docs/security.md: reachable from elsewhere, the mock's control
		// surface needs a secret. Never from the seeded stream: a token
		// known from --seed protects nothing.
		cfg.ControlToken = idgen.New().Secret("mtc_", 20)
	}
	cfg.UserAgent = "mockteamtailor/" + theBuild().Version + " (Teamtailor partner protocol emulator)"
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("invalid flags: %w", serveFlagNames(err))
	}
	if o.journalLimit < 1 {
		return fmt.Errorf("--journal-limit %d must be at least 1", o.journalLimit)
	}

	st := store.NewMemStore()
	if o.state != "" {
		if st, err = store.OpenMemStore(o.state); err != nil {
			var damage *store.DamageError
			if errors.As(err, &damage) {
				return fmt.Errorf("%w\n%s", err, stateDamagedHint(o.state))
			}
			return err
		}
	}
	st.SetJournalLimit(o.journalLimit)
	st.SetJournalByteLimit(int(o.journalBytes))
	st.SetResultByteLimit(int(o.resultBytes))
	st.SetCandidateByteLimit(int(o.candidateBytes))
	// docs/operators.md "--seed": a restart continues after every stored id.
	if err := idgen.ContinueAfter(ctx, st, ids); err != nil {
		return err
	}
	if !given["partner-name"] {
		o.partner.Name = "" // keep a stored name; a new partner gets the default
	}
	sandbox, err := sandbox.Seed(ctx, st, ids, time.Now, o.partner)
	if err != nil {
		return err
	}
	// DESIGN "Defaults": with no partner base URL, run the bundled example
	// partner in-process and point the partner at it.
	var bundled *bundledPartner
	if !given["partner-base-url"] && (sandbox.Partner.BaseURL == "" || sandbox.Partner.Bundled) {
		if bundled, err = startBundledPartner(logger, st, &sandbox.Partner); err != nil {
			return err
		}
		defer bundled.stop()
	}
	srv, err := mockteamtailor.NewServer(logger, cfg, st, ids, time.Now)
	if err != nil {
		return err
	}
	var imported string
	if o.fixtures != "" {
		if imported, err = loadImportedFixtures(ctx, srv, o.fixtures, sandbox.Company.UUID); err != nil {
			return err
		}
	}
	// Reset returns to this state: the partner as the flags set it, its
	// sandbox, imported fixtures, and the ids handed out so far.
	if err := srv.MarkStart(ctx); err != nil {
		return err
	}
	ui, err := webui.New(srv, logger)
	if err != nil {
		return err
	}
	srv.SetUI(ui)
	printBanner(stdout, theBuild().Version, cfg, sandbox, o.state, bundled != nil)
	fmt.Fprint(stdout, imported)

	hs := newHTTPServer(srv, logger)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	if o.state != "" {
		go st.FlushEvery(ctx, 2*time.Second, func(err error) {
			logger.Warn("state file not written", slog.Any("error", err))
		})
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	defer func() {
		// The journal's latest entries, and a compaction still writing.
		if err := st.Close(); err != nil {
			logger.Error("state not fully written at shutdown", slog.Any("error", err))
		}
	}()
	defer srv.Close(shutdownCtx)
	if err := hs.Shutdown(shutdownCtx); err != nil {
		hs.Close() // requests still running after the grace period are cut off
		if !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
	}
	return nil
}

// serveFlagNames names the flags behind a Config problem, so a message
// speaks of --public-url rather than of the library's field names.
func serveFlagNames(err error) error {
	msg := err.Error()
	for from, to := range map[string]string{
		"public URL":       "--public-url",
		"rate window":      "--rate-window",
		"delivery timeout": "--delivery-timeout",
		"rate limit":       "--rate-limit",
		"allowed host":     "--allowed-host",
		"Teamtailor-Host":  "--teamtailor-host",
		"page sizes":       "--max-page-size: page sizes",
	} {
		msg = strings.ReplaceAll(msg, from, to)
	}
	return errors.New(msg)
}

// newHTTPServer bounds how long a client may take: slow headers, slow
// bodies and idle keep-alive connections do not hold the mock's
// connections forever. Responses are not bounded: the delivery stream is
// long-lived.
func newHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// isLoopback reports whether addr only accepts connections from this
// machine.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
