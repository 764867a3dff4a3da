package partnerapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

const fullAttrs = `{
	"status": "completed",
	"summary": "The candidate passed the test with excellent results",
	"job-id": 444,
	"candidate-id": 102,
	"url": "https://assess.example/r/1",
	"assessment": {"score": 82, "grade": "top_fit", "duration": "0:32:14"},
	"details": {"rating": "10", "awesomeness": {"level": "confirmed"}, "skills": ["go", "sql"]},
	"attachments": [{"url": "https://assess.example/r/1.pdf", "description": "Report"}],
	"actions": [{"buttonText": "Archive candidate", "endpoint": "archive/102"}],
	"assessment-criteria": [{"id": "algorithm-test-recursive-24566", "score": 96}, {"id": 7}]
}`

// wantFull is fullAttrs as the API must render it: duration in seconds.
func wantFull(env *testEnv, id string) string {
	return fmt.Sprintf(`{"data": {
		"id": %[1]q, "type": "partner-results",
		"links": {"self": "%[2]s/partner/v1/partner-results/%[1]s"},
		"attributes": {
			"status": "completed",
			"summary": "The candidate passed the test with excellent results",
			"job-id": 444,
			"candidate-id": 102,
			"url": "https://assess.example/r/1",
			"assessment": {"score": 82, "grade": "top_fit", "duration": 1934},
			"details": {"rating": "10", "awesomeness": {"level": "confirmed"}, "skills": ["go", "sql"]},
			"attachments": [{"url": "https://assess.example/r/1.pdf", "description": "Report"}],
			"actions": [{"buttonText": "Archive candidate", "endpoint": "archive/102"}],
			"assessment-criteria": [{"id": "algorithm-test-recursive-24566", "score": 96}, {"id": 7}]
		}}}`, id, env.srv.URL)
}

// A created result comes back whole, with duration in seconds, a Location
// and links.self the client can follow (docs/protocol.md §2.3).
func TestResultCreateReturnsWholeDocument(t *testing.T) {
	env := newTestEnv(t)
	r := env.do(t, req{Method: "POST", Path: "/partner/v1/partner-results", Body: `{"data":{"type":"partner-results","attributes":` + fullAttrs + `}}`})
	if r.Status != http.StatusCreated {
		t.Fatalf("status = %d, want 201; body: %s", r.Status, r.Body)
	}
	got := doc(t, r)
	id := got["data"].(map[string]any)["id"].(string)
	if diff := cmp.Diff(jsonValue(t, wantFull(env, id)), got); diff != "" {
		t.Errorf("created document (-want +got):\n%s", diff)
	}
	if loc := r.Header.Get("Location"); loc != env.srv.URL+"/partner/v1/partner-results/"+id {
		t.Errorf("Location = %q", loc)
	}
	for h, want := range map[string]string{"Content-Type": protocol.MediaType, "X-Api-Version": protocol.APIVersion} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	mustMatchSchema(t, "partner-result", r.Body)

	// The same document comes back from GET, and from the list.
	g := env.do(t, req{Method: "GET", Path: "/partner/v1/partner-results/" + id})
	if diff := cmp.Diff(jsonValue(t, wantFull(env, id)), doc(t, g)); g.Status != 200 || diff != "" {
		t.Errorf("GET: status %d (-want +got):\n%s", g.Status, diff)
	}
}

// Unset attributes come back as null, assessment with null members and
// details as {} (docs/protocol.md §2.3).
func TestResultUnsetAttributesRenderAsProtocolSays(t *testing.T) {
	env := newTestEnv(t)
	id := env.createResult(t, `{"status": "sending", "candidate-id": 5}`)
	r := env.do(t, req{Method: "GET", Path: "/partner/v1/partner-results/" + id})
	want := fmt.Sprintf(`{"data": {"id": %[1]q, "type": "partner-results",
		"links": {"self": "%[2]s/partner/v1/partner-results/%[1]s"},
		"attributes": {"status": "sending", "candidate-id": 5, "job-id": null, "summary": null, "url": null,
			"assessment": {"score": null, "grade": null, "duration": null}, "details": {},
			"attachments": null, "actions": null, "assessment-criteria": null}}}`, id, env.srv.URL)
	if diff := cmp.Diff(jsonValue(t, want), doc(t, r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	mustMatchSchema(t, "partner-result", r.Body)
}

// PUT and PATCH are partial updates: attributes not sent keep their
// values, null clears, candidate-id may be repeated but not changed.
func TestResultUpdateIsPartial(t *testing.T) {
	for _, method := range []string{"PUT", "PATCH"} {
		t.Run(method, func(t *testing.T) {
			env := newTestEnv(t)
			id := env.createResult(t, fullAttrs)
			r := env.do(t, req{Method: method, Path: "/partner/v1/partner-results/" + id,
				Body: fmt.Sprintf(`{"data":{"type":"partner-results","id":%q,"attributes":{"status":"failed","summary":null,"candidate-id":102,"assessment":{"score":55.5,"duration":1200}}}}`, id)})
			if r.Status != http.StatusOK {
				t.Fatalf("status = %d, want 200; body: %s", r.Status, r.Body)
			}
			want := jsonValue(t, wantFull(env, id))
			attrs := want["data"].(map[string]any)["attributes"].(map[string]any)
			attrs["status"] = "failed"
			attrs["summary"] = nil
			attrs["assessment"] = map[string]any{"score": 55.5, "grade": nil, "duration": float64(1200)}
			if diff := cmp.Diff(want, doc(t, r)); diff != "" {
				t.Errorf("updated document (-want +got):\n%s", diff)
			}
			mustMatchSchema(t, "partner-result", r.Body)
		})
	}
}

// data.id, when sent, must name the resource of the URL.
func TestResultUpdateRejectsMismatchedID(t *testing.T) {
	env := newTestEnv(t)
	id := env.createResult(t, `{"status":"sending","candidate-id":1}`)
	r := env.do(t, req{Method: "PATCH", Path: "/partner/v1/partner-results/" + id, Body: `{"data":{"type":"partner-results","id":123,"attributes":{"status":"sent"}}}`})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "does not match the id in the URL") {
		t.Errorf("status = %d; body: %s", r.Status, r.Body)
	}
}

// DELETE answers 204 with no body, and the result is gone afterwards.
func TestResultDelete(t *testing.T) {
	env := newTestEnv(t)
	id := env.createResult(t, `{"status":"sending","candidate-id":1}`)
	r := env.do(t, req{Method: "DELETE", Path: "/partner/v1/partner-results/" + id})
	if r.Status != http.StatusNoContent || len(r.Body) != 0 {
		t.Fatalf("DELETE: status = %d, body %q; want 204 and no body", r.Status, r.Body)
	}
	if r := env.do(t, req{Method: "GET", Path: "/partner/v1/partner-results/" + id}); r.Status != http.StatusNotFound {
		t.Errorf("GET after DELETE: status = %d, want 404", r.Status)
	}
	if r := env.do(t, req{Method: "DELETE", Path: "/partner/v1/partner-results/" + id}); r.Status != http.StatusNotFound {
		t.Errorf("second DELETE: status = %d, want 404", r.Status)
	}
}

// The list is paged as JSON:API: meta counts, first/last always, prev and
// next only where they exist; a partner sees only its own results.
func TestResultListPaging(t *testing.T) {
	env := newTestEnv(t)
	var ids []string
	for i := range 23 {
		ids = append(ids, env.createResult(t, fmt.Sprintf(`{"status":"sent","candidate-id":%d}`, i+1)))
	}
	other := *env
	other.key = env.otherKey
	other.createResult(t, `{"status":"sent","candidate-id":999}`)

	link := func(n, size int) string {
		return fmt.Sprintf("%s/partner/v1/partner-results?page%%5Bnumber%%5D=%d&page%%5Bsize%%5D=%d", env.srv.URL, n, size)
	}
	tests := []struct {
		query    string
		wantIDs  []string
		wantMeta map[string]any
		links    map[string]any
	}{
		{"", ids[:10], map[string]any{"record-count": 23.0, "page-count": 3.0},
			map[string]any{"first": link(1, 10), "last": link(3, 10), "next": link(2, 10)}},
		{"?page[number]=2", ids[10:20], map[string]any{"record-count": 23.0, "page-count": 3.0},
			map[string]any{"first": link(1, 10), "last": link(3, 10), "prev": link(1, 10), "next": link(3, 10)}},
		{"?page%5Bnumber%5D=3&page%5Bsize%5D=10", ids[20:], map[string]any{"record-count": 23.0, "page-count": 3.0},
			map[string]any{"first": link(1, 10), "last": link(3, 10), "prev": link(2, 10)}},
		{"?page[size]=30", ids, map[string]any{"record-count": 23.0, "page-count": 1.0},
			map[string]any{"first": link(1, 30), "last": link(1, 30)}},
		{"?page[number]=9&page[size]=5", nil, map[string]any{"record-count": 23.0, "page-count": 5.0},
			map[string]any{"first": link(1, 5), "last": link(5, 5), "prev": link(5, 5)}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := env.do(t, req{Method: "GET", Path: "/partner/v1/partner-results" + tt.query})
			if r.Status != http.StatusOK {
				t.Fatalf("status = %d; body: %s", r.Status, r.Body)
			}
			mustMatchSchema(t, "partner-result-list", r.Body)
			d := doc(t, r)
			var gotIDs []string
			for _, item := range d["data"].([]any) {
				gotIDs = append(gotIDs, item.(map[string]any)["id"].(string))
			}
			if diff := cmp.Diff(tt.wantIDs, gotIDs); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMeta, d["meta"]); diff != "" {
				t.Errorf("meta (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.links, d["links"]); diff != "" {
				t.Errorf("links (-want +got):\n%s", diff)
			}
		})
	}
}

// An empty list is "data": [] with zero counts, never null.
func TestResultListEmpty(t *testing.T) {
	env := newTestEnv(t)
	r := env.do(t, req{Method: "GET", Path: "/partner/v1/partner-results"})
	want := fmt.Sprintf(`{"data": [], "meta": {"record-count": 0, "page-count": 0},
		"links": {"first": "%[1]s/partner/v1/partner-results?page%%5Bnumber%%5D=1&page%%5Bsize%%5D=10",
		          "last": "%[1]s/partner/v1/partner-results?page%%5Bnumber%%5D=1&page%%5Bsize%%5D=10"}}`, env.srv.URL)
	if diff := cmp.Diff(jsonValue(t, want), doc(t, r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A seeded id source restarts its sequence on every start; over a state
// file holding results from an earlier run, creating still succeeds with
// a fresh id instead of a conflict.
func TestResultCreateSurvivesReusedSeed(t *testing.T) {
	env := newTestEnv(t)
	start := func() string {
		cfg := serveConfig()
		cfg.PublicURL = env.srv.URL
		env.srv.Config.Handler = New(env.logger, cfg, env.store, idgen.NewSeeded(7), func() time.Time { return fixedNow }, nil)
		return env.createResult(t, `{"status":"sent","candidate-id":2}`)
	}
	first := start()
	if second := start(); second == first {
		t.Fatalf("id %s handed out twice", second)
	}
	if _, total, _ := env.store.Results(t.Context(), "1", store.Page{}); total != 2 {
		t.Errorf("have %d results, want 2", total)
	}
}
