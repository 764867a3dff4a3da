package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// stateDamagedHint tells a user whose start-up was refused what to do.
func stateDamagedHint(state string) string {
	return fmt.Sprintf(`"mockteamtailor state check --state %[1]s" shows what is damaged and what a repair drops; "mockteamtailor state repair --state %[1]s" drops it, after keeping a copy of every file`, state)
}

func newStateCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state",
		Short: "Check or repair the state file of serve --state (offline)",
		Long: `Check or repair the files of serve --state FILE: the snapshot FILE and its logs
FILE.log.N. Run them while no serve uses the files.

serve refuses to start on damage anywhere but a crash's torn last record, and
changes no file (docs/operators.md "State"); "state check" says what is damaged and what a
repair would drop, "state repair" drops it after keeping a copy of every file.

Examples:
  mockteamtailor state check --state state.json`,
	}
	cmd.AddCommand(newStateCheckCommand(getenv, stdout), newStateRepairCommand(getenv, stdout))
	return cmd
}

func newStateCheckCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var state string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Say whether serve --state FILE starts, and what a repair would drop",
		Long: `Read the snapshot and the logs of a state, changing nothing, and say whether
serve --state starts on them: ok (with a torn last record it drops, if any), or
the damage (file, byte offset, problem) and what "state repair" would drop: the
bytes from the damage on, the records there that still look whole and the
results they wrote or deleted. It exits 1 when start-up would refuse the state.

Examples:
  mockteamtailor state check --state state.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := stateFlag(cmd, getenv); err != nil {
				return err
			}
			c, err := store.CheckState(state)
			if err != nil {
				return err
			}
			printStateCheck(stdout, c)
			if c.Problem != nil {
				return fmt.Errorf("start-up refuses the state %s", state)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&state, "state", "", "the state `FILE` of serve --state (or MOCKTT_STATE); required")
	return cmd
}

func newStateRepairCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var state string
	cmd := &cobra.Command{
		Use:   "repair",
		Short: "Drop the damage from serve --state FILE, keeping a copy of every file",
		Long: `Make a damaged state load again: print what "state check" prints, including
exactly what will be dropped, copy the snapshot and every log into a folder
FILE.damaged-<UTC time> beside them, then write what was read before the damage
as a new snapshot and log, and remove the old logs. A state that loads is left
as it is. A damaged snapshot is not repaired: restore it from a copy.

Examples:
  mockteamtailor state repair --state state.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := stateFlag(cmd, getenv); err != nil {
				return err
			}
			c, err := store.CheckState(state)
			if err != nil {
				return err
			}
			printStateCheck(stdout, c)
			if c.Problem == nil || !c.Repairable {
				if c.Problem != nil {
					return fmt.Errorf("a repair mends damaged logs, not a damaged snapshot: restore %s from a copy, or move the state files away to start afresh", state)
				}
				fmt.Fprintln(stdout, "nothing to repair")
				return nil
			}
			done, backup, err := store.RepairState(state, time.Now())
			if backup != "" {
				fmt.Fprintf(stdout, "kept a copy of every file in %s\n", backup)
			}
			if err != nil {
				return err
			}
			if !slices.Equal(done.Drop.ResultIDs, c.Drop.ResultIDs) || done.Drop.Bytes != c.Drop.Bytes {
				return errors.New("the state changed between the check and the repair: run state repair again")
			}
			fmt.Fprintf(stdout, "repaired: %s loads with %d results\n", state, done.Results)
			return nil
		},
	}
	cmd.Flags().StringVar(&state, "state", "", "the state `FILE` of serve --state (or MOCKTT_STATE); required")
	return cmd
}

// stateFlag fills --state from MOCKTT_STATE and requires it.
func stateFlag(cmd *cobra.Command, getenv func(string) string) error {
	if _, err := bindEnv(cmd.Flags(), getenv); err != nil {
		return err
	}
	if f := cmd.Flags().Lookup("state"); f.Value.String() == "" {
		return errors.New("--state FILE is required: the state file serve --state uses")
	}
	return nil
}

func printStateCheck(w io.Writer, c *store.StateCheck) {
	switch {
	case c.Missing:
		fmt.Fprintf(w, "%s does not exist, nor any log beside it: serve --state %s starts with an empty store\n", c.Path, c.Path)
		return
	case c.Problem == nil:
		fmt.Fprintf(w, "%s: ok: %s, %s replayed, log generation %d\n", c.Path, text.Count(c.Results, "result", "results"), text.Count(c.Records, "log record", "log records"), c.Generation)
		if c.Torn > 0 {
			fmt.Fprintf(w, "  a torn last record (%d bytes at byte offset %d of %s), never acknowledged: start-up drops it\n", c.Torn, c.TornAt, c.TornFile)
		}
		return
	}
	fmt.Fprintf(w, "%s: damaged: serve --state refuses it\n  %v\n", c.Path, c.Problem)
	if !c.Repairable {
		return
	}
	fmt.Fprintf(w, "a repair keeps the snapshot and the %s before the damage (%s), and drops:\n", text.Count(c.Records, "log record", "log records"), text.Count(c.Results, "result", "results"))
	if c.Drop.Bytes == 0 && len(c.Drop.Files) == 0 {
		fmt.Fprintln(w, "  nothing on disk (what the missing log held is lost): it starts a new log")
		return
	}
	fmt.Fprintf(w, "  %s of %s from the damage on\n", text.Count(int(c.Drop.Bytes), "byte", "bytes"), strings.Join(c.Drop.Files, ", "))
	if len(c.Drop.DamagedIDs) > 0 {
		fmt.Fprintf(w, "  the damaged record, which, damaged as it is, reads as naming %s: %s\n", text.Count(len(c.Drop.DamagedIDs), "result", "results"), strings.Join(c.Drop.DamagedIDs, ", "))
	} else {
		fmt.Fprintln(w, "  the damaged record (what it held cannot be read)")
	}
	fmt.Fprintf(w, "  %s after it that look whole", text.Count(c.Drop.Records, "record", "records"))
	if len(c.Drop.ResultIDs) > 0 {
		fmt.Fprintf(w, ", which name %s: %s", text.Count(len(c.Drop.ResultIDs), "result", "results"), strings.Join(c.Drop.ResultIDs, ", "))
	}
	if c.Drop.Resets > 0 {
		fmt.Fprintf(w, ", %d of them a reset of the whole store", c.Drop.Resets)
	}
	fmt.Fprintln(w)
}
