package partnerapi

import (
	"net/http"
	"path"
	"testing"

	"github.com/gorilla/mux"
)

// FuzzHotUpdateID checks that routeHot takes exactly the requests the
// route table gives handleResultUpdate, with the same id: a request it
// takes matches that route in gorilla/mux with a path the router would
// not clean, and one the route matches on a clean path, it takes.
func FuzzHotUpdateID(f *testing.F) {
	for _, s := range []struct{ method, path string }{
		{"PUT", "/partner/v1/partner-results/0b3c2f1e-0000-4000-8000-000000000001"},
		{"PATCH", "/partner/v1/partner-results/12"}, {"GET", "/partner/v1/partner-results/12"},
		{"PUT", "/partner/v1/partner-results/"}, {"PUT", "/partner/v1/partner-results/a/b"},
		{"PUT", "/partner/v1/partner-results/."}, {"PUT", "/partner/v1/partner-results/.."},
		{"PUT", "/partner/v1/partner-results//x"}, {"put", "/partner/v1/partner-results/1"},
		{"PUT", "/partner/v1/partner-results/%2F"}, {"PUT", "/partner/v1/partners/1"},
	} {
		f.Add(s.method, s.path)
	}
	router := mux.NewRouter()
	router.Handle("/partner/v1/partner-results/{id}", http.NotFoundHandler()).Methods(http.MethodPut, http.MethodPatch)
	f.Fuzz(func(t *testing.T, method, p string) {
		req, err := http.NewRequest(method, "http://mock.test/", nil)
		if err != nil {
			return
		}
		req.URL.Path = p
		id, hot := hotUpdateID(req)
		var m mux.RouteMatch
		routed := router.Match(req, &m) && m.MatchErr == nil && path.Clean(p) == p
		if hot != routed {
			t.Fatalf("%s %q: routeHot takes it %v, the route table %v", method, p, hot, routed)
		}
		if hot && m.Vars["id"] != id {
			t.Fatalf("%s %q: routeHot's id %q, the route table's %q", method, p, id, m.Vars["id"])
		}
	})
}
