package mockteamtailor

import (
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// PlannedMappings returns the custom field mappings an activation of form
// in company would make when the company maps nothing itself: one per
// customFieldMapping entry that Activate keeps (PROTOCOL §4: select and
// multiselect without options skipped, unknown types ignored, apiName in
// kebab-case), each creating its field. A web UI lists them so the company
// can map some onto existing fields (ActivateRequest.Mapping, keyed by the
// APIName returned here) instead.
func PlannedMappings(form protocol.Form, company store.Company) []store.FieldMapping {
	m, _ := planMappings(form.CustomFieldMapping, company, nil)
	return m
}
