// Package buildinfo says which build of a command is running: its
// version, commit and Go version, for --version.
//
// A release stamps the version and commit into each command's main
// package with the linker:
//
//	go build -ldflags "-X main.version=v1.2.0 -X main.commit=$(git rev-parse HEAD)" ./cmd/...
//
// What is not stamped comes from the build information the Go toolchain
// embeds: the module version of `go install …@v1.2.0`, and the VCS
// revision, time and modified flag of a build inside a git checkout.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Info is one build.
type Info struct {
	Version string // "v1.2.0", or "dev" when nothing says
	Commit  string // the full VCS revision, or ""
	// Time is the commit time (from the VCS information), or "".
	Time      string
	Modified  bool   // built from a working tree with changes
	GoVersion string // the toolchain that built it, e.g. go1.26.0
	Platform  string // GOOS/GOARCH
}

// Read returns the build of the running program. version and commit are
// what the linker stamped (main.version, main.commit); "" leaves each to
// the embedded build information.
func Read(version, commit string) Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuildInfo(version, commit, bi)
}

func fromBuildInfo(version, commit string, bi *debug.BuildInfo) Info {
	info := Info{Version: version, Commit: commit, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		vcs := map[string]string{}
		for _, s := range bi.Settings {
			vcs[s.Key] = s.Value
		}
		if info.Commit == "" {
			info.Commit = vcs["vcs.revision"]
			info.Time = vcs["vcs.time"]
			info.Modified = vcs["vcs.modified"] == "true"
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	return info
}

// String is the line --version prints after the program's name:
// "v1.2.0 (commit 4e14dbc5a1f0, go1.26.0 linux/amd64)".
func (i Info) String() string {
	var parts []string
	if i.Commit != "" {
		c := "commit " + i.Commit
		if i.Time != "" {
			c += " of " + i.Time
		}
		if i.Modified {
			c += ", modified"
		}
		parts = append(parts, c)
	} else {
		parts = append(parts, "commit unknown")
	}
	parts = append(parts, i.GoVersion+" "+i.Platform)
	return fmt.Sprintf("%s (%s)", i.Version, strings.Join(parts, ", "))
}
