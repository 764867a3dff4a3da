package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/syncbuf"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// trigger sends one manual webhook and returns its journal entry.
func (e *clientEnv) trigger(t *testing.T) store.Delivery {
	t.Helper()
	out, err := e.client.ManualTrigger(context.Background(), controlapi.ManualRequest{PartnerID: "1", CandidateID: e.candidate(t).ID})
	if err != nil {
		t.Fatal(err)
	}
	return out.Delivery
}

// Rule: the list is a table of the newest entries, filtered by kind and
// verdict; --json prints the same entries as a document.
func TestDeliveriesList(t *testing.T) {
	e := newClientEnv(t)
	d := e.trigger(t)
	stdout, _ := e.mustCLI(t, "deliveries")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "VERDICT") {
		t.Fatalf("list = %q, want a header, the config fetch and the webhook", lines)
	}
	if f := strings.Fields(lines[2]); f[0] != strconv.FormatInt(d.ID, 10) || f[3] != "webhook" || f[5] != "ok" || f[6] != "200" {
		t.Errorf("webhook row = %q, want id %d, kind webhook, verdict ok, status 200", lines[2], d.ID)
	}

	stdout, _ = e.mustCLI(t, "deliveries", "--kind", "webhook", "--json")
	var doc struct {
		Deliveries []store.Delivery
		Total      int
	}
	decodeInto(t, stdout, &doc)
	if len(doc.Deliveries) != 1 || doc.Deliveries[0].ID != d.ID || doc.Total != 1 {
		t.Errorf("--kind webhook --json = %+v (total %d), want delivery %d only", doc.Deliveries, doc.Total, d.ID)
	}
	// Honest totals: a limited list says how many there are.
	stdout, _ = e.mustCLI(t, "deliveries", "--limit", "1")
	mustContain(t, "--limit 1", stdout, "showing the newest 1 of 2")
	stdout, _ = e.mustCLI(t, "deliveries", "--kind", "webhook", "-q")
	if strings.TrimSpace(stdout) != strconv.FormatInt(d.ID, 10) {
		t.Errorf("-q printed %q, want the webhook's id only", stdout)
	}
	stdout, _ = e.mustCLI(t, "deliveries", "--verdict", "failed")
	if strings.Count(stdout, "\n") != 1 {
		t.Errorf("--verdict failed listed entries:\n%s", stdout)
	}
}

// Rule: show prints the request, the response, the verdict and the
// signature check; a wrong --webhook-secret makes the check fail.
func TestDeliveriesShow(t *testing.T) {
	e := newClientEnv(t)
	d := e.trigger(t)
	id := strconv.FormatInt(d.ID, 10)
	stdout, _ := e.mustCLI(t, "deliveries", "show", id)
	mustContain(t, "show", stdout,
		fmt.Sprintf("delivery %d: webhook, partner 1", d.ID), "verdict ok: ", "event "+d.EventID,
		"  POST "+d.Request.URL, "  Teamtailor-Signature: t=", "    \"partner-event\": {",
		"response\n  200 OK", "signature, checked with partner 1's webhook secret", "  valid: v1 matches")

	stdout, _ = e.mustCLI(t, "deliveries", "show", id, "--webhook-secret", "not-the-secret")
	mustContain(t, "show --webhook-secret", stdout, "checked with the given --webhook-secret", "  invalid:")

	stdout, _ = e.mustCLI(t, "deliveries", "show", id, "--json")
	var shown struct {
		store.Delivery
		Signature struct{ Valid bool } `json:"signature"`
	}
	if err := json.Unmarshal([]byte(stdout), &shown); err != nil || shown.ID != d.ID || !shown.Signature.Valid {
		t.Errorf("show --json = %+v, %v; want delivery %d with a valid signature", shown, err, d.ID)
	}
}

// Rule: replay sends the call again as a new entry; curl prints only the
// command.
func TestDeliveriesReplayAndCurl(t *testing.T) {
	e := newClientEnv(t)
	d := e.trigger(t)
	id := strconv.FormatInt(d.ID, 10)
	stdout, _ := e.mustCLI(t, "deliveries", "replay", id)
	hooks := e.webhooks(t)
	if len(hooks) != 2 || hooks[1].ReplayOf != d.ID || hooks[1].EventID != d.EventID {
		t.Fatalf("webhooks = %+v, want the original and its replay", hooks)
	}
	mustContain(t, "replay", stdout, "webhook to partner 1: 200 ok", fmt.Sprintf("deliveries show %d", hooks[1].ID))

	stdout, _ = e.mustCLI(t, "deliveries", "curl", id)
	if !strings.HasPrefix(stdout, "curl -sS -i -X POST '"+d.Request.URL+"'") || !strings.Contains(stdout, "--data-binary '{") {
		t.Errorf("curl = %q, want the curl command only", stdout)
	}
}

// Rule: --follow prints new entries, one line each, until interrupted,
// and then ends without an error.
func TestDeliveriesFollow(t *testing.T) {
	e := newClientEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"deliveries", "--follow", "--kind", "webhook", "--mock", e.url}, envFunc(nil), &out, &errOut)
	}()
	// The stream starts some time after run does: trigger until a line
	// comes (entries recorded before it are caught up from the journal).
	// One format for the list and --follow: a streamed line lines up
	// under the list's header.
	line := regexp.MustCompile(`(?m)^\d+ +\S+ \S+ +webhook +1 +ok +200 `)
	deadline := time.Now().Add(5 * time.Second)
	for !line.MatchString(out.String()) && time.Now().Before(deadline) {
		e.trigger(t)
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("--follow ended with %v, want nil when interrupted", err)
	}
	got := out.String()
	if !line.MatchString(got) {
		t.Fatalf("--follow printed no webhook line:\n%s", got)
	}
	lines := strings.Split(got, "\n")
	if kind := strings.Index(lines[0], "KIND"); kind < 0 || strings.Index(lines[len(lines)-2], "webhook") != kind {
		t.Errorf("--follow lines do not line up under the header:\n%s", got)
	}
	if strings.Contains(got, "config") {
		t.Errorf("--kind webhook let a config entry through:\n%s", got)
	}
}

// Rule: a config fetch made only to show a form (a trigger form opened)
// is marked "(form)" in the list and in --follow, one format for both, so
// it is not mistaken for a fetch a trigger made.
func TestDeliveriesMarkFormFetches(t *testing.T) {
	e := newClientEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"deliveries", "--follow", "--kind", "config", "--mock", e.url}, envFunc(nil), &out, &errOut)
	}()
	form := regexp.MustCompile(`(?m)^\d+ +\S+ \S+ +config \(form\) +1 +ok +200 `)
	deadline := time.Now().Add(10 * time.Second)
	for !form.MatchString(out.String()) && time.Now().Before(deadline) {
		if _, err := e.client.FetchConfig(context.Background(), controlapi.ConfigRequest{PartnerID: "1", CompanyUUID: e.sandbox.Company.UUID}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("--follow ended with %v", err)
	}
	if !form.MatchString(out.String()) {
		t.Fatalf("--follow did not mark the form-only fetch:\n%s", out.String())
	}
	// A trigger's own fetch is not marked.
	e.trigger(t)
	stdout, _ := e.mustCLI(t, "deliveries", "--kind", "config", "--limit", "0")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(lines[1], "config (form)") || strings.Contains(last, "(form)") || !strings.Contains(last, "config") {
		t.Errorf("list = %q; want the oldest marked (form) and the trigger's fetch, the newest, not", lines)
	}
	kind := strings.Index(lines[0], "KIND")
	for _, l := range lines[1:] {
		if strings.Index(l, "config") != kind {
			t.Errorf("row %q does not line up under KIND", l)
		}
	}
}
