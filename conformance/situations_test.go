package conformance_test

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/conformance/partner"
	"github.com/mockteamtailor/mockteamtailor/conformance/report"
	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// situationPartners are the example partner with one defect each in a
// situation production brings and an ordinary run does not (a rejected
// application, the same event twice, a result refused for rate). Each
// fails the one check that names the situation, with the problem and the
// fix of it, and passes every other check. TestBrokenPartnerFailsExactlyItsCheck
// counts them as the broken partners of their checks.
var situationPartners = []struct {
	name    string
	fails   string
	problem string // in the failure's Problem line
	fix     string // in its Fix line
	partner fakePartner
}{
	{"500 on a rejected candidate", "webhook/rejected-candidate",
		"want any 2xx within the timeout, got 500 Internal Server Error", "decide afterwards what job.status.rejected means",
		fakePartner{wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			if rejectedIn(readBody(r)) {
				http.Error(w, "NoMethodError: undefined method `invite!' for a rejected application", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})}},
	{"500 on a duplicate event (unique constraint)", "webhook/duplicate-event",
		"the second copy of event", "a unique index on the event id is right",
		fakePartner{wrap: uniqueEventIDs}},
	{"never retries a result refused with 429", "results/retried-after-429",
		"the partner's PATCH to update-url got 429 Too Many Requests with Retry-After: 1 and was not sent again", "wait the seconds Retry-After gives and send it again",
		fakePartner{transport: postsOnce}},
}

// rejectedIn reports whether a webhook body carries job.status.rejected:
// true.
func rejectedIn(body []byte) bool {
	var ev struct {
		PartnerEvent struct {
			Candidate struct {
				Job struct {
					Status struct {
						Rejected bool `json:"rejected"`
					} `json:"status"`
				} `json:"job"`
			} `json:"candidate"`
		} `json:"partner-event"`
	}
	return json.Unmarshal(body, &ev) == nil && ev.PartnerEvent.Candidate.Job.Status.Rejected
}

// uniqueEventIDs stores the event id of every webhook the example partner
// accepted, as a table with a unique index does, and answers a second
// copy with the 500 of the duplicate key.
func uniqueEventIDs(next http.Handler) http.Handler {
	var stored sync.Map
	return route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		id, err := signature.EventID(readBody(r))
		if _, dup := stored.Load(id); err == nil && dup {
			http.Error(w, `PG::UniqueViolation: ERROR: duplicate key value violates unique constraint "events_pkey"`, http.StatusInternalServerError)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if err == nil && rec.Code/100 == 2 {
			stored.Store(id, true)
		}
		copyResponse(w, rec)
	})(next)
}

// postsOnce sends each result post once, whatever the answer: a partner
// that drops a result the Partner API refused. What it does not send, it
// answers itself with a 200.
func postsOnce(base http.RoundTripper) http.RoundTripper {
	var sent sync.Map
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		if _, again := sent.LoadOrStore(r.Method+" "+r.URL.String(), true); again && r.Method == http.MethodPatch {
			return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
		}
		return base.RoundTrip(r)
	})
}

// TestSituationFailsExactlyItsCheck: a partner that breaks in one
// production situation fails (a MUST) or warns (a SHOULD) in exactly the
// check that names it, says the problem and the fix, and nothing else
// fails, warns or is skipped.
func TestSituationFailsExactlyItsCheck(t *testing.T) {
	skipWhenSuiteRequested(t)
	for _, sp := range situationPartners {
		t.Run(sp.name, func(t *testing.T) {
			t.Parallel()
			r := runSuite(t, sp.partner.serve(t), append(allCapabilities, "--activation-field", selfActivation)...)
			// Every capability the example partner has is claimed: every
			// check runs but those needing another capability.
			byCap := r.results.Summary.SkippedByCapability
			want := report.Summary{Passed: len(catalogue(t)) - 1 - byCap, Failed: 1, Skipped: byCap, SkippedByCapability: byCap}
			wantExit, wantOutcome := 1, report.OutcomeFail
			if level(t, sp.fails) == settings.LevelShould {
				want.Failed, want.Warnings = 0, 1
				wantExit, wantOutcome = 0, report.OutcomeWarning
			}
			if r.exit != wantExit {
				t.Errorf("exit = %d, want %d\n%s", r.exit, wantExit, r.stdout)
			}
			if r.results.Summary != want {
				t.Errorf("summary %+v, want %+v", r.results.Summary, want)
			}
			got := r.check(sp.fails)
			if got.Outcome != wantOutcome {
				t.Errorf("%s: %s, want %s: %s", sp.fails, got.Outcome, wantOutcome, got.Reason)
			}
			for _, c := range r.results.Checks {
				if c.ID != sp.fails && !passedOrNotClaimed(c) {
					t.Errorf("%s: %s, want pass: %s", c.ID, c.Outcome, c.Reason)
				}
			}
			for _, want := range []string{"Rule: " + sp.fails, "docs/protocol.md §", "Problem: " + sp.problem, sp.fix, "curl -sS -i -X POST"} {
				if !strings.Contains(got.Reason, want) {
					t.Errorf("the failure of %s does not say %q:\n%s", sp.fails, want, got.Reason)
				}
			}
			if len(r.results.Causes) != 0 {
				t.Errorf("causes %+v, want none: the check names the defect", r.results.Causes)
			}
		})
	}
}

// TestPartnerFollowingTeamtailorHostReachesTheMock: a partner that
// builds its Partner API URL from Teamtailor-Host
// (http://<host>/partner/v1/...) instead of taking update-url reaches the
// embedded mock when the suite announces the mock's host, and passes.
func TestPartnerFollowingTeamtailorHostReachesTheMock(t *testing.T) {
	skipWhenSuiteRequested(t)
	t.Parallel()
	// The partner takes its URL from the header, so its own check of
	// update-url's host (against 127.0.0.1) is left off.
	p := fakePartner{anyUpdateHost: true, wrap: route("POST", "/webhook", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.ContentLength > 1<<20 {
			// security/oversized-body's 5 MB webhook: the example partner
			// refuses it unread; decoding it here first, under the race
			// detector on a loaded machine, could outlast the timeout.
			next.ServeHTTP(w, r)
			return
		}
		var doc map[string]any
		if err := json.Unmarshal(readBody(r), &doc); err == nil {
			if ev, ok := doc["partner-event"].(map[string]any); ok {
				if res, ok := ev["partner-result"].(map[string]any); ok {
					id, _ := res["id"].(string)
					res["update-url"] = "http://" + r.Header.Get("Teamtailor-Host") + "/partner/v1/partner-results/" + id
				}
			}
			body, _ := json.Marshal(doc)
			r = withBody(r, body)
		}
		next.ServeHTTP(w, r)
	})}
	base := p.serve(t)
	listen, _ := mockListen.Load(base)
	_, port, _ := net.SplitHostPort(listen.(string))
	// localhost rather than the 127.0.0.1 of update-url, so the posts show
	// which URL the partner built.
	host := "localhost:" + port
	r := runSuite(t, base, append(allCapabilities, "--activation-field", selfActivation, "--teamtailor-host", host)...)
	if r.exit != 0 {
		t.Errorf("exit = %d, want 0\n%s", r.exit, r.stdout)
	}
	for _, c := range r.results.Checks {
		if !passedOrNotClaimed(c) {
			t.Errorf("%s: %s, want pass: %s", c.ID, c.Outcome, c.Reason)
		}
	}
	var sent, posted bool
	for _, x := range r.check("results/posted").Exchanges {
		switch x.Direction {
		case partner.ToPartner:
			sent = sent || x.RequestHeader.Get("Teamtailor-Host") == host
		case partner.FromPartner:
			posted = posted || strings.HasPrefix(x.URL, "http://"+host+"/partner/v1/partner-results/")
		}
	}
	if !sent || !posted {
		t.Errorf("Teamtailor-Host %s sent: %v; the result posted to http://%s/partner/v1/...: %v", host, sent, host, posted)
	}
}

// passedOrNotClaimed reports a check that passed, or was skipped for a
// capability the example partner does not have.
func passedOrNotClaimed(c report.CheckResult) bool {
	return c.Outcome == report.OutcomePass || (c.Outcome == report.OutcomeSkipped && strings.HasPrefix(c.Reason, settings.CapabilityPrefix))
}
