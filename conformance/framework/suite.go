package framework

import (
	"context"
	"errors"
	"fmt"

	"github.com/onsi/ginkgo/v2"

	"github.com/mockteamtailor/mockteamtailor/conformance/embedded"
	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
)

// StartSuite starts the process's embedded mock and runs the preflight;
// BeforeSuite calls it. Each parallel process starts its own mock, on
// --mock-listen (port 0 by default, so they never collide). When the mock
// cannot start or the partner cannot be reached, it fails BeforeSuite
// once: no check runs, and the run is an error (exit 2).
func StartSuite(ctx context.Context) {
	ginkgo.GinkgoHelper()
	m, err := embedded.StartMock(ctx)
	if err != nil {
		setupProblem.Store(&setupFailure{what: "mock", err: err})
		ginkgo.Fail(fmt.Sprintf("The suite could not start its embedded mock: %v", err))
	}
	mockOf = m
	partner.UseMockHost(m.Host)
	report.ConsoleStart(m)
	fmt.Fprintf(ginkgo.GinkgoWriter, "embedded mock: %s (update-url points there); partner: %s; provider key: %s\n",
		m.URL, settings.TestContext.BaseURL, settings.TestContext.ProviderKeySource())
	if err := m.Ping(ctx); err != nil {
		setupProblem.Store(&setupFailure{what: "mock", err: err})
		ginkgo.Fail(fmt.Sprintf("The suite's embedded mock does not answer: %v", err))
	}
	if _, err := Preflight(ctx, m); err != nil {
		var pe *PreflightError
		if errors.As(err, &pe) {
			setupProblem.Store(&setupFailure{what: "partner", err: err})
		}
		ginkgo.Fail("Preflight: " + err.Error())
	}
	// The basic calls run whatever --focus and --label-filter select, the
	// plain signed webhook too: a failure of one is reported even when the
	// check that owns it is not selected (Results.Unjudged).
	if b := TheBasics(); b.Blocker() == "" {
		Standalone().SignedWebhook(ctx, typicalCandidate)
	}
}

// typicalCandidate is the candidate fixture of the plain signed webhook:
// the one a recruiter sends most days.
const typicalCandidate = "typical"

// StopSuite stops the embedded mock; AfterSuite calls it.
func StopSuite(ctx context.Context) {
	if mockOf != nil {
		mockOf.Close(ctx)
	}
}

// mockOf is the process's embedded mock, set by StartSuite before any
// check runs and read-only afterwards.
var mockOf *embedded.Mock

// theMock returns the embedded mock of this process.
func theMock() *embedded.Mock {
	if mockOf == nil {
		panic("framework: the embedded mock is not running; StartSuite starts it in BeforeSuite")
	}
	return mockOf
}
