package mockclient

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// ---- company webhooks and partner webhook setups ----

// Webhooks returns the company webhooks of a company, or of every company
// for "".
func (c *Client) Webhooks(ctx context.Context, company string) ([]controlapi.Subscription, error) {
	var q url.Values
	if company != "" {
		q = url.Values{"company": {company}}
	}
	var doc controlapi.SubscriptionList
	err := c.do(ctx, get(v1+"/webhooks", q), &doc)
	return doc.Webhooks, err
}

// CreateWebhook adds a company webhook and returns it with its signature
// key.
func (c *Client) CreateWebhook(ctx context.Context, in controlapi.SubscriptionInput) (controlapi.Subscription, error) {
	var out controlapi.Subscription
	err := c.do(ctx, post(v1+"/webhooks", in), &out)
	return out, err
}

// Webhook returns one company webhook.
func (c *Client) Webhook(ctx context.Context, id int64) (controlapi.Subscription, error) {
	var out controlapi.Subscription
	err := c.do(ctx, get(v1+"/webhooks/"+id64(id), nil), &out)
	return out, err
}

// DeleteWebhook removes a company webhook.
func (c *Client) DeleteWebhook(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: v1 + "/webhooks/" + id64(id)}, nil)
}

// WebhookSetup returns a partner's webhook setup.
func (c *Client) WebhookSetup(ctx context.Context, partner string) (controlapi.WebhookSetup, error) {
	var out controlapi.WebhookSetup
	err := c.do(ctx, get(v1+"/partners/"+url.PathEscape(partner)+"/webhook-setup", nil), &out)
	return out, err
}

// SetWebhookSetup gives a partner a webhook setup.
func (c *Client) SetWebhookSetup(ctx context.Context, partner string, in controlapi.WebhookSetup) (controlapi.WebhookSetup, error) {
	var out controlapi.WebhookSetup
	err := c.do(ctx, request{method: http.MethodPut, path: v1 + "/partners/" + url.PathEscape(partner) + "/webhook-setup", body: in}, &out)
	return out, err
}

// DeleteWebhookSetup removes a partner's webhook setup.
func (c *Client) DeleteWebhookSetup(ctx context.Context, partner string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: v1 + "/partners/" + url.PathEscape(partner) + "/webhook-setup"}, nil)
}

// UpdateCandidate changes the attributes a partial candidate object gives.
func (c *Client) UpdateCandidate(ctx context.Context, id int64, patch json.RawMessage) (store.CandidateRecord, error) {
	var out store.CandidateRecord
	err := c.do(ctx, request{method: http.MethodPatch, path: v1 + "/candidates/" + id64(id), body: patch}, &out)
	return out, err
}

// DeleteCandidate removes a candidate and its applications.
func (c *Client) DeleteCandidate(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: v1 + "/candidates/" + id64(id)}, nil)
}

// UpdateJob changes the fields of a job the patch gives.
func (c *Client) UpdateJob(ctx context.Context, id int64, patch controlapi.JobPatch) (store.Job, error) {
	var out store.Job
	err := c.do(ctx, request{method: http.MethodPatch, path: v1 + "/jobs/" + id64(id), body: patch}, &out)
	return out, err
}
