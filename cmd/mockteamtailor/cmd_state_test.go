package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Rule: state check says ok for a state that loads, names file and
// offset and exits non-zero for damage; state repair reports what it
// drops, keeps a copy, and the state checks ok after it.
func TestStateCheckAndRepair(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	err, out, _ := runErr(t, nil, "state", "check", "--state", path)
	if err != nil || !strings.Contains(out, "does not exist") {
		t.Fatalf("state check of a missing state: %v\n%s", err, out)
	}
	if err, _, _ := runErr(t, nil, "state", "check"); err == nil || !strings.Contains(err.Error(), "--state FILE is required") {
		t.Fatalf("state check without --state: %v", err)
	}

	s, err := store.OpenMemStore(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutPartner(t.Context(), store.Partner{ID: "1", Name: "P", APIKey: "k", WebhookSecret: "s"}); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if _, err := s.CreateResult(t.Context(), store.PartnerResult{ID: fmt.Sprint("r", i), PartnerID: "1", ResultAttributes: protocol.ResultAttributes{Status: "sent"}}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	err, out, _ = runErr(t, map[string]string{"MOCKTT_STATE": path}, "state", "check")
	if err != nil || !strings.Contains(out, "ok: 6 results, 7 log records replayed") {
		t.Fatalf("state check of a sound state (MOCKTT_STATE): %v\n%s", err, out)
	}

	log := path + ".log.1"
	data, _ := os.ReadFile(log)
	at := strings.Index(string(data), "r3") // in the record of result r3
	data[at+1] ^= 0x01
	os.WriteFile(log, data, 0o600)
	err, out, _ = runErr(t, nil, "state", "check", "--state", path)
	if err == nil || !strings.Contains(out, log+" is damaged at byte offset ") || !strings.Contains(out, "2 records after it that look whole, which name 2 results: r4, r5") || !strings.Contains(out, "reads as naming 1 result: r2") {
		t.Fatalf("state check of a damaged log: %v\n%s", err, out)
	}
	err, out, _ = runErr(t, nil, "state", "repair", "--state", path)
	if err != nil || !strings.Contains(out, "which name 2 results: r4, r5") || !strings.Contains(out, "kept a copy of every file in "+path+".damaged-") || !strings.Contains(out, "loads with 3 results") {
		t.Fatalf("state repair: %v\n%s", err, out)
	}
	err, out, _ = runErr(t, nil, "state", "repair", "--state", path)
	if err != nil || !strings.Contains(out, "nothing to repair") {
		t.Fatalf("state repair of a repaired state: %v\n%s", err, out)
	}
}
