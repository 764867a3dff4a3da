package mockclient

import (
	"context"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// ReplayCapture replays a captured webhook through the mock (POST
// /mock/v1/replays): made local, signed with the local secret, sent to
// the partner and journaled; or, with DryRun, returned as a curl command.
func (c *Client) ReplayCapture(ctx context.Context, req controlapi.ReplayRequest) (controlapi.ReplayOutcome, error) {
	var out controlapi.ReplayOutcome
	err := c.do(ctx, post(v1+"/replays", req), &out)
	return out, err
}
