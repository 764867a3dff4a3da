package buildinfo

import (
	"runtime/debug"
	"testing"
)

// TestFromBuildInfo: stamped values win; the embedded build information
// fills in what was not stamped; nothing at all is "dev".
func TestFromBuildInfo(t *testing.T) {
	vcs := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-12-07T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	installed := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.4.0"}}
	for _, tc := range []struct {
		name            string
		version, commit string
		bi              *debug.BuildInfo
		want            string
	}{
		{"stamped", "v1.2.0", "f00d", vcs, "v1.2.0 (commit f00d, go1.26.0 "},
		{"git checkout", "", "", vcs, "dev (commit abc123 of 2026-12-07T10:00:00Z, modified, go1.26.0 "},
		{"go install @version", "", "", installed, "v1.4.0 (commit unknown, go1.26.0 "},
		{"stamped version, commit from VCS", "v2.0.0", "", vcs, "v2.0.0 (commit abc123 of 2026-12-07T10:00:00Z, modified, go1.26.0 "},
		{"nothing", "", "", nil, "dev (commit unknown, go"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fromBuildInfo(tc.version, tc.commit, tc.bi).String()
			if len(got) < len(tc.want) || got[:len(tc.want)] != tc.want {
				t.Errorf("got  %q\nwant %q…", got, tc.want)
			}
		})
	}
}
