// Command ttconformance runs the Teamtailor partner conformance suite
// (package conformance) against a partner's BASE_URL:
//
//	ttconformance --base-url http://localhost:3000 --api-key KEY --webhook-secret SECRET
//
// It exits 0 when every check passed, 1 when one failed, and 2 when checks
// could not run and none failed. --help lists the flags, --list the checks.
package main

import (
	"os"

	"github.com/mockteamtailor/mockteamtailor/conformance"
)

func main() {
	os.Exit(conformance.Run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
