package delivery

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// journal is a Journal that keeps entries in memory.
type journal []store.Delivery

func (j *journal) AppendJournal(_ context.Context, d store.Delivery) (store.Delivery, error) {
	d.ID = int64(len(*j) + 1)
	*j = append(*j, d)
	return d, nil
}

func newSender(j *journal) *Sender {
	return &Sender{Client: NewClient(0, 1<<16), Journal: j, Clock: func() time.Time { return time.Unix(1_800_000_000, 0) },
		UserAgent: "Teamtailor", StackHost: "api.teamtailor.com", Timeout: 2 * time.Second, JournalBodyLimit: 1 << 10, MaxHeaderBytes: 1 << 16}
}

// Rule: one call makes an exchange, judges it and journals it; what
// happened is told by the error's type.
func TestFetchConfigIsOneExchange(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/config" || r.Header.Get("Authorization") != "Bearer pk" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"config":{"fields":[]}}`))
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()

	for _, c := range []struct {
		name    string
		base    string
		key     string
		verdict string
		check   func(error) bool
	}{
		{"valid", srv.URL, "pk", store.VerdictOK, func(err error) bool { return err == nil }},
		{"refused", srv.URL, "other", store.VerdictFailed, func(err error) bool {
			var pe *PartnerError
			return errors.As(err, &pe) && pe.DeliveryID == 1 && !pe.Unreachable &&
				pe.Error() == "GET /config: the partner answered 401, want 200 with a config document; body: no (journal entry 1)"
		}},
		{"unreachable", down, "pk", store.VerdictError, func(err error) bool {
			var pe *PartnerError
			return errors.As(err, &pe) && pe.Unreachable
		}},
		{"no base URL", "", "pk", "", func(err error) bool { return errors.Is(err, ErrNoBaseURL) }},
		{"bad URL", "http://[::1", "pk", "", func(err error) bool {
			var bad *BadURLError
			return errors.As(err, &bad)
		}},
	} {
		var j journal
		p := store.Partner{ID: "p", BaseURL: c.base}
		_, _, d, err := newSender(&j).FetchConfig(t.Context(), p, store.Activation{ProviderKey: c.key}, nil, store.Delivery{CompanyUUID: "co"})
		if !c.check(err) {
			t.Errorf("%s: error %v", c.name, err)
		}
		if c.verdict == "" {
			if len(j) != 0 {
				t.Errorf("%s: nothing was sent, yet %d entries", c.name, len(j))
			}
			continue
		}
		if len(j) != 1 || d.ID != 1 || d.Verdict != c.verdict || d.Kind != store.KindConfig || d.CompanyUUID != "co" {
			t.Errorf("%s: entry %+v (%d kept), want one %s config entry of company co", c.name, d, len(j), c.verdict)
		}
	}
}
