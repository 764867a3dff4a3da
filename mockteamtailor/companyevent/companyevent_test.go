package companyevent

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// The worked example's body (docs/company-webhooks.md §5.3) comes out byte
// for byte: compact, members in order, no signature member for v2.
func TestBodyIsTheWorkedExample(t *testing.T) {
	type attrs struct {
		Title  string `json:"title"`
		Status string `json:"status"`
	}
	ev := Event{Name: JobUpdate, Data: Data{ID: "2", Type: TypeJobs, Attributes: attrs{"IT Designer 1", "archived"}}}
	got, err := Body(ev, "")
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"payload":{"event_name":"job.update","data":{"id":"2","type":"jobs","attributes":{"title":"IT Designer 1","status":"archived"}}}}`
	if string(got) != want {
		t.Errorf("Body =\n%s\nwant\n%s", got, want)
	}
	got, _ = Body(ev, "c2ln")
	if string(got) != want[:len(want)-1]+`,"signature":"c2ln"}` {
		t.Errorf("v1 body = %s", got)
	}
}

// Destroy events have id and type only; HTML is not escaped.
func TestBodyShapes(t *testing.T) {
	got, _ := Body(Event{Name: CandidateDestroy, Data: Data{ID: "410", Type: TypeCandidates}}, "x")
	if want := `{"payload":{"event_name":"candidate.destroy","data":{"id":"410","type":"candidates"}},"signature":"x"}`; string(got) != want {
		t.Errorf("destroy body = %s, want %s", got, want)
	}
	a := NewJobAttributes("<b>Dev</b> & co", "Acme", nil, time.Time{}, time.Time{})
	got, _ = Body(Event{Name: JobCreate, Data: Data{ID: "1", Type: TypeJobs, Attributes: a}}, "")
	if want := `"title":"<b>Dev</b> & co"`; !contains(string(got), want) || !contains(string(got), `"tags":[]`) {
		t.Errorf("body %s lacks %s or empty tags", got, want)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// Times carry milliseconds and the offset, as the public API renders them.
func TestTime(t *testing.T) {
	tz := time.FixedZone("CET", 3600)
	if got := Time(time.Date(2023, 2, 8, 10, 10, 13, 611e6, tz)); got != "2023-02-08T10:10:13.611+01:00" {
		t.Errorf("Time = %s", got)
	}
	if got := Time(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)); got != "2026-06-01T12:00:00.000+00:00" {
		t.Errorf("Time(UTC) = %s", got)
	}
}

// A rejection sets rejected-at and the transparent-recruiting time; an
// un-rejection clears both.
func TestRejection(t *testing.T) {
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	var a ApplicationAttributes
	a.Rejection(&at, time.Hour)
	if *a.RejectedAt != "2026-06-01T12:00:00.000+00:00" || *a.TransparentRecruitingVisibleAt != "2026-06-01T13:00:00.000+00:00" {
		t.Errorf("rejected: %v %v", *a.RejectedAt, *a.TransparentRecruitingVisibleAt)
	}
	a.Rejection(nil, time.Hour)
	if a.RejectedAt != nil || a.TransparentRecruitingVisibleAt != nil {
		t.Error("un-rejected application keeps its rejection times")
	}
}

func TestKnown(t *testing.T) {
	if len(Names) != 9 || !Known("job_application.update") || Known("job_application.updated") || Known("") {
		t.Error("Known/Names disagree with the nine events")
	}
}

// Every company-event fixture is what Body makes of its payload, and its
// v1 signature verifies under the documented key tt-sig-key-123.
func TestFixturesAreBodies(t *testing.T) {
	for _, name := range fixtures.Names(fixtures.KindCompanyEvents) {
		raw, err := fixtures.Raw(fixtures.KindCompanyEvents, name)
		if err != nil {
			t.Fatal(err)
		}
		ev, sig, err := Parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body, err := Body(ev, sig)
		if err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		json.Compact(&compact, raw)
		if !bytes.Equal(body, compact.Bytes()) {
			t.Errorf("%s: Body gives\n%s\nthe fixture is\n%s", name, body, compact.Bytes())
		}
		if sig != "" {
			if err := signature.VerifyCompanyV1(sig, "tt-sig-key-123", ev.Data.ID); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}
