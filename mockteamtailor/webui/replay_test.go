package webui

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// The "Replay a captured webhook" page takes a pasted capture, replays it
// to the partner, and shows the deviations, the rewritten paths, the
// partner's answer and, once posted, the partner's result; a dry run
// shows the signed request; bad pastes are explained.
func TestReplayCapturedWebhookPage(t *testing.T) {
	e := newEnv(t)
	raw, err := os.ReadFile("../../fixtures/captures/teamtailor-example.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	drifted := strings.Split(strings.TrimSpace(string(raw)), "\n")[1]

	status, body := e.get("/replay")
	if status != http.StatusOK {
		t.Fatalf("GET /replay: %d", status)
	}
	mustContain(t, body, "Replay a captured webhook", `<textarea id="capture" name="capture"`, "(sandbox)")
	_, body = e.get("/deliveries")
	mustContain(t, body, `href="/replay"`)

	status, body, path := e.post("/replay", url.Values{"capture": {drifted}, "company": {e.sandbox.Company.UUID}})
	if status != http.StatusOK || !strings.HasPrefix(path, "/replay/") {
		t.Fatalf("POST /replay: %d at %s", status, path)
	}
	mustContain(t, body, "Replayed the capture as delivery", "unknown-key", "/partner-event/candidate/pronouns", "type-change",
		"/partner-event/candidate/phone", "/partner-event/partner-result/update-url", "answered 200")
	eventually(t, "the partner's result", func() bool {
		_, body = e.get(path)
		return strings.Contains(body, "data-posted-result") && strings.Contains(body, "<dd>completed</dd>")
	})

	_, body, _ = e.post("/replay", url.Values{"capture": {drifted}, "dryRun": {"true"}})
	mustContain(t, body, "Dry run: nothing sent", "curl -sS -i -X POST", "Teamtailor-Signature: t=")

	for paste, want := range map[string]string{"": "Paste a captured webhook", "{nope": "Line 1 is not JSON", `{"a":1}`: "neither partner-event"} {
		status, body, _ = e.post("/replay", url.Values{"capture": {paste}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Errorf("paste %q: %d, want 422 saying %q\n%s", paste, status, want, body[strings.Index(body, "Not replayed"):][:400])
		}
	}
	if status, _ := e.get("/replay/999999"); status != http.StatusNotFound {
		t.Errorf("an unknown replay: %d, want 404", status)
	}
}
