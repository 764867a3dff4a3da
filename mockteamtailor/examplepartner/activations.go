package examplepartner

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
)

// activations knows the UUID provider keys Teamtailor issued to the
// partner, read from GET /partner/v1/partner-activations (docs/protocol.md §2.2),
// whose provider-key attributes are JWEs opened with the webhook secret.
//
// A key it has not seen makes it read the list again: an activation made
// a moment ago is in Teamtailor's list, never in one read before it. The
// reads are serialised (one in flight; requests that miss meanwhile share
// the next one), and a key that missed is answered from that read for
// repeatMiss, so a client repeating one unknown key cannot make the
// partner read the list on every request.
type activations struct {
	base   string // Partner API base, e.g. http://127.0.0.1:8080/partner/v1
	apiKey string
	secret string
	client *http.Client

	mu       sync.Mutex // guards every field below
	cond     *sync.Cond // signalled when a read ends
	known    map[string]bool
	missed   map[string]time.Time // keys the last reads did not hold, and when
	reading  bool                 // a read is in flight
	started  uint64               // reads started
	finished uint64               // reads finished; they finish in order
	readErr  error                // why read number finished failed, or nil
}

func newActivations(base, apiKey, secret string) *activations {
	a := &activations{base: base, apiKey: apiKey, secret: secret, client: &http.Client{Timeout: 5 * time.Second},
		known: map[string]bool{}, missed: map[string]time.Time{}}
	a.cond = sync.NewCond(&a.mu)
	return a
}

// repeatMiss is how long a key that was not in the list is refused
// without reading the list again.
const repeatMiss = 100 * time.Millisecond

// maxMissed bounds the keys remembered as missed; past it they are
// forgotten, which costs at most one more read each.
const maxMissed = 1024

// maxActivationPages bounds one read of the list.
const maxActivationPages = 50

// knows reports whether key is the provider key of one of the partner's
// activations; err says why it could not tell. An unknown key is looked
// up in a read of the list that started after knows was called.
func (a *activations) knows(ctx context.Context, key string) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.known[key] {
		return true, nil
	}
	if at, ok := a.missed[key]; ok && time.Since(at) < repeatMiss {
		return false, nil
	}
	before := a.started // reads that may have begun before the key existed
	for a.finished <= before {
		if a.reading {
			a.cond.Wait()
			continue
		}
		a.read(ctx)
	}
	switch {
	case a.known[key]:
		return true, nil
	case a.readErr != nil:
		return false, a.readErr
	}
	if len(a.missed) >= maxMissed {
		clear(a.missed)
	}
	a.missed[key] = time.Now()
	return false, nil
}

// read reads the list, with a.mu held on entry and on return but not
// during the read.
func (a *activations) read(ctx context.Context) {
	a.reading = true
	a.started++
	n := a.started
	a.mu.Unlock()
	// The read serves every request waiting for it: it must not end
	// because the one that started it went away.
	known, err := a.fetch(context.WithoutCancel(ctx))
	a.mu.Lock()
	a.reading, a.finished, a.readErr = false, n, err
	if err == nil {
		a.known = known
		for k := range known {
			delete(a.missed, k)
		}
	}
	a.cond.Broadcast()
}

// fetch reads every page of the activation list.
func (a *activations) fetch(ctx context.Context) (map[string]bool, error) {
	known := map[string]bool{}
	next := a.base + "/partner-activations?page%5Bsize%5D=30" // Teamtailor pages by at most 30
	for page := 0; next != "" && page < maxActivationPages; page++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, next, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Token "+a.apiKey)
		req.Header.Set("X-Api-Version", apiVersion)
		req.Header.Set("Accept", "application/vnd.api+json")
		resp, err := a.client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("GET partner-activations: %w", err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("GET partner-activations: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET partner-activations answered %d", resp.StatusCode)
		}
		var doc struct {
			Data []struct {
				Attributes struct {
					ProviderKey string `json:"provider-key"`
				} `json:"attributes"`
			} `json:"data"`
			Links struct {
				Next string `json:"next"`
			} `json:"links"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			return nil, fmt.Errorf("GET partner-activations: %w", err)
		}
		for _, d := range doc.Data {
			if key, err := providerkey.Decrypt(a.secret, d.Attributes.ProviderKey); err == nil {
				known[strings.TrimSpace(key)] = true
			}
		}
		next = doc.Links.Next
	}
	return known, nil
}
