package examplepartner_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// Company events of the webhook setup: 204 with the provider key and a
// Teamtailor-Signature of "<t>.<payload.data.id>"; 401 without either or
// with the signature of something else; 400 for a body without an id.
func TestCompanyEvents(t *testing.T) {
	p := newPartner(t, nil)
	body, err := fixtures.Raw(fixtures.KindCompanyEvents, "job-application-update")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := signature.ResourceID(body)
	good := bearer(uuidKey)
	good.Set(signature.Header, signature.Sign(webhookSecret, id, now))
	stale := bearer(uuidKey)
	stale.Set(signature.Header, signature.Sign(webhookSecret, id, now.Add(-10*time.Minute)))
	otherID := bearer(uuidKey)
	otherID.Set(signature.Header, signature.Sign(webhookSecret, "1", now))
	noKey := http.Header{signature.Header: {signature.Sign(webhookSecret, id, now)}}
	for _, tc := range []struct {
		name   string
		body   []byte
		header http.Header
		want   int
	}{
		{"signed", body, good, http.StatusNoContent},
		{"stale", body, stale, http.StatusUnauthorized},
		{"signature of another id", body, otherID, http.StatusUnauthorized},
		{"no signature", body, bearer(uuidKey), http.StatusUnauthorized},
		{"no provider key", body, noKey, http.StatusUnauthorized},
		{"no data.id", []byte(`{"payload":{}}`), good, http.StatusBadRequest},
	} {
		if w := call(p, "POST", "/teamtailor/events", tc.body, tc.header); w.Code != tc.want {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, w.Code, tc.want, w.Body)
		}
	}
}
