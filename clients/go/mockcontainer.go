// Package mockcontainer starts the mockteamtailor image (a fake Teamtailor)
// as a container with Testcontainers for Go, and drives it from tests:
// trigger webhooks, run bulk triggers, wait for a partner's result, set
// Partner API faults, reset.
//
// Waiting for a result is a long poll on the mock's control API
// (GET /mock/v1/results/{id}/wait): the call returns as soon as the
// partner posts its final status, so a test never sleeps.
//
//	mock, err := mockcontainer.Run(ctx, "mockteamtailor", mockcontainer.WithPartner("http://host.docker.internal:3000"))
//	defer testcontainers.TerminateContainer(mock)
//	out, err := mock.Trigger(ctx, controlapi.ManualRequest{PartnerID: "1", CandidateID: 1, Data: map[string]string{"test": "go"}})
//	res, err := mock.WaitResult(ctx, out.Result.ID, 30*time.Second)
//
// The requests and answers are the main module's controlapi documents; the
// full control API is mock.Client (package mockclient).
package mockcontainer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/mockclient"
)

// Port is the port the mock listens on inside the container.
const Port = "8080/tcp"

// Container is a running mock: its URL and keys, and helpers over its
// control API. Terminate it when done (testcontainers.TerminateContainer).
type Container struct {
	*testcontainers.DockerContainer

	// URL is where the test reaches the mock, e.g. http://localhost:32771.
	URL string
	// ControlToken is the control API's token (the control API and the web
	// UI require it, since the mock listens beyond loopback in its
	// container); Client sends it.
	ControlToken string
	// Client calls the mock's whole control API.
	Client *mockclient.Client
	// Keys are the credentials the mock holds, read at start: partners'
	// API keys and webhook secrets, activations' provider keys, the
	// companies' public-API keys.
	Keys controlapi.Keys
	// APIKey, WebhookSecret and ProviderKey are partner 1's API key and
	// webhook secret, and the provider key of its sandbox activation: what
	// a partner under test is configured with.
	APIKey, WebhookSecret, ProviderKey string
}

// Run starts image (e.g. "mockteamtailor", built from the repository's
// Dockerfile) running "mockteamtailor serve", waits until /healthz
// answers, and reads the keys. Without WithPartner the mock runs its
// bundled example partner inside the container. On an error after the
// container was created, the container is returned too, so the caller
// can terminate it.
func Run(ctx context.Context, image string, opts ...testcontainers.ContainerCustomizer) (*Container, error) {
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	base := []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(Port),
		testcontainers.WithCmd("serve", "--listen", "0.0.0.0:8080", "--control-token", token),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/healthz").WithPort(Port).WithStartupTimeout(60 * time.Second)),
	}
	ctr, err := testcontainers.Run(ctx, image, append(base, opts...)...)
	var c *Container
	if ctr != nil {
		c = &Container{DockerContainer: ctr, ControlToken: token}
	}
	if err != nil {
		return c, fmt.Errorf("run the mockteamtailor image %s: %w", image, err)
	}
	if c.URL, err = ctr.PortEndpoint(ctx, Port, "http"); err != nil {
		return c, fmt.Errorf("the mock's URL: %w", err)
	}
	c.Client = mockclient.New(c.URL, nil).WithToken(token)
	if c.Keys, err = c.Client.Keys(ctx); err != nil {
		return c, fmt.Errorf("read the mock's keys: %w", err)
	}
	for _, p := range c.Keys.Partners {
		if p.ID != "1" {
			continue
		}
		c.APIKey, c.WebhookSecret = p.APIKey, p.WebhookSecret
		if len(p.Activations) > 0 {
			c.ProviderKey = p.Activations[0].ProviderKey
		}
	}
	return c, nil
}

// serveArgs appends flags to the serve command.
func serveArgs(args ...string) testcontainers.CustomizeRequestOption {
	return func(req *testcontainers.GenericContainerRequest) error {
		req.Cmd = append(req.Cmd, args...)
		return nil
	}
}

// WithPartner points partner 1 at the partner under test: its BASE_URL
// as the container reaches it (serve --partner-base-url), e.g.
// http://partner:3000 on a shared network.
func WithPartner(baseURL string) testcontainers.CustomizeRequestOption {
	return serveArgs("--partner-base-url", baseURL)
}

// WithPublicURL sets the URL partners reach the mock at, used in each
// webhook's update-url (serve --public-url), e.g. http://mock:8080 when
// the partner runs in a container on a shared network with the alias
// "mock".
func WithPublicURL(url string) testcontainers.CustomizeRequestOption {
	return serveArgs("--public-url", url)
}

// WithKeys fixes partner 1's API key and webhook secret (serve --api-key,
// --webhook-secret) instead of generated ones.
func WithKeys(apiKey, webhookSecret string) testcontainers.CustomizeRequestOption {
	return serveArgs("--api-key", apiKey, "--webhook-secret", webhookSecret)
}

// WithSeed makes every generated key and id deterministic (serve --seed).
func WithSeed(seed int64) testcontainers.CustomizeRequestOption {
	return serveArgs("--seed", strconv.FormatInt(seed, 10))
}

// WithServeArgs adds any other serve flags.
func WithServeArgs(args ...string) testcontainers.CustomizeRequestOption {
	return serveArgs(args...)
}

// Trigger sends a manual trigger's webhook to the partner and returns the
// delivery (its verdict) and the partner result as it stands after the
// webhook's answer.
func (c *Container) Trigger(ctx context.Context, req controlapi.ManualRequest) (controlapi.Outcome, error) {
	return c.Client.ManualTrigger(ctx, req)
}

// Bulk sends one webhook per candidate in bulk mode and returns when the
// run is done: req.Wait is set. BulkRun.ResultIDs are the results.
func (c *Container) Bulk(ctx context.Context, req controlapi.BulkRequest) (controlapi.BulkRun, error) {
	req.Wait = true
	return c.Client.BulkTrigger(ctx, req)
}

// NotFinalError is WaitResult's error when the result is not final
// (completed or failed) within its timeout.
type NotFinalError struct {
	Result  controlapi.Result // as it stood at the timeout
	Timeout time.Duration
}

func (e *NotFinalError) Error() string {
	return fmt.Sprintf("partner result %s is still %q after %s", e.Result.ID, e.Result.Status, e.Timeout)
}

// WaitResult returns the partner result id once it is final (completed or
// failed). It long-polls the mock, which answers as soon as the partner
// posts, so it neither sleeps nor polls; after timeout it returns a
// *NotFinalError holding the result as it stood.
func (c *Container) WaitResult(ctx context.Context, id string, timeout time.Duration) (controlapi.Result, error) {
	w, err := c.Client.WaitResult(ctx, id, timeout)
	if err != nil {
		return controlapi.Result{}, err
	}
	if !w.Final {
		return w.Result, &NotFinalError{Result: w.Result, Timeout: timeout}
	}
	return w.Result, nil
}

// SetFaults injects faults into the Partner API (latency, a status for
// the next requests, dropped connections, rate limits).
func (c *Container) SetFaults(ctx context.Context, f controlapi.Faults) (controlapi.Faults, error) {
	return c.Client.SetFaults(ctx, f)
}

// ClearFaults turns every fault off.
func (c *Container) ClearFaults(ctx context.Context) error {
	_, err := c.Client.ClearFaults(ctx)
	return err
}

// Reset returns the mock to its start state: results, journal, faults
// and triggers go; partners, keys and the sandbox stay.
func (c *Container) Reset(ctx context.Context) error {
	return c.Client.Reset(ctx)
}

func newToken() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", errors.New("mockcontainer: no randomness for the control token")
	}
	return "mtc_" + hex.EncodeToString(b), nil
}
