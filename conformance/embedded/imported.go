package embedded

import (
	"context"
	"fmt"

	"github.com/mockteamtailor/mockteamtailor/conformance/settings"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store/capture"
)

// ImportedFixtures returns the names of the fixtures --fixtures gave,
// sorted.
func (m *Mock) ImportedFixtures() []string {
	names := make([]string, len(settings.TestContext.Imported()))
	for i, f := range settings.TestContext.Imported() {
		names[i] = f.Name
	}
	return names
}

// PrepareImported builds the webhook of an imported fixture as a replay
// of it: the captured body with only the local paths rewritten (a fresh
// event id, a partner result of the embedded mock, the sandbox company),
// so the partner gets the shape production sent. Each call makes a new
// event and result.
func (m *Mock) PrepareImported(ctx context.Context, name string) (Webhook, error) {
	for _, f := range settings.TestContext.Imported() {
		if f.Name != name {
			continue
		}
		pc, err := m.Server.PrepareCapture(ctx, mockteamtailor.CaptureRequest{PartnerID: m.Partner.ID, CompanyUUID: m.Company.UUID,
			Capture: capture.Capture{Source: "fixture " + name, Body: f.Body}})
		if err != nil {
			return Webhook{}, fmt.Errorf("prepare imported fixture %s: %w", name, err)
		}
		return Webhook{PreparedWebhook: pc.PreparedWebhook, Candidate: "imported fixture " + name}, nil
	}
	return Webhook{}, fmt.Errorf("there is no imported fixture %q", name)
}
