// Package mockclient is a typed Go client of the mock's control API
// (/mock/v1), the admin surface the CLI and tests drive the mock through.
// Client implements controlapi.Admin, as the mock's Server does in
// process; requests and answers are controlapi's documents.
package mockclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// DefaultTimeout bounds each request of a client made with a nil
// *http.Client. StreamDeliveries is not bounded by it.
const DefaultTimeout = 60 * time.Second

// Client is the admin model over HTTP.
var _ controlapi.Admin = (*Client)(nil)

// Client calls the control API of one mock. It is safe for concurrent use.
type Client struct {
	base  string
	hc    *http.Client
	token string // control token, sent as "Authorization: Bearer"; "" sends none
}

// New returns a client of the mock at baseURL (e.g.
// "http://127.0.0.1:8080"; a trailing slash is ignored). A nil hc gets a
// client with a DefaultTimeout timeout.
func New(baseURL string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), hc: hc}
}

// WithToken returns a copy of the client that sends the mock's control
// token (serve prints it when it listens beyond loopback; the CLI reads
// MOCKTT_CONTROL_TOKEN) as "Authorization: Bearer <token>".
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.token = token
	return &cp
}

// authorize adds the control token, if any, to req.
func (c *Client) authorize(req *http.Request) {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
}

// BaseURL returns the mock's URL the client calls.
func (c *Client) BaseURL() string { return c.base }

// APIError is a control API answer with a 4xx or 5xx status.
type APIError struct {
	Status int
	Errors []protocol.ErrorObject
}

// Error lists the problems, one "detail (pointer)" per line.
func (e *APIError) Error() string {
	if len(e.Errors) == 0 {
		return fmt.Sprintf("the mock answered %d %s", e.Status, http.StatusText(e.Status))
	}
	lines := make([]string, 0, len(e.Errors))
	for _, o := range e.Errors {
		msg := o.Detail
		if msg == "" {
			msg = o.Title
		}
		switch {
		case o.Source != nil && o.Source.Pointer != "":
			msg += " (" + o.Source.Pointer + ")"
		case o.Source != nil && o.Source.Parameter != "":
			msg += " (query parameter " + o.Source.Parameter + ")"
		}
		lines = append(lines, msg)
	}
	return strings.Join(lines, "\n")
}

// UnreachableError means no HTTP answer came from the mock at all.
type UnreachableError struct {
	URL string
	Err error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("the mock is not reachable at %s (%v); start it with `mockteamtailor serve`, or point --mock (MOCKTT_MOCK) at the one running", e.URL, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// request is one call to the control API.
type request struct {
	method string
	path   string
	query  url.Values
	body   any       // encoded as JSON when not nil
	raw    io.Reader // sent as is with contentType, instead of body
	ctype  string
}

// send performs r and returns the response with its body read. A status
// of 400 or more is an *APIError; no answer is an *UnreachableError.
func (c *Client) send(ctx context.Context, r request) (int, []byte, error) {
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	body, ctype := r.raw, r.ctype
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return 0, nil, fmt.Errorf("encode %s %s: %w", r.method, r.path, err)
		}
		body, ctype = bytes.NewReader(b), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return 0, nil, fmt.Errorf("mock URL %q: %w", c.base, err)
	}
	req.Header.Set("Accept", "application/json")
	c.authorize(req)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, ctx.Err()
		}
		return 0, nil, &UnreachableError{URL: c.base, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%s %s: reading the answer: %w", r.method, r.path, err)
	}
	if resp.StatusCode >= 400 {
		return resp.StatusCode, data, apiError(resp.StatusCode, data)
	}
	return resp.StatusCode, data, nil
}

// do performs r and decodes a successful answer into out (unless nil).
func (c *Client) do(ctx context.Context, r request, out any) error {
	_, data, err := c.send(ctx, r)
	if err != nil || out == nil || len(bytes.TrimSpace(data)) == 0 {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the JSON expected: %w", r.method, r.path, err)
	}
	return nil
}

// apiError decodes an error document; a body that is not one becomes the
// detail of a single error.
func apiError(status int, data []byte) *APIError {
	e := &APIError{Status: status}
	var doc struct {
		Errors []protocol.ErrorObject `json:"errors"`
	}
	if json.Unmarshal(data, &doc) == nil && len(doc.Errors) > 0 {
		e.Errors = doc.Errors
		return e
	}
	detail := strings.TrimSpace(string(data))
	if len(detail) > 300 {
		detail = detail[:300] + "…"
	}
	if detail == "" {
		detail = "no body"
	}
	e.Errors = []protocol.ErrorObject{{Status: fmt.Sprint(status), Title: http.StatusText(status),
		Detail: fmt.Sprintf("the mock answered %d %s: %s", status, http.StatusText(status), detail)}}
	return e
}

// unwrapURLError drops the "Get \"url\":" prefix *url.Error adds, since
// UnreachableError names the URL already.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
