package conformance_test

import (
	"flag"
	"fmt"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mockteamtailor/mockteamtailor/conformance"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// TestMain reads the suite's flags: go test ./conformance -args --base-url
// ... runs the suite against a partner (ginkgo -p ./conformance -- ...
// in parallel). Without --base-url only the self-tests run.
func TestMain(m *testing.M) {
	settings.RegisterFlags(flag.CommandLine, os.Getenv)
	flag.Parse()
	if suiteRequested() {
		if err := settings.AfterReadingAllFlags(); err != nil {
			fmt.Fprintf(os.Stderr, "conformance: the settings are incomplete:\n%v\n", err)
			os.Exit(conformance.ExitErrors)
		}
	}
	code := m.Run()
	if code == 1 && report.LastResults() != nil {
		// Checks that could not run, and none failed: exit 2 as
		// ttconformance does.
		code = report.LastResults().ExitCode()
	}
	os.Exit(code)
}

// suiteRequested reports whether this go test run is a run of the suite
// against a partner rather than of the self-tests.
func suiteRequested() bool { return settings.TestContext.BaseURL != "" }

func TestConformance(t *testing.T) {
	if !suiteRequested() {
		t.Skip("no --base-url: pass -args --base-url URL --api-key KEY --webhook-secret SECRET to run the suite against a partner")
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, report.SuiteName)
	if res := report.LastResults(); res != nil {
		fmt.Println(res.Line())
	}
}
