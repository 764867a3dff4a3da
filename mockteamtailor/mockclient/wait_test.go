package mockclient_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/mockclient"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// Rule: WaitResult returns the result once the partner posts its final
// status; until then it is not final, and at its timeout it says so
// without an error. An unknown result is a 404 APIError.
func TestWaitResult(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	out, err := e.client.ManualTrigger(ctx, controlapi.ManualRequest{PartnerID: "1", CandidateID: e.candidate(t).ID})
	if err != nil {
		t.Fatal(err)
	}
	id := out.Result.ID
	w, err := e.client.WaitResult(ctx, id, 20*time.Millisecond)
	if err != nil || w.Final || w.Result.Status != "sent" {
		t.Fatalf("WaitResult before the partner posts = %+v, %v; want not final, sent", w, err)
	}

	got := make(chan controlapi.ResultWait, 1)
	go func() {
		w, err := e.client.WaitResult(ctx, id, 20*time.Second)
		if err != nil {
			t.Error(err)
		}
		got <- w
	}()
	// The partner posts its result to the update-url.
	body := `{"data":{"type":"partner-results","attributes":{"status":"completed","assessment":{"score":88}}}}`
	req, _ := http.NewRequest(http.MethodPatch, w.Result.UpdateURL, strings.NewReader(body))
	req.Header.Set("Authorization", "Token key-one-0001")
	req.Header.Set("X-Api-Version", protocol.APIVersion)
	req.Header.Set("Content-Type", protocol.MediaType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PATCH %s: %d", w.Result.UpdateURL, resp.StatusCode)
	}
	w = <-got
	if !w.Final || w.Result.Status != "completed" || w.Result.Assessment.Score == nil || *w.Result.Assessment.Score != 88 {
		t.Errorf("WaitResult = %+v, want final, completed, score 88", w)
	}

	_, err = e.client.WaitResult(ctx, "no-such-result", time.Second)
	var apiErr *mockclient.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusNotFound {
		t.Errorf("WaitResult(unknown) = %v, want a 404 APIError", err)
	}
}
