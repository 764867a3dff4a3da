// Package demo is run by skipreport's own test with go test, as a user
// would: one test skipped as a group, one that runs.
package demo

import (
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/skipreport"
)

func TestMain(m *testing.M) { skipreport.Main(m, "demo") }

func TestSkipped(t *testing.T) { skipreport.Skip(t, "demo group", "the demo tool is not installed") }

func TestRuns(t *testing.T) {}
