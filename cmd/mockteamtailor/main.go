// Command mockteamtailor runs a fake Teamtailor for partner integrations.
// See the README for the commands and flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/internal/buildinfo"
	"github.com/spf13/pflag"
)

// version and commit are stamped at build time with
// -ldflags "-X main.version=v1.2.0 -X main.commit=<sha>"; unstamped, they
// come from the build information (package buildinfo).
var version, commit string

// theBuild is the build of this program.
func theBuild() buildinfo.Info { return buildinfo.Read(version, commit) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mockteamtailor:", err)
		os.Exit(1)
	}
}

// run is the whole program, testable: it parses args and runs the chosen
// command until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	root := newRootCommand(getenv, stdout, stderr)
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

// newRootCommand builds the command tree: "mockteamtailor" and every
// subcommand.
func newRootCommand(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "mockteamtailor",
		Short: "A fake Teamtailor for building and testing Teamtailor partner integrations",
		Long: `mockteamtailor behaves like Teamtailor towards a partner integration: it serves the
Partner API (/partner/v1: partners, partner-activations, partner-results), runs
marketplace activations, fetches /config, sends signed webhooks (stage, manual and
bulk triggers) and action calls, and journals everything it sends and receives.

"serve" runs the mock; the other commands (trigger, activate, deliveries, results,
fixtures, keys, webhooks, replay) are clients of a running mock's control API
(--mock, default http://127.0.0.1:8080); "sign" and "state" (check and repair
serve --state files) work offline.

Every flag can also be set with an environment variable MOCKTT_<FLAG>, e.g.
MOCKTT_LISTEN=0.0.0.0:8080; a flag given on the command line wins.`,
		Version:       theBuild().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("mockteamtailor {{.Version}}\n")
	root.SetFlagErrorFunc(suggestFlag)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newServeCommand(getenv, stdout, stderr))
	root.AddCommand(newSignCommand(getenv, stdout, stderr))
	root.AddCommand(newTriggerCommand(getenv, stdout, stderr))
	root.AddCommand(newActivateCommand(getenv, stdout, stderr))
	root.AddCommand(newDeliveriesCommand(getenv, stdout, stderr))
	root.AddCommand(newResultsCommand(getenv, stdout))
	root.AddCommand(newFixturesCommand(getenv, stdout))
	root.AddCommand(newKeysCommand(getenv, stdout))
	root.AddCommand(newWebhooksCommand(getenv, stdout))
	root.AddCommand(newReplayCommand(getenv, stdout))
	root.AddCommand(newRejectCommand(getenv, stdout))
	root.AddCommand(newResetCommand(getenv, stdout))
	root.AddCommand(newHealthCommand(getenv, stdout))
	root.AddCommand(newStateCommand(getenv, stdout))
	return root
}

// bindEnv fills every flag of fs not given on the command line from the
// environment variable MOCKTT_<FLAG> (dashes become underscores). It
// returns the names of the flags that were set either way.
func bindEnv(fs *pflag.FlagSet, getenv func(string) string) (map[string]bool, error) {
	given := map[string]bool{}
	var problems []error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed {
			given[f.Name] = true
			return
		}
		name := envName(f.Name)
		v := getenv(name)
		if v == "" {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			problems = append(problems, fmt.Errorf("%s=%q: %w", name, v, err))
			return
		}
		given[f.Name] = true
	})
	return given, errors.Join(problems...)
}

func envName(flag string) string {
	return "MOCKTT_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("--log-format %q must be text or json", format)
}

// publicURLFor derives the URL partners use from the listening address;
// an unspecified host (0.0.0.0, ::) becomes localhost.
func publicURLFor(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}
