package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// suggestFlag turns pflag's "unknown flag: --x" into a message that
// offers the closest flag the command has ("did you mean --y?"), as
// cobra already does for unknown commands.
func suggestFlag(cmd *cobra.Command, err error) error {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return err
	}
	name, _, _ = strings.Cut(name, "=")
	best, bestDist := "", 4
	visit := func(f *pflag.Flag) {
		if d := editDistance(name, f.Name); d < bestDist || (d == bestDist && strings.HasPrefix(f.Name, name)) {
			best, bestDist = f.Name, d
		}
	}
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	if best == "" || bestDist > max(2, len(name)/3) {
		return fmt.Errorf("unknown flag --%s (see %s --help)", name, cmd.CommandPath())
	}
	return fmt.Errorf("unknown flag --%s: did you mean --%s?", name, best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
