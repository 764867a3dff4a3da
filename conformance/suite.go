package conformance

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/mockteamtailor/mockteamtailor/conformance/framework"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
)

// Each process (one, or one per ginkgo -p worker) starts its own embedded
// mock before the checks and stops it after them.
var _ = BeforeSuite(func(ctx SpecContext) { framework.StartSuite(ctx) })

var _ = AfterSuite(func(ctx SpecContext) { framework.StopSuite(ctx) })

// The console report prints each check as it ends (ttconformance only).
var _ = ReportAfterEach(func(spec SpecReport) { report.ConsoleSpec(spec) })

// The reports are written once, from the whole run (under ginkgo -p, by
// the first process, with every process's checks).
var _ = ReportAfterSuite("conformance reports", func(report Report) { framework.FinishReport(report) })
