package mockcontainer_test

// These tests run the image named by MOCKTEAMTAILOR_IMAGE (CI builds it
// from the Dockerfile: .ci/testcontainers-check) through the Docker API
// at DOCKER_HOST: the mock in one container, the example partner in
// another, on one network. Without MOCKTEAMTAILOR_IMAGE they skip.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"

	mockcontainer "github.com/mockteamtailor/mockteamtailor/clients/go"
)

const (
	apiKey        = "ttpk_gotest_4f2a"
	webhookSecret = "ttws_gotest_8d1c"
)

var (
	mock       *mockcontainer.Container
	skipReason string
)

// noHealthcheck turns the image's HEALTHCHECK off: podman runs it on a
// systemd timer, which a CI container has not. Run waits on /healthz.
var noHealthcheck = testcontainers.WithConfigModifier(func(c *container.Config) {
	c.Healthcheck = &container.HealthConfig{Test: []string{"NONE"}}
})

func TestMain(m *testing.M) {
	image := os.Getenv("MOCKTEAMTAILOR_IMAGE")
	if image == "" {
		skipReason = "MOCKTEAMTAILOR_IMAGE is not set: no image to run (.ci/testcontainers-check sets it)"
		os.Exit(m.Run())
	}
	code, err := run(m, image)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mockcontainer tests:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// run starts the example partner and the mock on one network, runs the
// tests, and removes both containers and the network.
func run(m *testing.M, image string) (int, error) {
	ctx := context.Background()
	nw, err := network.New(ctx)
	if err != nil {
		return 0, fmt.Errorf("create a network: %w", err)
	}
	defer nw.Remove(ctx)
	// The partner answers each webhook "pending" and posts the completed
	// result 100 ms later: WaitResult has to wait for it.
	partner, err := testcontainers.Run(ctx, image,
		network.WithNetwork([]string{"partner"}, nw),
		noHealthcheck,
		testcontainers.WithEntrypoint("examplepartner"),
		testcontainers.WithCmd("--listen", "0.0.0.0:3000", "--api-key", apiKey, "--webhook-secret", webhookSecret,
			"--teamtailor-url", "http://mock:8080", "--result-delay", "100ms"),
		testcontainers.WithWaitStrategy(wait.ForLog("listening on").WithStartupTimeout(30*time.Second)),
	)
	defer testcontainers.TerminateContainer(partner)
	if err != nil {
		return 0, fmt.Errorf("start the example partner: %w", err)
	}
	mock, err = mockcontainer.Run(ctx, image,
		network.WithNetwork([]string{"mock"}, nw),
		noHealthcheck,
		mockcontainer.WithPartner("http://partner:3000"),
		mockcontainer.WithPublicURL("http://mock:8080"),
		mockcontainer.WithKeys(apiKey, webhookSecret),
		mockcontainer.WithSeed(7),
	)
	if mock != nil {
		defer testcontainers.TerminateContainer(mock)
	}
	if err != nil {
		return 0, err
	}
	return m.Run(), nil
}

func setup(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}

// Run exposes the mock's URL and reads its keys from the control API.
func TestRunExposesURLAndKeys(t *testing.T) {
	setup(t)
	if mock.URL == "" || mock.ControlToken == "" {
		t.Fatalf("URL %q, control token %q: want both", mock.URL, mock.ControlToken)
	}
	if mock.APIKey != apiKey || mock.WebhookSecret != webhookSecret || mock.ProviderKey == "" {
		t.Errorf("keys = %q, %q, provider key %q; want the given ones and a provider key", mock.APIKey, mock.WebhookSecret, mock.ProviderKey)
	}
	resp, err := http.Get(mock.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("GET /healthz = %d %q", resp.StatusCode, body)
	}
}

// Trigger, wait for the result, assert: 20 times in a row, no sleep. The
// result is not final when the trigger returns (the partner posts 100 ms
// later), so each WaitResult really waits.
func TestTriggerWaitAssert(t *testing.T) {
	setup(t)
	ctx := context.Background()
	for i := range 20 {
		out, err := mock.Trigger(ctx, controlapi.ManualRequest{PartnerID: "1", CandidateID: int64(1 + i%12), Data: map[string]string{"test": "go", "threshold": "70"}})
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if out.Delivery.Verdict != "ok" || out.Result.ID == "" {
			t.Fatalf("run %d: delivery %s (%s), result %q; want ok with a result", i, out.Delivery.Verdict, out.Delivery.Reason, out.Result.ID)
		}
		if out.Result.Status.Final() {
			t.Fatalf("run %d: the result is already %s: the wait would prove nothing", i, out.Result.Status)
		}
		res, err := mock.WaitResult(ctx, out.Result.ID, 30*time.Second)
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if res.Status != "completed" || res.Assessment.Score == nil {
			t.Fatalf("run %d: result %+v; want completed with a score", i, res)
		}
	}
}

// A result that does not become final in time is a *NotFinalError.
func TestWaitResultTimeout(t *testing.T) {
	setup(t)
	ctx := context.Background()
	out, err := mock.Trigger(ctx, controlapi.ManualRequest{PartnerID: "1", CandidateID: 1, Data: map[string]string{"test": "go", "threshold": "70"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = mock.WaitResult(ctx, out.Result.ID, time.Millisecond)
	var nf *mockcontainer.NotFinalError
	if !errors.As(err, &nf) || nf.Result.ID != out.Result.ID {
		t.Fatalf("WaitResult(1ms) = %v, want a NotFinalError for %s", err, out.Result.ID)
	}
	if _, err := mock.WaitResult(ctx, out.Result.ID, 30*time.Second); err != nil {
		t.Fatal(err)
	}
}

// Bulk sends one webhook per candidate and waits for the run.
func TestBulk(t *testing.T) {
	setup(t)
	ctx := context.Background()
	run, err := mock.Bulk(ctx, controlapi.BulkRequest{PartnerID: "1", CandidateIDs: []int64{1, 2, 3}, Data: map[string]string{"test": "go", "threshold": "70"}})
	if err != nil {
		t.Fatal(err)
	}
	if !run.Done || run.Total != 3 || run.Sent != 3 || len(run.ResultIDs) != 3 {
		t.Fatalf("bulk run = %+v, want 3 sent, done", run)
	}
	for _, id := range run.ResultIDs {
		if _, err := mock.WaitResult(ctx, id, 30*time.Second); err != nil {
			t.Error(err)
		}
	}
}

// Faults reach the Partner API; a reset clears them and the results.
func TestFaultsAndReset(t *testing.T) {
	setup(t)
	ctx := context.Background()
	if _, err := mock.SetFaults(ctx, controlapi.Faults{Status: http.StatusServiceUnavailable, Count: 1}); err != nil {
		t.Fatal(err)
	}
	call := func() int {
		req, _ := http.NewRequest(http.MethodGet, mock.URL+"/partner/v1/partner-results", nil)
		req.Header.Set("Authorization", "Token "+apiKey)
		req.Header.Set("X-Api-Version", "20180828")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := call(); got != http.StatusServiceUnavailable {
		t.Errorf("first call with the fault = %d, want 503", got)
	}
	if got := call(); got != http.StatusOK {
		t.Errorf("second call = %d, want 200", got)
	}
	if err := mock.ClearFaults(ctx); err != nil {
		t.Fatal(err)
	}
	if err := mock.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	rs, err := mock.Client.Results(ctx, store.ResultFilter{})
	if err != nil || len(rs) != 0 {
		t.Errorf("after reset: %d results, %v; want none", len(rs), err)
	}
}
