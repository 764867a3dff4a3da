package mockteamtailor

import (
	"context"
	"sync"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Waiting for a result (GET /mock/v1/results/{id}/wait) is a long poll:
// the request stays open until the result is final or its timeout passes,
// so a test never sleeps between reads. The store tells the waiters: every
// write of a result through the server (the Partner API's posts, the
// outcome of a webhook, a reset) passes watchedStore, which wakes the
// waiters of that result, and only them.

// resultWatch wakes the waiters of a result when it changes. A result
// has an entry only while someone waits for it.
type resultWatch struct {
	mu    sync.Mutex             // guards slots
	slots map[string]*resultSlot // by result id
}

type resultSlot struct {
	ch      chan struct{} // closed when the result changes
	waiters int
}

// watch returns a channel closed at the next change of result id, and a
// function that ends the watch (call it once, whatever happened).
func (w *resultWatch) watch(id string) (<-chan struct{}, func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.slots == nil {
		w.slots = map[string]*resultSlot{}
	}
	slot := w.slots[id]
	if slot == nil {
		slot = &resultSlot{ch: make(chan struct{})}
		w.slots[id] = slot
	}
	slot.waiters++
	var once sync.Once
	return slot.ch, func() {
		once.Do(func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			slot.waiters--
			if slot.waiters == 0 && w.slots[id] == slot {
				delete(w.slots, id)
			}
		})
	}
}

// changed wakes the waiters of result id.
func (w *resultWatch) changed(id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if slot := w.slots[id]; slot != nil {
		close(slot.ch)
		delete(w.slots, id)
	}
}

// changedAll wakes every waiter (a reset removes every result).
func (w *resultWatch) changedAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, slot := range w.slots {
		close(slot.ch)
		delete(w.slots, id)
	}
}

// watchedStore is the server's store: it tells watch about every result
// it writes. Everything else passes through.
type watchedStore struct {
	store.Store
	watch *resultWatch
}

func (st watchedStore) CreateResult(ctx context.Context, r store.PartnerResult) (store.PartnerResult, error) {
	out, err := st.Store.CreateResult(ctx, r)
	if err == nil {
		st.watch.changed(out.ID)
	}
	return out, err
}

func (st watchedStore) UpdateResult(ctx context.Context, partnerID, id string, update func(*store.PartnerResult) error) (store.PartnerResult, error) {
	out, err := st.Store.UpdateResult(ctx, partnerID, id, update)
	if err == nil {
		st.watch.changed(id)
	}
	return out, err
}

func (st watchedStore) DeleteResult(ctx context.Context, partnerID, id string) error {
	err := st.Store.DeleteResult(ctx, partnerID, id)
	if err == nil {
		st.watch.changed(id)
	}
	return err
}

func (st watchedStore) Reset(ctx context.Context) error {
	err := st.Store.Reset(ctx)
	st.watch.changedAll()
	return err
}

// unwrapStore returns the store a watchedStore wraps, for the optional
// interfaces a store may implement (such as CandidateRoom).
func unwrapStore(st store.Store) store.Store {
	if w, ok := st.(watchedStore); ok {
		return w.Store
	}
	return st
}

// WaitResult waits until the partner result id is final (completed or
// failed) or timeout passes, whichever is first, and returns it as it
// stands then, with whether it is final. It returns at once for a final
// result, not final when the server closes meanwhile, and with ctx's
// error when ctx ends first (the caller went away). A result that does not exist, or stops existing while waited
// for, is a 404 error.
func (s *Server) WaitResult(ctx context.Context, id string, timeout time.Duration) (controlapi.ResultWait, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		// Watch first, then read: a change between the two still wakes us.
		changed, stop := s.watch.watch(id)
		res, err := s.resultAnyPartner(ctx, id)
		if err != nil {
			stop()
			return controlapi.ResultWait{}, err
		}
		if res.Status.Final() {
			stop()
			return controlapi.ResultWait{Final: true, Result: controlapi.Result{PartnerResult: res, UpdateURL: s.ResultURL(res.ID)}}, nil
		}
		select {
		case <-changed:
			stop()
		case <-timer.C:
			stop()
			return controlapi.ResultWait{Final: false, Result: controlapi.Result{PartnerResult: res, UpdateURL: s.ResultURL(res.ID)}}, nil
		case <-s.bgCtx.Done():
			// The mock is closing: answer now, as at the timeout, rather
			// than hold its shutdown up.
			stop()
			return controlapi.ResultWait{Final: false, Result: controlapi.Result{PartnerResult: res, UpdateURL: s.ResultURL(res.ID)}}, nil
		case <-ctx.Done():
			stop()
			return controlapi.ResultWait{}, ctx.Err()
		}
	}
}
