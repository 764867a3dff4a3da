package main

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/examplepartner"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// bundledPartner is the example partner serve runs in-process when no
// partner base URL is given.
type bundledPartner struct {
	partner *examplepartner.Partner
	server  *http.Server
}

// startBundledPartner runs the example partner on a free loopback port
// with p's keys and points p at it. It refuses UUID provider keys that
// are not those of p's activations in st, as the standalone example
// partner does through --teamtailor-url, but asks st directly.
func startBundledPartner(logger *slog.Logger, st *store.MemStore, p *store.Partner) (*bundledPartner, error) {
	ep, err := examplepartner.New(examplepartner.Config{APIKey: p.APIKey, WebhookSecret: p.WebhookSecret,
		Logger: logger.With("component", "examplepartner"), ProviderKeys: activationKeys(st, p.ID)})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &bundledPartner{partner: ep, server: &http.Server{Handler: ep, ReadHeaderTimeout: 10 * time.Second}}
	go b.server.Serve(ln)
	// The example partner serves its activation form at /activation. A
	// webhook setup kept by --state at the previous example partner's
	// address follows it to this one.
	newBase := "http://" + ln.Addr().String()
	if st := p.WebhookSetup; st != nil && p.Bundled && p.BaseURL != "" && strings.HasPrefix(st.URL, strings.TrimRight(p.BaseURL, "/")+"/") {
		st.URL = newBase + strings.TrimPrefix(st.URL, strings.TrimRight(p.BaseURL, "/"))
	}
	p.BaseURL, p.Bundled, p.DynamicActivationConfig = newBase, true, true
	if err := st.PutPartner(context.Background(), *p); err != nil {
		b.stop()
		return nil, err
	}
	logger.Info("running the bundled example partner", slog.String("url", p.BaseURL))
	return b, nil
}

// activationKeys reports whether a key is the provider key of one of
// partner's activations in st (docs/protocol.md §2.2: the activations hold every
// provider key Teamtailor issued to the partner).
func activationKeys(st store.Store, partner string) func(context.Context, string) (bool, error) {
	return func(ctx context.Context, key string) (bool, error) {
		acts, _, err := st.Activations(ctx, partner, store.Page{})
		if err != nil {
			return false, err
		}
		found := 0
		for _, a := range acts {
			found |= subtle.ConstantTimeCompare([]byte(a.ProviderKey), []byte(key))
		}
		return found == 1 && key != "", nil
	}
}

func (b *bundledPartner) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b.partner.Close(ctx)
	b.server.Shutdown(ctx)
}
