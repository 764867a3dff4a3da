package main

import (
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// Rule: results lists every partner result as a table; show prints one
// with its update-url; --json prints the control API's documents.
func TestResults(t *testing.T) {
	e := newClientEnv(t)
	d := e.trigger(t)
	e.hookErr.Store(500)
	failed := e.trigger(t)

	stdout, _ := e.mustCLI(t, "results")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "SUMMARY") {
		t.Fatalf("results = %q, want a header and two rows", lines)
	}
	mustContain(t, "results", stdout, d.ResultID+"  1", failed.ResultID, "failed  -      the partner is down for maintenance")

	stdout, _ = e.mustCLI(t, "results", "--status", "sent", "--json")
	var doc struct{ Results []controlapi.Result }
	decodeInto(t, stdout, &doc)
	if len(doc.Results) != 1 || doc.Results[0].ID != d.ResultID || doc.Results[0].UpdateURL == "" {
		t.Errorf("--status sent --json = %+v, want result %s with its update-url", doc.Results, d.ResultID)
	}

	stdout, _ = e.mustCLI(t, "results", "show", failed.ResultID)
	mustContain(t, "results show", stdout, "result      "+failed.ResultID, "status      failed",
		"message     the partner is down for maintenance", "update-url  "+e.url+"/partner/v1/partner-results/"+failed.ResultID)

	err, _, _ := e.cli(t, "results", "show", "no-such-result")
	if err == nil || !strings.Contains(err.Error(), `there is no partner result "no-such-result"`) {
		t.Errorf("show of an unknown id: err = %v, want the mock's not-found message", err)
	}
}

// Rule: fixtures lists every fixture by kind and name, as a table or JSON.
func TestFixtures(t *testing.T) {
	e := newClientEnv(t)
	stdout, _ := e.mustCLI(t, "fixtures")
	if !strings.HasPrefix(stdout, "KIND") {
		t.Errorf("fixtures does not start with its header:\n%s", stdout)
	}
	mustContain(t, "fixtures", stdout, "candidates          unicode", "companies           acme")

	stdout, _ = e.mustCLI(t, "fixtures", "--json")
	var doc struct {
		Fixtures []struct{ Kind, Name, Description string }
	}
	decodeInto(t, stdout, &doc)
	found := false
	for _, f := range doc.Fixtures {
		found = found || (f.Kind == "candidates" && f.Name == "unicode" && f.Description != "")
	}
	if !found {
		t.Errorf("fixtures --json has no described candidates/unicode:\n%s", stdout)
	}
}

// Rule: keys --json is the /mock/v1/keys document, so scripts can read
// .partners[0].apiKey; the text form names every key too.
func TestKeys(t *testing.T) {
	e := newClientEnv(t)
	stdout, _ := e.mustCLI(t, "keys", "--json")
	var keys controlapi.Keys
	decodeInto(t, stdout, &keys)
	if len(keys.Partners) != 1 {
		t.Fatalf("keys --json = %+v, want one partner", keys)
	}
	p := keys.Partners[0]
	if p.ID != "1" || p.APIKey != "ttpk_client_test_key" || p.WebhookSecret != "ttws_client_test_secret" ||
		len(p.Activations) != 1 || p.Activations[0].ProviderKey != e.sandbox.Activation.ProviderKey {
		t.Errorf("keys --json = %+v, want partner 1's keys and its sandbox provider key", p)
	}

	stdout, _ = e.mustCLI(t, "keys")
	mustContain(t, "keys", stdout, `partner 1 "Pied Piper"`, "API key         ttpk_client_test_key", "webhook secret  ttws_client_test_secret",
		e.sandbox.Company.UUID+"  "+e.sandbox.Activation.ProviderKey)
}

// Rule: results wait shows a final result and succeeds; a result still
// sent when --timeout passes fails saying so; an unknown id is the mock's
// not-found message.
func TestResultsWait(t *testing.T) {
	e := newClientEnv(t)
	e.hookErr.Store(500)
	failed := e.trigger(t)
	stdout, _ := e.mustCLI(t, "results", "wait", failed.ResultID, "--timeout", "5s")
	mustContain(t, "results wait", stdout, "result      "+failed.ResultID, "status      failed")

	e.hookErr.Store(0)
	sent := e.trigger(t)
	err, stdout, _ := e.cli(t, "results", "wait", sent.ResultID, "--timeout", "50ms")
	if err == nil || !strings.Contains(err.Error(), "is still sent after 50ms") || !strings.Contains(stdout, "status      sent") {
		t.Errorf("wait on a sent result: err = %v, stdout %q; want it shown and still sent after 50ms", err, stdout)
	}
	err, _, _ = e.cli(t, "results", "wait", "no-such-result")
	if err == nil || !strings.Contains(err.Error(), `there is no partner result "no-such-result"`) {
		t.Errorf("wait on an unknown id: err = %v, want the mock's not-found message", err)
	}
}
