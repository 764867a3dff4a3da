package webui

import (
	"context"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// Rule: counts on the overview agree with their nouns: one call is "1
// call", not "1 calls".
func TestOverviewCountsInTheRightNumber(t *testing.T) {
	e := newEnv(t)
	job := e.sandboxJobs("1")[0]
	if _, err := e.srv.FetchConfig(context.Background(), controlapi.ConfigRequest{PartnerID: "1", CompanyUUID: e.sandbox.Company.UUID, JobID: job.ID, StageID: job.Stages[0].ID}); err != nil {
		t.Fatal(err)
	}
	status, body := e.get("/")
	if status != 200 {
		t.Fatalf("overview: status %d", status)
	}
	mustContain(t, body, "0 of the last 1 call to the partner failed.")
	mustNotContain(t, body, "1 calls")
}
