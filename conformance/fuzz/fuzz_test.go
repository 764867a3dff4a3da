package fuzz

import (
	"context"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/fixtures"
)

// readUpdate reads the partner's result posts, any bytes: it never
// panics, and a candidate-id it returns was in the body.
func FuzzReadUpdate(f *testing.F) {
	for _, s := range []string{`{"data":{"type":"partner-results","attributes":{"status":"completed","candidate-id":12}}}`,
		`{"data":{"attributes":{"candidate-id":"3000000000"}}}`, `{"data":{"attributes":{"candidate-id":1e99}}}`, `{"data":null}`, `[]`, ``, `{"data":{"attributes":{"status":7}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		readUpdate(body)
		answerFinal(body)
	})
}

// The shrinker and the namer take any webhook body a failing case could
// hold: they never panic, and a shrink of a body that fails whatever is
// sent ends with a body the webhook schema allows, no larger than it.
func FuzzShrink(f *testing.F) {
	for _, kind := range []string{fixtures.KindEvents} {
		for _, name := range fixtures.Names(kind) {
			raw, err := fixtures.Raw(kind, name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(raw)
		}
	}
	f.Add([]byte(`{"partner-event":{"candidate":{"id":1,"first-name":null}}}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 8<<10 {
			return
		}
		want := fail("answered 500", 500, "boom")
		s := Shrinker{Batch: 8, Try: func(_ context.Context, bodies [][]byte) []Verdict {
			out := make([]Verdict, len(bodies))
			for i := range out {
				out[i] = want
			}
			return out
		}}
		res := s.Shrink(context.Background(), body, want)
		if valid(body) && (!valid(res.Body) || Size(res.Body) > Size(body)) {
			t.Fatalf("shrank a valid webhook to %s", res.Body)
		}
		NameOf(want, res.Body)
		NameOf(want, body)
	})
}
