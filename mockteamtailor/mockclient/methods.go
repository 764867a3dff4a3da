package mockclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

const v1 = "/mock/v1"

func get(path string, query url.Values) request {
	return request{method: http.MethodGet, path: path, query: query}
}

func post(path string, body any) request {
	return request{method: http.MethodPost, path: path, body: body}
}

func id64(id int64) string { return strconv.FormatInt(id, 10) }

// ---- partners ----

// Partners returns every partner, ordered by id.
func (c *Client) Partners(ctx context.Context) ([]controlapi.PartnerView, error) {
	var doc controlapi.PartnerList
	err := c.do(ctx, get(v1+"/partners", nil), &doc)
	return doc.Partners, err
}

// Partner returns one partner.
func (c *Client) Partner(ctx context.Context, id string) (controlapi.PartnerView, error) {
	var p controlapi.PartnerView
	err := c.do(ctx, get(v1+"/partners/"+url.PathEscape(id), nil), &p)
	return p, err
}

// CreatePartner adds a partner integration and activates it in a sandbox
// company of its own.
func (c *Client) CreatePartner(ctx context.Context, in controlapi.PartnerInput) (controlapi.PartnerCreated, error) {
	var out controlapi.PartnerCreated
	err := c.do(ctx, post(v1+"/partners", in), &out)
	return out, err
}

// UpdatePartner changes the settings of a partner that are set in
// settings; the others keep their value, and a config set to the JSON null
// is cleared.
func (c *Client) UpdatePartner(ctx context.Context, id string, settings controlapi.PartnerInput) (controlapi.PartnerView, error) {
	var p controlapi.PartnerView
	err := c.do(ctx, request{method: http.MethodPatch, path: v1 + "/partners/" + url.PathEscape(id), body: settings}, &p)
	return p, err
}

// ActivationForm returns the activation form company is shown for the
// partner, fetched from the partner when it is dynamic.
func (c *Client) ActivationForm(ctx context.Context, partner, company string) (controlapi.ActivationFormResult, error) {
	var out controlapi.ActivationFormResult
	err := c.do(ctx, get(v1+"/partners/"+url.PathEscape(partner)+"/activation-form", url.Values{"company": {company}}), &out)
	return out, err
}

// FetchConfig fetches the partner's config form for a trigger, as the
// trigger dialog does: job, stage and user of 0 are left out, Bulk asks
// for the bulk form, Picked are values picked so far (for refetch
// fields). The mock journals the fetch as the form being shown, whatever
// req.Purpose says.
func (c *Client) FetchConfig(ctx context.Context, req controlapi.ConfigRequest) (controlapi.ConfigResult, error) {
	q := url.Values{}
	for k, v := range req.Picked {
		q.Set(k, v)
	}
	if req.CompanyUUID != "" {
		q.Set("company", req.CompanyUUID)
	}
	for name, v := range map[string]int64{"job": req.JobID, "stage": req.StageID, "user": req.UserID} {
		if v != 0 {
			q.Set(name, id64(v))
		}
	}
	if req.Bulk {
		q.Set("bulk", "true")
	}
	var out controlapi.ConfigResult
	err := c.do(ctx, get(v1+"/partners/"+url.PathEscape(req.PartnerID)+"/config", q), &out)
	return out, err
}

// ---- companies, jobs, candidates ----

// Companies returns every company.
func (c *Client) Companies(ctx context.Context) ([]store.Company, error) {
	var doc controlapi.CompanyList
	err := c.do(ctx, get(v1+"/companies", nil), &doc)
	return doc.Companies, err
}

// Company returns one company.
func (c *Client) Company(ctx context.Context, uuid string) (store.Company, error) {
	var out store.Company
	err := c.do(ctx, get(v1+"/companies/"+url.PathEscape(uuid), nil), &out)
	return out, err
}

// CreateCompany adds a company.
func (c *Client) CreateCompany(ctx context.Context, in controlapi.CompanyInput) (store.Company, error) {
	var out store.Company
	err := c.do(ctx, post(v1+"/companies", in), &out)
	return out, err
}

// CreateAPIKey gives a company a new key of the public API (/v1).
func (c *Client) CreateAPIKey(ctx context.Context, company string, in controlapi.APIKeyRequest) (store.APIKey, error) {
	var out store.APIKey
	err := c.do(ctx, post(v1+"/companies/"+url.PathEscape(company)+"/api-keys", in), &out)
	return out, err
}

// RevokeAPIKey takes a company's key of the public API (/v1) away.
func (c *Client) RevokeAPIKey(ctx context.Context, company, key string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: v1 + "/companies/" + url.PathEscape(company) + "/api-keys/" + url.PathEscape(key)}, nil)
}

// Jobs returns the jobs of a company, or of every company for "".
func (c *Client) Jobs(ctx context.Context, company string) ([]store.Job, error) {
	var q url.Values
	if company != "" {
		q = url.Values{"company": {company}}
	}
	var doc controlapi.JobList
	err := c.do(ctx, get(v1+"/jobs", q), &doc)
	return doc.Jobs, err
}

// Job returns one job with its stages.
func (c *Client) Job(ctx context.Context, id int64) (store.Job, error) {
	var out store.Job
	err := c.do(ctx, get(v1+"/jobs/"+id64(id), nil), &out)
	return out, err
}

// CreateJob adds a job to a company.
func (c *Client) CreateJob(ctx context.Context, in controlapi.JobInput) (store.Job, error) {
	var out store.Job
	err := c.do(ctx, post(v1+"/jobs", in), &out)
	return out, err
}

// AddStage appends a stage to a job's pipeline and returns the job.
func (c *Client) AddStage(ctx context.Context, job int64, name string) (store.Job, error) {
	var out store.Job
	err := c.do(ctx, post(v1+"/jobs/"+id64(job)+"/stages", controlapi.StageInput{Name: name}), &out)
	return out, err
}

// Candidates returns a page of a company's candidates (every company for
// ""); page and size of 0 take the mock's defaults (1 and 100).
func (c *Client) Candidates(ctx context.Context, company string, page, size int) (controlapi.CandidatePage, error) {
	q := url.Values{}
	if company != "" {
		q.Set("company", company)
	}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if size > 0 {
		q.Set("size", strconv.Itoa(size))
	}
	var out controlapi.CandidatePage
	err := c.do(ctx, get(v1+"/candidates", q), &out)
	return out, err
}

// Candidate returns one candidate.
func (c *Client) Candidate(ctx context.Context, id int64) (store.CandidateRecord, error) {
	var out store.CandidateRecord
	err := c.do(ctx, get(v1+"/candidates/"+id64(id), nil), &out)
	return out, err
}

// CreateCandidates adds candidates to a company and returns them.
func (c *Client) CreateCandidates(ctx context.Context, in controlapi.CandidateInput) ([]store.CandidateRecord, error) {
	var doc controlapi.CandidateList
	err := c.do(ctx, post(v1+"/candidates", in), &doc)
	return doc.Candidates, err
}

// MoveCandidate moves req.CandidateID into a job stage and fires every
// trigger on it.
func (c *Client) MoveCandidate(ctx context.Context, req controlapi.MoveRequest) (controlapi.MoveResult, error) {
	var out controlapi.MoveResult
	body := req
	body.CandidateID = 0 // the path names the candidate
	err := c.do(ctx, post(v1+"/candidates/"+id64(req.CandidateID)+"/move", body), &out)
	return out, err
}

// ---- activations, triggers ----

// Activations returns the activations of a partner, or of every partner
// for "".
func (c *Client) Activations(ctx context.Context, partner string) ([]store.Activation, error) {
	var q url.Values
	if partner != "" {
		q = url.Values{"partner": {partner}}
	}
	var doc controlapi.ActivationList
	err := c.do(ctx, get(v1+"/activations", q), &doc)
	return doc.Activations, err
}

// Activate fills in a partner's activation form for a company. When the
// partner's validation endpoint refuses, the result has Activated false
// and its messages in Errors, and err is nil; invalid form values are an
// *APIError.
func (c *Client) Activate(ctx context.Context, req controlapi.ActivateRequest) (controlapi.ActivateResult, error) {
	var out controlapi.ActivateResult
	status, data, err := c.send(ctx, post(v1+"/activations", req))
	if err != nil {
		// The mock answers a refusal with 422 and the result, not an error
		// document: {"activated": false, "errors": ["..."]}.
		var probe struct {
			Activated *bool `json:"activated"`
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || status != http.StatusUnprocessableEntity || json.Unmarshal(data, &probe) != nil || probe.Activated == nil {
			return out, err
		}
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return out, fmt.Errorf("POST %s/activations: the answer is not an activation result: %w", v1, err)
	}
	return out, nil
}

// Deactivate removes an activation.
func (c *Client) Deactivate(ctx context.Context, id string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: v1 + "/activations/" + url.PathEscape(id)}, nil)
}

// Triggers returns the triggers of a partner, or of every partner for "".
func (c *Client) Triggers(ctx context.Context, partner string) ([]store.Trigger, error) {
	var q url.Values
	if partner != "" {
		q = url.Values{"partner": {partner}}
	}
	var doc controlapi.TriggerList
	err := c.do(ctx, get(v1+"/triggers", q), &doc)
	return doc.Triggers, err
}

// CreateTrigger attaches a partner trigger to a job stage, with values
// picked in the partner's config form.
func (c *Client) CreateTrigger(ctx context.Context, req controlapi.TriggerRequest) (store.Trigger, error) {
	var out store.Trigger
	err := c.do(ctx, post(v1+"/triggers", req), &out)
	return out, err
}

// DeleteTrigger removes a trigger.
func (c *Client) DeleteTrigger(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: v1 + "/triggers/" + id64(id)}, nil)
}

// ManualTrigger sends one webhook for a candidate, as the button on the
// candidate card does, and returns what came of it.
func (c *Client) ManualTrigger(ctx context.Context, req controlapi.ManualRequest) (controlapi.Outcome, error) {
	var out controlapi.Outcome
	err := c.do(ctx, post(v1+"/manual-triggers", req), &out)
	return out, err
}

// BulkTrigger starts a bulk run, one webhook per candidate; BulkRun
// reports its progress (unless req.Wait, it returns before the end).
func (c *Client) BulkTrigger(ctx context.Context, req controlapi.BulkRequest) (controlapi.BulkRun, error) {
	var out controlapi.BulkRun
	err := c.do(ctx, post(v1+"/bulk-triggers", req), &out)
	return out, err
}

// BulkRun returns a bulk run's progress.
func (c *Client) BulkRun(ctx context.Context, id string) (controlapi.BulkRun, error) {
	var out controlapi.BulkRun
	err := c.do(ctx, get(v1+"/bulk-triggers/"+url.PathEscape(id), nil), &out)
	return out, err
}

// ---- deliveries, results ----

// Deliveries returns the journal entries f selects, oldest first (with
// f.Limit, the newest f.Limit of them).
func (c *Client) Deliveries(ctx context.Context, f store.JournalFilter) ([]store.Delivery, error) {
	ds, _, err := c.DeliveriesTotal(ctx, f)
	return ds, err
}

// DeliveriesTotal is Deliveries with the number of entries that match f
// before its limit.
func (c *Client) DeliveriesTotal(ctx context.Context, f store.JournalFilter) ([]store.Delivery, int, error) {
	q := url.Values{}
	for k, v := range map[string]string{"kind": f.Kind, "verdict": f.Verdict, "partner": f.PartnerID, "event": f.EventID, "result": f.ResultID, "bulk": f.BulkRunID} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.AfterID > 0 {
		q.Set("after", id64(f.AfterID))
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var doc controlapi.DeliveryList
	err := c.do(ctx, get(v1+"/deliveries", q), &doc)
	return doc.Deliveries, doc.Total, err
}

// Delivery returns one journal entry.
func (c *Client) Delivery(ctx context.Context, id int64) (store.Delivery, error) {
	var out store.Delivery
	err := c.do(ctx, get(v1+"/deliveries/"+id64(id), nil), &out)
	return out, err
}

// Replay sends a journaled call again, signed afresh, and returns the new
// journal entry.
func (c *Client) Replay(ctx context.Context, id int64) (store.Delivery, error) {
	var out store.Delivery
	err := c.do(ctx, post(v1+"/deliveries/"+id64(id)+"/replay", nil), &out)
	return out, err
}

// ReplayAsNewEvent sends a journaled webhook again as a new event: a
// fresh partner-event id and a fresh partner result (Replay keeps both).
func (c *Client) ReplayAsNewEvent(ctx context.Context, id int64) (store.Delivery, error) {
	var out store.Delivery
	keep := false
	err := c.do(ctx, post(v1+"/deliveries/"+id64(id)+"/replay", controlapi.DeliveryReplayRequest{KeepEventID: &keep}), &out)
	return out, err
}

// RejectApplication rejects a candidate's application to a job (0: its only one),
// or with undo takes the rejection back.
func (c *Client) RejectApplication(ctx context.Context, req controlapi.RejectRequest) (controlapi.RejectResult, error) {
	var out controlapi.RejectResult
	err := c.do(ctx, post(v1+"/candidates/"+id64(req.CandidateID)+"/reject", req), &out)
	return out, err
}

// Curl returns a shell command that sends a journaled request again, byte
// for byte (with its original signature).
func (c *Client) Curl(ctx context.Context, id int64) (string, error) {
	_, data, err := c.send(ctx, get(v1+"/deliveries/"+id64(id)+"/curl", nil))
	return string(data), err
}

// Results returns the partner results f selects.
func (c *Client) Results(ctx context.Context, f store.ResultFilter) ([]controlapi.Result, error) {
	q := url.Values{}
	for k, v := range map[string]string{"partner": f.PartnerID, "event": f.EventID, "status": string(f.Status)} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.CandidateID > 0 {
		q.Set("candidate", id64(f.CandidateID))
	}
	var doc controlapi.ResultList
	err := c.do(ctx, get(v1+"/results", q), &doc)
	return doc.Results, err
}

// Result returns one partner result, whichever partner it belongs to.
func (c *Client) Result(ctx context.Context, id string) (controlapi.Result, error) {
	var out controlapi.Result
	err := c.do(ctx, get(v1+"/results/"+url.PathEscape(id), nil), &out)
	return out, err
}

// WaitResult waits until the partner result id is final (completed or
// failed) or timeout passes, and returns the result as it stands then:
// ResultWait.Final says which. It long-polls GET
// /mock/v1/results/{id}/wait, each request at most 30 s (the mock refuses
// more than a minute), so it never sleeps and wakes as soon as the
// partner posts. An unknown result is an *APIError with status 404; ctx
// ending first is ctx's error.
func (c *Client) WaitResult(ctx context.Context, id string, timeout time.Duration) (controlapi.ResultWait, error) {
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left < time.Millisecond {
			left = time.Millisecond
		}
		left = min(left, waitChunk)
		var out controlapi.ResultWait
		q := url.Values{"timeout": {left.String()}}
		if err := c.do(ctx, get(v1+"/results/"+url.PathEscape(id)+"/wait", q), &out); err != nil {
			return controlapi.ResultWait{}, err
		}
		if out.Final || !time.Now().Before(deadline) {
			return out, nil
		}
	}
}

// waitChunk is the longest one request of WaitResult waits: well under
// DefaultTimeout, so the HTTP client never gives up on a wait the mock
// would still answer.
const waitChunk = 30 * time.Second

// InvokeAction clicks the index-th action button of a result: the
// original partner event is POSTed to the action's endpoint.
func (c *Client) InvokeAction(ctx context.Context, resultID string, index int) (store.Delivery, error) {
	var out store.Delivery
	err := c.do(ctx, post(v1+"/results/"+url.PathEscape(resultID)+"/actions/"+strconv.Itoa(index), nil), &out)
	return out, err
}

// ---- faults, uploads, keys, fixtures, reset ----

// Faults returns the fault injection in force on the Partner API.
func (c *Client) Faults(ctx context.Context) (controlapi.Faults, error) {
	var out controlapi.Faults
	err := c.do(ctx, get(v1+"/faults", nil), &out)
	return out, err
}

// SetFaults replaces the fault injection (and, when f.RateLimit is set,
// the rate limit) and returns what is in force.
func (c *Client) SetFaults(ctx context.Context, f controlapi.Faults) (controlapi.Faults, error) {
	var out controlapi.Faults
	err := c.do(ctx, request{method: http.MethodPut, path: v1 + "/faults", body: f}, &out)
	return out, err
}

// ClearFaults turns fault injection off and restores the configured rate
// limit.
func (c *Client) ClearFaults(ctx context.Context) (controlapi.Faults, error) {
	var out controlapi.Faults
	err := c.do(ctx, request{method: http.MethodDelete, path: v1 + "/faults"}, &out)
	return out, err
}

// Upload stores a file for a form's file field.
func (c *Client) Upload(ctx context.Context, name, contentType string, data []byte) (controlapi.Upload, error) {
	var out controlapi.Upload
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	err := c.do(ctx, request{method: http.MethodPost, path: v1 + "/uploads", query: url.Values{"name": {name}}, raw: bytes.NewReader(data), ctype: contentType}, &out)
	return out, err
}

// Keys returns every partner's API key, webhook secret and provider keys.
func (c *Client) Keys(ctx context.Context) (controlapi.Keys, error) {
	var out controlapi.Keys
	err := c.do(ctx, get(v1+"/keys", nil), &out)
	return out, err
}

// Fixtures returns the catalogue of fixtures the mock ships.
func (c *Client) Fixtures(ctx context.Context) ([]fixtures.Info, error) {
	var doc controlapi.FixtureList
	err := c.do(ctx, get(v1+"/fixtures", nil), &doc)
	return doc.Fixtures, err
}

// Reset starts the mock again: it returns to the state it had when it
// started (see Server.Reset).
func (c *Client) Reset(ctx context.Context) error {
	return c.do(ctx, post(v1+"/reset", nil), nil)
}
