package webui

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Rule: the candidate page has a Reject button per application, which
// rejects it (the page then offers Un-reject), and Un-reject takes it
// back; a bad job is a message, not a 5xx.
func TestRejectButton(t *testing.T) {
	e := newEnv(t)
	cands, _, _ := e.store.Candidates(context.Background(), e.sandbox.Company.UUID, store.Page{})
	c := cands[0]
	job := c.Applications[0].JobID
	page := fmt.Sprintf("/candidates/%d", c.ID)
	_, body := e.get(page)
	mustContain(t, body, fmt.Sprintf(`action="/candidates/%d/reject"`, c.ID), `name="job" value="`+strconv.FormatInt(job, 10)+`"`, ">Reject</button>")

	_, body, _ = e.post(page+"/reject", url.Values{"job": {strconv.FormatInt(job, 10)}})
	mustContain(t, body, "job.status.rejected: true", " · rejected", ">Un-reject</button>", `name="undo" value="true"`)
	if got, _ := e.store.Candidate(context.Background(), c.ID); !got.Applications[0].Rejected {
		t.Errorf("after Reject: %+v, want rejected", got.Applications)
	}

	_, body, _ = e.post(page+"/reject", url.Values{"job": {strconv.FormatInt(job, 10)}, "undo": {"true"}})
	mustContain(t, body, "job.status.rejected: false", ">Reject</button>")
	if got, _ := e.store.Candidate(context.Background(), c.ID); got.Applications[0].Rejected {
		t.Errorf("after Un-reject: %+v, want not rejected", got.Applications)
	}

	for _, job := range []string{"", "x", "424242"} {
		status, body, _ := e.post(page+"/reject", url.Values{"job": {job}})
		if status >= 500 {
			t.Errorf("job %q: %d", job, status)
		}
		mustContain(t, body, "role=\"alert\"")
	}
}
