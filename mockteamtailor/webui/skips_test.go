package webui

import (
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/skipreport"
)

// TestMain reports skipped groups of tests even without -v (see skipreport).
func TestMain(m *testing.M) { skipreport.Main(m, "mockteamtailor/webui") }
