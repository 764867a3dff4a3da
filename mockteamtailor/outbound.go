package mockteamtailor

import (
	"context"
	"errors"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/delivery"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
)

// do makes a call to a partner through package delivery, which journals
// nothing by itself: the caller judges the exchange and journals it with
// its verdict (s.sender.Journal). A partner URL no request can be made to
// is a 422 that names it.
func (s *Server) do(ctx context.Context, c delivery.Call) (*delivery.Exchange, error) {
	x, err := s.sender.Do(ctx, c)
	var bad *delivery.BadURLError
	if errors.As(err, &bad) {
		return nil, httpapi.Invalid("", "%s", bad.Error())
	}
	return x, err
}

// newSender is how the server calls partners: no redirects, keep-alive
// with enough idle connections for bulk runs, header blocks bounded
// (limits.go), every exchange journaled and published to live
// subscribers.
func (s *Server) newSender() *delivery.Sender {
	return &delivery.Sender{
		Client:           delivery.NewClient(s.cfg.BulkConcurrency*2, MaxPartnerHeaderBytes),
		Store:            s.store,
		Clock:            s.clock,
		Publish:          s.events.publish,
		UserAgent:        s.cfg.UserAgent,
		StackHost:        s.cfg.HostHeader(),
		Timeout:          s.cfg.DeliveryTimeout,
		JournalBodyLimit: s.cfg.JournalBodyLimit,
		MaxHeaderBytes:   MaxPartnerHeaderBytes,
		Logger:           s.logger,
	}
}
