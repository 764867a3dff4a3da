package idgen

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Stored is what ContinueAfter reads of a store: every record that
// holds an id the sequence made.
type Stored interface {
	Partners(ctx context.Context) ([]store.Partner, error)
	Activations(ctx context.Context, partnerID string, page store.Page) ([]store.Activation, int, error)
	Companies(ctx context.Context) ([]store.Company, error)
	Candidates(ctx context.Context, companyUUID string, page store.Page) ([]store.CandidateRecord, int, error)
	AllResults(ctx context.Context, f store.ResultFilter) ([]store.PartnerResult, error)
	Journal(ctx context.Context, f store.JournalFilter) ([]store.Delivery, error)
}

// ContinueAfter moves a seeded ids past everything store holds, so that a
// mock restarted with --seed and --state never hands out an id, a
// partner-event id or a key twice (a result id acknowledged twice, a 409
// on create, an event id equal to a live provider key).
//
// It reads what the store holds through Stored, whatever
// keeps it on disk, and keys ids with a digest of it: the same seed and
// the same stored state give the same ids, other state other ids. An
// empty store leaves ids as they are, so a first start stays
// reproducible.
func ContinueAfter(ctx context.Context, st Stored, ids *IDs) error {
	if !ids.seeded {
		return nil // random ids need no keying
	}
	digest, err := storedDigest(ctx, st)
	if err != nil {
		return fmt.Errorf("continue ids after the stored state: %w", err)
	}
	ids.Continue(digest)
	return nil
}

// storedDigest hashes every stored thing that carries an id or a key; nil
// when the store holds nothing.
func storedDigest(ctx context.Context, st Stored) ([]byte, error) {
	partners, err := st.Partners(ctx)
	if err != nil {
		return nil, err
	}
	companies, err := st.Companies(ctx)
	if err != nil {
		return nil, err
	}
	results, err := st.AllResults(ctx, store.ResultFilter{})
	if err != nil {
		return nil, err
	}
	journal, err := st.Journal(ctx, store.JournalFilter{})
	if err != nil {
		return nil, err
	}
	_, candidates, err := st.Candidates(ctx, "", store.Page{Number: 1, Size: 1})
	if err != nil {
		return nil, err
	}
	if len(partners) == 0 && len(companies) == 0 && len(results) == 0 && len(journal) == 0 && candidates == 0 {
		return nil, nil
	}
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, v := range []any{partners, companies, candidates} {
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
	}
	for _, p := range partners {
		acts, _, err := st.Activations(ctx, p.ID, store.Page{Number: 1, Size: 1 << 30})
		if err != nil {
			return nil, err
		}
		if err := enc.Encode(acts); err != nil {
			return nil, err
		}
	}
	// Results, of which a sandbox may hold 100,000, by what identifies
	// them and their versions: encoding each whole cost a seeded start-up
	// a second.
	var b []byte
	for i := range results {
		r := &results[i]
		b = append(b[:0], r.ID...)
		b = append(b, ' ')
		b = append(b, r.PartnerID...)
		b = append(b, ' ')
		b = append(b, r.EventID...)
		b = binary.BigEndian.AppendUint64(b, uint64(r.CreatedAt.UnixNano()))
		b = binary.BigEndian.AppendUint64(b, uint64(r.UpdatedAt.UnixNano()))
		b = append(b, '\n')
		h.Write(b)
	}
	for _, d := range journal {
		fmt.Fprintf(h, "%d %s %s\n", d.ID, d.EventID, d.ResultID)
	}
	return h.Sum(nil), nil
}
