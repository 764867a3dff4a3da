package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/internal/syncbuf"
)

// Rule: a mock that does not answer gives an error naming the URL and how
// to start one, for every client command; MOCKTT_MOCK sets the URL.
func TestClientUnreachable(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	for _, args := range [][]string{
		{"trigger", "--candidate", "1"}, {"activate"}, {"deliveries"}, {"deliveries", "show", "1"},
		{"deliveries", "replay", "1"}, {"deliveries", "curl", "1"}, {"deliveries", "--follow"},
		{"results"}, {"results", "show", "x"}, {"fixtures"}, {"keys"},
	} {
		err, _, _ := runClient(t, context.Background(), append(args, "--mock", dead.URL)...)
		if err == nil || !strings.Contains(err.Error(), "not reachable at "+dead.URL) || !strings.Contains(err.Error(), "mockteamtailor serve") {
			t.Errorf("run %q: err = %v, want not reachable at %s with a hint", args, err, dead.URL)
		}
	}
	var out, errOut syncbuf.Buffer
	err := run(context.Background(), []string{"keys"}, envFunc(map[string]string{"MOCKTT_MOCK": dead.URL}), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "not reachable at "+dead.URL) {
		t.Errorf("keys with MOCKTT_MOCK: err = %v, want it to use %s", err, dead.URL)
	}
}

// Rule: bad flags and arguments fail with an error saying what is wrong,
// before anything is sent to the mock.
func TestClientBadFlags(t *testing.T) {
	e := newClientEnv(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"trigger"}, []string{"--candidate ID", "--fixture NAME", "--bulk N"}},
		{[]string{"trigger", "--candidate", "abc"}, []string{`--candidate "abc"`, "whole number"}},
		{[]string{"trigger", "--candidate", "1", "--data", "novalue"}, []string{`--data "novalue"`, "key=value"}},
		{[]string{"trigger", "--bulk", "5", "--stage", "3"}, []string{"--bulk", "leave out --job and --stage"}},
		{[]string{"trigger", "--bulk", "-2"}, []string{"--bulk -2"}},
		{[]string{"trigger", "--bulk", "0"}, []string{"--bulk 0", "--candidate"}},
		{[]string{"trigger", "--candidate", "1", "--company", "x"}, []string{"--company", "--fixture"}},
		{[]string{"trigger", "--candidate", "99999"}, []string{"there is no candidate 99999"}},
		{[]string{"trigger", "--fixture", "no-such-fixture"}, []string{"no-such-fixture", `"no-such-fixture"`}},
		{[]string{"trigger", "--candidate", "1", "--partner", "nope"}, []string{`"nope"`}},
		{[]string{"activate", "--field", "novalue"}, []string{`--field "novalue"`, "key=value"}},
		{[]string{"activate", "--company", "nope"}, []string{`there is no company "nope"`}},
		{[]string{"deliveries", "show"}, []string{"accepts 1 arg(s), received 0"}},
		{[]string{"deliveries", "show", "abc"}, []string{`delivery id "abc"`, "whole number"}},
		{[]string{"deliveries", "show", "424242"}, []string{"there is no delivery 424242"}},
		{[]string{"deliveries", "--kind", "nope"}, []string{`kind "nope"`, "webhook"}},
		{[]string{"deliveries", "--limit", "-1"}, []string{"--limit -1"}},
		{[]string{"deliveries", "extra"}, []string{"unknown command", `"extra"`}},
		{[]string{"keys", "--no-such-flag"}, []string{"unknown flag", "--no-such-flag"}},
	} {
		err, stdout, _ := e.cli(t, tc.args...)
		if err == nil {
			t.Errorf("run %q succeeded, want an error; stdout:\n%s", tc.args, stdout)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("run %q: error %q does not contain %q", tc.args, err, w)
			}
		}
	}
	if hooks := e.webhooks(t); len(hooks) != 0 {
		t.Errorf("bad flags sent %d webhooks", len(hooks))
	}

	err, _, _ := runClient(t, context.Background(), "keys", "--mock", "ftp://mock")
	if err == nil || !strings.Contains(err.Error(), `--mock "ftp://mock" must be the mock's URL`) {
		t.Errorf("--mock ftp://mock: err = %v, want it refused", err)
	}
}
