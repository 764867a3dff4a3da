package fuzz

import (
	"bytes"
	"context"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/internal/orderedjson"
)

// A shrink against a partner that fails on a null first name ends at the
// smallest valid webhook with one, the same every time and whatever the
// batch size; webhook-data keys the form requires stay.
func TestShrinkIsMinimalAndDeterministic(t *testing.T) {
	form := exampleForm(t)
	g := NewGenerator(11, form, true, plainData(form))
	var body []byte
	for i := 0; body == nil; i++ {
		c := g.Case(i)
		if trips(c.Body) && Size(c.Body) > 1000 {
			body = c.Body
		}
	}
	want := fail("answered 500", 500, "undefined method strip for nil")
	var first []byte
	for _, batch := range []int{1, 7, 64, 64} {
		trials := 0
		s := Shrinker{Batch: batch, Required: []string{"test"}, Try: func(_ context.Context, bodies [][]byte) []Verdict {
			out := make([]Verdict, len(bodies))
			for i, b := range bodies {
				trials++
				if trips(b) {
					out[i] = want
				}
			}
			return out
		}}
		res := s.Shrink(context.Background(), body, want)
		doc, _ := orderedjson.Parse(res.Body)
		c := doc.Get("partner-event").Get("candidate")
		if got := string(c.Marshal("")); got != `{"id":0,"first-name":null}` {
			t.Errorf("batch %d: shrunk candidate %s, want {\"id\":0,\"first-name\":null}", batch, got)
		}
		if doc.Get("partner-event").Get("webhook-data").Get("test") == nil {
			t.Errorf("batch %d: the required webhook-data key test was removed", batch)
		}
		if !valid(res.Body) || res.Trials != trials {
			t.Errorf("batch %d: valid %v, %d trials reported, %d made", batch, valid(res.Body), res.Trials, trials)
		}
		if first == nil {
			first = res.Body
		} else if !bytes.Equal(res.Body, first) {
			t.Errorf("batch %d shrank to %s, batch 1 to %s", batch, res.Body, first)
		}
	}
}

// trips is the planted bug: a first-name key holding null.
func trips(body []byte) bool {
	doc, err := orderedjson.Parse(body)
	if err != nil {
		return false
	}
	v := doc.Get("partner-event").Get("candidate").Get("first-name")
	return v != nil && v.Kind == orderedjson.Null
}
