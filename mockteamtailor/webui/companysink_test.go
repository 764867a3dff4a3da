package webui

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/signature"
)

// companySink is a partner's receiver of company events that keeps what
// it gets, in order, for the browser tests to judge.
type companySink struct {
	srv *httptest.Server
	mu  sync.Mutex // guards got
	got []sunkEvent
}

type sunkEvent struct {
	header http.Header
	body   []byte
	name   string
	id     string
	attrs  map[string]any
}

func newCompanySink(t *testing.T) *companySink {
	t.Helper()
	s := &companySink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var doc struct {
			Payload struct {
				Name string `json:"event_name"`
				Data struct {
					ID         string         `json:"id"`
					Attributes map[string]any `json:"attributes"`
				} `json:"data"`
			} `json:"payload"`
		}
		json.Unmarshal(body, &doc)
		s.mu.Lock()
		s.got = append(s.got, sunkEvent{header: r.Header.Clone(), body: body, name: doc.Payload.Name, id: doc.Payload.Data.ID, attrs: doc.Payload.Data.Attributes})
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// wait returns the first n events, failing after 10 s.
func (s *companySink) wait(t *testing.T, n int) []sunkEvent {
	t.Helper()
	var got []sunkEvent
	eventually(t, "company events at the partner's receiver", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		got = slices.Clone(s.got)
		return len(got) >= n
	})
	return got[:n]
}

// verify checks one partner-setup delivery with the documented verifiers
// (docs/company-webhooks.md §6): the provider key, Teamtailor-Signature
// over "<t>.<payload.data.id>" and TT-Signature v1, keyed with the
// partner's webhook secret.
func (ev sunkEvent) verify(t *testing.T, secret, providerKey string) {
	t.Helper()
	if a := ev.header.Get("Authorization"); a != "Bearer "+providerKey {
		t.Errorf("%s: Authorization %q, want the activation's provider key", ev.name, a)
	}
	if err := signature.Verify(ev.header.Get(signature.Header), secret, ev.id, time.Now(), 0); err != nil {
		t.Errorf("%s: Teamtailor-Signature: %v", ev.name, err)
	}
	if err := signature.VerifyCompany(ev.header.Get(signature.CompanyHeader), secret, ev.body, time.Now(), 0); err != nil {
		t.Errorf("%s: TT-Signature: %v", ev.name, err)
	}
}
