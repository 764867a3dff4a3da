package fuzz

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mockteamtailor/mockteamtailor/internal/orderedjson"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// maxShrinkRounds bounds the rounds of one shrink; each round keeps one
// reduction (or a batch of them), so a webhook of thousands of values
// still ends.
const maxShrinkRounds = 200

// edit is one reduction of a webhook: in parent, child is deleted
// (replace nil) or replaced.
type edit struct {
	parent, child *orderedjson.Value
	replace       *orderedjson.Value
}

// Shrinker reduces a failing webhook to the smallest one that still
// fails the same way.
type Shrinker struct {
	// Try judges each body of a batch, in order, and returns their
	// verdicts; it may run them at once.
	Try func(ctx context.Context, bodies [][]byte) []Verdict
	// Required are the webhook-data keys the partner's form requires:
	// never removed, so every body stays valid for the partner's form.
	Required []string
	// Batch is how many reductions are tried at once.
	Batch int
	// KeepJob keeps the candidate's job: a partner that does not allow
	// bulk mode gets no webhook without one (docs/protocol.md §5).
	KeepJob bool
}

// ShrinkResult is what a shrink found.
type ShrinkResult struct {
	Body   []byte
	Trials int
	Rounds int
}

// Shrink reduces body, which failed as want, round by round: each round
// lists the reductions of the current webhook (delete a key or a list
// item, empty or halve a string, 0 for a number, false for true, null
// for a value), the largest first, keeps those the webhook schema
// allows, and tries them in batches; the first of a batch that still
// fails the same way is kept, after trying the batch's failing ones all
// together. The order of reductions and trials is fixed, so for a
// partner that answers the same webhook the same way, the same body
// shrinks to the same result.
func (s Shrinker) Shrink(ctx context.Context, body []byte, want Verdict) ShrinkResult {
	out := ShrinkResult{Body: body}
	cur, err := orderedjson.Parse(body)
	if err != nil {
		return out
	}
	batch := max(s.Batch, 1)
	for out.Rounds < maxShrinkRounds && ctx.Err() == nil {
		out.Rounds++
		edits := s.reductions(cur)
		kept := false
		for start := 0; start < len(edits) && !kept && ctx.Err() == nil; start += batch {
			chunk := edits[start:min(start+batch, len(edits))]
			bodies := make([][]byte, len(chunk))
			for i, e := range chunk {
				bodies[i] = apply(cur, []edit{e}).Marshal("")
			}
			verdicts := s.Try(ctx, bodies)
			out.Trials += len(bodies)
			var failing []edit
			first := -1
			for i, v := range verdicts {
				if v.Same(want) {
					failing = append(failing, chunk[i])
					if first < 0 {
						first = i
					}
				}
			}
			if first < 0 {
				continue
			}
			next := apply(cur, []edit{chunk[first]})
			if len(failing) > 1 {
				all := apply(cur, failing)
				b := all.Marshal("")
				if valid(b) {
					out.Trials++
					if v := s.Try(ctx, [][]byte{b}); len(v) == 1 && v[0].Same(want) {
						next = all
					}
				}
			}
			cur, kept = next, true
		}
		if !kept {
			break
		}
	}
	out.Body = cur.Marshal("")
	return out
}

// reductions lists the edits of doc the webhook schema allows, the one
// saving the most bytes first (ties in document order).
func (s Shrinker) reductions(doc *orderedjson.Value) []edit {
	type scored struct {
		e     edit
		saved int
	}
	var list []scored
	size := len(doc.Marshal(""))
	add := func(e edit) {
		b := apply(doc, []edit{e}).Marshal("")
		if len(b) >= size || !valid(b) {
			return
		}
		list = append(list, scored{e, size - len(b)})
	}
	pe := doc.Get("partner-event")
	if data := pe.Get("webhook-data"); data != nil && data.Kind == orderedjson.Object {
		for _, m := range data.Members {
			if !slices.Contains(s.Required, m.Key) {
				add(edit{parent: data, child: m.Value})
			}
		}
	}
	// The event id, partner result and company are rewritten for each
	// sending: only the candidate is the partner's to parse.
	if c := pe.Get("candidate"); c != nil {
		job := c.Get("job")
		walk(c, func(parent, v *orderedjson.Value) {
			for _, e := range simpler(parent, v) {
				if s.KeepJob && v == job && (e.replace == nil || e.replace.Kind == orderedjson.Null) {
					continue
				}
				add(e)
			}
		})
	}
	slices.SortStableFunc(list, func(a, b scored) int { return b.saved - a.saved })
	out := make([]edit, len(list))
	for i, x := range list {
		out[i] = x.e
	}
	return out
}

// walk calls f for each value under v with its parent, depth first.
func walk(v *orderedjson.Value, f func(parent, v *orderedjson.Value)) {
	switch v.Kind {
	case orderedjson.Object:
		for _, m := range v.Members {
			f(v, m.Value)
			walk(m.Value, f)
		}
	case orderedjson.Array:
		for _, it := range v.Items {
			f(v, it)
			walk(it, f)
		}
	}
}

// simpler lists the reductions of v in parent.
func simpler(parent, v *orderedjson.Value) []edit {
	out := []edit{{parent: parent, child: v}} // delete it
	with := func(r *orderedjson.Value) { out = append(out, edit{parent: parent, child: v, replace: r}) }
	switch v.Kind {
	case orderedjson.String:
		if v.String != "" {
			with(str(""))
		}
		if n := utf8.RuneCountInString(v.String); n > 1 {
			with(str(string([]rune(v.String)[:n/2])))
		}
		if ascii := strings.Repeat("a", min(utf8.RuneCountInString(v.String), 8)); v.String != ascii && v.String != "" {
			with(str(ascii))
		}
	case orderedjson.Number:
		if v.Number != "0" {
			with(num("0"))
		}
		if v.Number != "1" {
			with(num("1"))
		}
	case orderedjson.Bool:
		if v.Bool {
			with(boolean(false))
		}
	case orderedjson.Object, orderedjson.Array:
		if len(v.Members)+len(v.Items) > 1 {
			empty := orderedjson.Obj()
			if v.Kind == orderedjson.Array {
				empty = arr()
			}
			with(empty)
		}
	}
	if v.Kind != orderedjson.Null {
		with(null())
	}
	return out
}

// apply returns a copy of doc with edits made; an edit whose value is no
// longer in its parent (an earlier edit removed it) is skipped.
func apply(doc *orderedjson.Value, edits []edit) *orderedjson.Value {
	copies := map[*orderedjson.Value]*orderedjson.Value{}
	root := clone(doc, copies)
	for _, e := range edits {
		p, c := copies[e.parent], copies[e.child]
		if p == nil || c == nil {
			continue
		}
		switch p.Kind {
		case orderedjson.Object:
			for i, m := range p.Members {
				if m.Value == c {
					if e.replace == nil {
						p.Members = slices.Delete(p.Members, i, i+1)
					} else {
						m.Value = e.replace
					}
					break
				}
			}
		case orderedjson.Array:
			for i, it := range p.Items {
				if it == c {
					if e.replace == nil {
						p.Items = slices.Delete(p.Items, i, i+1)
					} else {
						p.Items[i] = e.replace
					}
					break
				}
			}
		}
	}
	return root
}

// clone deep-copies v, recording each copy.
func clone(v *orderedjson.Value, copies map[*orderedjson.Value]*orderedjson.Value) *orderedjson.Value {
	c := &orderedjson.Value{Kind: v.Kind, Bool: v.Bool, Number: v.Number, String: v.String}
	copies[v] = c
	for _, m := range v.Members {
		c.Members = append(c.Members, &orderedjson.Member{Key: m.Key, Value: clone(m.Value, copies)})
	}
	for _, it := range v.Items {
		c.Items = append(c.Items, clone(it, copies))
	}
	if v.Kind == orderedjson.Object && c.Members == nil {
		c.Members = []*orderedjson.Member{}
	}
	return c
}

// valid reports a body the webhook schema allows.
func valid(body []byte) bool { return schemas.Validate("webhook", body) == nil }

// Size is what a finding's size is measured by: the bytes of the parts of
// the webhook the partner's code parses and the fuzzer generates, the
// candidate and webhook-data, written compactly.
func Size(body []byte) int {
	doc, err := orderedjson.Parse(body)
	if err != nil {
		return len(body)
	}
	pe := doc.Get("partner-event")
	n := 0
	for _, k := range []string{"candidate", "webhook-data"} {
		if v := pe.Get(k); v != nil {
			n += len(v.Marshal(""))
		}
	}
	return n
}
