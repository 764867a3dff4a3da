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
// partner, read from GET /partner/v1/partner-activations (PROTOCOL §2.2),
// whose provider-key attributes are JWEs opened with the webhook secret.
// A key it has not seen makes it read the list again, at most once per
// refreshEvery, so a flood of unknown keys cannot flood Teamtailor.
type activations struct {
	base   string // Partner API base, e.g. http://127.0.0.1:8080/partner/v1
	apiKey string
	secret string
	client *http.Client

	mu      sync.Mutex // guards known and fetched
	known   map[string]bool
	fetched time.Time
}

// refreshEvery bounds how often the activation list is read again.
const refreshEvery = time.Second

// maxActivationPages bounds one read of the list.
const maxActivationPages = 50

// knows reports whether key is the provider key of one of the partner's
// activations; err says why it could not tell.
func (a *activations) knows(ctx context.Context, key string) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.known[key] {
		return true, nil
	}
	if time.Since(a.fetched) < refreshEvery {
		return false, nil
	}
	known, err := a.fetch(ctx)
	if err != nil {
		return false, err
	}
	a.known, a.fetched = known, time.Now()
	return known[key], nil
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
