package mockteamtailor

import (
	"errors"
	"net/http"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/delivery"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// A call to a partner without a base URL is delivery.ErrNoBaseURL, which
// the HTTP edge answers as a 409 that keeps it as its cause, so callers
// can match it with errors.Is.
func TestConflictKeepsItsCause(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	companies, err := env.store.Companies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var company string
	for _, c := range companies {
		if _, err := env.store.ActivationFor(ctx, "2", c.UUID); err == nil {
			company = c.UUID
		}
	}
	if company == "" {
		t.Fatal("partner 2 is activated nowhere")
	}
	_, err = env.server.FetchConfig(ctx, controlapi.ConfigRequest{PartnerID: "2", CompanyUUID: company})
	if !errors.Is(err, delivery.ErrNoBaseURL) {
		t.Fatalf("FetchConfig for a partner without a base URL: %v, want an error matching delivery.ErrNoBaseURL", err)
	}
	var e *protocol.Error
	if err := httpapi.Of(err); !errors.Is(err, delivery.ErrNoBaseURL) || !errors.As(err, &e) || e.Status != http.StatusConflict {
		t.Fatalf("error %v is not a 409", err)
	}
}
