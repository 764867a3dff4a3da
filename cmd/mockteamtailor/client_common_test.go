package main

import (
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// The first line of a delivery says the status once, whether the reason
// repeats it with a semicolon or a colon.
func TestPrintDeliverySaysTheStatusOnce(t *testing.T) {
	for _, tc := range []struct {
		status                int
		verdict, reason, want string
	}{
		{200, "ok", "answered 200; a pending result", "webhook to partner 1: 200 ok, a pending result\n"},
		{500, "failed", "answered 500: NoMethodError: undefined method `strip' for nil", "webhook to partner 1: 500 failed, NoMethodError: undefined method `strip' for nil\n"},
		{200, "ok", "answered 200", "webhook to partner 1: 200 ok\n"},
		{404, "failed", "the partner has no such path", "webhook to partner 1: 404 failed, the partner has no such path\n"},
	} {
		var b strings.Builder
		printDelivery(&b, store.Delivery{ID: 1, Kind: "webhook", PartnerID: "1", Verdict: tc.verdict, Reason: tc.reason, Response: &store.HTTPMessage{Status: tc.status}})
		if first, _, _ := strings.Cut(b.String(), "\n"); first+"\n" != tc.want {
			t.Errorf("reason %q: first line %q, want %q", tc.reason, first+"\n", tc.want)
		}
	}
}
