package partner

import (
	"log/slog"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/idgen"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// PickValues fills every field a recruiter can fill, with values the
// mock's form code accepts as they are.
func TestPickValuesFillsEveryFieldType(t *testing.T) {
	raw, err := fixtures.Raw(fixtures.KindConfigs, "every-field-type")
	if err != nil {
		t.Fatal(err)
	}
	form, problems := protocol.ParseForm("config", raw)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	srv, err := mockteamtailor.NewServer(slog.New(slog.DiscardHandler), mockteamtailor.DefaultConfig(), store.NewMemStore(), idgen.New(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	picked := PickValues(srv, form)
	if _, err := srv.PickValues(form, picked); err != nil {
		t.Fatalf("the mock refuses the picked values: %v", err)
	}
	data := WebhookData(srv, form, picked)
	for _, f := range form.Fields {
		if f.HasValue() && f.Type != "hidden" {
			if _, ok := data[protocol.WebhookDataKey(f.ID)]; !ok {
				t.Errorf("field %s (%s) got no value", f.ID, f.Type)
			}
		}
	}
}
