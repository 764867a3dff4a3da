package controlhttp

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// journalFilter reads the query of a journal listing; the admin model
// checks kind and verdict.
func journalFilter(r *http.Request) (store.JournalFilter, error) {
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
	return f, nil
}

func (a *API) handleDeliveriesList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		f, err := journalFilter(r)
		if err != nil {
			return 0, nil, err
		}
		ds, total, err := a.admin.DeliveriesTotal(r.Context(), f)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, controlapi.DeliveryList{Deliveries: ds, Total: total}, nil
	}
}

func (a *API) handleDeliveryReplay() controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var in controlapi.DeliveryReplayRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		replay := a.admin.Replay
		if in.KeepEventID != nil && !*in.KeepEventID {
			replay = a.admin.ReplayAsNewEvent
		}
		d, err := replay(r.Context(), id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, d, nil
	}
}

func (a *API) handleDeliveryCurl() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathInt(r, "id")
		if err == nil {
			var curl string
			if curl, err = a.admin.Curl(r.Context(), id); err == nil {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				io.WriteString(w, curl)
				return
			}
		}
		a.writeError(w, r, err)
	})
}

// handleDeliveryStream sends new journal entries as server-sent events
// until the client goes away.
func (a *API) handleDeliveryStream() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		// Entries after ?after= (or the Last-Event-ID of a reconnecting
		// EventSource) are sent first, so a follower misses none.
		after, err := queryInt(r, "after")
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		if id, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64); err == nil && id > after {
			after = id
		}
		ch, stop := a.admin.Subscribe()
		defer stop()
		var backlog []store.Delivery
		if after > 0 {
			if backlog, err = a.admin.Deliveries(r.Context(), store.JournalFilter{AfterID: after}); err != nil {
				a.writeError(w, r, err)
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
			case <-a.done:
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

func (a *API) handleResultsList() controlFunc {
	return func(r *http.Request) (int, any, error) {
		cand, err := queryInt(r, "candidate")
		if err != nil {
			return 0, nil, err
		}
		q := r.URL.Query()
		out, err := a.admin.Results(r.Context(), store.ResultFilter{PartnerID: q.Get("partner"), CandidateID: cand, EventID: q.Get("event"), Status: protocol.Status(q.Get("status"))})
		return http.StatusOK, controlapi.ResultList{Results: out}, err
	}
}

func (a *API) handleActionInvoke() controlFunc {
	return func(r *http.Request) (int, any, error) {
		index, err := pathInt(r, "index")
		if err != nil {
			return 0, nil, err
		}
		d, err := a.admin.InvokeAction(r.Context(), mux.Vars(r)["id"], int(index))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, d, nil
	}
}
