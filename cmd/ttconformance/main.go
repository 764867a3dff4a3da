// Command ttconformance runs the Teamtailor partner conformance suite
// (package conformance) against a partner's BASE_URL:
//
//	ttconformance --base-url http://localhost:3000 --api-key KEY --webhook-secret SECRET
//
// It exits 0 when every check passed, 1 when one failed, and 2 when checks
// could not run and none failed. --help lists the flags, --list the checks.
//
// ttconformance capacity (package conformance/capacity) fires signed
// webhooks at a set rate and judges latency, losses and time-to-result
// against a budget; ttconformance capacity --help says how.
//
// ttconformance fuzz (package conformance/fuzz) sends generated,
// protocol-valid webhooks and shrinks each failure to a fixture that
// replays it; ttconformance fuzz --help says how.
//
// ttconformance certify (package conformance/certify) writes a signed,
// expiring readiness bundle of one suite run and a short capacity run;
// ttconformance certify verify BUNDLE checks one offline.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mockteamtailor/mockteamtailor/conformance"
	"github.com/mockteamtailor/mockteamtailor/conformance/capacity"
	"github.com/mockteamtailor/mockteamtailor/conformance/certify"
	"github.com/mockteamtailor/mockteamtailor/conformance/fuzz"
	"github.com/mockteamtailor/mockteamtailor/internal/buildinfo"
)

// version and commit are stamped at build time with
// -ldflags "-X main.version=v1.2.0 -X main.commit=<sha>"; unstamped, they
// come from the build information (package buildinfo).
var version, commit string

func main() {
	if len(os.Args) == 2 && (os.Args[1] == "--version" || os.Args[1] == "-version") {
		fmt.Println("ttconformance", buildinfo.Read(version, commit))
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "certify" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := certify.Main(ctx, os.Args[2:], os.Getenv, os.Stdout, os.Stderr, time.Now)
		stop()
		os.Exit(code)
	}
	if len(os.Args) > 1 && os.Args[1] == "fuzz" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := fuzz.Main(ctx, os.Args[2:], os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	if len(os.Args) > 1 && os.Args[1] == "capacity" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := capacity.Main(ctx, os.Args[2:], os.Getenv, os.Stdout, os.Stderr, capacity.IsTerminal(os.Stdout))
		stop()
		os.Exit(code)
	}
	os.Exit(conformance.Run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
