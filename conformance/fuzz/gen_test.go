package fuzz

import (
	"bytes"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// exampleForm is the example partner's /config form: a select in
// optgroups and a number 0..100 in steps of 5.
func exampleForm(t testing.TB) *protocol.Form {
	t.Helper()
	form, err := protocol.ParseFormLenient([]byte(`{"config":{"fields":[{"type":"infobox","content":"x"},
		{"id":"test","type":"select","required":true,"optgroups":[{"label":"a","options":[{"id":"algorithms","label":"A"},{"id":"data_structures","label":"D"}]}]},
		{"id":"threshold","type":"number","min":0,"max":100,"step":5}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	return &form
}

func plainData(form *protocol.Form) func(map[string]string) map[string]string {
	return func(picked map[string]string) map[string]string {
		values, _ := form.CheckValues(picked)
		return protocol.WebhookData(values)
	}
}

// Every generated webhook is valid by the webhook schema, and the same
// seed and index give the same body whatever order cases are made in.
func TestGeneratedWebhooksAreValidAndDeterministic(t *testing.T) {
	form := exampleForm(t)
	g := NewGenerator(42, form, true, plainData(form))
	features := map[string]bool{}
	for i := range 400 {
		c := g.Case(i)
		if err := schemas.Validate("webhook", c.Body); err != nil {
			t.Fatalf("case %d is not a valid webhook: %v\n%s", i, err, c.Body)
		}
		for _, f := range c.Features {
			features[f] = true
		}
	}
	for i := 399; i >= 0; i -= 37 {
		if a, b := g.Case(i), NewGenerator(42, form, true, plainData(form)).Case(i); !bytes.Equal(a.Body, b.Body) {
			t.Fatalf("case %d differs between two generators of one seed", i)
		}
	}
	if bytes.Equal(g.Case(0).Body, NewGenerator(43, form, true, plainData(form)).Case(0).Body) {
		t.Error("seeds 42 and 43 give the same case 0")
	}
	for _, want := range []string{"mode:bulk", "mode:stage", "mode:manual", "candidate/first-name:null", "candidate/first-name:rtl",
		"candidate/custom-fields:multiselect-comma", "candidate/questions/answer:long", "candidate/job-offers/salary/amount:string",
		"candidate/referrals:absent", "candidate/tags:empty", "candidate/id:large", "webhook-data/threshold:min", "webhook-data/threshold:absent"} {
		if !features[want] {
			t.Errorf("400 cases never exercised %s", want)
		}
	}
}
