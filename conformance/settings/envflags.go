package settings

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/pflag"
)

// EnvFlags adds a subcommand's own flags to a flag set, each defaulting to
// its environment variable (EnvName) as the suite's flags do. Problems
// collects the environment values that do not parse, for the command to
// report with the other problems of its settings.
type EnvFlags struct {
	fs       *pflag.FlagSet
	getenv   func(string) string
	Problems []error
}

// NewEnvFlags returns the EnvFlags of fs, reading the environment with
// getenv.
func NewEnvFlags(fs *pflag.FlagSet, getenv func(string) string) *EnvFlags {
	return &EnvFlags{fs: fs, getenv: getenv}
}

// fromEnv sets the default of flag name from its environment variable.
func (e *EnvFlags) fromEnv(name string, set func(string) error) {
	if v := e.getenv(EnvName(name)); v != "" {
		if err := set(v); err != nil {
			e.Problems = append(e.Problems, fmt.Errorf("%s=%q: %w", EnvName(name), v, err))
		}
	}
}

// Float adds a float64 flag.
func (e *EnvFlags) Float(dst *float64, name, usage string) {
	e.fromEnv(name, func(v string) error { f, err := strconv.ParseFloat(v, 64); *dst = f; return err })
	e.fs.Float64Var(dst, name, *dst, usage+"; env "+EnvName(name))
}

// Int adds an int flag.
func (e *EnvFlags) Int(dst *int, name, usage string) {
	e.fromEnv(name, func(v string) error { n, err := strconv.Atoi(v); *dst = n; return err })
	e.fs.IntVar(dst, name, *dst, usage+"; env "+EnvName(name))
}

// Duration adds a duration flag.
func (e *EnvFlags) Duration(dst *time.Duration, name, usage string) {
	e.fromEnv(name, func(v string) error { d, err := time.ParseDuration(v); *dst = d; return err })
	e.fs.DurationVar(dst, name, *dst, usage+"; env "+EnvName(name))
}

// Bool adds a bool flag.
func (e *EnvFlags) Bool(dst *bool, name, usage string) {
	e.fromEnv(name, func(v string) error { b, err := strconv.ParseBool(v); *dst = b; return err })
	e.fs.BoolVar(dst, name, *dst, usage+"; env "+EnvName(name))
}

// String adds a string flag.
func (e *EnvFlags) String(dst *string, name, usage string) {
	e.fromEnv(name, func(v string) error { *dst = v; return nil })
	e.fs.StringVar(dst, name, *dst, usage+"; env "+EnvName(name))
}
