package settings

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// NewSubcommand returns a ttconformance subcommand that takes the suite's
// settings: named name, with the suite's flags (but hidden, those that
// mean nothing to it) followed by the flags it adds through the returned
// EnvFlags. Its errors are printed by Execute.
func NewSubcommand(name, short, long, examples string, getenv func(string) string, hidden []string) (*cobra.Command, *EnvFlags) {
	goFlags := flag.NewFlagSet(name, flag.ContinueOnError)
	RegisterFlags(goFlags, getenv)
	cmd := &cobra.Command{
		Use:           "ttconformance " + name,
		Short:         short,
		Long:          long,
		Example:       examples,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.AddGoFlagSet(goFlags)
	for _, h := range hidden {
		fs.MarkHidden(h)
	}
	return cmd, NewEnvFlags(fs, getenv)
}

// Execute runs cmd with args and reports whether it ran; when it did not
// (bad flags or settings), it says why on stderr, pointing at --help.
func Execute(ctx context.Context, cmd *cobra.Command, args []string, stdout, stderr io.Writer) bool {
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	if err := cmd.ExecuteContext(ctx); err != nil {
		fmt.Fprintf(stderr, "%s: %s\n(see %s --help)\n", cmd.Use, strings.ReplaceAll(err.Error(), "\n", "\n  "), cmd.Use)
		return false
	}
	return true
}
