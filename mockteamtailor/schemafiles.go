package mockteamtailor

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/schemas"
)

// handleSchemaIndex lists the published JSON Schemas with their URLs, so a
// partner's tests in any language can fetch them from a running mock.
func (s *Server) handleSchemaIndex() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		type entry struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		}
		var list []entry
		for _, name := range schemas.Names() {
			list = append(list, entry{Name: name, URL: s.cfg.baseURL() + "/schemas/" + name + ".schema.json"})
		}
		body, _ := httpapi.EncodeJSON(map[string]any{"schemas": list})
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
}

// handleSchema serves one schema file as it is embedded.
func (s *Server) handleSchema() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		src, ok := schemas.Source(mux.Vars(r)["name"])
		if !ok {
			httpapi.WriteError(w, r, s.logger, httpapi.NotFound("there is no schema %q; GET /schemas/ lists them", mux.Vars(r)["name"]))
			return
		}
		w.Header().Set("Content-Type", "application/schema+json")
		w.Write(src)
	})
}
