package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// healthTimeout bounds the health check: a container runtime runs it
// often, and a mock that takes longer than this is not healthy.
const healthTimeout = 3 * time.Second

func newHealthCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var o clientOptions
	cmd := &cobra.Command{
		Use:   "health",
		Short: "Check that a running mock answers (exit 0), for container health checks",
		Long: `Check that the mock at --mock answers GET /healthz with 200 within 3 seconds:
exit 0 if it does, 1 otherwise. The image's HEALTHCHECK runs it; it needs no
token and no tools besides this binary.
` + clientEnvNote + `

Examples:
  mockteamtailor health`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := o.connect(cmd, getenv); err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), healthTimeout)
			defer cancel()
			target := strings.TrimRight(o.mock, "/") + "/healthz"
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
			if err != nil {
				return err
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("the mock at %s does not answer: %w", o.mock, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("the mock at %s answered GET /healthz with %s", o.mock, resp.Status)
			}
			if o.json {
				return writeJSON(stdout, map[string]any{"healthy": true, "mock": o.mock})
			}
			_, err = fmt.Fprintf(stdout, "the mock at %s is healthy\n", o.mock)
			return err
		},
	}
	addClientFlags(cmd.Flags(), &o, false, "")
	return cmd
}
