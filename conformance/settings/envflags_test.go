package settings

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// A subcommand's flag defaults to its environment variable; a value that
// does not parse is a problem naming the variable.
func TestEnvFlagsDefaultFromTheEnvironment(t *testing.T) {
	env := map[string]string{EnvName("rate"): "2.5", EnvName("steps"): "x", EnvName("wait"): "3s", EnvName("out"): "dir", EnvName("find"): "true"}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	e := NewEnvFlags(fs, func(k string) string { return env[k] })
	var rate float64
	var steps int
	var wait time.Duration
	var out string
	var find bool
	e.Float(&rate, "rate", "r")
	e.Int(&steps, "steps", "s")
	e.Duration(&wait, "wait", "w")
	e.String(&out, "out", "o")
	e.Bool(&find, "find", "f")
	if rate != 2.5 || wait != 3*time.Second || out != "dir" || !find {
		t.Errorf("got %v %v %q %v", rate, wait, out, find)
	}
	if len(e.Problems) != 1 || !strings.Contains(e.Problems[0].Error(), EnvName("steps")+`="x"`) {
		t.Errorf("problems %v, want the one of %s", e.Problems, EnvName("steps"))
	}
	if u := fs.Lookup("rate").Usage; u != "r; env "+EnvName("rate") {
		t.Errorf("usage %q", u)
	}
}
