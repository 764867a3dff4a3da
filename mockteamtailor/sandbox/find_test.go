package sandbox

import (
	"context"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Rule: a partner's sandbox is the first of its activations in a company
// marked sandbox, read from the store or from companies a client listed.
func TestFindTheSandbox(t *testing.T) {
	ctx := context.Background()
	companies := List{{UUID: "a"}, {UUID: "s1", Sandbox: true}, {UUID: "s2", Sandbox: true}}
	acts := []store.Activation{{ID: "1", CompanyUUID: "a"}, {ID: "2", CompanyUUID: "gone"}, {ID: "3", CompanyUUID: "s2"}, {ID: "4", CompanyUUID: "s1"}}
	a, c, ok := Find(ctx, companies, acts)
	if !ok || a.ID != "3" || c.UUID != "s2" {
		t.Errorf("Find = %+v, %+v, %v; want activation 3 in s2", a, c, ok)
	}
	if _, _, ok := Find(ctx, companies, acts[:2]); ok {
		t.Error("Find found a sandbox among activations in no sandbox company")
	}
}
