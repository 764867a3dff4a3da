// Command examplepartner runs the example partner integration
// (package examplepartner) as a server. Point mockteamtailor at it with
// --partner-base-url and the same API key and webhook secret.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/buildinfo"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
)

// version and commit are stamped at build time with
// -ldflags "-X main.version=v1.2.0 -X main.commit=<sha>"; unstamped, they
// come from the build information (package buildinfo).
var version, commit string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "examplepartner:", err)
		os.Exit(1)
	}
}

const usage = `Usage: examplepartner [flags]

A small Teamtailor partner integration: GET /config, GET /activation[/validate],
POST /webhook, POST /actions/resend, GET /healthz. It checks the provider key (a
JWT signed with the API key, or a UUID listed by --teamtailor-url's
partner-activations, read again for every key it has not seen) and
Teamtailor-Signature (5-minute window),
answers webhooks at once with a pending result, then after --result-delay PATCHes
a completed result (score, details, attachment) to the webhook's update-url,
when that is on --result-host (else on the host of --teamtailor-url when given; any
host when neither is given, for demos), and again
after Retry-After when it gets a 429. A second copy of an event (the same event id)
is answered 200 and starts nothing. Activating with the API token "reject-me" is
refused. Each flag can also be set
as EXAMPLEPARTNER_<FLAG>, e.g. EXAMPLEPARTNER_API_KEY; the command line wins.

Flags:
`

// run is the whole program, testable: it serves until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("examplepartner", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run reports errors itself
	listen := fs.String("listen", "127.0.0.1:3000", "address to listen on (host:port; port 0 picks a free one)")
	apiKey := fs.String("api-key", "", "partner API key, the same as mockteamtailor's --api-key (required)")
	secret := fs.String("webhook-secret", "", "webhook secret, the same as mockteamtailor's --webhook-secret (required)")
	teamtailor := fs.String("teamtailor-url", "http://127.0.0.1:8080", "where Teamtailor (the mock) is: UUID provider keys are checked against its\nGET /partner/v1/partner-activations; empty accepts any UUID")
	resultHost := fs.String("result-host", "", "the only host:port results are posted to (e.g. api.teamtailor.com): a webhook whose update-url\nis elsewhere is refused, since anyone who captured a webhook can change it; empty: the host of\n--teamtailor-url when given, else wherever update-url says (demos, never production)")
	delay := fs.Duration("result-delay", 2*time.Second, "wait before posting a result, as if the candidate took the test;\nbelow a second the result may reach Teamtailor before it has applied the webhook answer")
	logFormat := fs.String("log-format", "text", "log format on stderr: text or json")
	showVersion := fs.Bool("version", false, "print the version, commit and Go version, and exit")
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return nil
	case err != nil:
		return fmt.Errorf("%w (see --help)", err)
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q (see --help)", fs.Args())
	case *showVersion:
		fmt.Fprintln(stdout, "examplepartner", buildinfo.Read(version, commit))
		return nil
	}
	if err := fromEnv(fs, getenv); err != nil {
		return err
	}

	var problems []error
	for _, f := range []struct{ name, value string }{{"api-key", *apiKey}, {"webhook-secret", *secret}} {
		if f.value == "" {
			problems = append(problems, fmt.Errorf("--%s (or %s) is required", f.name, envName(f.name)))
		}
	}
	if *delay < 0 {
		problems = append(problems, fmt.Errorf("--result-delay %s must not be negative", *delay))
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	} else if *logFormat != "text" {
		problems = append(problems, fmt.Errorf("--log-format %q must be text or json", *logFormat))
	}
	if err := errors.Join(problems...); err != nil {
		return err
	}

	logger := slog.New(handler)
	// Results go only to the Teamtailor the partner knows: --result-host,
	// else the host of a --teamtailor-url given; with neither (a demo
	// against a mock on a port not known in advance) wherever update-url
	// says.
	teamtailorGiven := false
	fs.Visit(func(f *flag.Flag) { teamtailorGiven = teamtailorGiven || f.Name == "teamtailor-url" })
	cfg := examplepartner.Config{APIKey: *apiKey, WebhookSecret: *secret, Logger: logger, ResultDelay: *delay, TeamtailorURL: *teamtailor,
		AnyUpdateHost: *resultHost == "" && !teamtailorGiven}
	if *resultHost != "" {
		cfg.UpdateHosts = []string{*resultHost}
	}
	partner, err := examplepartner.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", *listen, err)
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "examplepartner listening on %s\n", base)
	fmt.Fprintf(stdout, "run the mock with: mockteamtailor serve --partner-base-url %s --api-key <same> --webhook-secret <same>\n", base)

	hs := &http.Server{Handler: partner, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(handler, slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down; posting pending results")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(hs.Shutdown(shutdownCtx), partner.Close(shutdownCtx))
}

// fromEnv sets every flag not given on the command line from
// EXAMPLEPARTNER_<FLAG>, if that is set.
func fromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var problems []error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" && !given[f.Name] {
			if err := fs.Set(f.Name, v); err != nil {
				problems = append(problems, fmt.Errorf("%s=%q: %w", envName(f.Name), v, err))
			}
		}
	})
	return errors.Join(problems...)
}

func envName(flag string) string {
	return "EXAMPLEPARTNER_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}
