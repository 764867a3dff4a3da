package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
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
// with p's keys and points p at it.
func startBundledPartner(logger *slog.Logger, store *store.MemStore, p *store.Partner) (*bundledPartner, error) {
	ep, err := examplepartner.New(examplepartner.Config{APIKey: p.APIKey, WebhookSecret: p.WebhookSecret, Logger: logger.With("component", "examplepartner")})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &bundledPartner{partner: ep, server: &http.Server{Handler: ep, ReadHeaderTimeout: 10 * time.Second}}
	go b.server.Serve(ln)
	// The example partner serves its activation form at /activation.
	p.BaseURL, p.Bundled, p.DynamicActivationConfig = "http://"+ln.Addr().String(), true, true
	if err := store.PutPartner(context.Background(), *p); err != nil {
		b.stop()
		return nil, err
	}
	logger.Info("running the bundled example partner", slog.String("url", p.BaseURL))
	return b, nil
}

func (b *bundledPartner) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b.partner.Close(ctx)
	b.server.Shutdown(ctx)
}
