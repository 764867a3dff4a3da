package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
)

// loadImportedFixtures makes the fixtures of dir known to the mock and
// adds their candidates to the sandbox (serve --fixtures); it returns
// what to tell the user.
func loadImportedFixtures(ctx context.Context, srv *mockteamtailor.Server, dir, sandbox string) (string, error) {
	fs, err := fixtures.LoadImported(dir)
	if err != nil {
		return "", fmt.Errorf("--fixtures: %w", err)
	}
	if err := srv.SetImportedFixtures(fs); err != nil {
		return "", fmt.Errorf("--fixtures %s: %w", dir, err)
	}
	added, skipped, err := srv.AddImportedCandidates(ctx, sandbox)
	if err != nil {
		return "", fmt.Errorf("--fixtures %s: %w", dir, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Imported fixtures from %s (send one with: mockteamtailor trigger --fixture NAME):\n", dir)
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s\n", f.Name)
	}
	fmt.Fprintf(&b, "  %s\n", text.Count(len(added), "new sandbox candidate", "new sandbox candidates"))
	for _, s := range skipped {
		fmt.Fprintf(&b, "  not a sandbox candidate: %s\n", s)
	}
	return b.String(), nil
}
