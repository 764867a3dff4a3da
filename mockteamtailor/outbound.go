package mockteamtailor

import (
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/delivery"
)

// newSender is how the server calls partners: no redirects, keep-alive
// with enough idle connections for bulk runs, header blocks bounded
// (limits.go), every exchange journaled and published to live
// subscribers.
func (s *Server) newSender() *delivery.Sender {
	return &delivery.Sender{
		Client:           delivery.NewClient(s.cfg.BulkConcurrency*2, MaxPartnerHeaderBytes),
		Journal:          s.store,
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
