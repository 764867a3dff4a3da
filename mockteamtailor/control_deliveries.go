package mockteamtailor

import (
	"encoding/json"
	"fmt"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

func (s *Server) journalFilter(r *http.Request) (store.JournalFilter, error) {
	q := r.URL.Query()
	f := store.JournalFilter{Kind: q.Get("kind"), Verdict: q.Get("verdict"), PartnerID: q.Get("partner"), EventID: q.Get("event"), ResultID: q.Get("result"), BulkRunID: q.Get("bulk")}
	after, err := queryInt(r, "after")
	if err != nil {
		return f, err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return f, err
	}
	f.AfterID, f.Limit = after, int(limit)
	switch f.Kind {
	case "", store.KindConfig, store.KindActivation, store.KindValidate, store.KindWebhook, store.KindAction, store.KindPartnerAPI, publicapi.KindPublicAPI, store.KindCompanyWebhook:
	default:
		return f, httpapi.BadRequest("kind %q is not one of config, activation, validate, webhook, action, partner-api, public-api, company-webhook", f.Kind)
	}
	switch f.Verdict {
	case "", store.VerdictOK, store.VerdictFailed, store.VerdictInvalid, store.VerdictError:
	default:
		return f, httpapi.BadRequest("verdict %q is not one of ok, failed, invalid, error", f.Verdict)
	}
	return f, nil
}

func (s *Server) handleDeliveriesList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		f, err := s.journalFilter(r)
		if err != nil {
			return 0, nil, err
		}
		// total counts every matching entry the journal keeps, so a
		// client can say "showing 20 of 153".
		limit := f.Limit
		f.Limit = 0
		ds, err := s.store.Journal(r.Context(), f)
		if err != nil {
			return 0, nil, err
		}
		total := len(ds)
		if limit > 0 && len(ds) > limit {
			ds = ds[len(ds)-limit:]
		}
		return http.StatusOK, controlapi.DeliveryList{Deliveries: protocol.NonNil(ds), Total: total}, nil
	}
}

func (s *Server) delivery(r *http.Request) (store.Delivery, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return store.Delivery{}, err
	}
	d, err := s.store.JournalEntry(r.Context(), id)
	if err != nil {
		return store.Delivery{}, httpapi.NotFound("there is no delivery %d (the journal keeps the newest entries only)", id)
	}
	return d, nil
}

func (s *Server) handleDeliveryShow() controlFunc {
	return func(r *http.Request) (int, any, error) {
		d, err := s.delivery(r)
		return http.StatusOK, d, err
	}
}

func (s *Server) handleDeliveryReplay() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var in controlapi.DeliveryReplayRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		d, err := s.ReplayDelivery(r.Context(), id, in.KeepEventID == nil || *in.KeepEventID)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, d, nil
	}
}

func (s *Server) handleDeliveryCurl() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := s.delivery(r)
		if err != nil {
			writeControlError(w, r, s, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, d.Request.Curl()+"\n")
	})
}

// handleDeliveryStream sends new journal entries as server-sent events
// until the client goes away.
func (s *Server) handleDeliveryStream() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		// Entries after ?after= (or the Last-Event-ID of a reconnecting
		// EventSource) are sent first, so a follower misses none.
		after, err := queryInt(r, "after")
		if err != nil {
			writeControlError(w, r, s, err)
			return
		}
		if id, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64); err == nil && id > after {
			after = id
		}
		ch, stop := s.Subscribe()
		defer stop()
		var backlog []store.Delivery
		if after > 0 {
			if backlog, err = s.store.Journal(r.Context(), store.JournalFilter{AfterID: after}); err != nil {
				writeControlError(w, r, s, err)
				return
			}
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, ": mockteamtailor deliveries\n\n")
		last := after
		send := func(d store.Delivery) {
			if d.ID <= last {
				return
			}
			last = d.ID
			b, _ := json.Marshal(d)
			fmt.Fprintf(w, "id: %d\nevent: delivery\ndata: %s\n\n", d.ID, b)
		}
		for _, d := range backlog {
			send(d)
		}
		rc.Flush()
		keepAlive := time.NewTicker(15 * time.Second)
		defer keepAlive.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-s.bgCtx.Done():
				return
			case <-keepAlive.C:
				io.WriteString(w, ": keep-alive\n\n")
			case d, ok := <-ch:
				if !ok {
					return
				}
				send(d)
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	})
}

func (s *Server) handleResultsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		cand, err := queryInt(r, "candidate")
		if err != nil {
			return 0, nil, err
		}
		q := r.URL.Query()
		status := protocol.Status(q.Get("status"))
		if status != "" && !status.Valid() {
			return 0, nil, httpapi.BadRequest("status %q is not a result status; use one of %s", status, protocol.QuoteList(protocol.StatusNames()))
		}
		rs, err := s.store.AllResults(r.Context(), store.ResultFilter{PartnerID: q.Get("partner"), CandidateID: cand, EventID: q.Get("event"), Status: status})
		out := make([]controlapi.Result, 0, len(rs))
		for _, res := range rs {
			out = append(out, controlapi.Result{PartnerResult: res, UpdateURL: s.ResultURL(res.ID)})
		}
		return http.StatusOK, controlapi.ResultList{Results: out}, err
	}
}

func (s *Server) handleResultShowControl() controlFunc {
	return func(r *http.Request) (int, any, error) {
		res, err := s.resultAnyPartner(r.Context(), mux.Vars(r)["id"])
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, controlapi.Result{PartnerResult: res, UpdateURL: s.ResultURL(res.ID)}, nil
	}
}

func (s *Server) handleActionInvoke() controlFunc {
	return func(r *http.Request) (int, any, error) {
		index, err := pathInt(r, "index")
		if err != nil {
			return 0, nil, err
		}
		d, err := s.InvokeAction(r.Context(), mux.Vars(r)["id"], int(index))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, d, nil
	}
}
